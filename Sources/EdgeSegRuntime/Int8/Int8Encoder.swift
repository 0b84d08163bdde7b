import CEdgeSeg

/// Mix-FFN in int8: dense → depthwise 3×3 → GELU table → dense.
struct Int8MixFFN {
    let dense1: Int8Linear
    let depthwise: Int8DepthwiseConv3x3
    let gelu: Int8Lookup
    let dense2: Int8Linear

    init(_ r: Int8ModelReader, block p: String, stage s: Int, index b: Int, config c: SegFormerConfig) throws(EdgeSegError) {
        let ch = c.hiddenSizes[s], hidden = ch * c.mlpRatios[s]
        func point(_ x: ActivationPoint.Block) -> String { ActivationPoint.block(s, b, x) }
        dense1 = try Int8Linear(r, "\(p).mlp.dense1", input: point(.norm2), output: point(.dense1), inFeatures: ch, outFeatures: hidden)
        depthwise = try Int8DepthwiseConv3x3(r, "\(p).mlp.dwconv.dwconv", input: point(.dense1), output: point(.depthwise), channels: hidden)
        gelu = try Int8Lookup(r, "\(p).mlp.gelu_table")
        dense2 = try Int8Linear(r, "\(p).mlp.dense2", input: point(.gelu), output: point(.dense2), inFeatures: hidden, outFeatures: ch)
    }

    func callAsFunction(_ x: Int8Map) -> [Int8] {
        let hidden = dense1(x.data, rows: x.tokens)
        return dense2(gelu(depthwise(hidden, height: x.height, width: x.width)), rows: x.tokens)
    }
}

/// One transformer block in int8: x₁ = x + attention(LN1(x)); x₂ = x₁ + MixFFN(LN2(x₁)).
struct Int8EncoderBlock {
    let norm1: Int8LayerNorm
    let attention: Int8EfficientAttention
    let residual1: Int8Add
    let norm2: Int8LayerNorm
    let ffn: Int8MixFFN
    let residual2: Int8Add

    init(_ r: Int8ModelReader, stage s: Int, index b: Int, config c: SegFormerConfig) throws(EdgeSegError) {
        let p = "segformer.encoder.block.\(s).\(b)", ch = c.hiddenSizes[s]
        func point(_ x: ActivationPoint.Block) -> String { ActivationPoint.block(s, b, x) }
        norm1 = try Int8LayerNorm(r, "\(p).layer_norm_1", output: point(.norm1), channels: ch)
        attention = try Int8EfficientAttention(r, block: p, stage: s, index: b, config: c)
        residual1 = try Int8Add(r, "\(p).residual1", output: point(.residual1))
        norm2 = try Int8LayerNorm(r, "\(p).layer_norm_2", output: point(.norm2), channels: ch)
        ffn = try Int8MixFFN(r, block: p, stage: s, index: b, config: c)
        residual2 = try Int8Add(r, "\(p).residual2", output: point(.residual2))
    }

    func callAsFunction(_ x: inout Int8Map) {
        let attended = attention(x.with(norm1(x.data), zeroPoint: norm1.output.zero_point))
        x = x.with(residual1(x.data, attended), zeroPoint: residual1.output.zero_point)
        let fed = ffn(x.with(norm2(x.data), zeroPoint: norm2.output.zero_point))
        x = x.with(residual2(x.data, fed), zeroPoint: residual2.output.zero_point)
    }
}

/// One encoder stage in int8: patch embedding conv + LayerNorm, the blocks, the stage LayerNorm.
struct Int8EncoderStage {
    let patchEmbedding: Int8Conv2d
    let patchNorm: Int8LayerNorm
    let blocks: [Int8EncoderBlock]
    let norm: Int8LayerNorm

    init(_ r: Int8ModelReader, stage s: Int, config c: SegFormerConfig) throws(EdgeSegError) {
        let pe = "segformer.encoder.patch_embeddings.\(s)", ch = c.hiddenSizes[s]
        let input = s == 0 ? ActivationPoint.input : ActivationPoint.stageNorm(s - 1)
        patchEmbedding = try Int8Conv2d(r, "\(pe).proj", input: input, output: ActivationPoint.patchEmbedding(s),
                                        inChannels: s == 0 ? c.numChannels : c.hiddenSizes[s - 1], outChannels: ch,
                                        kernel: c.patchSizes[s], stride: c.strides[s], padding: c.patchSizes[s] / 2)
        patchNorm = try Int8LayerNorm(r, "\(pe).layer_norm", output: ActivationPoint.patchNorm(s), channels: ch)
        var blocks: [Int8EncoderBlock] = []
        for b in 0..<c.depths[s] { blocks.append(try Int8EncoderBlock(r, stage: s, index: b, config: c)) }
        self.blocks = blocks
        norm = try Int8LayerNorm(r, "segformer.encoder.layer_norm.\(s)", output: ActivationPoint.stageNorm(s), channels: ch)
    }

    func callAsFunction(_ input: Int8Map) -> Int8Map {
        let embedded = patchEmbedding(input)
        var x = embedded.with(patchNorm(embedded.data), zeroPoint: patchNorm.output.zero_point)
        for block in blocks { block(&x) }
        return x.with(norm(x.data), zeroPoint: norm.output.zero_point)
    }
}

extension Int8Map {
    /// The same geometry holding other values of the same channel count.
    func with(_ data: [Int8], zeroPoint: Int32) -> Int8Map {
        var m = self
        m.data = data
        m.zeroPoint = zeroPoint
        return m
    }
}
