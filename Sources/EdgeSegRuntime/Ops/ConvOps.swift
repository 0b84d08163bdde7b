/// k×k convolutions (patch embeddings, spatial reduction). int8: tiles of output pixels, each one GEMM call on
/// its own im2col scratch; float: bands of output rows, each with its own im2col columns.
final class Int8ConvOp: Op {
    let layer: Int8Conv2d
    let input: ArenaTensor
    let scratch: Int
    private let scratchBytes: Int
    private var x: UnsafePointer<Int8>!
    private var y: UnsafeMutablePointer<Int8>!
    private var columns: UnsafeMutablePointer<Int8>!
    private var kernels: Int8Kernels!

    init(_ layer: Int8Conv2d, input: ArenaTensor, scratch: Int, output: Int) {
        (self.layer, self.input, self.scratch) = (layer, input, scratch)
        scratchBytes = layer.scratchBytes(height: input.height, width: input.width)
        super.init(group: .conv, output: output)
    }

    override func bind(_ arena: BoundArena) {
        (x, y, columns, kernels) = (UnsafePointer(arena.int8(input.id)), arena.int8(output), arena.int8(scratch), arena.kernels)
    }

    override func split(threads: Int) -> WorkSplit { .each(layer.tiles(height: input.height, width: input.width)) }

    override func run(unit: Int, items: Range<Int>, worker: Int) {
        layer.run(tile: unit, x, height: input.height, width: input.width, y, scratch: columns + worker * scratchBytes, kernels)
    }
}

final class FloatConvOp: Op {
    let layer: FloatConv2d
    let input: ArenaTensor
    let bandRows: Int
    let scratch: Int
    let outputTensor: ArenaTensor
    private var x: UnsafePointer<Float>!
    private var y: UnsafeMutablePointer<Float>!
    private var columns: UnsafeMutablePointer<Float>!

    init(_ layer: FloatConv2d, input: ArenaTensor, bandRows: Int, scratch: Int, output: ArenaTensor) {
        (self.layer, self.input, self.bandRows, self.scratch, outputTensor) = (layer, input, bandRows, scratch, output)
        super.init(group: .conv, output: output.id)
    }

    override func bind(_ arena: BoundArena) {
        (x, y, columns) = (UnsafePointer(arena.float(input.id)), arena.float(output), arena.float(scratch))
    }

    override func split(threads: Int) -> WorkSplit { WorkSplit(items: outputTensor.height, chunk: bandRows) }

    override func run(unit: Int, items: Range<Int>, worker: Int) {
        let perWorker = layer.columnCount(rows: bandRows, outputWidth: outputTensor.width)
        layer.run(x, height: input.height, width: input.width, rows: items, columns: columns + worker * perWorker,
                  y + items.lowerBound * outputTensor.width * outputTensor.channels)
    }
}

extension Program {
    mutating func conv(_ layer: MixedLayer<Int8Conv2d, FloatConv2d>, _ x: ArenaTensor, _ name: String) -> ArenaTensor {
        emit(layer, [x], name, int8: { l, x, p in
            let size = l.outputSize(height: x[0].height, width: x[0].width)
            let y = p.tensor(name, height: size.height, width: size.width, channels: l.outChannels)
            let scratch = p.scratch("\(name).scratch", bytesPerWorker: l.scratchBytes(height: x[0].height, width: x[0].width))
            return (Int8ConvOp(l, input: x[0], scratch: scratch, output: y.id), y)
        }, float: { l, x, p in
            let size = l.outputSize(height: x[0].height, width: x[0].width)
            let y = p.floatOutput(name, height: size.height, width: size.width, channels: l.linear.outFeatures)
            let bandRows = min(size.height, max(1, FloatDecoderHead.bandPixels / size.width))
            let scratch = p.scratch("\(name).columns", bytesPerWorker: 4 * l.columnCount(rows: bandRows, outputWidth: size.width))
            return (FloatConvOp(l, input: x[0], bandRows: bandRows, scratch: scratch, output: y), y)
        })
    }
}
