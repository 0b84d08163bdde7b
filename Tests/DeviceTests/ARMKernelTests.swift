import Foundation
import TestSupport
import Testing

/// The aarch64 int8 kernels on an x86 machine: Fixtures/arm/int8-kernel-check.c and the int8 kernels' C sources
/// are cross-compiled (aarch64-linux-gnu-gcc -O3 -static) and run under qemu-user as a
/// Raspberry Pi 4 (Cortex-A72: NEON) and a Pi 5 (Cortex-A76: NEON + dot product). The checker compares every
/// table entry of every ISA the emulated CPU offers with the scalar reference, bit for bit. A missing tool
/// fails the test: CI installs gcc-aarch64-linux-gnu, libc6-dev-arm64-cross and qemu-user-static (.ci/run).
@Suite struct ARMKernelTests {
    static let compiler = "aarch64-linux-gnu-gcc"
    static let emulator = "qemu-aarch64-static"

    /// The full path of `tool` on PATH, or nil.
    static func findTool(_ tool: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(tool)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The C files the checker needs: every int8 kernel and the dispatcher (the x86 ones compile to nothing on
    /// aarch64), so a new table entry or NEON kernel is checked without editing this list.
    static func sources() throws -> [String] {
        let int8 = SharedAssets.projectRoot.path + "/Sources/CEdgeSeg/kernels/int8"
        return try [int8, int8 + "/dispatch"].flatMap { dir in
            try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".c") }.sorted().map { dir + "/" + $0 }
        }
    }

    /// Builds the checker into a temporary directory, hands `body` its path and the emulator's, then removes
    /// the directory. Records an issue (and skips `body`) if a tool is missing or the build fails.
    static func withChecker(sourceLocation: SourceLocation = #_sourceLocation,
                            _ body: (_ checker: String, _ qemu: String) throws -> Void) throws {
        guard let gcc = findTool(compiler), let qemu = findTool(emulator) else {
            Issue.record("\(compiler) or \(emulator) is not on PATH: install gcc-aarch64-linux-gnu, libc6-dev-arm64-cross and qemu-user-static",
                         sourceLocation: sourceLocation)
            return
        }
        let dir = SharedAssets.scratchDirectory("arm-kernels")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let root = SharedAssets.projectRoot.path
        let checker = dir + "/int8-kernel-check"
        let build = try runProcess(
            [gcc, "-std=c99", "-O3", "-static", "-I", root + "/Sources/CEdgeSeg/include",
             "-I", root + "/Sources/CEdgeSeg/kernels/int8", "-o", checker,
             root + "/Tests/DeviceTests/Fixtures/arm/int8-kernel-check.c"] + sources() + ["-lm"])
        guard build.status == 0 else {
            Issue.record("\(compiler) failed:\n\(build.stderr)", sourceLocation: sourceLocation)
            return
        }
        try body(checker, qemu)
    }

    static func lines(_ text: String) -> [String] { text.split(separator: "\n").map(String.init) }

    /// How many cases the checker reports for `isa`, or nil if it has no such line.
    static func passed(_ isa: String, in stdout: String) -> Int? {
        lines(stdout).compactMap { line -> Int? in
            let words = line.split(separator: " ")
            guard words.count == 4, words[0] == "\(isa):", words[2] == "cases", words[3] == "passed" else { return nil }
            return Int(words[1])
        }.first
    }

    @Test func neonAndDotProductKernelsMatchScalarUnderQemu() throws {
        try Self.withChecker { checker, qemu in
            let automatic = ["EDGESEG_ISA": ""]  // empty = unset: the dispatcher's own choice
            // Pi 4: no dot product, so the dispatcher picks neon and only neon is checked.
            let a72 = try runProcess([qemu, "-cpu", "cortex-a72", checker], environment: automatic)
            #expect(a72.status == 0, "cortex-a72: \(a72.stdout.suffix(600)) \(a72.stderr)")
            #expect(Self.lines(a72.stdout).first == "selected: neon", "cortex-a72: \(a72.stdout.prefix(300))")
            #expect((Self.passed("neon", in: a72.stdout) ?? 0) > 1000, "cortex-a72: \(a72.stdout.suffix(600))")
            #expect(Self.passed("neondot", in: a72.stdout) == nil, "cortex-a72 ran SDOT kernels: \(a72.stdout)")
            // Pi 5: the dispatcher picks neondot; both tables are checked.
            let a76 = try runProcess([qemu, "-cpu", "cortex-a76", checker], environment: automatic)
            #expect(a76.status == 0, "cortex-a76: \(a76.stdout.suffix(600)) \(a76.stderr)")
            #expect(Self.lines(a76.stdout).first == "selected: neondot", "cortex-a76: \(a76.stdout.prefix(300))")
            for isa in ["neon", "neondot"] {
                #expect((Self.passed(isa, in: a76.stdout) ?? 0) > 1000, "cortex-a76 \(isa): \(a76.stdout.suffix(600))")
            }
        }
    }

    /// EDGESEG_ISA on ARM: a supported choice is taken silently; one the CPU lacks (neondot on a Pi 4) or of
    /// the other architecture (avx2) falls back to the best ISA, and an unknown name to scalar, each with one
    /// line on stderr.
    @Test func edgesegISAOverridesAndFallsBackOnARM() throws {
        try Self.withChecker { checker, qemu in
            let lacks = "this CPU or build lacks it; using"
            let cases: [(cpu: String, requested: String, selected: String, message: String?)] = [
                ("cortex-a76", "neon", "neon", nil),
                ("cortex-a76", "scalar", "scalar", nil),
                ("cortex-a72", "neondot", "neon", "EDGESEG_ISA=neondot: \(lacks) neon"),
                ("cortex-a76", "avx2", "neondot", "EDGESEG_ISA=avx2: \(lacks) neondot"),
                ("cortex-a72", "sse9", "scalar", "EDGESEG_ISA=sse9 is not one of scalar, "),
            ]
            for c in cases {
                let run = try runProcess([qemu, "-cpu", c.cpu, checker, "select"], environment: ["EDGESEG_ISA": c.requested])
                let what = "\(c.cpu) EDGESEG_ISA=\(c.requested)"
                #expect(run.status == 0, "\(what): \(run.stderr)")
                #expect(Self.lines(run.stdout) == ["selected: \(c.selected)"], "\(what): \(run.stdout)")
                if let message = c.message {
                    let line = Self.lines(run.stderr)
                    #expect(line.count == 1 && line[0].hasPrefix("edgeseg: " + message), "\(what): \(run.stderr)")
                    if c.selected == "scalar" {  // the list of accepted names names both architectures' ISAs
                        #expect([", avx2", ", neon,", ", neondot", "; using scalar"].allSatisfy(run.stderr.contains), "\(what): \(run.stderr)")
                    }
                } else {
                    #expect(run.stderr.isEmpty, "\(what): \(run.stderr)")
                }
            }
        }
    }
}
