import EdgeSegImport
import EdgeSegQuantize
import EdgeSegRuntime
import Foundation
import TestSupport
import Testing

/// The int8 model end to end at a small size: quantized from a quick calibration, then run again and again.
@Suite struct Int8ModelTests {
    /// Same input, same bits: twice on one instance, and on a second instance loaded from the same file.
    @Test func outputIsBitIdenticalAcrossRunsAndInstances() throws {
        let pixels = try preprocess(try loadImage(path: SmallModel.image), size: ImageSize(width: 128, height: 96))
        let first = try SegFormerModel(path: try SmallModel.path), second = try SegFormerModel(path: try SmallModel.path)
        let a = try first.forward(pixels), b = try first.forward(pixels), c = try second.forward(pixels)
        #expect(a.logits.data == b.logits.data)
        #expect(a.logits.data == c.logits.data)
        for s in a.stages.indices { #expect(a.stages[s].data == c.stages[s].data) }
        #expect(a.logits.height == 24 && a.logits.width == 32 && a.logits.channels == 11)
    }

    /// `edgeseg segment` with the .edgeseg file writes the class map the library computes.
    @Test func segmentCommandRunsTheInt8Model() throws {
        let dir = SharedAssets.scratchDirectory()
        let result = try runEdgeSeg(["segment", "--model", try SmallModel.path, "--input", SmallModel.image, "--size", "128x96",
                                     "--output", dir + "/mask.png"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("(int8 at 128x96, 1 thread(s))"), "\(result.stdout)")
        let image = try loadImage(path: SmallModel.image)
        let model = try SegFormerModel(path: try SmallModel.path)
        let expected = classMap(logits: try model.forward(preprocess(image, size: ImageSize(width: 128, height: 96))).logits,
                                height: image.height, width: image.width)
        #expect(try loadLabelImage(path: dir + "/mask.png").values == expected)
    }

    /// The int8 model tracks the float one: stage outputs' SQNR and the class maps' agreement at this size.
    @Test func int8TracksFloat() throws {
        let pixels = try preprocess(try loadImage(path: SmallModel.image), size: ImageSize(width: 128, height: 96))
        let model = try SegFormerModel(path: try SmallModel.path)
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
        let path = try SmallModel.path
        do {
            _ = try loadHuggingFaceCheckpoint(directory: path)
            Issue.record("an .edgeseg file loaded as a float checkpoint")
        } catch {
            #expect(error.message.contains("not a float checkpoint"), "\(error.message)")
        }
    }
}
