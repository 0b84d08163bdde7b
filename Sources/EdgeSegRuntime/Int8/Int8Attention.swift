import CEdgeSeg

/// Efficient self-attention in int8. Per head and per tile of queries: int32 scores Q·Kᵀ, integer softmax
/// weights relative to each row's maximum (uint8), int32 P·V, normalised by the row's weight sum while
/// requantizing into the context. Only a tile of the score matrix exists at a time.
struct Int8EfficientAttention {
    static let queryTile = 64

    let heads: Int
    let channels: Int
    let query: Int8Linear
    let key: Int8Linear
    let value: Int8Linear
    let reduction: (conv: Int8Conv2d, norm: Int8LayerNorm)?
    let softmax: es_requant
    let contextRequant: es_requant
    let context: es_qs8_out
    let output: Int8Linear

    init(_ r: Int8ModelReader, block p: String, stage s: Int, index b: Int, config c: SegFormerConfig) throws(EdgeSegError) {
        let ch = c.hiddenSizes[s], sr = c.srRatios[s]
        func point(_ x: ActivationPoint.Block) -> String { ActivationPoint.block(s, b, x) }
        heads = c.numAttentionHeads[s]
        channels = ch
        let a = "\(p).attention.self"
        query = try Int8Linear(r, "\(a).query", input: point(.norm1), output: point(.query), inFeatures: ch, outFeatures: ch)
        let keysFrom = sr > 1 ? point(.reductionNorm) : point(.norm1)
        key = try Int8Linear(r, "\(a).key", input: keysFrom, output: point(.key), inFeatures: ch, outFeatures: ch)
        value = try Int8Linear(r, "\(a).value", input: keysFrom, output: point(.value), inFeatures: ch, outFeatures: ch)
        reduction = sr > 1
            ? (try Int8Conv2d(r, "\(a).sr", input: point(.norm1), output: point(.reduction), inChannels: ch, outChannels: ch,
                              kernel: sr, stride: sr, padding: 0),
               try Int8LayerNorm(r, "\(a).layer_norm", output: point(.reductionNorm), channels: ch))
            : nil
        softmax = try r.requant("\(a).softmax_requant", count: 1).pointee
        contextRequant = try r.requant("\(a).context_requant", count: 1).pointee
        context = outputRange(try r.zeroPoint(point(.context)))
        output = try Int8Linear(r, "\(p).attention.output.dense", input: point(.context), output: point(.attentionOutput),
                                inFeatures: ch, outFeatures: ch)
    }

    func callAsFunction(_ x: Int8Map) -> [Int8] {
        let n = x.tokens, c = channels, d = c / heads
        let q = query(x.data, rows: n)
        var keysIn = x.data, m = n
        if let reduction {
            let reduced = reduction.conv(x)
            keysIn = reduction.norm(reduced.data)
            m = reduced.tokens
        }
        let k = key(keysIn, rows: m)
        let v = value(keysIn, rows: m)
        let tile = Self.queryTile
        var scores = [Int32](repeating: 0, count: tile * m)
        var weights = [UInt8](repeating: 0, count: tile * m)
        var sums = [UInt32](repeating: 0, count: tile)
        var accumulators = [Int32](repeating: 0, count: tile * d)
        var ctx = [Int8](repeating: 0, count: n * c)
        q.withUnsafeBufferPointer { qp in
        k.withUnsafeBufferPointer { kp in
        v.withUnsafeBufferPointer { vp in
        scores.withUnsafeMutableBufferPointer { sp in
        weights.withUnsafeMutableBufferPointer { pp in
        sums.withUnsafeMutableBufferPointer { wp in
        accumulators.withUnsafeMutableBufferPointer { ap in
        ctx.withUnsafeMutableBufferPointer { cp in
            for h in 0..<heads {
                for start in stride(from: 0, to: n, by: tile) {
                    let rows = min(tile, n - start)
                    es_qs8_qk_scalar(rows, m, d, qp.baseAddress! + start * c + h * d, c, query.output.zero_point,
                                     kp.baseAddress! + h * d, c, key.output.zero_point, sp.baseAddress, m)
                    es_qs32_softmax_weights_rndnu_scalar(rows, m, sp.baseAddress, m, softmax, pp.baseAddress, m, wp.baseAddress)
                    ap.update(repeating: 0)
                    es_qu8_pv_scalar(rows, m, d, pp.baseAddress, m, vp.baseAddress! + h * d, c, value.output.zero_point,
                                     ap.baseAddress, d)
                    es_qs32_attention_normalize_rndnu_scalar(rows, d, ap.baseAddress, d, wp.baseAddress, contextRequant,
                                                             context, cp.baseAddress! + start * c + h * d, c)
                }
            }
        }}}}}}}}
        return output(ctx, rows: n)
    }
}
