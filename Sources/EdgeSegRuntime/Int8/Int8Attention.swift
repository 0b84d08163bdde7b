import CEdgeSeg

/// Efficient self-attention in int8: queries from every token, keys and values from the spatially reduced map
/// (sr conv + LayerNorm), the attention core, and the output projection.
struct Int8EfficientAttention {
    let stage: Int
    let index: Int
    let query: Int8Linear
    let key: Int8Linear
    let value: Int8Linear
    let reduction: (conv: Int8Conv2d, norm: Int8LayerNorm)?
    let core: Int8AttentionCore
    let output: Int8Linear

    init(_ r: Int8ModelReader, block p: String, stage s: Int, index b: Int, config c: SegFormerConfig) throws(EdgeSegError) {
        let ch = c.hiddenSizes[s], sr = c.srRatios[s]
        func point(_ x: ActivationPoint.Block) -> String { ActivationPoint.block(s, b, x) }
        stage = s
        index = b
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
        core = Int8AttentionCore(heads: c.numAttentionHeads[s], channels: ch,
                                 softmax: try r.requant("\(a).softmax_requant", count: 1).pointee,
                                 contextRequant: try r.requant("\(a).context_requant", count: 1).pointee,
                                 queryZeroPoint: query.output.zero_point, keyZeroPoint: key.output.zero_point,
                                 valueZeroPoint: value.output.zero_point,
                                 context: outputRange(try r.zeroPoint(point(.context))))
        output = try Int8Linear(r, "\(p).attention.output.dense", input: point(.context), output: point(.attentionOutput),
                                inFeatures: ch, outFeatures: ch)
    }

    /// Appends the attention of the normalised map `x`; returns the attention output.
    func emit(_ x: Int8Tensor, into p: inout Int8Program) -> Int {
        func point(_ b: ActivationPoint.Block) -> String { ActivationPoint.block(stage, index, b) }
        let c = x.channels
        var q = 0
        p.append(reading: [x.id]) { p in
            q = p.tensor(point(.query), height: x.height, width: x.width, channels: c).id
            return .linear(query, input: x.id, rows: x.tokens, output: q)
        }
        var keysIn = x
        if let reduction {
            let size = reduction.conv.outputSize(height: x.height, width: x.width)
            var reduced = x
            p.append(reading: [x.id]) { p in
                reduced = p.tensor(point(.reduction), height: size.height, width: size.width, channels: c)
                let scratch = p.scratch("stage\(stage + 1).block\(index + 1).reduction.scratch",
                                        bytesPerWorker: reduction.conv.scratchBytes(height: x.height, width: x.width))
                return .conv(reduction.conv, input: x, scratch: scratch, output: reduced.id)
            }
            p.append(reading: [reduced.id]) { p in
                keysIn = p.tensor(point(.reductionNorm), height: size.height, width: size.width, channels: c)
                return .layerNorm(reduction.norm, input: reduced.id, rows: reduced.tokens, output: keysIn.id)
            }
        }
        var k = 0, v = 0
        p.append(reading: [keysIn.id]) { p in
            k = p.tensor(point(.key), height: keysIn.height, width: keysIn.width, channels: c).id
            return .linear(key, input: keysIn.id, rows: keysIn.tokens, output: k)
        }
        p.append(reading: [keysIn.id]) { p in
            v = p.tensor(point(.value), height: keysIn.height, width: keysIn.width, channels: c).id
            return .linear(value, input: keysIn.id, rows: keysIn.tokens, output: v)
        }
        var context = 0
        p.append(reading: [q, k, v]) { p in
            let scratch = p.scratch("stage\(stage + 1).block\(index + 1).attention.scratch",
                                    bytesPerWorker: core.scratchBytes)
            context = p.tensor(point(.context), height: x.height, width: x.width, channels: c).id
            return .attention(core, query: q, key: k, value: v, queries: x.tokens, keys: keysIn.tokens, scratch: scratch,
                              output: context)
        }
        var attended = 0
        p.append(reading: [context]) { p in
            attended = p.tensor(point(.attentionOutput), height: x.height, width: x.width, channels: c).id
            return .linear(output, input: context, rows: x.tokens, output: attended)
        }
        return attended
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
