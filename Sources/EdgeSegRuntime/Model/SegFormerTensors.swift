/// The float tensors a SegFormer of a given config has, under the names the Hugging Face hub checkpoints
/// use (`transformers` 4 layout), with the shapes PyTorch stores them in.
public func expectedTensors(_ c: SegFormerConfig) -> [(name: String, shape: [Int])] {
    var t: [(name: String, shape: [Int])] = []
    func add(_ layer: String, weight: [Int], bias: Int) {
        t.append(("\(layer).weight", weight))
        t.append(("\(layer).bias", [bias]))
    }
    var inChannels = c.numChannels
    for s in 0..<c.numStages {
        let ch = c.hiddenSizes[s], k = c.patchSizes[s], hidden = ch * c.mlpRatios[s], sr = c.srRatios[s]
        add(HubNames.patchEmbedding(s), weight: [ch, inChannels, k, k], bias: ch)
        add(HubNames.patchNorm(s), weight: [ch], bias: ch)
        for b in 0..<c.depths[s] {
            let n = HubNames.block(s, b)
            add(n.norm1, weight: [ch], bias: ch)
            for projection in [n.query, n.key, n.value] { add(projection, weight: [ch, ch], bias: ch) }
            if sr > 1 {
                add(n.reduction, weight: [ch, ch, sr, sr], bias: ch)
                add(n.reductionNorm, weight: [ch], bias: ch)
            }
            add(n.attentionOutput, weight: [ch, ch], bias: ch)
            add(n.norm2, weight: [ch], bias: ch)
            add(n.dense1, weight: [hidden, ch], bias: hidden)
            add(n.depthwise, weight: [hidden, 1, 3, 3], bias: hidden)
            add(n.dense2, weight: [ch, hidden], bias: ch)
        }
        add(HubNames.stageNorm(s), weight: [ch], bias: ch)
        inChannels = ch
    }
    let d = c.decoderHiddenSize
    for s in 0..<c.numStages { add(HubNames.decoderLinear(s), weight: [d, c.hiddenSizes[s]], bias: d) }
    t.append(("\(HubNames.decoderFuse).weight", [d, d * c.numStages, 1, 1]))
    for bn in ["weight", "bias", "running_mean", "running_var"] { t.append(("\(HubNames.decoderBatchNorm).\(bn)", [d])) }
    add(HubNames.classifier, weight: [c.numLabels, d, 1, 1], bias: c.numLabels)
    return t
}

/// A float SegFormer as imported: its config and every tensor of `expectedTensors(config)`, by hub name.
public struct FloatCheckpoint: Sendable {
    public var config: SegFormerConfig
    public var tensors: [String: FloatTensor]

    public init(config: SegFormerConfig, tensors: [String: FloatTensor]) {
        self.config = config
        self.tensors = tensors
    }

    /// The tensor of that hub name; an error naming it if the checkpoint lacks it.
    public func tensor(_ name: String) throws(EdgeSegError) -> FloatTensor {
        guard let t = tensors[name] else { throw EdgeSegError(.checkpoint, "checkpoint has no tensor \(name)") }
        return t
    }

    /// Total number of float parameters.
    public var parameterCount: Int { tensors.values.reduce(0) { $0 + $1.count } }
}
