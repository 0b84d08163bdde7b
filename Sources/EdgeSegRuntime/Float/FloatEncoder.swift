import CEdgeSeg

/// Efficient self-attention: keys and values come from a spatially reduced copy of the input (a conv with
/// kernel = stride = sr, then LayerNorm), so a stage with N tokens attends to N/sr² keys.
struct FloatEfficientAttention {
    let heads: Int
    let query: FloatLinear
    let key: FloatLinear
    let value: FloatLinear
    let reduction: (conv: FloatConv2d, norm: FloatLayerNorm)?
    let output: FloatLinear

    func callAsFunction(_ x: FeatureMap) -> [Float] {
        let n = x.height * x.width, c = x.channels
        let q = query(x.data, rows: n)
        var keysIn = x.data, m = n
        if let reduction {
            let reduced = reduction.conv(x)
            keysIn = reduction.norm(reduced.data)
            m = reduced.height * reduced.width
        }
        let k = key(keysIn, rows: m)
        let v = value(keysIn, rows: m)
        var context = [Float](repeating: 0, count: n * c)
        var scratch = [Float](repeating: 0, count: es_f32_attention_scratch(m, c))
        q.withUnsafeBufferPointer { qp in
            k.withUnsafeBufferPointer { kp in
                v.withUnsafeBufferPointer { vp in
                    scratch.withUnsafeMutableBufferPointer { sp in
                        context.withUnsafeMutableBufferPointer { op in
                            es_f32_attention(qp.baseAddress, kp.baseAddress, vp.baseAddress, n, m, c, heads,
                                             sp.baseAddress, op.baseAddress)
                        }
                    }
                }
            }
        }
        return output(context, rows: n)
    }
}

/// Mix-FFN: dense → depthwise 3×3 → GELU (exact erf) → dense.
struct FloatMixFFN {
    let dense1: FloatLinear
    let depthwise: FloatDepthwiseConv3x3
    let dense2: FloatLinear

    func callAsFunction(_ x: FeatureMap) -> [Float] {
        let n = x.height * x.width
        let hidden = dense1(x.data, rows: n)
        let mixed = depthwise(hidden, height: x.height, width: x.width)
        return dense2(gelu(mixed), rows: n)
    }
}

/// One transformer block: x += attention(LN1(x)); x += MixFFN(LN2(x)).
struct FloatEncoderBlock {
    let norm1: FloatLayerNorm
    let attention: FloatEfficientAttention
    let norm2: FloatLayerNorm
    let ffn: FloatMixFFN

    func callAsFunction(_ x: inout FeatureMap) {
        let a = attention(FeatureMap(height: x.height, width: x.width, channels: x.channels, data: norm1(x.data)))
        addInPlace(&x.data, a)
        let f = ffn(FeatureMap(height: x.height, width: x.width, channels: x.channels, data: norm2(x.data)))
        addInPlace(&x.data, f)
    }
}

/// One encoder stage: overlapped patch embedding (conv + LayerNorm), its blocks, and the stage LayerNorm.
struct FloatEncoderStage {
    let patchEmbedding: FloatConv2d
    let patchNorm: FloatLayerNorm
    let blocks: [FloatEncoderBlock]
    let norm: FloatLayerNorm

    func callAsFunction(_ input: FeatureMap) -> FeatureMap {
        var x = patchEmbedding(input)
        x.data = patchNorm(x.data)
        for block in blocks { block(&x) }
        x.data = norm(x.data)
        return x
    }
}
