import Foundation
import TestSupport
import Testing

/// Boards/profile-instructions.sh on a program whose counts are known (Fixtures/arm/profile-check.c): each
/// function's instructions and SDOTs, and which thread ran it. The ARM speed figures in Boards/README.md come
/// from this tool, so it is checked like a kernel.
@Suite struct InstructionProfileTests {
    @Test func countsEachFunctionPerThread() throws {
        try requireTool("aarch64-linux-gnu-gcc", package: "gcc-aarch64-linux-gnu")
        try requireTool("qemu-aarch64", package: "qemu-user")
        let root = SharedAssets.projectRoot.path, dir = SharedAssets.scratchDirectory("profile-check")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let program = dir + "/profile-check"
        let build = try runProcess(["aarch64-linux-gnu-gcc", "-O2", "-static", "-march=armv8.2-a+dotprod", "-pthread", "-o", program,
                                    root + "/Tests/DeviceTests/Fixtures/arm/profile-check.c"])
        try #require(build.status == 0, "\(build.stderr)")
        let run = try runProcess([root + "/Boards/profile-instructions.sh", program], environment: ["CPU": "cortex-a76"])
        try #require(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        let n = 1_000_000
        /// "insns dots muls function" of the top-functions list.
        func function(_ name: String) -> [Int]? { lines.first { $0.last == name }.map { $0.dropLast().compactMap { Int($0) } } }
        let dwconv = try #require(function("fake_dwconv_loop")), gemm = try #require(function("fake_gemm_loop"))
        // 3 instructions per iteration, plus the function's entry and return.
        #expect(dwconv[0] >= 3 * n && dwconv[0] <= 3 * n + 8 && dwconv[1] == 0 && dwconv[2] == 0, "\(dwconv)")
        #expect(gemm[0] >= 3 * n && gemm[0] <= 3 * n + 8 && gemm[1] == n, "\(gemm)")
        // Per thread: the depthwise group on the main thread (0), linear+conv on the second (1).
        let depthwise = try #require(lines.last { $0.first == "depthwise" && $0.count == 4 }, "\(run.stdout)")
        let linear = try #require(lines.last { $0.first == "linear+conv" && $0.count == 4 }, "\(run.stdout)")
        #expect(Int(depthwise[1])! >= 3 * n && Int(depthwise[2])! == 0, "\(depthwise)")
        #expect(Int(linear[1])! == 0 && Int(linear[2])! >= 3 * n, "\(linear)")
    }
}
