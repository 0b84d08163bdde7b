import Foundation
import Testing

/// `edgeseg demo`: calibrate, quantize, compare and report in one command.
@Suite struct DemoCommandTests {
    @Test func demoWritesModelScalesAndReport() throws {
        let dir = SharedAssets.scratchDirectory()
        let fm = FileManager.default
        let camvid = SharedAssets.path("assets/camvid")
        for sub in ["calib", "eval/images", "eval/labels"] { try fm.createDirectory(atPath: dir + "/" + sub, withIntermediateDirectories: true) }
        for file in try fm.contentsOfDirectory(atPath: camvid + "/calib").sorted().prefix(2) {
            try fm.copyItem(atPath: "\(camvid)/calib/\(file)", toPath: "\(dir)/calib/\(file)")
        }
        for file in try fm.contentsOfDirectory(atPath: camvid + "/eval/images").sorted().prefix(2) {
            for sub in ["images", "labels"] { try fm.copyItem(atPath: "\(camvid)/eval/\(sub)/\(file)", toPath: "\(dir)/eval/\(sub)/\(file)") }
        }
        let output = dir + "/out"
        let run = try runEdgeSeg(["demo", "--model", SharedAssets.camvidModel, "--calib", dir + "/calib", "--data", dir + "/eval",
                                  "--size", "64x96", "--output", output])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("report: \(output)/report.html"), "\(run.stdout)")
        #expect(run.stdout.contains("| mIoU |"), "\(run.stdout)")
        for file in ["model.edgeseg", "scales.json", "report.json", "report.md", "report.html"] {
            #expect(fm.fileExists(atPath: output + "/" + file), "\(file)")
        }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output + "/report.json"))) as? [String: Any]
        for precision in ["float", "int8"] {
            let scores = json?[precision] as? [String: Any]
            for key in ["miou", "pixel_accuracy"] {
                let value = scores?[key] as? Double
                #expect(value.map { $0 >= 0 && $0 <= 100 } == true, "\(precision).\(key): \(String(describing: value))")
            }
        }
        let agreement = json?["agreement"] as? Double
        #expect(agreement.map { $0 > 50 && $0 <= 100 } == true, "agreement \(String(describing: agreement))")
        #expect(json?["sqnr_db"] is Double)
        #expect(json?["images"] as? Int == 2)
    }

    /// Run where the default assets are not: the error says which option to give.
    @Test func missingDefaultNamesTheOption() throws {
        // One level down in a fresh folder: ../shared is then inside it, and missing.
        let dir = SharedAssets.scratchDirectory() + "/project"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let run = try runProcess(["-C", dir, edgeSegExecutable(), "demo"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("--model"), "\(run.stderr)")
    }
}
