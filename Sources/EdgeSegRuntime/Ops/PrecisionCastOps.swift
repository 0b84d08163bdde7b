import CEdgeSeg

/// The boundaries of a mixed-precision model's float layers: int8 → float before one, float → int8 after one
/// (MixedPrecision.swift says where); split by elements.
final class DequantizeOp: RowwiseOp<Int8, Float> {
    let parameters: QuantizationParameters

    init(_ parameters: QuantizationParameters, input: Int, count: Int, output: Int) {
        self.parameters = parameters
        super.init(group: .elementwise, input: input, rows: count, minimumChunk: 4096, output: output)
    }

    override func run(unit: Int, items: Range<Int>, worker: Int) {
        es_f32_dequantize_qs8(items.count, x + items.lowerBound, Float(parameters.scale), parameters.zeroPoint,
                              y + items.lowerBound)
    }
}

final class QuantizeOp: RowwiseOp<Float, Int8> {
    let parameters: QuantizationParameters

    init(_ parameters: QuantizationParameters, input: Int, count: Int, output: Int) {
        self.parameters = parameters
        super.init(group: .elementwise, input: input, rows: count, minimumChunk: 4096, output: output)
    }

    override func run(unit: Int, items: Range<Int>, worker: Int) {
        es_f32_quantize_qs8(items.count, x + items.lowerBound, 1 / parameters.scale, parameters.zeroPoint, y + items.lowerBound)
    }
}
