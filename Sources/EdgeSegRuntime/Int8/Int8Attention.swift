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
    init(_ r: ModelFileReader, block p: String, stage s: Int, index b: Int, config c: SegFormerConfig) throws(EdgeSegError) {
        let ch = c.hiddenSizes[s], sr = c.srRatios[s], heads = c.numAttentionHeads[s]
        func point(_ x: ActivationPoint.Block) -> String { ActivationPoint.block(s, b, x) }
        stage = s
        index = b
        let a = "\(p).attention.self"
        query = try r.linear("\(a).query", input: point(.norm1), output: point(.query), inFeatures: ch, outFeatures: ch)
        let keysFrom = sr > 1 ? point(.reductionNorm) : point(.norm1)
        key = try r.linear("\(a).key", input: keysFrom, output: point(.key), inFeatures: ch, outFeatures: ch)
        value = try r.linear("\(a).value", input: keysFrom, output: point(.value), inFeatures: ch, outFeatures: ch)
        reduction = sr > 1
            ? (try r.conv("\(a).sr", input: point(.norm1), output: point(.reduction), inChannels: ch, outChannels: ch,
                          kernel: sr, stride: sr, padding: 0),
               try r.layerNorm("\(a).layer_norm", input: point(.reduction), output: point(.reductionNorm), channels: ch))
            : nil
        core = try r.layer(touching: [point(.query), point(.key), point(.value), point(.context)], int8: { () throws(EdgeSegError) in
            Int8AttentionCore(heads: heads, channels: ch,
                              softmax: try r.requant("\(a).softmax_requant", count: 1).pointee,
                              contextRequant: try r.requant("\(a).context_requant", count: 1).pointee,
                              queryZeroPoint: try r.zeroPoint(point(.query)), keyZeroPoint: try r.zeroPoint(point(.key)),
                              valueZeroPoint: try r.zeroPoint(point(.value)),
                              context: outputRange(try r.zeroPoint(point(.context))))
        }, float: { () throws(EdgeSegError) in heads })
        output = try r.linear("\(p).attention.output.dense", input: point(.context), output: point(.attentionOutput),
                              inFeatures: ch, outFeatures: ch)
    }
}

/// softmax(Q·Kᵀ)·V of all heads in int8, streamed: per head and per tile of 64 queries, the keys pass in tiles of
/// 256 with an online softmax (running max and weight sum in integers, QUANTIZATION.md), and the context is
/// normalised by the weight sum once per row. Only one tile of scores exists at a time, so the scratch is the
/// same at any image size.
struct Int8AttentionCore {
    static let queryTile = 64
    static let keyTile = 256

    let heads: Int
    let channels: Int
    let softmax: es_requant
    let contextRequant: es_requant
    let queryZeroPoint: Int32
    let keyZeroPoint: Int32
    let valueZeroPoint: Int32
    let context: es_qs8_out

    var headSize: Int { channels / heads }

    /// One thread's scratch: int32 scores and uint8 weights of a tile, and each query row's running max, weight
    /// sum and int32 P·V accumulators; 64-byte aligned parts.
    var scratchBytes: Int { Self.layout(headSize).total }

    private static func layout(_ d: Int) -> (weights: Int, maxima: Int, sums: Int, accumulators: Int, total: Int) {
        func up(_ x: Int) -> Int { (x + 63) & ~63 }
        let scores = up(4 * queryTile * keyTile), weights = up(queryTile * keyTile)
        let maxima = up(4 * queryTile), sums = up(4 * queryTile), accumulators = up(4 * queryTile * d)
        return (scores, scores + weights, scores + weights + maxima, scores + weights + maxima + sums,
                scores + weights + maxima + sums + accumulators)
    }

    /// Work items for the thread pool: one per head and query tile.
    func units(queries n: Int) -> Int { heads * ((n + Self.queryTile - 1) / Self.queryTile) }

    /// Runs work item `unit` with `scratch` (scratchBytes, this thread's own).
    func run(unit: Int, q: UnsafePointer<Int8>, k: UnsafePointer<Int8>, v: UnsafePointer<Int8>, queries n: Int, keys m: Int,
             scratch: UnsafeMutableRawPointer, y: UnsafeMutablePointer<Int8>, _ kernels: es_int8_kernel_table) {
        let c = channels, d = headSize, tiles = (n + Self.queryTile - 1) / Self.queryTile
        let h = unit / tiles, start = (unit % tiles) * Self.queryTile
        let rows = min(Self.queryTile, n - start)
        let parts = Self.layout(d)
        let scores = scratch.assumingMemoryBound(to: Int32.self)
        let weights = (scratch + parts.weights).assumingMemoryBound(to: UInt8.self)
        let maxima = (scratch + parts.maxima).assumingMemoryBound(to: Int32.self)
        let sums = (scratch + parts.sums).assumingMemoryBound(to: UInt32.self)
        let accumulators = (scratch + parts.accumulators).assumingMemoryBound(to: Int32.self)
        let queries = q + start * c + h * d
        for keyStart in stride(from: 0, to: m, by: Self.keyTile) {
            let cols = min(Self.keyTile, m - keyStart)
            kernels.qk!(rows, cols, d, queries, c, queryZeroPoint, k + keyStart * c + h * d, c, keyZeroPoint, scores, cols)
            kernels.softmax_online!(rows, cols, scores, cols, softmax, keyStart == 0 ? 1 : 0, maxima, sums,
                                                accumulators, d, d, weights, cols)
            kernels.pv!(rows, cols, d, weights, cols, v + keyStart * c + h * d, c, valueZeroPoint, accumulators, d)
        }
        kernels.attention_normalize!(rows, d, accumulators, d, sums, contextRequant, context, y + start * c + h * d, c)
    }
}
