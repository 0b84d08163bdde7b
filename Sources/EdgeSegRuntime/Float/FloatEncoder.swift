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

    func callAsFunction(_ x: FeatureMap, _ observe: Observe) -> [Float] {
        let n = x.height * x.width, c = x.channels
        let q = observe(.query, query(x.data, rows: n))
        var keysIn = x.data, m = n
        if let reduction {
            let reduced = reduction.conv(x)
            _ = observe(.reduction, reduced.data)
            keysIn = observe(.reductionNorm, reduction.norm(reduced.data))
            m = reduced.height * reduced.width
        }
        let k = observe(.key, key(keysIn, rows: m))
        let v = observe(.value, value(keysIn, rows: m))
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
        _ = observe(.context, context)
        return observe(.attentionOutput, output(context, rows: n))
    }
}

/// Mix-FFN: dense → depthwise 3×3 → GELU (exact erf) → dense.
struct FloatMixFFN {
    let dense1: FloatLinear
    let depthwise: FloatDepthwiseConv3x3
    let dense2: FloatLinear

    func callAsFunction(_ x: FeatureMap, _ observe: Observe) -> [Float] {
        let n = x.height * x.width
        let hidden = observe(.dense1, dense1(x.data, rows: n))
        let mixed = observe(.depthwise, depthwise(hidden, height: x.height, width: x.width))
        let activated = observe(.gelu, gelu(mixed))
        return observe(.dense2, dense2(activated, rows: n))
    }
}

/// One transformer block: x += attention(LN1(x)); x += MixFFN(LN2(x)).
struct FloatEncoderBlock {
    let norm1: FloatLayerNorm
    let attention: FloatEfficientAttention
    let norm2: FloatLayerNorm
    let ffn: FloatMixFFN

    func callAsFunction(_ x: inout FeatureMap, _ observe: Observe) {
        let normed1 = observe(.norm1, norm1(x.data))
        let a = attention(FeatureMap(height: x.height, width: x.width, channels: x.channels, data: normed1), observe)
        addInPlace(&x.data, a)
        _ = observe(.residual1, x.data)
        let normed2 = observe(.norm2, norm2(x.data))
        let f = ffn(FeatureMap(height: x.height, width: x.width, channels: x.channels, data: normed2), observe)
        addInPlace(&x.data, f)
        _ = observe(.residual2, x.data)
    }
}

/// One encoder stage: overlapped patch embedding (conv + LayerNorm), its blocks, and the stage LayerNorm.
struct FloatEncoderStage {
    let patchEmbedding: FloatConv2d
    let patchNorm: FloatLayerNorm
    let blocks: [FloatEncoderBlock]
    let norm: FloatLayerNorm

    func callAsFunction(_ input: FeatureMap, stage s: Int, _ observer: @escaping ActivationObserver) -> FeatureMap {
        var x = patchEmbedding(input)
        report(observer, ActivationPoint.patchEmbedding(s), x.data)
        x.data = patchNorm(x.data)
        report(observer, ActivationPoint.patchNorm(s), x.data)
        for (b, block) in blocks.enumerated() {
            block(&x, Observe(stage: s, block: b, observer: observer))
        }
        x.data = norm(x.data)
        report(observer, ActivationPoint.stageNorm(s), x.data)
        return x
    }
}

/// Reports a block's activation points to the observer under their full names; returns the values so a
/// computation and its report read as one line.
struct Observe {
    let stage: Int
    let block: Int
    let observer: ActivationObserver

    func callAsFunction(_ point: ActivationPoint.Block, _ values: [Float]) -> [Float] {
        report(observer, ActivationPoint.block(stage, block, point), values)
        return values
    }
}

func report(_ observer: ActivationObserver, _ name: String, _ values: [Float]) {
    values.withUnsafeBufferPointer { observer(name, $0) }
}
