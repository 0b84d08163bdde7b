import EdgeSegRuntime
import Foundation
import TestSupport
import Testing

/// The C API (edgeseg.h, libedgeseg) from a C program (Fixtures/c-api/segment_frame.c): on x86 against the
/// SwiftPM-built libedgeseg-shared.so, on aarch64 statically against Boards/build-pi.sh's libedgeseg.a under qemu
/// as a Pi 4. Each frame format's class map is `segment`'s on the picture the frame holds, the shares printed
/// are the map's, a frame allocates nothing (allocation_counter.c linked into the program; a new frame size
/// does allocate, so the counter counts), and the error paths give their codes and messages.
@Suite struct CAPITests {
    static let frameSize = ImageSize(width: 480, height: 360)
    static let source = SharedAssets.projectRoot.path + "/Tests/DeviceTests/Fixtures/c-api/segment_frame.c"
    static let counter = SharedAssets.projectRoot.path + "/Tests/AllocationCounter"

    /// The program built for this machine against the shared library beside the test bundle.
    static let x86Program: Result<String, any Error> = Result { () throws -> String in
        let libraries = URL(fileURLWithPath: edgeSegExecutable()).deletingLastPathComponent().path
        let program = SharedAssets.scratchDirectory("capi-x86") + "/segment_frame"
        let cc = try? runProcess(["cc", "-O2", "-o", program, "-I", SharedAssets.projectRoot.path + "/Sources/EdgeSegLibrary",
                                  "-I", counter + "/include", source, counter + "/allocation_counter.c",
                                  "-L", libraries, "-ledgeseg-shared", "-Wl,-rpath," + libraries, "-lpthread", "-ldl"])
        guard let cc, cc.status == 0 else {
            throw AArch64Build.Failure(description: "cc segment_frame.c against \(libraries)/libedgeseg-shared.so failed: \(cc?.stderr ?? "")")
        }
        return program
    }

    /// The program built for aarch64 against libedgeseg.a (glibc linked dynamically, so that the allocation counter's
    /// malloc interposes it as on x86; qemu finds the cross glibc in /usr/aarch64-linux-gnu).
    static let aarch64Program: Result<String, any Error> = Result { () throws -> String in
        let out = URL(fileURLWithPath: try AArch64Build.binary()).deletingLastPathComponent().path
        let sysroot = try AArch64Build.sysroot()
        let program = SharedAssets.scratchDirectory("capi-arm") + "/segment_frame"
        let cc = try? runProcess(["aarch64-linux-gnu-gcc", "-O2", "-o", program, "-I", out, "-I", counter + "/include",
                                  source, counter + "/allocation_counter.c", out + "/libedgeseg.a",
                                  "-L", sysroot + "/usr/lib/aarch64-linux-gnu", "-Wl,-Bstatic", "-lpng16", "-ljpeg", "-lz",
                                  "-Wl,-Bdynamic", "-lm", "-lpthread"])
        guard let cc, cc.status == 0 else {
            throw AArch64Build.Failure(description: "aarch64-linux-gnu-gcc segment_frame.c with libedgeseg.a failed: \(cc?.stderr ?? "")")
        }
        return program
    }

    @Test(arguments: ["rgb24", "bgr24", "i420", "nv12"])
    func x86ClassMapsAreSegmentsWithoutAllocating(format: String) throws {
        let program = try Self.x86Program.get()
        try check(format: format) { arguments in try runProcess([program] + arguments) }
    }

    @Test(arguments: ["rgb24", "i420"])
    func aarch64ClassMapsAreSegmentsWithoutAllocating(format: String) throws {
        let program = try Self.aarch64Program.get()
        try requireTool("qemu-aarch64-static", package: "qemu-user-static")
        try check(format: format) { arguments in
            try runProcess(["qemu-aarch64-static", "-L", "/usr/aarch64-linux-gnu", "-cpu", "cortex-a72", program] + arguments)
        }
    }

    /// Runs the program on the first CamVid eval frame in `format` (the model at 128x96, the map at the frame's
    /// size) and checks its map, shares, allocation counts and error paths.
    private func check(format: String, run: ([String]) throws -> ProcessResult) throws {
        let model = try SmallModel.path
        let picture = try loadImage(path: SharedAssets.threeFrames[0])
        let frame = rawFrame(picture, format: format)
        let dir = SharedAssets.scratchDirectory()
        try Data(frame).write(to: URL(fileURLWithPath: dir + "/frame.raw"))
        let result = try run([model, dir + "/frame.raw", format, "\(Self.frameSize)", dir + "/map.raw", "128x96", "2"])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("allocations in 20 frames: 0\n"), "\(result.stdout)")
        let newSize = result.stdout.split(separator: "\n").first { $0.hasPrefix("allocations for a new frame size: ") }
        #expect((newSize.flatMap { Int($0.split(separator: " ").last!) } ?? 0) > 0, "\(result.stdout)")
        #expect(result.stdout.contains("missing model: /nonexistent/model.edgeseg: "), "\(result.stdout)")

        let map = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/map.raw")))
        try savePNG(try rgbPicture(of: frame, format: format, size: Self.frameSize), path: dir + "/picture.png")
        let segment = try runEdgeSeg(["segment", "--model", model, "--input", dir + "/picture.png", "--size", "128x96",
                                      "--output", dir + "/mask.png"])
        #expect(segment.status == 0, "\(segment.stderr)")
        #expect(map == (try loadLabelImage(path: dir + "/mask.png")).values, "\(format): the C API's class map differs from segment's")

        var counts = [Int](repeating: 0, count: 11)
        for label in map { counts[Int(label)] += 1 }
        let names = ["sky", "building", "pole", "road", "pavement", "tree", "signsymbol", "fence", "car", "pedestrian", "bicyclist"]
        for (index, name) in names.enumerated() {
            let share = Double(counts[index]) / Double(map.count)
            let line = result.stdout.split(separator: "\n").first { $0.hasPrefix("class \(index) \(name) ") }
            let printed = line.flatMap { Double($0.split(separator: " ").last!) }
            #expect(printed.map { abs($0 - share) < 1e-5 } == true, "class \(index) \(name): \(String(describing: line)), the map has \(share)")
        }
    }
}
