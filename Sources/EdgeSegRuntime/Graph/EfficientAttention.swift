import CEdgeSeg

/// Efficient self-attention as the program emits it (each layer int8 or float): queries from every token, keys
/// and values from the spatially reduced map (sr conv + LayerNorm), the attention core, and the output projection.
struct EfficientAttention {
    let stage: Int
    let index: Int
    let query: MixedLayer<Int8Linear, FloatLinear>
    let key: MixedLayer<Int8Linear, FloatLinear>
    let value: MixedLayer<Int8Linear, FloatLinear>
    let reduction: (conv: MixedLayer<Int8Conv2d, FloatConv2d>, norm: MixedLayer<Int8LayerNorm, FloatLayerNorm>)?
    /// The float form is the head count.
    let core: MixedLayer<Int8AttentionCore, Int>
    let output: MixedLayer<Int8Linear, FloatLinear>

    /// Appends the attention of the normalised map `x`; returns the attention output.
    func emit(_ x: ArenaTensor, into p: inout Program) -> ArenaTensor {
        func point(_ b: ActivationPoint.Block) -> String { ActivationPoint.block(stage, index, b) }
        let q = p.linear(query, x, point(.query))
        var keysIn = x
        if let reduction {
            keysIn = p.layerNorm(reduction.norm, p.conv(reduction.conv, x, point(.reduction)), point(.reductionNorm))
        }
        let k = p.linear(key, keysIn, point(.key))
        let v = p.linear(value, keysIn, point(.value))
        let context = p.attention(core, query: q, key: k, value: v, point(.context))
        return p.linear(output, context, point(.attentionOutput))
    }
}

extension EfficientAttention {
    /// Read from an int8 model file, each layer in the precision the file asks for.
    init(_ r: ModelFileReader, stage s: Int, index b: Int, config c: SegFormerConfig) throws(EdgeSegError) {
        let n = HubNames.block(s, b), ch = c.hiddenSizes[s], sr = c.srRatios[s], heads = c.numAttentionHeads[s]
        func point(_ x: ActivationPoint.Block) -> String { ActivationPoint.block(s, b, x) }
        stage = s
        index = b
        query = try r.linear(n.query, input: point(.norm1), output: point(.query), inFeatures: ch, outFeatures: ch)
        let keysFrom = sr > 1 ? point(.reductionNorm) : point(.norm1)
        key = try r.linear(n.key, input: keysFrom, output: point(.key), inFeatures: ch, outFeatures: ch)
        value = try r.linear(n.value, input: keysFrom, output: point(.value), inFeatures: ch, outFeatures: ch)
        reduction = sr > 1
            ? (try r.conv(n.reduction, input: point(.norm1), output: point(.reduction), inChannels: ch, outChannels: ch,
                          kernel: sr, stride: sr, padding: 0),
               try r.layerNorm(n.reductionNorm, input: point(.reduction), output: point(.reductionNorm), channels: ch))
            : nil
        core = try r.layer(touching: [point(.query), point(.key), point(.value), point(.context)], int8: { () throws(EdgeSegError) in
            try Int8Bounds.checkReduction(ch / heads, "\(r.file.path): \(n.softmaxRequant)'s Q·Kᵀ per head")
            return Int8AttentionCore(heads: heads, channels: ch,
                              softmax: try r.requant(n.softmaxRequant, count: 1, multipliers: Int8Bounds.positiveMultipliers).pointee,
                              contextRequant: try r.requant(n.contextRequant, count: 1, multipliers: Int8Bounds.positiveMultipliers).pointee,
                              queryZeroPoint: try r.zeroPoint(point(.query)), keyZeroPoint: try r.zeroPoint(point(.key)),
                              valueZeroPoint: try r.zeroPoint(point(.value)),
                              context: outputRange(try r.zeroPoint(point(.context))))
        }, float: { () throws(EdgeSegError) in heads })
        output = try r.linear(n.attentionOutput, input: point(.context), output: point(.attentionOutput),
                              inFeatures: ch, outFeatures: ch)
    }
}
