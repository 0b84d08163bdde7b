import Foundation
import TestSupport

/// The device binary for the Pi (`edgeseg-aarch64`), cross-built by Boards/build-pi.sh at most once per test
/// process, and a way to run it under qemu-user as a given ARM core. Tests of the aarch64 build and the camera
/// VM tests share it. A missing tool or sysroot fails the test with what to install; nothing is skipped.
enum AArch64Build {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The path of the built binary (in a temp folder); the build's error if it failed.
    static func binary() throws -> String { try built.get() }

    /// The arm64 sysroot with static libpng, zlib, libjpeg and libv4l2: $SYSROOT, else `../shared/vm/vm.sh sysroot`.
    static func sysroot() throws -> String {
        if let path = ProcessInfo.processInfo.environment["SYSROOT"], !path.isEmpty { return path }
        let vm = SharedAssets.path("vm/vm.sh")
        let result = try runProcess([vm, "sysroot"])
        let path = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard result.status == 0, !path.isEmpty else { throw Failure(description: "\(vm) sysroot failed: \(result.stderr)") }
        guard FileManager.default.fileExists(atPath: path + "/usr/lib/aarch64-linux-gnu/libpng16.a") else {
            throw Failure(description: "no arm64 sysroot at \(path): run ../shared/vm/vm.sh deps, download and build first (.ci/run does)")
        }
        return path
    }

    /// Runs the binary under `qemu-aarch64-static -cpu CPU` (cortex-a72: Pi 4, cortex-a76: Pi 5, cortex-a53: Zero 2 W).
    static func run(cpu: String, _ arguments: [String], environment: [String: String] = [:]) throws -> ProcessResult {
        try requireTool("qemu-aarch64-static", package: "qemu-user-static")
        return try runProcess(["qemu-aarch64-static", "-cpu", cpu, try binary()] + arguments, environment: environment)
    }

    private static let built: Result<String, Failure> = Result { () throws(Failure) -> String in
        do {
            try requireTool("aarch64-linux-gnu-gcc", package: "gcc-aarch64-linux-gnu libc6-dev-arm64-cross")
            let sysroot = try sysroot()
            let out = SharedAssets.scratchDirectory("aarch64build")
            let script = SharedAssets.projectRoot.path + "/Boards/build-pi.sh"
            let result = try runProcess([script, "--out", out], environment: ["SYSROOT": sysroot])
            let path = out + "/edgeseg-aarch64"
            guard result.status == 0, FileManager.default.isExecutableFile(atPath: path) else {
                throw Failure(description: "Boards/build-pi.sh failed (status \(result.status)):\n\(result.stderr.suffix(4000))")
            }
            return path
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "building edgeseg-aarch64: \(error)")
        }
    }
}
