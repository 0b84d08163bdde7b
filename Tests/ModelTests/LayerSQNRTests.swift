import EdgeSegEval
import EdgeSegImport
import EdgeSegRuntime
import Foundation
import TestSupport
import Testing

/// Per-layer SQNR in `ModelComparison`: every activation point, lined up between the two models.
@Suite struct LayerSQNRTests {
    static let size = ImageSize(width: 96, height: 64)

    /// Two CamVid images: each point's SQNR is the SQNR computed independently from the two models' own outputs
    /// where those exist (the stage outputs and the logits), and every point has a sane value.
    @Test func everyActivationPointIsComparedInForwardOrder() throws {
        let dataset = try LabeledDataset(directory: try SharedAssets.smallEvalFolder(2))
        let checkpoint = try loadHuggingFaceCheckpoint(directory: SharedAssets.camvidModel)
        let float = try FloatSegFormer(checkpoint, decoder: .folded)
        let int8 = try SegFormerModel(path: try SmallModel.path)
        let comparison = try ModelComparison(float: float, int8: int8, dataset: dataset, size: Self.size)
        let layers = comparison.layers.layers
        #expect(layers.map(\.name) == ActivationPoint.all(checkpoint.config))

        // The stage outputs and the logits, from the models' outputs instead of the observers.
        var stages = [LogitSQNR](repeating: LogitSQNR(), count: checkpoint.config.numStages)
        var logits = LogitSQNR()
        for sample in dataset.samples {
            let pixels = try preprocess(try loadImage(path: sample.imagePath), size: Self.size)
            let reference = try float.forward(pixels), test = try int8.forward(pixels)
            for s in stages.indices {
                let scale = int8.activations[ActivationPoint.stageNorm(s)]!.scale
                try stages[s].add(reference: reference.stages[s].data, test: test.stages[s].dequantized(scale: scale).data)
            }
            try logits.add(reference: reference.logits.data,
                           test: test.logits.dequantized(scale: int8.activations[ActivationPoint.logits]!.scale).data)
        }
        func layer(_ name: String) throws -> LayerSQNR.Layer { try #require(layers.first { $0.name == name }) }
        for s in stages.indices {
            let got = try #require(try layer(ActivationPoint.stageNorm(s)).decibels)
            #expect(abs(got - stages[s].decibels!) < 1e-3, "stage \(s + 1): \(got) dB, outputs give \(stages[s].decibels!)")
        }
        let logitLayer = try #require(try layer(ActivationPoint.logits).decibels)
        #expect(abs(logitLayer - logits.decibels!) < 1e-3)
        #expect(abs(logitLayer - comparison.logitSQNR.decibels!) < 1e-3)

        // Each point is its fp32 values after an 8-bit rounding and the error carried from before: above ~20 dB
        // here, below the 8-bit ceiling of ~50 dB; values lined up wrongly (another layout or layer) would be
        // near 0 dB or below.
        for l in layers {
            let db = try #require(l.decibels, "\(l.name)")
            #expect(db > 8 && db < 60, "\(l.name): \(db) dB")
            #expect(l.parameters == int8.activations[l.name])
        }
        // Quantizing the pixels is the smallest error: one rounding of a well-spread range.
        #expect(try layer(ActivationPoint.input).decibels! > 35)
        let sorted = comparison.layers.worstFirst.map { $0.decibels! }
        #expect(sorted == sorted.sorted() && sorted.count == layers.count)
        print("per-layer SQNR, 2 CamVid images at 64x96: lowest " + comparison.layers.worstFirst.prefix(3).map { "\($0.name) \($0.decibels!) dB" }.joined(separator: ", ")
              + "; input \(try layer(ActivationPoint.input).decibels!) dB, logits \(logitLayer) dB")
    }

    /// The reference decoder reports no decoder points: the comparison says so instead of leaving them out.
    @Test func floatModelWithoutTheDecoderPointsIsAnError() throws {
        let dataset = try LabeledDataset(directory: try SharedAssets.smallEvalFolder(1))
        let float = try FloatSegFormer(try loadHuggingFaceCheckpoint(directory: SharedAssets.camvidModel), decoder: .reference)
        let int8 = try SegFormerModel(path: try SmallModel.path)
        let error = #expect(throws: EdgeSegError.self) {
            _ = try ModelComparison(float: float, int8: int8, dataset: dataset, size: Self.size)
        }
        #expect(error?.message.contains("did not report activation point decoder.stage1") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains(".folded") == true)
    }
}
