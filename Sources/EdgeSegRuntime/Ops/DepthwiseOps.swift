/// Depthwise 3×3 (stride 1, padding 1) in Mix-FFN, int8 or float, split by output rows.
final class Int8DepthwiseOp: Op {
    let layer: Int8DepthwiseConv3x3
    let input: ArenaTensor
    private var x: UnsafePointer<Int8>!
    private var y: UnsafeMutablePointer<Int8>!
    private var kernels: Int8Kernels!

    init(_ layer: Int8DepthwiseConv3x3, input: ArenaTensor, output: Int) {
        (self.layer, self.input) = (layer, input)
        super.init(group: .depthwise, output: output)
    }

    override func bind(_ arena: BoundArena) {
        (x, y, kernels) = (UnsafePointer(arena.int8(input.id)), arena.int8(output), arena.kernels)
    }

    override func split(threads: Int) -> WorkSplit { .spread(input.height, threads: threads) }

    override func run(unit: Int, items: Range<Int>, worker: Int) {
        layer.run(x, height: input.height, width: input.width, rows: items, y + items.lowerBound * input.width * layer.channels,
                  kernels)
    }
}

final class FloatDepthwiseOp: Op {
    let layer: FloatDepthwiseConv3x3
    let input: ArenaTensor
    private var x: UnsafePointer<Float>!
    private var y: UnsafeMutablePointer<Float>!

    init(_ layer: FloatDepthwiseConv3x3, input: ArenaTensor, output: Int) {
        (self.layer, self.input) = (layer, input)
        super.init(group: .depthwise, output: output)
    }

    override func bind(_ arena: BoundArena) { (x, y) = (UnsafePointer(arena.float(input.id)), arena.float(output)) }

    override func split(threads: Int) -> WorkSplit { .spread(input.height, threads: threads) }

    override func run(unit: Int, items: Range<Int>, worker: Int) {
        layer.run(x, height: input.height, width: input.width, rows: items, y + items.lowerBound * input.width * input.channels)
    }
}

extension Program {
    mutating func depthwise(_ layer: MixedLayer<Int8DepthwiseConv3x3, FloatDepthwiseConv3x3>, _ x: ArenaTensor,
                            _ name: String) -> ArenaTensor {
        emit(layer, [x], name, int8: { l, x, p in
            let y = p.tensor(name, height: x[0].height, width: x[0].width, channels: x[0].channels)
            return (Int8DepthwiseOp(l, input: x[0], output: y.id), y)
        }, float: { l, x, p in
            let y = p.floatOutput(name, height: x[0].height, width: x[0].width, channels: x[0].channels)
            return (FloatDepthwiseOp(l, input: x[0], output: y.id), y)
        })
    }
}
