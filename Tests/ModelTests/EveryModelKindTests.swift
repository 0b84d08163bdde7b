import EdgeSegRuntime
import Foundation
import TestSupport
import Testing

/// Every command that runs a model accepts every kind of model, through the one `Segmenter`: an int8 file, a
/// mixed-precision file, a float32 file and a Hugging Face folder, each with `segment`, `camera --source`,
/// `bench` and `eval`.
@Suite struct EveryModelKindTests {
    static let kinds = ["int8", "mixed", "float32", "huggingface"]

    static func model(_ kind: String) throws -> String {
        switch kind {
        case "int8": try SmallModel.path
        case "mixed": try MixedPrecisionTests.everyLayer.get().path
        case "float32": try CameraSourceTests.floatModel.get()
        default: SharedAssets.camvidModel
        }
    }

    /// What the commands print as the model's precision.
    static func precision(_ kind: String) throws -> String {
        switch kind {
        case "int8": "int8"
        case "mixed": "int8 with \(try MixedPrecisionTests.everyLayer.get().points.count) point(s) in fp32"
        default: "fp32"
        }
    }

    /// `segment` and `camera --source` give the same mask for the same model; the two float forms (file and
    /// folder) are the same fp32 model, so their masks are equal too.
    @Test(arguments: kinds)
    func segmentAndCameraAgree(kind: String) throws {
        let model = try Self.model(kind), dir = SharedAssets.scratchDirectory("kinds-\(kind)")
        let images = try SharedAssets.smallEvalFolder(1, name: "kinds-\(kind)-images") + "/images"
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: images).first)
        let segment = try runEdgeSeg(["segment", "--model", model, "--input", images + "/" + name, "--size", "128x96",
                                      "--output", dir + "/segment.png"])
        #expect(segment.status == 0, "\(segment.stderr)")
        #expect(segment.stdout.contains("(\(try Self.precision(kind)) at 128x96, 1 thread(s))"), "\(segment.stdout)")
        let camera = try runEdgeSeg(["camera", "--model", model, "--source", images, "--model-size", "128x96", "--save-dir", dir])
        #expect(camera.status == 0, "\(camera.stderr)")
        let stem = URL(fileURLWithPath: name).deletingPathExtension().lastPathComponent
        let mask = try loadLabelImage(path: dir + "/segment.png").values
        #expect(mask == (try loadLabelImage(path: "\(dir)/\(stem).mask.png").values), "\(kind): camera and segment differ")
        if kind == "float32" {
            let folder = SharedAssets.scratchDirectory("kinds-folder") + "/segment.png"
            let run = try runEdgeSeg(["segment", "--model", SharedAssets.camvidModel, "--input", images + "/" + name,
                                      "--size", "128x96", "--output", folder])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(mask == (try loadLabelImage(path: folder).values), "the float32 file and its folder differ")
        }
    }

    @Test(arguments: kinds)
    func bench(kind: String) throws {
        let run = try runEdgeSeg(["bench", "--model", try Self.model(kind), "--size", "64x48", "--runs", "1", "--warmup", "0", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try JSONValue.parse(run.stdout, source: "bench --json")
        #expect(json["precision"]?.string == (try Self.precision(kind)), "\(run.stdout)")
        #expect(json["width"]?.int == 64 && json["height"]?.int == 48, "\(run.stdout)")
        #expect((json["arena_bytes"]?.int ?? 0) > 0)
    }

    /// eval measures any model against the fp32 reference; the float ones agree with it on every pixel but a
    /// handful (the planned fp32 model sums in another order than the reference forward).
    @Test(arguments: kinds)
    func eval(kind: String) throws {
        let data = try SharedAssets.smallEvalFolder(2, name: "kinds-eval-\(kind)")
        let run = try runEdgeSeg(["eval", "--float", SharedAssets.camvidModel, "--model", try Self.model(kind), "--data", data,
                                  "--size", "128x96"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("mIoU"), "\(run.stdout)")
        if kind == "float32" || kind == "huggingface" {
            let line = try #require(run.stdout.split(separator: "\n").first { $0.contains("agreement") }, "\(run.stdout)")
            #expect(line.contains("99.9") || line.contains("100.0"), "\(line)")
        }
    }
}
