import CEdgeSeg

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
             scratch: UnsafeMutableRawPointer, y: UnsafeMutablePointer<Int8>, _ kernels: Int8Kernels) {
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
            kernels.qk(rows, cols, d, queries, c, queryZeroPoint, k + keyStart * c + h * d, c, keyZeroPoint, scores, cols)
            kernels.softmaxOnline(rows, cols, scores, cols, softmax, keyStart == 0 ? 1 : 0, maxima, sums,
                                                accumulators, d, d, weights, cols)
            kernels.pv(rows, cols, d, weights, cols, v + keyStart * c + h * d, c, valueZeroPoint, accumulators, d)
        }
        kernels.attentionNormalize(rows, d, accumulators, d, sums, contextRequant, context, y + start * c + h * d, c)
    }
}
