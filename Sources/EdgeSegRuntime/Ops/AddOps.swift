import CEdgeSeg

/// Residual adds, in place of the first operand: int8 (each operand in its own scale) or float; split by elements.
final class Int8AddOp: Op {
    let layer: Int8Add
    let a: Int
    let b: Int
    let count: Int
    private var aData: UnsafePointer<Int8>!
    private var bData: UnsafePointer<Int8>!
    private var y: UnsafeMutablePointer<Int8>!
    private var kernels: Int8Kernels!

    init(_ layer: Int8Add, a: Int, b: Int, count: Int, output: Int) {
        (self.layer, self.a, self.b, self.count) = (layer, a, b, count)
        super.init(group: .elementwise, output: output)
    }

    override func bind(_ arena: BoundArena) {
        (aData, bData, y, kernels) = (UnsafePointer(arena.int8(a)), UnsafePointer(arena.int8(b)), arena.int8(output), arena.kernels)
    }

    override func split(threads: Int) -> WorkSplit { .spread(count, threads: threads, minimumChunk: 4096) }

    override func run(unit: Int, items: Range<Int>, worker: Int) {
        let i = items.lowerBound
        layer.run(aData + i, bData + i, count: items.count, y + i, kernels)
    }
}

/// y += b, where y is a's buffer (the plan puts the output in place of a).
final class FloatAddOp: Op {
    let a: Int
    let b: Int
    let count: Int
    private var bData: UnsafePointer<Float>!
    private var y: UnsafeMutablePointer<Float>!

    init(a: Int, b: Int, count: Int, output: Int) {
        (self.a, self.b, self.count) = (a, b, count)
        super.init(group: .elementwise, output: output)
    }

    override func bind(_ arena: BoundArena) {
        precondition(arena.offsets[a] == arena.offsets[output], "a float add runs in place of a")
        (bData, y) = (UnsafePointer(arena.float(b)), arena.float(output))
    }

    override func split(threads: Int) -> WorkSplit { .spread(count, threads: threads, minimumChunk: 4096) }

    override func run(unit: Int, items: Range<Int>, worker: Int) {
        es_f32_add_inplace(y + items.lowerBound, bData + items.lowerBound, items.count)
    }
}

extension Program {
    /// A residual add, in place of `a`.
    mutating func add(_ layer: MixedLayer<Int8Add, Void>, _ a: ArenaTensor, _ b: ArenaTensor, _ name: String) -> ArenaTensor {
        emit(layer, [a, b], name, int8: { l, x, p in
            let y = p.tensor(name, height: x[0].height, width: x[0].width, channels: x[0].channels, inPlaceOf: x[0].id)
            return (Int8AddOp(l, a: x[0].id, b: x[1].id, count: x[0].count, output: y.id), y)
        }, float: { _, x, p in
            let y = p.floatOutput(name, height: x[0].height, width: x[0].width, channels: x[0].channels, inPlaceOf: x[0])
            return (FloatAddOp(a: x[0].id, b: x[1].id, count: x[0].count, output: y.id), y)
        })
    }
}
