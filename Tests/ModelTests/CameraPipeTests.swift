import EdgeSegRuntime
import Foundation
import TestSupport
import Testing

/// `edgeseg camera --source -|FILE --format F --size WxH`: raw frames and concatenated JPEGs from a pipe or a file
/// through the camera pipeline, their masks against `edgeseg segment` on the same pictures, the JSON lines of
/// `--json`, and a fast writer into a slow model (drops, never held up).
@Suite struct CameraPipeTests {
    static let size = ImageSize(width: 480, height: 360)

    /// Three CamVid eval frames, as the test writes them into the pipe.
    static let pictures: Result<[RGBImage], EdgeSegError> = Result { () throws(EdgeSegError) in
        var images: [RGBImage] = []
        for path in SharedAssets.threeFrames { images.append(try loadImage(path: path)) }
        return images
    }

    /// Each format's frames piped into `camera --source -`: every segmented frame's mask (named by the JSON line's
    /// "mask") equals `segment`'s on the picture the frame holds (the raw bytes decoded: for RGB and BGR the very
    /// CamVid picture, for YUV within a few levels of it); the last frame is always segmented; the JSON lines
    /// parse and their class shares are the mask's pixel counts.
    @Test(arguments: ["i420", "nv12", "yuyv", "rgb24", "bgr24"])
    func pipedFramesGiveSegmentsMasks(format: String) throws {
        let model = try SmallModel.path
        let pictures = try Self.pictures.get()
        let frames = pictures.map { rawFrame($0, format: format) }
        let decoded = try frames.map { try rgbPicture(of: $0, format: format, size: Self.size) }
        for (picture, frame) in zip(pictures, decoded) {
            let worst = zip(picture.pixels, frame.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
            let mean = Double(zip(picture.pixels, frame.pixels).map { abs(Int($0) - Int($1)) }.reduce(0, +)) / Double(picture.pixels.count)
            if format.hasSuffix("24") { #expect(worst == 0, "\(format) changed the picture") }
            else { #expect(mean < 3, "\(format): mean difference \(mean) from the picture") }
        }
        let out = SharedAssets.scratchDirectory()
        let run = try runEdgeSeg(["camera", "--model", model, "--source", "-", "--format", format, "--size", "\(Self.size)",
                                  "--model-size", "128x96", "--save-dir", out, "--json"], feeding: frames)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("source: standard input, \(format) 480x360"), "\(run.stderr)")
        #expect(run.stderr.contains("summary: 3 frames captured"), "\(run.stderr)")

        let results = try jsonLines(run.stdout)
        #expect(!results.isEmpty && results.last?["frame"] == .int(3), "the newest frame is always segmented: \(run.stdout)")
        for result in results {
            let number = try #require(result["frame"]?.int)
            let maskPath = try #require(result["mask"]?.string, "\(result)")
            let mask = try loadLabelImage(path: maskPath)
            #expect(mask.width == 480 && mask.height == 360)
            let picture = SharedAssets.scratchDirectory() + "/picture.png"
            try savePNG(decoded[number - 1], path: picture)
            let reference = SharedAssets.scratchDirectory() + "/mask.png"
            let segment = try runEdgeSeg(["segment", "--model", model, "--input", picture, "--size", "128x96", "--output", reference])
            #expect(segment.status == 0, "\(segment.stderr)")
            #expect(try loadLabelImage(path: reference).values == mask.values, "\(format) frame \(number): the mask differs from segment's")
            expectSharesMatch(result, mask.values)
        }
    }

    /// A file of frames is a recording: every frame segmented, in order, none dropped.
    @Test func fileOfFramesSegmentsEveryFrame() throws {
        let frames = try Self.pictures.get().map { rawFrame($0, format: "i420") }
        let file = SharedAssets.scratchDirectory() + "/frames.yuv"
        try Data(frames.joined()).write(to: URL(fileURLWithPath: file))
        let run = try runEdgeSeg(["camera", "--model", try SmallModel.path, "--source", file, "--format", "i420",
                                  "--size", "\(Self.size)", "--model-size", "128x96", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try jsonLines(run.stdout).map { $0["frame"]?.int } == [1, 2, 3], "\(run.stdout)")
        #expect(run.stderr.contains("summary: 3 frames captured, 3 segmented"), "\(run.stderr)")
    }

    /// A stream that ends inside a frame: the whole frames are segmented, the piece is reported, not segmented.
    @Test func shortFinalReadIsReportedNotSegmented() throws {
        let frame = rawFrame(try Self.pictures.get()[0], format: "rgb24")
        let run = try runEdgeSeg(["camera", "--model", try SmallModel.path, "--source", "-", "--format", "rgb24",
                                  "--size", "\(Self.size)", "--model-size", "128x96"], feeding: [frame, Array(frame[0..<1000])])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("standard input ended inside a frame: 1000 of 518400 bytes, not segmented"), "\(run.stdout)")
        #expect(run.stdout.contains("summary: 1 frames captured, 1 segmented"), "\(run.stdout)")
    }

    /// A writer much faster than the model (60 frames as fast as the pipe takes them, the model at 1024x768): the
    /// reader keeps the pipe drained, so frames are dropped (newest wins) and no write waits for the model: the
    /// longest write of a 518 KB frame (eight pipe buffers) is under half the shortest capture-to-mask latency
    /// (at least one run of the model).
    @Test func fastWriterIntoSlowModelDropsFramesAndIsNeverHeldUp() throws {
        let frames = [[UInt8]](repeating: rawFrame(try Self.pictures.get()[0], format: "rgb24"), count: 60)
        let run = try runEdgeSeg(["camera", "--model", try SmallModel.path, "--source", "-", "--format", "rgb24",
                                  "--size", "\(Self.size)", "--model-size", "1024x768", "--json"], feeding: frames)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.writeSeconds.count == 60)
        let summary = try #require(run.stderr.split(separator: "\n").first { $0.hasPrefix("summary:") }, "\(run.stderr)")
        #expect(summary.contains("60 frames captured"), "\(summary)")
        let results = try jsonLines(run.stdout)
        #expect(results.count < 60 && summary.contains("newest-wins \(60 - results.count),"), "\(summary)")
        let latencies: [Double] = results.compactMap { $0["latency_ms"]?.double }
        let modelMs = try #require(latencies.min(), "\(run.stdout)")
        let longestWriteMs = (run.writeSeconds.max() ?? 0) * 1000
        let totalWriteMs = run.writeSeconds.reduce(0, +) * 1000
        print("fast writer, slow model: \(results.count) of 60 frames segmented, shortest latency \(modelMs) ms; "
              + "writes: longest \(longestWriteMs) ms, all 60 in \(totalWriteMs) ms")
        #expect(longestWriteMs < modelMs / 2, "a write waited \(longestWriteMs) ms; the model takes at least \(modelMs) ms a frame")
    }

    /// Concatenated JPEG files with one cut short (the next file's SOI comes before its EOI): the good frames are
    /// all segmented, with `segment`'s masks on the JPEG files, and the bad one is counted as an error buffer.
    @Test func mjpegStreamSkipsAndCountsTheCorruptFrame() throws {
        let names = ["ADE_val_00000001", "ADE_val_00000002", "ADE_val_00000003"].map { SharedAssets.path("assets/ade20k/images/\($0).jpg") }
        let jpegs = try names.map { [UInt8](try Data(contentsOf: URL(fileURLWithPath: $0))) }
        let stream = jpegs[0] + Array(jpegs[1][0..<(jpegs[1].count / 2)]) + jpegs[2] + jpegs[1]
        let file = SharedAssets.scratchDirectory() + "/stream.mjpeg"
        try Data(stream).write(to: URL(fileURLWithPath: file))
        let out = SharedAssets.scratchDirectory()
        let model = try SmallModel.path
        let run = try runEdgeSeg(["camera", "--model", model, "--source", file, "--format", "mjpeg", "--save-dir", out, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("bytes that are not a whole JPEG: skipped"), "\(run.stderr)")
        #expect(run.stderr.contains("summary: 3 frames captured, 3 segmented, 3 saved"), "\(run.stderr)")
        #expect(run.stderr.contains("error buffers 1;"), "\(run.stderr)")
        let results = try jsonLines(run.stdout)
        #expect(results.count == 3)
        for (result, source) in zip(results, [names[0], names[2], names[1]]) {
            let mask = try loadLabelImage(path: try #require(result["mask"]?.string))
            let reference = SharedAssets.scratchDirectory() + "/mask.png"
            let segment = try runEdgeSeg(["segment", "--model", model, "--input", source, "--output", reference])
            #expect(segment.status == 0, "\(segment.stderr)")
            #expect(try loadLabelImage(path: reference).values == mask.values, "\(source): the mask differs from segment's")
        }
    }

    /// `--json` lines: every field there, class shares in descending order that are the mask's pixel counts.
    private func expectSharesMatch(_ result: JSONValue, _ mask: [UInt8]) {
        #expect(result["name"]?.string?.hasPrefix("frame-") == true && result["captured_ns"]?.int != nil)
        #expect(result["latency_ms"]?.double != nil)
        #expect(result["size"]?["width"] == .int(480) && result["size"]?["height"] == .int(360))
        var counts = [Int](repeating: 0, count: 256)
        for label in mask { counts[Int(label)] += 1 }
        let classes = result["classes"]?.array ?? []
        #expect(classes.count == counts.filter { $0 > 0 }.count)
        var last = 1.0
        for c in classes {
            let index = c["index"]?.int ?? -1, share = c["share"]?.double ?? -1
            #expect(index >= 0 && index < 11 && c["name"]?.string?.isEmpty == false)
            #expect(abs(share - Double(counts[max(0, index)]) / Double(mask.count)) < 0.00006, "\(c)")
            #expect(share <= last)
            last = share
        }
    }
}

/// The stdout of `camera --json`: one JSON object per line.
private func jsonLines(_ text: String) throws -> [JSONValue] {
    try text.split(separator: "\n").map { line in try JSONValue.parse(String(line), source: "camera --json") }
}
