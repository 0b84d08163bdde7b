import EdgeSegEval
import EdgeSegRuntime
import Foundation

/// How many images the HTML report shows: the least agreeing, then typical ones.
let reportExamples = (worst: 5, typical: 3)

/// Writes report.json, report.md and report.html into `folder` (created if needed).
func writeReportFiles(_ report: EvalReport, to folder: String) throws(EdgeSegError) {
    try createDirectory(folder)
    try writeFileAtomically(folder + "/report.json", Array(report.json.utf8))
    try writeFileAtomically(folder + "/report.md", Array(report.markdown.utf8))
    try writeFileAtomically(folder + "/report.html", Array(try report.html().utf8))
}

func createDirectory(_ path: String) throws(EdgeSegError) {
    do {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
        throw EdgeSegError(.io, "\(path): cannot create the folder: \(error.localizedDescription)")
    }
}
