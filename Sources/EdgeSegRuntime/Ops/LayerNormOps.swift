/// LayerNorm over rows of tokens, int8 or float, split by rows.
final class Int8LayerNormOp: RowwiseOp<Int8, Int8> {
    let layer: Int8LayerNorm

    init(_ layer: Int8LayerNorm, input: Int, rows: Int, output: Int) {
        self.layer = layer
        super.init(group: .layerNorm, input: input, rows: rows, minimumChunk: 16, output: output)
    }

    override func run(unit: Int, items: Range<Int>, worker: Int) {
        let c = layer.channels
        layer.run(x + items.lowerBound * c, rows: items.count, y + items.lowerBound * c, kernels)
    }
}

final class FloatLayerNormOp: RowwiseOp<Float, Float> {
    let layer: FloatLayerNorm

    init(_ layer: FloatLayerNorm, input: Int, rows: Int, output: Int) {
        self.layer = layer
        super.init(group: .layerNorm, input: input, rows: rows, minimumChunk: 16, output: output)
    }

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
