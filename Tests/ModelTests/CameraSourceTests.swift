import EdgeSegImport
import EdgeSegRuntime
import Foundation
import TestSupport
import Testing

/// `edgeseg camera --source`: recorded images through the camera pipeline (threads, slot, saving) give the
/// masks `edgeseg segment` gives, for int8 and float32 model files.
@Suite struct CameraSourceTests {
    static let imageCount = 3

    /// A float32 .edgeseg file of the CamVid checkpoint: metadata "config", every tensor in f32 under its hub name.
    static let floatModel: Result<String, EdgeSegError> = Result { () throws(EdgeSegError) in
        let checkpoint = try loadHuggingFaceCheckpoint(directory: SharedAssets.camvidModel)
        var writer = ModelFileWriter(kind: .float32, metadata: .object([JSONMember(key: "config", value: checkpoint.config.huggingFaceJSON)]))
        for name in checkpoint.tensors.keys.sorted() {
            let tensor = checkpoint.tensors[name]!
            try writer.add(name, tensor.data, shape: tensor.shape)
        }
        let path = SharedAssets.scratchDirectory("camerafloat") + "/camvid-fp32.edgeseg"
        try writer.write(to: path)
        return path
    }

    /// The camera's masks for the first CamVid eval images against `edgeseg segment` run on each: int8 with
    /// the .edgeseg file, float32 with the .edgeseg file (the planned fp32 runtime) against segment's fp32
    /// reference forward with the folded decoder on the Hugging Face folder.
    @Test(arguments: ["int8", "fp32"])
    func masksEqualSegmentCommand(precision: String) throws {
        let model = precision == "int8" ? try SmallModel.path : try Self.floatModel.get()
        let segmentModel = precision == "int8" ? model : SharedAssets.camvidModel
        let images = try SharedAssets.smallEvalFolder(Self.imageCount) + "/images"
        let out = SharedAssets.scratchDirectory()
        let run = try runEdgeSeg(["camera", "--model", model, "--source", images, "--model-size", "128x96", "--save-dir", out])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("(\(precision), 11 classes) at 128x96"), "\(run.stdout)")
        #expect(run.stdout.contains("summary: \(Self.imageCount) frames captured, \(Self.imageCount) segmented, \(Self.imageCount) saved"),
                "\(run.stdout)")

        let names = try FileManager.default.contentsOfDirectory(atPath: images).sorted()
        #expect(names.count == Self.imageCount)
        for name in names {
            let stem = URL(fileURLWithPath: name).deletingPathExtension().lastPathComponent
            let reference = SharedAssets.scratchDirectory() + "/mask.png"
            let segment = try runEdgeSeg(["segment", "--model", segmentModel, "--input", images + "/" + name,
                                          "--size", "128x96", "--output", reference])
            #expect(segment.status == 0, "\(segment.stderr)")
            let expected = try loadLabelImage(path: reference)
            let mask = try loadLabelImage(path: "\(out)/\(stem).mask.png")
            #expect(mask.width == 480 && mask.height == 360)
            #expect(mask.values == expected.values, "\(stem): the camera's mask differs from segment's")
            // The overlay is the photo with the classes blended in.
            let overlay = try loadImage(path: "\(out)/\(stem).overlay.png")
            let photo = try loadImage(path: images + "/" + name)
            let palette = Palette(classCount: 11)
            #expect(overlay == (try EdgeSegRuntime.overlay(photo, classIndices: mask.values, palette: palette)))
        }
    }

    @Test func emptyFolderAndMissingModelAreClearErrors() throws {
        let empty = SharedAssets.scratchDirectory()
        let noImages = try runEdgeSeg(["camera", "--model", try SmallModel.path, "--source", empty])
        #expect(noImages.status == 1)
        #expect(noImages.stderr.contains("\(empty): no PNG or JPEG images"), "\(noImages.stderr)")

        let noModel = try runEdgeSeg(["camera", "--model", "/nonexistent/m.edgeseg", "--source", empty])
        #expect(noModel.status == 1)
        #expect(noModel.stderr.contains("/nonexistent/m.edgeseg"), "\(noModel.stderr)")

        let noCamera = try runEdgeSeg(["camera", "--model", try SmallModel.path, "--device", "/dev/edgeseg-no-such-camera"])
        #expect(noCamera.status == 3, "\(noCamera.stderr)")
        #expect(noCamera.stderr.contains("/dev/edgeseg-no-such-camera"), "\(noCamera.stderr)")
    }
}
