/// The decoder's fuse and classifier on the stage projections, in bands of output rows (each band its own work
/// unit with its own fused band in the thread's scratch), int8 or float.
final class Int8DecoderHeadOp: Op {
    let head: Int8DecoderHead
    let inputs: [ArenaTensor]
    let bandRows: Int
    let scratch: Int
    let logits: ArenaTensor
    private var x: [UnsafePointer<Int8>] = []
    private var y: UnsafeMutablePointer<Int8>!
    private var bands: UnsafeMutablePointer<Int8>!
    private var kernels: Int8Kernels!

    init(_ head: Int8DecoderHead, inputs: [ArenaTensor], bandRows: Int, scratch: Int, output: ArenaTensor) {
        (self.head, self.inputs, self.bandRows, self.scratch, logits) = (head, inputs, bandRows, scratch, output)
        super.init(group: .decoder, output: output.id)
    }

    override func bind(_ arena: BoundArena) {
        x = inputs.map { UnsafePointer(arena.int8($0.id)) }
        (y, bands, kernels) = (arena.int8(output), arena.int8(scratch), arena.kernels)
    }

    override func split(threads: Int) -> WorkSplit { WorkSplit(items: logits.height, chunk: bandRows) }

    override func run(unit: Int, items: Range<Int>, worker: Int) {
        head.run(band: unit, bandRows: bandRows, inputs, x, logits, y,
                 scratch: bands + worker * head.scratchBytes(bandRows: bandRows, width: logits.width), kernels)
    }

    /// One band that is the whole map: the fused map exists whole and can be observed.
    override var observedScratch: (buffer: Int, count: Int)? {
        bandRows == logits.height ? (scratch, logits.tokens * head.channels) : nil
    }
}

final class FloatDecoderHeadOp: Op {
    let head: FloatDecoderHead
    let inputs: [ArenaTensor]
    let bandRows: Int
    let scratch: Int
    let logits: ArenaTensor
    private var x: [UnsafePointer<Float>] = []
    private var y: UnsafeMutablePointer<Float>!
    private var bands: UnsafeMutablePointer<Float>!

    init(_ head: FloatDecoderHead, inputs: [ArenaTensor], bandRows: Int, scratch: Int, output: ArenaTensor) {
        (self.head, self.inputs, self.bandRows, self.scratch, logits) = (head, inputs, bandRows, scratch, output)
        super.init(group: .decoder, output: output.id)
    }

    override func bind(_ arena: BoundArena) {
        x = inputs.map { UnsafePointer(arena.float($0.id)) }
        (y, bands) = (arena.float(output), arena.float(scratch))
    }

    override func split(threads: Int) -> WorkSplit { WorkSplit(items: logits.height, chunk: bandRows) }

    override func run(unit: Int, items: Range<Int>, worker: Int) {
        head.run(band: unit, bandRows: bandRows, inputs, x, logits, y, scratch: bands + worker * bandRows * logits.width * head.channels)
    }
}

extension Program {
    /// The decoder's fuse and classifier on the stage projections, in bands of `bandRows` rows; the fused band
    /// is scratch named `fusedName`.
    mutating func decoderHead(_ layer: MixedLayer<Int8DecoderHead, FloatDecoderHead>, _ projections: [ArenaTensor],
                              bandRows: Int, fusedName: String, _ name: String) -> ArenaTensor {
        let (h, w) = (projections[0].height, projections[0].width)
        return emit(layer, projections, name, int8: { head, x, p in
            let band = p.scratch(fusedName, bytesPerWorker: head.scratchBytes(bandRows: bandRows, width: w))
            let y = p.tensor(name, height: h, width: w, channels: head.classes)
            return (Int8DecoderHeadOp(head, inputs: x, bandRows: bandRows, scratch: band, output: y), y)
        }, float: { head, x, p in
            let band = p.scratch(fusedName, bytesPerWorker: 4 * bandRows * w * head.channels)
            let y = p.floatOutput(name, height: h, width: w, channels: head.classes)
            return (FloatDecoderHeadOp(head, inputs: x, bandRows: bandRows, scratch: band, output: y), y)
        })
    }
}
