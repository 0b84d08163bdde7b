import CEdgeSeg

/// The boundaries of a mixed-precision model's float layers: int8 → float before one, float → int8 after one
/// (MixedPrecision.swift says where); split by elements.
final class DequantizeOp: Op {
    let parameters: QuantizationParameters
    let input: Int
    let count: Int
    private var x: UnsafePointer<Int8>!
    private var y: UnsafeMutablePointer<Float>!

    init(_ parameters: QuantizationParameters, input: Int, count: Int, output: Int) {
        (self.parameters, self.input, self.count) = (parameters, input, count)
        super.init(group: .elementwise, output: output)
    }

    override func bind(_ arena: BoundArena) { (x, y) = (UnsafePointer(arena.int8(input)), arena.float(output)) }

    override func split(threads: Int) -> WorkSplit { .spread(count, threads: threads, minimumChunk: 4096) }

    override func run(unit: Int, items: Range<Int>, worker: Int) {
        es_f32_dequantize_qs8(items.count, x + items.lowerBound, Float(parameters.scale), parameters.zeroPoint,
                              y + items.lowerBound)
    }
}

final class QuantizeOp: Op {
    let parameters: QuantizationParameters
    let input: Int
    let count: Int
    private var x: UnsafePointer<Float>!
    private var y: UnsafeMutablePointer<Int8>!

    init(_ parameters: QuantizationParameters, input: Int, count: Int, output: Int) {
        (self.parameters, self.input, self.count) = (parameters, input, count)
        super.init(group: .elementwise, output: output)
    }

    override func bind(_ arena: BoundArena) { (x, y) = (UnsafePointer(arena.float(input)), arena.int8(output)) }

    override func split(threads: Int) -> WorkSplit { .spread(count, threads: threads, minimumChunk: 4096) }

    override func run(unit: Int, items: Range<Int>, worker: Int) {
        es_f32_quantize_qs8(items.count, x + items.lowerBound, 1 / parameters.scale, parameters.zeroPoint, y + items.lowerBound)
    }
}
