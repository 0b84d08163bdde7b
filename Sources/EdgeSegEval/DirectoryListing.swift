import EdgeSegRuntime
import Foundation

// Folder look-ups for data sets. Foundation here only: the Foundation-free helpers in EdgeSegImport are
// internal to that module, and this host-only module does not ship to the Pi.

func isDirectory(_ path: String) -> Bool {
    var directory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
}

func isFile(_ path: String) -> Bool {
    var directory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && !directory.boolValue
}

/// The names in a folder, sorted, without hidden ones.
func visibleEntries(_ path: String) throws(EdgeSegError) -> [String] {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else {
        throw EdgeSegError(.io, "\(path): cannot list this folder")
    }
    return names.filter { !$0.hasPrefix(".") }.sorted()
}
