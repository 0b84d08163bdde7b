import EdgeSegImport
import EdgeSegQuantize
import EdgeSegRuntime
import Foundation
import Testing

/// The int8 model end to end at a small size: quantized from a quick calibration, then run again and again.
@Suite struct Int8ModelTests {
    /// Built once for the suite; a failure fails each test that needs it instead of crashing the run.
    static let quantizedModel: Result<String, EdgeSegError> = Result { () throws(EdgeSegError) in
        let path = SharedAssets.scratchDirectory("int8model") + "/camvid-small.edgeseg"
        let calibration = try calibrate(modelDirectory: SharedAssets.camvidModel,
                                        imagesDirectory: SharedAssets.path("assets/camvid/calib"), method: .minmax,
                                        size: ImageSize(width: 128, height: 96))
        let checkpoint = try loadHuggingFaceCheckpoint(directory: SharedAssets.camvidModel)
        try Int8Quantizer.quantize(checkpoint, activations: calibration.activationParameters).write(to: path)
        return path
    }

    static var modelPath: String { get throws { try quantizedModel.get() } }

    static let image = SharedAssets.path("assets/camvid/eval/images/0001TP_008550.png")

    /// Same input, same bits: twice on one instance, and on a second instance loaded from the same file.
    @Test func outputIsBitIdenticalAcrossRunsAndInstances() throws {
        let pixels = try preprocess(try loadImage(path: Self.image), size: ImageSize(width: 128, height: 96))
        let first = try SegFormerModel(path: try Self.modelPath), second = try SegFormerModel(path: try Self.modelPath)
        let a = try first.forward(pixels), b = try first.forward(pixels), c = try second.forward(pixels)
        #expect(a.logits.data == b.logits.data)
        #expect(a.logits.data == c.logits.data)
        for s in a.stages.indices { #expect(a.stages[s].data == c.stages[s].data) }
        #expect(a.logits.height == 24 && a.logits.width == 32 && a.logits.channels == 11)
    }

    /// `edgeseg segment` with the .edgeseg file writes the class map the library computes.
    @Test func segmentCommandRunsTheInt8Model() throws {
        let dir = SharedAssets.scratchDirectory()
        let result = try runEdgeSeg(["segment", "--model", try Self.modelPath, "--input", Self.image, "--size", "128x96",
                                     "--output", dir + "/mask.png"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("(int8 at 128x96, 1 thread(s))"), "\(result.stdout)")
        let image = try loadImage(path: Self.image)
        let model = try SegFormerModel(path: try Self.modelPath)
        let expected = classMap(logits: try model.forward(preprocess(image, size: ImageSize(width: 128, height: 96))).logits,
                                height: image.height, width: image.width)
        #expect(try loadLabelImage(path: dir + "/mask.png").values == expected)
    }

    /// The int8 model tracks the float one: stage outputs' SQNR and the class maps' agreement at this size.
    @Test func int8TracksFloat() throws {
        let pixels = try preprocess(try loadImage(path: Self.image), size: ImageSize(width: 128, height: 96))
        let model = try SegFormerModel(path: try Self.modelPath)
        let float = try FloatSegFormer(try loadHuggingFaceCheckpoint(directory: SharedAssets.camvidModel), decoder: .folded)
        let q = try model.forward(pixels), f = try float.forward(pixels)
        for s in 0..<4 {
            let name = ActivationPoint.stageNorm(s)
            let dq = q.stages[s].dequantized(scale: model.activations[name]!.scale)
            var signal = 0.0, noise = 0.0
            for i in dq.data.indices {
                let r = Double(f.stages[s].data[i]), e = r - Double(dq.data[i])
                signal += r * r
                noise += e * e
            }
            // int8 carries ~48 dB for one well-scaled tensor; 8 blocks of requantization leave well above 15.
            #expect(10 * log10(signal / noise) > 15, "stage \(s + 1)")
        }
        let a = classMap(logits: q.logits, height: 96, width: 128), b = classMap(logits: f.logits, height: 96, width: 128)
        #expect(Double(zip(a, b).filter { $0 == $1 }.count) / Double(a.count) > 0.9)
    }

    /// A float checkpoint where an int8 model is expected says how to get one.
    @Test func floatCheckpointIsRefusedWithAdvice() throws {
        do {
            _ = try SegFormerModel(path: SharedAssets.camvidModel + "/model.safetensors")
            Issue.record("a safetensors checkpoint loaded as an int8 model")
        } catch {
            #expect(error.message.contains("edgeseg quantize"), "\(error.message)")
        }
    }

    /// And the reverse: an int8 model where the float checkpoint is needed (calibrate, quantize, eval --float).
    @Test func int8ModelIsRefusedWhereAFloatCheckpointIsExpected() throws {
        let path = try Self.modelPath
        do {
            _ = try loadHuggingFaceCheckpoint(directory: path)
            Issue.record("an .edgeseg file loaded as a float checkpoint")
        } catch {
            #expect(error.message.contains("not a float checkpoint"), "\(error.message)")
        }
    }
}
