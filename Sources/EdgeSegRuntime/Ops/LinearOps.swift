/// Linear layers over rows of tokens (and 1×1 convolutions), int8 or float, split by rows.
final class Int8LinearOp: Op {
    let layer: Int8Linear
    let input: Int
    let rows: Int
    private var x: UnsafePointer<Int8>!
    private var y: UnsafeMutablePointer<Int8>!
    private var kernels: Int8Kernels!

    init(_ layer: Int8Linear, input: Int, rows: Int, output: Int) {
        (self.layer, self.input, self.rows) = (layer, input, rows)
        super.init(group: .linear, output: output)
    }

    override func bind(_ arena: BoundArena) {
        (x, y, kernels) = (UnsafePointer(arena.int8(input)), arena.int8(output), arena.kernels)
    }

    override func split(threads: Int) -> WorkSplit { .spread(rows, threads: threads, minimumChunk: 16) }

    override func run(unit: Int, items: Range<Int>, worker: Int) {
        layer.run(x + items.lowerBound * layer.inFeatures, rows: items.count, y + items.lowerBound * layer.outFeatures, kernels)
    }
}

final class FloatLinearOp: Op {
    let layer: FloatLinear
    let input: Int
    let rows: Int
    private var x: UnsafePointer<Float>!
    private var y: UnsafeMutablePointer<Float>!

    init(_ layer: FloatLinear, input: Int, rows: Int, output: Int) {
        (self.layer, self.input, self.rows) = (layer, input, rows)
        super.init(group: .linear, output: output)
    }

    override func bind(_ arena: BoundArena) { (x, y) = (UnsafePointer(arena.float(input)), arena.float(output)) }

    override func split(threads: Int) -> WorkSplit { .spread(rows, threads: threads, minimumChunk: 16) }

    override func run(unit: Int, items: Range<Int>, worker: Int) {
        layer.run(x + items.lowerBound * layer.inFeatures, rows: items.count, y + items.lowerBound * layer.outFeatures)
    }
}

extension Program {
    mutating func linear(_ layer: MixedLayer<Int8Linear, FloatLinear>, _ x: ArenaTensor, _ name: String) -> ArenaTensor {
        emit(layer, [x], name, int8: { l, x, p in
            let y = p.tensor(name, height: x[0].height, width: x[0].width, channels: l.outFeatures)
            return (Int8LinearOp(l, input: x[0].id, rows: x[0].tokens, output: y.id), y)
        }, float: { l, x, p in
            let y = p.floatOutput(name, height: x[0].height, width: x[0].width, channels: l.outFeatures)
            return (FloatLinearOp(l, input: x[0].id, rows: x[0].tokens, output: y.id), y)
        })
    }
}
