/// LayerNorm over rows of tokens, int8 or float, split by rows.
final class Int8LayerNormOp: Op {
    let layer: Int8LayerNorm
    let input: Int
    let rows: Int
    private var x: UnsafePointer<Int8>!
    private var y: UnsafeMutablePointer<Int8>!
    private var kernels: Int8Kernels!

    init(_ layer: Int8LayerNorm, input: Int, rows: Int, output: Int) {
        (self.layer, self.input, self.rows) = (layer, input, rows)
        super.init(group: .layerNorm, output: output)
    }

    override func bind(_ arena: BoundArena) {
        (x, y, kernels) = (UnsafePointer(arena.int8(input)), arena.int8(output), arena.kernels)
    }

    override func split(threads: Int) -> WorkSplit { .spread(rows, threads: threads, minimumChunk: 16) }

    override func run(unit: Int, items: Range<Int>, worker: Int) {
        let c = layer.channels
        layer.run(x + items.lowerBound * c, rows: items.count, y + items.lowerBound * c, kernels)
    }
}

final class FloatLayerNormOp: Op {
    let layer: FloatLayerNorm
    let input: Int
    let rows: Int
    private var x: UnsafePointer<Float>!
    private var y: UnsafeMutablePointer<Float>!

    init(_ layer: FloatLayerNorm, input: Int, rows: Int, output: Int) {
        (self.layer, self.input, self.rows) = (layer, input, rows)
        super.init(group: .layerNorm, output: output)
    }

    override func bind(_ arena: BoundArena) { (x, y) = (UnsafePointer(arena.float(input)), arena.float(output)) }

    override func split(threads: Int) -> WorkSplit { .spread(rows, threads: threads, minimumChunk: 16) }

    override func run(unit: Int, items: Range<Int>, worker: Int) {
        let c = layer.gamma.count
        layer.run(x + items.lowerBound * c, rows: items.count, y + items.lowerBound * c)
    }
}

extension Program {
    mutating func layerNorm(_ layer: MixedLayer<Int8LayerNorm, FloatLayerNorm>, _ x: ArenaTensor, _ name: String) -> ArenaTensor {
        emit(layer, [x], name, int8: { l, x, p in
            let y = p.tensor(name, height: x[0].height, width: x[0].width, channels: x[0].channels)
            return (Int8LayerNormOp(l, input: x[0].id, rows: x[0].tokens, output: y.id), y)
        }, float: { l, x, p in
            let y = p.floatOutput(name, height: x[0].height, width: x[0].width, channels: x[0].channels)
            return (FloatLayerNormOp(l, input: x[0].id, rows: x[0].tokens, output: y.id), y)
        })
    }
}
