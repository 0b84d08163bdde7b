/// Mix-FFN as the program emits it: dense → depthwise 3×3 → GELU (an int8 table) → dense, each layer int8
/// or float (`MixedLayer`: a mixed-precision file, or every layer for `SegFormerModel(float:)`).
struct MixFFN {
    let stage: Int
    let index: Int
    let dense1: MixedLayer<Int8Linear, FloatLinear>
    let depthwise: MixedLayer<Int8DepthwiseConv3x3, FloatDepthwiseConv3x3>
    let gelu: MixedLayer<Int8Lookup, Void>
    let dense2: MixedLayer<Int8Linear, FloatLinear>

    /// Appends the Mix-FFN of the normalised map `x`; returns its output. GELU overwrites the depthwise output
    /// in place.
    func emit(_ x: ArenaTensor, into p: inout Program) -> ArenaTensor {
        func point(_ b: ActivationPoint.Block) -> String { ActivationPoint.block(stage, index, b) }
        let expanded = p.linear(dense1, x, point(.dense1))
        let convolved = p.depthwise(depthwise, expanded, point(.depthwise))
        let activated = p.gelu(gelu, convolved, point(.gelu))
        return p.linear(dense2, activated, point(.dense2))
    }
}

extension MixFFN {
    /// Read from an int8 model file, each layer in the precision the file asks for.
    init(_ r: ModelFileReader, stage s: Int, index b: Int, config c: SegFormerConfig) throws(EdgeSegError) {
        let n = HubNames.block(s, b), ch = c.hiddenSizes[s], hidden = ch * c.mlpRatios[s]
        func point(_ x: ActivationPoint.Block) -> String { ActivationPoint.block(s, b, x) }
        stage = s
        index = b
        dense1 = try r.linear(n.dense1, input: point(.norm2), output: point(.dense1), inFeatures: ch, outFeatures: hidden)
        depthwise = try r.depthwise(n.depthwise, input: point(.dense1), output: point(.depthwise), channels: hidden)
        gelu = try r.gelu(n.geluTable, input: point(.depthwise), output: point(.gelu))
        dense2 = try r.linear(n.dense2, input: point(.gelu), output: point(.dense2), inFeatures: hidden, outFeatures: ch)
    }
}

/// One transformer block as the program emits it: x₁ = x + attention(LN1(x)); x₂ = x₁ + MixFFN(LN2(x₁)).
struct EncoderBlock {
    let stage: Int
    let index: Int
    let norm1: MixedLayer<Int8LayerNorm, FloatLayerNorm>
    let attention: EfficientAttention
    let residual1: MixedLayer<Int8Add, Void>
    let norm2: MixedLayer<Int8LayerNorm, FloatLayerNorm>
    let ffn: MixFFN
    let residual2: MixedLayer<Int8Add, Void>

    /// Appends the block on the residual stream `x`; returns the new stream (the residual adds write over the
    /// old one in place).
    func emit(_ x: ArenaTensor, into p: inout Program) -> ArenaTensor {
        func point(_ b: ActivationPoint.Block) -> String { ActivationPoint.block(stage, index, b) }
        let attended = attention.emit(p.layerNorm(norm1, x, point(.norm1)), into: &p)
        let mid = p.add(residual1, x, attended, point(.residual1))
        let fed = ffn.emit(p.layerNorm(norm2, mid, point(.norm2)), into: &p)
        return p.add(residual2, mid, fed, point(.residual2))
    }
}

extension EncoderBlock {
    /// Read from an int8 model file, each layer in the precision the file asks for.
    init(_ r: ModelFileReader, stage s: Int, index b: Int, config c: SegFormerConfig) throws(EdgeSegError) {
        let n = HubNames.block(s, b), ch = c.hiddenSizes[s]
        func point(_ x: ActivationPoint.Block) -> String { ActivationPoint.block(s, b, x) }
        let blockInput = b == 0 ? ActivationPoint.patchNorm(s) : ActivationPoint.block(s, b - 1, .residual2)
        stage = s
        index = b
        norm1 = try r.layerNorm(n.norm1, input: blockInput, output: point(.norm1), channels: ch)
        attention = try EfficientAttention(r, stage: s, index: b, config: c)
        residual1 = try r.add(n.residual1, blockInput, point(.attentionOutput), output: point(.residual1))
        norm2 = try r.layerNorm(n.norm2, input: point(.residual1), output: point(.norm2), channels: ch)
        ffn = try MixFFN(r, stage: s, index: b, config: c)
        residual2 = try r.add(n.residual2, point(.residual1), point(.dense2), output: point(.residual2))
    }
}

/// One encoder stage as the program emits it: patch embedding conv + LayerNorm, the blocks, the stage LayerNorm.
struct EncoderStage {
    let stage: Int
    let patchEmbedding: MixedLayer<Int8Conv2d, FloatConv2d>
    let patchNorm: MixedLayer<Int8LayerNorm, FloatLayerNorm>
    let blocks: [EncoderBlock]
    let norm: MixedLayer<Int8LayerNorm, FloatLayerNorm>

    /// Appends the stage on its input map; returns the stage output.
    func emit(_ input: ArenaTensor, into p: inout Program) -> ArenaTensor {
        let embedded = p.conv(patchEmbedding, input, ActivationPoint.patchEmbedding(stage))
        var x = p.layerNorm(patchNorm, embedded, ActivationPoint.patchNorm(stage))
        for block in blocks { x = block.emit(x, into: &p) }
        return p.layerNorm(norm, x, ActivationPoint.stageNorm(stage))
    }
}

extension EncoderStage {
    /// Read from an int8 model file, each layer in the precision the file asks for.
    init(_ r: ModelFileReader, stage s: Int, config c: SegFormerConfig) throws(EdgeSegError) {
        let ch = c.hiddenSizes[s]
        let input = s == 0 ? ActivationPoint.input : ActivationPoint.stageNorm(s - 1)
        stage = s
        patchEmbedding = try r.conv(HubNames.patchEmbedding(s), input: input, output: ActivationPoint.patchEmbedding(s),
                                    inChannels: s == 0 ? c.numChannels : c.hiddenSizes[s - 1], outChannels: ch,
                                    kernel: c.patchSizes[s], stride: c.strides[s], padding: c.patchSizes[s] / 2)
        patchNorm = try r.layerNorm(HubNames.patchNorm(s), input: ActivationPoint.patchEmbedding(s),
                                    output: ActivationPoint.patchNorm(s), channels: ch)
        var blocks: [EncoderBlock] = []
        for b in 0..<c.depths[s] { blocks.append(try EncoderBlock(r, stage: s, index: b, config: c)) }
        self.blocks = blocks
        norm = try r.layerNorm(HubNames.stageNorm(s), input: ActivationPoint.block(s, c.depths[s] - 1, .residual2),
                               output: ActivationPoint.stageNorm(s), channels: ch)
    }
}
