/// SegFormer in fp32, computed as `transformers` computes it. The reference that int8 is measured against.
public final class FloatSegFormer {
    public typealias DecoderForm = FloatDecoder.Form

    public let config: SegFormerConfig
    let stages: [FloatEncoderStage]
    let decoder: FloatDecoder

    public struct Output: Sendable {
        /// Each encoder stage's output after its LayerNorm (token-major).
        public var stages: [FeatureMap]
        /// Class logits at 1/4 of the input size (token-major: one row of numLabels per pixel).
        public var logits: FeatureMap
    }

    /// Prepares the weights of `checkpoint` for the forward. `decoder: .folded` runs the decode head in its
    /// folded form (as the int8 model does); `.reference` computes it exactly as `transformers` does.
    public init(_ checkpoint: FloatCheckpoint, decoder: DecoderForm = .reference) throws(EdgeSegError) {
        let c = checkpoint.config
        try c.validate()
        func t(_ name: String) throws(EdgeSegError) -> FloatTensor { try checkpoint.tensor(name) }
        func linear(_ p: String) throws(EdgeSegError) -> FloatLinear {
            FloatLinear(weight: try t("\(p).weight"), bias: try t("\(p).bias"))
        }
        func norm(_ p: String) throws(EdgeSegError) -> FloatLayerNorm {
            FloatLayerNorm(gamma: try t("\(p).weight").data, beta: try t("\(p).bias").data, eps: SegFormerConfig.layerNormEpsInModel)
        }
        // Shapes are checked against the config before anything is rearranged.
        for (name, shape) in expectedTensors(c) where try t(name).shape != shape {
            throw EdgeSegError(.checkpoint, "tensor \(name) has shape \(describeShape(try t(name).shape)), expected \(describeShape(shape))")
        }

        var stages: [FloatEncoderStage] = []
        for s in 0..<c.numStages {
            var blocks: [FloatEncoderBlock] = []
            for b in 0..<c.depths[s] {
                let n = HubNames.block(s, b)
                let sr = c.srRatios[s]
                let reduction: (conv: FloatConv2d, norm: FloatLayerNorm)? = sr > 1
                    ? (FloatConv2d(weight: try t(n.reduction + ".weight"), bias: try t(n.reduction + ".bias"),
                                   stride: sr, padding: 0),
                       try norm(n.reductionNorm))
                    : nil
                let attention = FloatEfficientAttention(
                    heads: c.numAttentionHeads[s],
                    query: try linear(n.query), key: try linear(n.key), value: try linear(n.value), reduction: reduction,
                    output: try linear(n.attentionOutput))
                let ffn = FloatMixFFN(
                    dense1: try linear(n.dense1),
                    depthwise: FloatDepthwiseConv3x3(weight: try t(n.depthwise + ".weight"), bias: try t(n.depthwise + ".bias")),
                    dense2: try linear(n.dense2))
                blocks.append(FloatEncoderBlock(norm1: try norm(n.norm1), attention: attention,
                                                norm2: try norm(n.norm2), ffn: ffn))
            }
            stages.append(FloatEncoderStage(
                patchEmbedding: FloatConv2d(weight: try t(HubNames.patchEmbedding(s) + ".weight"), bias: try t(HubNames.patchEmbedding(s) + ".bias"),
                                            stride: c.strides[s], padding: c.patchSizes[s] / 2),
                patchNorm: try norm(HubNames.patchNorm(s)), blocks: blocks,
                norm: try norm(HubNames.stageNorm(s))))
        }

        self.config = c
        self.stages = stages
        self.decoder = FloatDecoder(form: decoder, try DecoderWeights(checkpoint))
    }

    /// `observer` sees every `ActivationPoint` as it is computed (the folded decoder's points only in that form).
    public func forward(_ pixels: FloatTensor, observer: @escaping ActivationObserver = { _, _ in }) throws(EdgeSegError) -> Output {
        guard pixels.shape.count == 3, pixels.shape[0] == config.numChannels else {
            throw EdgeSegError(.usage, "input has shape \(describeShape(pixels.shape)), expected [\(config.numChannels), height, width]")
        }
        let smallest = config.stageSizes(height: pixels.shape[1], width: pixels.shape[2])
        guard let last = smallest.last, last.height >= 1, last.width >= 1,
              zip(smallest, config.srRatios).allSatisfy({ $0.0.height >= $0.1 && $0.0.width >= $0.1 }) else {
            throw EdgeSegError(.usage, "input \(pixels.shape[1])x\(pixels.shape[2]) is too small for this model")
        }
        var x = FeatureMap(chw: pixels)
        report(observer, ActivationPoint.input, x.data)
        var outputs: [FeatureMap] = []
        for (s, stage) in stages.enumerated() {
            x = stage(x, stage: s, observer)
            outputs.append(x)
        }
        return Output(stages: outputs, logits: decoder(outputs, observer))
    }
}
