/// Linear layers over rows of tokens (and 1×1 convolutions), int8 or float, split by rows.
final class Int8LinearOp: RowwiseOp<Int8, Int8> {
    let layer: Int8Linear

    init(_ layer: Int8Linear, input: Int, rows: Int, output: Int) {
        self.layer = layer
        super.init(group: .linear, input: input, rows: rows, minimumChunk: 16, output: output)
    }

    override func run(unit: Int, items: Range<Int>, worker: Int) {
        layer.run(x + items.lowerBound * layer.inFeatures, rows: items.count, y + items.lowerBound * layer.outFeatures, kernels)
    }
}

final class FloatLinearOp: RowwiseOp<Float, Float> {
    let layer: FloatLinear

    init(_ layer: FloatLinear, input: Int, rows: Int, output: Int) {
        self.layer = layer
        super.init(group: .linear, input: input, rows: rows, minimumChunk: 16, output: output)
    }

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
