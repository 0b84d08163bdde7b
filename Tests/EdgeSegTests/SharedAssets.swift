import Foundation

/// Paths into `../shared` (read-only test data beside the project) and a scratch folder per test.
enum SharedAssets {
    static let projectRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let root: URL = projectRoot.deletingLastPathComponent().appendingPathComponent("shared")

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    static var camvidModel: String { path("assets/models/segformer-b0-camvid") }
    static var adeLayoutModel: String { path("assets/models/segformer-b0-ade-layout-random") }
    static var reference: String { path("reference") }

    /// A fresh empty directory under the system temp folder.
    static func scratchDirectory(_ name: String = #function) -> String {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("edgeseg-tests-\(safe)-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.path
    }
}
