/// The float tensors a SegFormer of a given config has, under the names the Hugging Face hub checkpoints
/// use (`transformers` 4 layout), with the shapes PyTorch stores them in.
public func expectedTensors(_ c: SegFormerConfig) -> [(name: String, shape: [Int])] {
    var t: [(name: String, shape: [Int])] = []
    var inChannels = c.numChannels
    for s in 0..<c.numStages {
        let ch = c.hiddenSizes[s], k = c.patchSizes[s], hidden = ch * c.mlpRatios[s]
        let pe = "segformer.encoder.patch_embeddings.\(s)"
        t.append(("\(pe).proj.weight", [ch, inChannels, k, k]))
        t.append(("\(pe).proj.bias", [ch]))
        t.append(("\(pe).layer_norm.weight", [ch]))
        t.append(("\(pe).layer_norm.bias", [ch]))
        for b in 0..<c.depths[s] {
            let p = "segformer.encoder.block.\(s).\(b)"
            t.append(("\(p).layer_norm_1.weight", [ch]))
            t.append(("\(p).layer_norm_1.bias", [ch]))
            for qkv in ["query", "key", "value"] {
                t.append(("\(p).attention.self.\(qkv).weight", [ch, ch]))
                t.append(("\(p).attention.self.\(qkv).bias", [ch]))
            }
            let sr = c.srRatios[s]
            if sr > 1 {
                t.append(("\(p).attention.self.sr.weight", [ch, ch, sr, sr]))
                t.append(("\(p).attention.self.sr.bias", [ch]))
                t.append(("\(p).attention.self.layer_norm.weight", [ch]))
                t.append(("\(p).attention.self.layer_norm.bias", [ch]))
            }
            t.append(("\(p).attention.output.dense.weight", [ch, ch]))
            t.append(("\(p).attention.output.dense.bias", [ch]))
            t.append(("\(p).layer_norm_2.weight", [ch]))
            t.append(("\(p).layer_norm_2.bias", [ch]))
            t.append(("\(p).mlp.dense1.weight", [hidden, ch]))
            t.append(("\(p).mlp.dense1.bias", [hidden]))
            t.append(("\(p).mlp.dwconv.dwconv.weight", [hidden, 1, 3, 3]))
            t.append(("\(p).mlp.dwconv.dwconv.bias", [hidden]))
            t.append(("\(p).mlp.dense2.weight", [ch, hidden]))
            t.append(("\(p).mlp.dense2.bias", [ch]))
        }
        t.append(("segformer.encoder.layer_norm.\(s).weight", [ch]))
        t.append(("segformer.encoder.layer_norm.\(s).bias", [ch]))
        inChannels = ch
    }
    let d = c.decoderHiddenSize
    for s in 0..<c.numStages {
        t.append(("decode_head.linear_c.\(s).proj.weight", [d, c.hiddenSizes[s]]))
        t.append(("decode_head.linear_c.\(s).proj.bias", [d]))
    }
    t.append(("decode_head.linear_fuse.weight", [d, d * c.numStages, 1, 1]))
    for bn in ["weight", "bias", "running_mean", "running_var"] {
        t.append(("decode_head.batch_norm.\(bn)", [d]))
    }
    t.append(("decode_head.classifier.weight", [c.numLabels, d, 1, 1]))
    t.append(("decode_head.classifier.bias", [c.numLabels]))
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
