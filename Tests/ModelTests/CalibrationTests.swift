import EdgeSegImport
import EdgeSegQuantize
import EdgeSegRuntime
import Foundation
import TestSupport
import Testing

/// Calibration end to end on CamVid frames: every activation point gets sane scales, bad files are skipped
/// and counted, scales.json round-trips and is validated, and memory does not grow with the image count.
@Suite struct CalibrationTests {
    static let calibFolder = SharedAssets.path("assets/camvid/calib")

    /// A scratch folder linking the first `count` calibration frames (cycling through them if more are
    /// asked than there are), plus `extra` files written as given.
    static func imageFolder(_ count: Int, extra: [String: String] = [:], name: String = #function) throws -> String {
        let dir = SharedAssets.scratchDirectory(name)
        let frames = try FileManager.default.contentsOfDirectory(atPath: calibFolder).filter { $0.hasSuffix(".png") }.sorted()
        for i in 0..<count {
            let frame = frames[i % frames.count]
            try FileManager.default.createSymbolicLink(atPath: "\(dir)/\(i / frames.count)-\(frame)",
                                                       withDestinationPath: "\(calibFolder)/\(frame)")
        }
        for (file, text) in extra { try Data(text.utf8).write(to: URL(fileURLWithPath: "\(dir)/\(file)")) }
        return dir
    }

    @Test func fourFramesGiveSaneScalesForEveryPointAndACorruptImageIsSkipped() throws {
        let dir = try Self.imageFolder(4, extra: ["broken.png": "not a png", "notes.txt": "ignored"])
        nonisolated(unsafe) var events: [CalibrationEvent] = []
        let result = try calibrate(modelDirectory: SharedAssets.camvidModel, imagesDirectory: dir, method: .percentile(99.99),
                                   size: ImageSize(width: 160, height: 128)) { events.append($0) }

        let config = try loadHuggingFaceCheckpoint(directory: SharedAssets.camvidModel).config
        #expect(result.names == ActivationPoint.all(config))
        #expect(result.imageCount == 4 && result.skippedCount == 1)
        #expect(result.size == ImageSize(width: 160, height: 128))
        #expect(events.count == 6)  // started, 4 done, 1 skipped
        if case .started(let total) = events.first { #expect(total == 5) } else { Issue.record("no .started event") }
        let skipped = events.compactMap { if case .imageSkipped(_, _, let path, let reason) = $0 { (path, reason) } else { nil } }
        #expect(skipped.count == 1 && skipped.first?.0.hasSuffix("broken.png") == true && skipped.first?.1.isEmpty == false)

        for name in result.names {
            let t = try #require(result[name])
            #expect(t.observedMin < t.observedMax, "\(name)")
            #expect(t.observedMin <= t.min && t.min <= t.max && t.max <= t.observedMax, "\(name)")
            #expect(t.max - t.min >= 0.5 * (t.observedMax - t.observedMin), "\(name): 99.99 % clipped more than half the range")
            #expect(t.parameters.scale > 0 && t.parameters.scale < 1, "\(name): scale \(t.parameters.scale)")
            #expect((-128...127).contains(t.parameters.zeroPoint), "\(name)")
        }
        // The input is normalised pixels: within what 0 and 255 map to.
        let input = try #require(result["input"])
        #expect(input.observedMin >= (0 - 0.485) / 0.229 - 1e-4 && input.observedMax <= (1 - 0.406) / 0.225 + 1e-4)
        // After ReLU nothing is negative, so the zero point sits at the bottom of the int8 range.
        let fused = try #require(result["decoder.fused"])
        #expect(fused.observedMin >= 0 && fused.parameters.zeroPoint == -128)
    }

    @Test func scalesFileRoundTripsAndIsValidated() throws {
        let config = try loadHuggingFaceCheckpoint(directory: SharedAssets.camvidModel).config
        let names = ActivationPoint.all(config)
        var tensors: [String: TensorCalibration] = [:]
        for (i, name) in names.enumerated() {
            let lo = -Float(i) / 7, hi = Float(i + 1) / 3
            tensors[name] = TensorCalibration(observedMin: lo - 1, observedMax: hi + 1, min: lo, max: hi,
                                              parameters: QuantizationParameters(min: Double(lo), max: Double(hi)))
        }
        let result = CalibrationResult(model: "some \"quoted\" dir", method: .percentile(99.9), imageCount: 7, skippedCount: 2,
                                       size: nil, names: names, tensors: tensors)
        let dir = SharedAssets.scratchDirectory()
        try result.save(path: dir + "/scales.json")
        #expect(try CalibrationResult.load(path: dir + "/scales.json", config: config) == result)

        func loadError(_ text: String) -> String {
            try? Data(text.utf8).write(to: URL(fileURLWithPath: dir + "/bad.json"))
            do {
                _ = try CalibrationResult.load(path: dir + "/bad.json", config: config)
                return "loaded"
            } catch {
                return error.message
            }
        }
        let good = result.jsonText()
        #expect(loadError("{\"format\": ").contains("bad.json"))
        #expect(loadError(good.replacingOccurrences(of: "edgeseg-scales", with: "other")).contains("not an EdgeSeg scales file"))
        #expect(loadError(good.replacingOccurrences(of: "\"version\": 2", with: "\"version\": 1")).contains("\"version\" 1"))
        var partial = result
        partial.names.removeAll { $0 == "stage2.block1.key" }
        #expect(loadError(partial.jsonText()).contains("stage2.block1.key"))
        #expect(loadError(good.replacingOccurrences(of: "\"method\": \"percentile\"", with: "\"method\": \"best\"")).contains("method"))
        let negativeScale = good.replacingOccurrences(of: "\"scale\": \(tensors["logits"]!.parameters.scale)", with: "\"scale\": -1")
        #expect(loadError(negativeScale).contains("logits"))
    }

    @Test func commandWritesScalesAndReportsSkippedImages() throws {
        let dir = try Self.imageFolder(3, extra: ["zz-truncated.jpg": "\u{FF}\u{D8}\u{FF}"])
        let output = SharedAssets.scratchDirectory() + "/scales.json"
        let run = try runEdgeSeg(["calibrate", "--model", SharedAssets.camvidModel, "--images", dir, "--method", "mse",
                                  "--size", "96x64", "--output", output])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("skipping") && run.stderr.contains("zz-truncated.jpg"))
        #expect(run.stdout.contains("3 used, 1 skipped"))
        let config = try loadHuggingFaceCheckpoint(directory: SharedAssets.camvidModel).config
        let scales = try CalibrationResult.load(path: output, config: config)
        #expect(scales.method == .mse && scales.imageCount == 3 && scales.size == ImageSize(width: 96, height: 64))

        let missing = try runEdgeSeg(["calibrate", "--model", SharedAssets.camvidModel, "--images", "/nonexistent/frames",
                                      "--output", output])
        #expect(missing.status != 0 && missing.stderr.contains("/nonexistent/frames") && !missing.stderr.contains("Fatal"))
    }

