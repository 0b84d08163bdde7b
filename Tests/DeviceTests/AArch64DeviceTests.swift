import EdgeSegRuntime
import Foundation
import TestSupport
import Testing

/// The Pi binary, cross-built and run under qemu-user as a Pi 4 (Cortex-A72) and a Pi 5 (Cortex-A76): its masks,
/// overlays and int8 logits are byte-identical to the x86 `edgeseg segment`, and each core selects its kernels.
@Suite struct AArch64DeviceTests {
    static let images = ["0001TP_008550.png", "0001TP_010350.png", "Seq05VD_f00540.png"]
        .map { SharedAssets.path("assets/camvid/eval/images/" + $0) }
    /// Small, to keep emulated time down; not a multiple of 32, so padding and edge paths run too.
    static let size = "160x128"

    /// The one `segment` command line both front ends run, writing into `dir`.
    static func segmentArguments(_ image: String, into dir: String) throws -> [String] {
        let stem = URL(fileURLWithPath: image).deletingPathExtension().lastPathComponent
        return ["segment", "--model", try SmallModel.path, "--input", image, "--size", size, "--threads", "4",
                "--output", "\(dir)/\(stem).mask.png", "--overlay", "\(dir)/\(stem).overlay.png", "--logits", "\(dir)/\(stem).logits"]
    }

    /// The x86 run of the host CLI, once: per image its mask, overlay and logits file, and what it printed.
    static let x86Run: Result<(dir: String, stdout: [String]), AArch64Build.Failure> = Result { () throws(AArch64Build.Failure) in
        do {
            let dir = SharedAssets.scratchDirectory("x86run")
            var printed: [String] = []
            for image in images {
                let run = try runEdgeSeg(try segmentArguments(image, into: dir))
                guard run.status == 0 else { throw AArch64Build.Failure(description: "x86 edgeseg segment failed: \(run.stderr)") }
                printed.append(run.stdout.replacingOccurrences(of: dir, with: "DIR"))
            }
            return (dir, printed)
        } catch let failure as AArch64Build.Failure {
            throw failure
        } catch {
            throw AArch64Build.Failure(description: "x86 reference run: \(error)")
        }
    }

    /// The same command line as on x86, 4 worker threads: the same files, byte for byte, and the same lines.
    @Test(arguments: ["cortex-a72", "cortex-a76"])
    func segmentIsByteIdenticalToX86(cpu: String) throws {
        let reference = try Self.x86Run.get()
        let dir = SharedAssets.scratchDirectory("aarch64-\(cpu)")
        for (i, image) in Self.images.enumerated() {
            let run = try AArch64Build.run(cpu: cpu, try Self.segmentArguments(image, into: dir))
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.replacingOccurrences(of: dir, with: "DIR") == reference.stdout[i], "\(run.stdout)")
            let stem = URL(fileURLWithPath: image).deletingPathExtension().lastPathComponent
            for suffix in ["mask.png", "overlay.png", "logits"] {
                let arm = FileManager.default.contents(atPath: "\(dir)/\(stem).\(suffix)")
                #expect(arm != nil && arm == FileManager.default.contents(atPath: "\(reference.dir)/\(stem).\(suffix)"),
                        "\(cpu) \(stem).\(suffix) differs from x86")
            }
            // One record at 1/4 of the input size: the comparison is of real logits, not of two empty files.
            let records = try LogitsRecord.decode([UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(dir)/\(stem).logits"))),
                                                  source: "\(stem).logits")
            #expect(records.map { "\($0.logits.height)x\($0.logits.width)x\($0.logits.channels)" } == ["32x40x11"])
            #expect(records.allSatisfy { $0.scale > 0 && Set($0.logits.data).count > 10 })
        }
    }

    /// Pi 4's core has NEON without the dot product, Pi 5's has both (as `info` prints them), Zero 2 W's like Pi 4.
    @Test(arguments: [("cortex-a72", "pi4", "neon"), ("cortex-a76", "pi5", "neondot"), ("cortex-a53", "pizero2w", "neon")])
    func infoShowsTheKernelsEachCoreSelects(cpu: String, board: String, isa: String) throws {
        let run = try AArch64Build.run(cpu: cpu, ["info", "--model", try SmallModel.path, "--board", board])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("isa:        \(isa)"), "\(cpu): \(run.stdout)")
        #expect(lines.contains("expected:   isa \(isa)"), "\(cpu) does not run what board \(board) expects: \(run.stdout)")
        #expect(lines.contains("classes:    11: sky, building, pole, road, pavement, tree, signsymbol, fence, car, pedestrian, bicyclist"))
    }

    /// The binary is one static executable: nothing to install on the Pi.
    @Test func binaryIsStaticAarch64() throws {
        let header = try Data(contentsOf: URL(fileURLWithPath: try AArch64Build.binary())).prefix(64)
        #expect(header.prefix(4) == Data([0x7F, 0x45, 0x4C, 0x46]))   // ELF
        #expect(header[18] == 0xB7 && header[19] == 0)                    // e_machine EM_AARCH64
        let interpreter = try runProcess(["sh", "-c", "aarch64-linux-gnu-readelf -l '\(try AArch64Build.binary())' | grep -c INTERP || true"])
        #expect(interpreter.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "needs a dynamic loader")
    }

    /// A fatal signal in the Pi binary (qemu-user hands a signal sent to it to the guest): the one-line reason,
    /// naming the command and the file, then death by that signal.
    @Test func aFatalSignalNamesTheCommandAndTheFile() throws {
        try requireTool("qemu-aarch64-static", package: "qemu-user-static")
        let qemu = try runProcess(["sh", "-c", "command -v qemu-aarch64-static"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try expectFatalSignalLine(launch: [qemu, "-cpu", "cortex-a72", try AArch64Build.binary()])
    }
}
