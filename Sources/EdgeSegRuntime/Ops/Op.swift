import CEdgeSeg

/// One step of the planned forward, as a value that knows what it computes: the buffers it reads and writes
/// (ids into the program's buffers while the program is built), its op group, how its work splits across
/// threads, and how one unit of that work runs. The life of an op follows TFLite Micro's init/prepare/invoke:
/// the program makes it (the layer and buffer ids), the session binds it once to the planned arena (ids become
/// addresses), then every frame runs its units, which touch nothing but those addresses. Each op kind lives
/// in its own file with the `Program` function that emits it; a new kind adds a file and its kernels.
class Op {
    /// Which part of the model the op belongs to, for timing by op group.
    let group: OpGroup
    /// The buffer the op writes: its activation point, when it has one.
    let output: Int

    init(group: OpGroup, output: Int) {
        self.group = group
        self.output = output
    }

    /// Resolves the op's buffer ids to addresses in the session's arena; called once, before any run.
    func bind(_ arena: BoundArena) {}

    /// How the op's work is cut into units for `threads` threads.
    func split(threads: Int) -> WorkSplit { WorkSplit(items: 0, chunk: 1) }

    /// Runs unit `unit` of the split (its items `items`) on thread `worker`, with that thread's own scratch.
    func run(unit: Int, items: Range<Int>, worker: Int) {}

    /// A buffer an observer sees beside the output, with its element count: the decoder's fused map when the
    /// session keeps it whole.
    var observedScratch: (buffer: Int, count: Int)? { nil }
}

/// An op that maps rows of one buffer to rows of another (linear layers, LayerNorm, and the element-wise ops, whose
/// rows are single elements), split into chunks of at least `minimumChunk` rows: the buffers and the split such ops
/// share, so a subclass only says how a chunk runs.
class RowwiseOp<Input, Output>: Op {
    let input: Int
    let rows: Int
    private let minimumChunk: Int
    private(set) var x: UnsafePointer<Input>!
    private(set) var y: UnsafeMutablePointer<Output>!
    private(set) var kernels: Int8Kernels!

    init(group: OpGroup, input: Int, rows: Int, minimumChunk: Int, output: Int) {
        (self.input, self.rows, self.minimumChunk) = (input, rows, minimumChunk)
        super.init(group: group, output: output)
    }

    override func bind(_ arena: BoundArena) {
        (x, y, kernels) = (UnsafePointer(arena.address(input, as: Input.self)), arena.address(output, as: Output.self),
                           arena.kernels)
    }

    override func split(threads: Int) -> WorkSplit { .spread(rows, threads: threads, minimumChunk: minimumChunk) }
}

/// How an op's items (rows, elements, tiles, bands) are cut into units of `chunk` items for the thread pool.
struct WorkSplit {
    let items: Int
    let chunk: Int

    var units: Int { (items + chunk - 1) / chunk }

    func range(of unit: Int) -> Range<Int> { unit * chunk..<min(items, unit * chunk + chunk) }

    /// One item per unit (convolution tiles, attention head tiles).
    static func each(_ items: Int) -> WorkSplit { WorkSplit(items: items, chunk: 1) }

    /// About four units per thread, each at least `minimumChunk` items (fewer, larger units when the work is small).
    static func spread(_ items: Int, threads: Int, minimumChunk: Int = 1) -> WorkSplit {
        WorkSplit(items: items, chunk: max(minimumChunk, (items + 4 * threads - 1) / (4 * threads)))
    }
}

/// A session's arena as ops see it when they bind: buffer ids become addresses; the kernel table comes along.
struct BoundArena {
    let base: UnsafeMutableRawPointer
    let offsets: [Int]
    /// The kernels chosen for this CPU: the table that packed the model's weights.
    let kernels: Int8Kernels

    func address<Element>(_ id: Int, as: Element.Type) -> UnsafeMutablePointer<Element> {
        (base + offsets[id]).assumingMemoryBound(to: Element.self)
    }

    func int8(_ id: Int) -> UnsafeMutablePointer<Int8> { address(id, as: Int8.self) }

    func float(_ id: Int) -> UnsafeMutablePointer<Float> { address(id, as: Float.self) }
}

/// The op groups `edgeseg bench` reports; `input` is the picture's resize and quantization, `classMap` the
/// logits' upsampling and argmax.
public enum OpGroup: Int, CaseIterable, Sendable {
    case input, conv, linear, layerNorm, depthwise, elementwise, attention, decoder, classMap

    public var name: String {
        switch self {
        case .input: "input"
        case .conv: "conv"
        case .linear: "linear"
        case .layerNorm: "layernorm"
        case .depthwise: "depthwise"
        case .elementwise: "gelu+add"
        case .attention: "attention"
        case .decoder: "decoder"
        case .classMap: "classmap"
        }
    }
}
