import Foundation

/// Paths into `../shared` (read-only test data beside the project) and a scratch folder per test.
public enum SharedAssets {
    public static let projectRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    public static let root: URL = projectRoot.deletingLastPathComponent().appendingPathComponent("shared")

    public static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    public static var camvidModel: String { path("assets/models/segformer-b0-camvid") }
    public static var adeLayoutModel: String { path("assets/models/segformer-b0-ade-layout-random") }
    public static var reference: String { path("reference") }

    /// A fresh empty directory under the system temp folder.
    public static func scratchDirectory(_ name: String = #function) -> String {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("edgeseg-tests-\(safe)-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.path
    }

    /// Three CamVid eval frames (360x480) for session and allocation tests.
    public static let threeFrames = ["0001TP_008550", "0001TP_008580", "0001TP_008610"].map {
        path("assets/camvid/eval/images/\($0).png")
    }

    /// A labeled folder of the first `count` CamVid eval frames (symbolic links), in a fresh scratch directory.
    public static func smallEvalFolder(_ count: Int, name: String = #function) throws -> String {
        let dir = scratchDirectory(name)
        let source = path("assets/camvid/eval")
        let fm = FileManager.default
        for sub in ["images", "labels"] { try fm.createDirectory(atPath: dir + "/" + sub, withIntermediateDirectories: true) }
        for file in try fm.contentsOfDirectory(atPath: source + "/images").sorted().prefix(count) {
            for sub in ["images", "labels"] {
                try fm.createSymbolicLink(atPath: "\(dir)/\(sub)/\(file)", withDestinationPath: "\(source)/\(sub)/\(file)")
            }
        }
        return dir
    }
}
