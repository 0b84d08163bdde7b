import CEdgeSeg

/// softmax(Q·Kᵀ/√d)·V over the heads, streaming over key tiles: int8 in units of one head and query tile, float
/// in bands of query rows; each thread with its own scratch.
final class Int8AttentionOp: Op {
    let core: Int8AttentionCore
    let query: Int
    let key: Int
    let value: Int
    let queries: Int
    let keys: Int
    let scratch: Int
    private var q: UnsafePointer<Int8>!
    private var k: UnsafePointer<Int8>!
    private var v: UnsafePointer<Int8>!
    private var y: UnsafeMutablePointer<Int8>!
    private var scores: UnsafeMutableRawPointer!
    private var kernels: Int8Kernels!

    init(_ core: Int8AttentionCore, query: Int, key: Int, value: Int, queries: Int, keys: Int, scratch: Int, output: Int) {
        (self.core, self.query, self.key, self.value) = (core, query, key, value)
        (self.queries, self.keys, self.scratch) = (queries, keys, scratch)
        super.init(group: .attention, output: output)
    }

    override func bind(_ arena: BoundArena) {
        (q, k, v) = (UnsafePointer(arena.int8(query)), UnsafePointer(arena.int8(key)), UnsafePointer(arena.int8(value)))
        (y, scores, kernels) = (arena.int8(output), UnsafeMutableRawPointer(arena.int8(scratch)), arena.kernels)
    }

    override func split(threads: Int) -> WorkSplit { .each(core.units(queries: queries)) }

    override func run(unit: Int, items: Range<Int>, worker: Int) {
        core.run(unit: unit, q: q, k: k, v: v, queries: queries, keys: keys, scratch: scores + worker * core.scratchBytes,
                 y: y, kernels)
    }
}

final class FloatAttentionOp: Op {
    let heads: Int
    let query: Int
    let key: Int
    let value: Int
    let queries: Int
    let keys: Int
    let channels: Int
    let scratch: Int
    private var q: UnsafePointer<Float>!
    private var k: UnsafePointer<Float>!
    private var v: UnsafePointer<Float>!
    private var y: UnsafeMutablePointer<Float>!
    private var scores: UnsafeMutablePointer<Float>!

    init(heads: Int, query: Int, key: Int, value: Int, queries: Int, keys: Int, channels: Int, scratch: Int, output: Int) {
        (self.heads, self.query, self.key, self.value) = (heads, query, key, value)
        (self.queries, self.keys, self.channels, self.scratch) = (queries, keys, channels, scratch)
        super.init(group: .attention, output: output)
    }

    override func bind(_ arena: BoundArena) {
        (q, k, v) = (UnsafePointer(arena.float(query)), UnsafePointer(arena.float(key)), UnsafePointer(arena.float(value)))
        (y, scores) = (arena.float(output), arena.float(scratch))
    }

    override func split(threads: Int) -> WorkSplit { .spread(queries, threads: threads, minimumChunk: 16) }

    override func run(unit: Int, items: Range<Int>, worker: Int) {
        let c = channels
        es_f32_attention(q + items.lowerBound * c, k, v, items.count, keys, c, heads,
                         scores + worker * es_f32_attention_scratch(keys, c), y + items.lowerBound * c)
    }
}

extension Program {
    /// softmax(Q·Kᵀ/√d)·V over `heads` heads.
    mutating func attention(_ layer: MixedLayer<Int8AttentionCore, Int>, query q: ArenaTensor, key k: ArenaTensor,
                            value v: ArenaTensor, _ name: String) -> ArenaTensor {
        emit(layer, [q, k, v], name, int8: { core, x, p in
            let scratch = p.scratch("\(name).scratch", bytesPerWorker: core.scratchBytes)
            let y = p.tensor(name, height: x[0].height, width: x[0].width, channels: x[0].channels)
            return (Int8AttentionOp(core, query: x[0].id, key: x[1].id, value: x[2].id, queries: x[0].tokens, keys: x[1].tokens,
                                    scratch: scratch, output: y.id), y)
        }, float: { heads, x, p in
            let c = x[0].channels
            let scratch = p.scratch("\(name).scratch", bytesPerWorker: 4 * es_f32_attention_scratch(x[1].tokens, c))
            let y = p.floatOutput(name, height: x[0].height, width: x[0].width, channels: c)
            return (FloatAttentionOp(heads: heads, query: x[0].id, key: x[1].id, value: x[2].id, queries: x[0].tokens,
                                     keys: x[1].tokens, channels: c, scratch: scratch, output: y.id), y)
        })
    }
}
