import Foundation
import TestSupport
import Testing

/// The runtime ships to the Pi as Embedded Swift: it must keep compiling for aarch64 with no Foundation,
/// no `any Error` and no reflection. This compiles the whole EdgeSegRuntime module that way.
@Suite struct EmbeddedBuildTests {
    @Test func runtimeCompilesWithEmbeddedSwiftForAarch64() throws {
        let root = SharedAssets.projectRoot.path
        let sources = try FileManager.default.subpathsOfDirectory(atPath: root + "/Sources/EdgeSegRuntime")
            .filter { $0.hasSuffix(".swift") }.sorted().map { root + "/Sources/EdgeSegRuntime/" + $0 }
        let object = FileManager.default.temporaryDirectory.appendingPathComponent("edgeseg-runtime-\(UUID().uuidString).o").path
        defer { try? FileManager.default.removeItem(atPath: object) }
        let result = try runProcess(
            ["swiftc", "-target", "aarch64-none-none-elf", "-enable-experimental-feature", "Embedded",
             "-wmo", "-parse-as-library", "-Osize", "-module-name", "EdgeSegRuntime",
             "-Xcc", "-I/usr/aarch64-linux-gnu/include", "-I", root + "/Sources/CEdgeSeg/include",
             "-c", "-o", object] + sources)
        #expect(result.status == 0, "Embedded Swift build of EdgeSegRuntime failed:\n\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: object))
    }
}
