import CEdgeSeg

/// GELU in place: an int8 → int8 table, or the exact erf form in float; split by elements.
final class Int8LookupOp: Op {
    let layer: Int8Lookup
    let input: Int
    let count: Int
    private var x: UnsafePointer<Int8>!
    private var y: UnsafeMutablePointer<Int8>!
    private var kernels: Int8Kernels!

    init(_ layer: Int8Lookup, input: Int, count: Int, output: Int) {
        (self.layer, self.input, self.count) = (layer, input, count)
        super.init(group: .elementwise, output: output)
    }

    override func bind(_ arena: BoundArena) {
        (x, y, kernels) = (UnsafePointer(arena.int8(input)), arena.int8(output), arena.kernels)
    }

    override func split(threads: Int) -> WorkSplit { .spread(count, threads: threads, minimumChunk: 4096) }

    override func run(unit: Int, items: Range<Int>, worker: Int) {
        layer.run(x + items.lowerBound, count: items.count, y + items.lowerBound, kernels)
    }
}

final class FloatGELUOp: Op {
    let input: Int
    let count: Int
    private var x: UnsafePointer<Float>!
    private var y: UnsafeMutablePointer<Float>!

    init(input: Int, count: Int, output: Int) {
        (self.input, self.count) = (input, count)
        super.init(group: .elementwise, output: output)
    }

    override func bind(_ arena: BoundArena) { (x, y) = (UnsafePointer(arena.float(input)), arena.float(output)) }

    override func split(threads: Int) -> WorkSplit { .spread(count, threads: threads, minimumChunk: 4096) }

    override func run(unit: Int, items: Range<Int>, worker: Int) {
        es_f32_gelu(x + items.lowerBound, items.count, y + items.lowerBound)
    }
}

extension Program {
    mutating func gelu(_ layer: MixedLayer<Int8Lookup, Void>, _ x: ArenaTensor, _ name: String) -> ArenaTensor {
        emit(layer, [x], name, int8: { l, x, p in
            let y = p.tensor(name, height: x[0].height, width: x[0].width, channels: x[0].channels, inPlaceOf: x[0].id)
            return (Int8LookupOp(l, input: x[0].id, count: x[0].count, output: y.id), y)
        }, float: { _, x, p in
            let y = p.floatOutput(name, height: x[0].height, width: x[0].width, channels: x[0].channels, inPlaceOf: x[0])
            return (FloatGELUOp(input: x[0].id, count: x[0].count, output: y.id), y)
        })
    }
}
