import CEdgeSeg

/// GELU in place: an int8 → int8 table, or the exact erf form in float; split by elements.
final class Int8LookupOp: RowwiseOp<Int8, Int8> {
    let layer: Int8Lookup

    init(_ layer: Int8Lookup, input: Int, count: Int, output: Int) {
        self.layer = layer
        super.init(group: .elementwise, input: input, rows: count, minimumChunk: 4096, output: output)
    }

    override func run(unit: Int, items: Range<Int>, worker: Int) {
        layer.run(x + items.lowerBound, count: items.count, y + items.lowerBound, kernels)
    }
}

final class FloatGELUOp: RowwiseOp<Float, Float> {
    init(input: Int, count: Int, output: Int) {
        super.init(group: .elementwise, input: input, rows: count, minimumChunk: 4096, output: output)
    }

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