    /// Peak RSS of the real command for 8 and for 64 images (small size, so it is quick): the histograms are
    /// fixed-size, so eight times the images must not mean more memory.
    @Test func peakMemoryDoesNotGrowWithTheNumberOfImages() throws {
        func peakKilobytes(_ count: Int) throws -> Int {
            let dir = try Self.imageFolder(count, name: "memory\(count)")
            let run = try runEdgeSegMeasured(["calibrate", "--model", SharedAssets.camvidModel, "--images", dir,
                                              "--size", "128x96", "--output", dir + "/scales.json"])
            #expect(run.result.status == 0, "\(run.result.stderr)")
            return run.peakKilobytes
        }
        let few = try peakKilobytes(8), many = try peakKilobytes(64)
        print("calibrate peak RSS: 8 images \(few) kB, 64 images \(many) kB")
        #expect(Double(many) <= 1.1 * Double(few), "8 images: \(few) kB, 64 images: \(many) kB")
    }
}

/// Runs `edgeseg` under /usr/bin/time and returns its peak resident set size as well.
func runEdgeSegMeasured(_ arguments: [String]) throws -> (result: ProcessResult, peakKilobytes: Int) {
    try requireTool("/usr/bin/time", package: "time")
    let report = SharedAssets.scratchDirectory() + "/time.txt"
    let edgeseg = edgeSegExecutable()
    let result = try runProcess(["/usr/bin/time", "-f", "%M", "-o", report, edgeseg] + arguments)
    let text = try String(contentsOfFile: report, encoding: .utf8)
    return (result, Int(text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").last ?? "") ?? -1)
}
