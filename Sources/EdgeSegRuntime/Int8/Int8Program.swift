import CEdgeSeg

/// A tensor of the int8 forward at one input size: its buffer in the program and its geometry (channels last).
struct Int8Tensor {
    let id: Int
    let height: Int
    let width: Int
    let channels: Int

    var tokens: Int { height * width }
    var count: Int { tokens * channels }
}

/// One step of the int8 forward: a layer and the buffers it reads and writes (indices into the program's
/// buffers).
enum Int8Op {
    case quantizeInput(output: Int8Tensor)
    case conv(Int8Conv2d, input: Int8Tensor, scratch: Int, output: Int)
    case linear(Int8Linear, input: Int, rows: Int, output: Int)
    case layerNorm(Int8LayerNorm, input: Int, rows: Int, output: Int)
    case depthwise(Int8DepthwiseConv3x3, input: Int8Tensor, output: Int)
    case lookup(Int8Lookup, input: Int, count: Int, output: Int)
    case add(Int8Add, a: Int, b: Int, count: Int, output: Int)
    case attention(Int8AttentionCore, query: Int, key: Int, value: Int, queries: Int, keys: Int, scratch: Int, output: Int)
    case decoderHead(Int8DecoderHead, inputs: [Int8Tensor], bandRows: Int, scratch: Int, output: Int8Tensor)

    /// The buffer the op writes (its activation point, when it has one).
    var output: Int {
        switch self {
        case .quantizeInput(let y), .decoderHead(_, _, _, _, let y): y.id
        case .conv(_, _, _, let y), .linear(_, _, _, let y), .layerNorm(_, _, _, let y), .depthwise(_, _, let y),
             .lookup(_, _, _, let y), .add(_, _, _, _, let y), .attention(_, _, _, _, _, _, _, let y): y
        }
    }

    /// Which part of the model the op belongs to, for timing by op group.
    var group: Int8OpGroup {
        switch self {
        case .quantizeInput: .input
        case .conv: .conv
        case .linear: .linear
        case .layerNorm: .layerNorm
        case .depthwise: .depthwise
        case .lookup, .add: .elementwise
        case .attention: .attention
        case .decoderHead: .decoder
        }
    }
}

/// The op groups `edgeseg bench` reports; `input` is the picture's resize and quantization, `classMap` the
/// logits' upsampling and argmax.
public enum Int8OpGroup: Int, CaseIterable, Sendable {
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

/// The int8 forward at one input size as data: the ops in order and every buffer they use (activations and
/// scratch) with its lifetime, which is what the memory planner takes. Built once per session by walking the
/// model; the session then runs `ops` on the planned arena, so the plan and the execution cannot disagree.
struct Int8Program {
    private(set) var ops: [Int8Op] = []
    private(set) var requests: [BufferRequest] = []
    private(set) var names: [String] = []
    /// Threads the scratch is sized for (each gets its own).
    let workers: Int

    init(workers: Int) {
        self.workers = workers
    }

    /// Appends an op that reads `inputs` and writes what `make` returns; `make` creates the op's buffers.
    mutating func append(reading inputs: [Int], _ make: (inout Int8Program) -> Int8Op) {
        let step = ops.count
        for i in inputs { requests[i].lastUse = step }
        ops.append(make(&self))
    }

    /// A feature map written by the op being appended; `inPlaceOf` names an input it may overwrite.
    mutating func tensor(_ name: String, height: Int, width: Int, channels: Int, inPlaceOf input: Int? = nil) -> Int8Tensor {
        Int8Tensor(id: buffer(name, bytes: height * width * channels, aliasOf: input), height: height, width: width,
                   channels: channels)
    }

    /// Scratch the op being appended uses while it runs: `bytesPerWorker` for each thread.
    mutating func scratch(_ name: String, bytesPerWorker: Int) -> Int {
        buffer(name, bytes: bytesPerWorker * workers, aliasOf: nil)
    }

    /// Keeps `buffers` alive to the end: the forward's results.
    mutating func keepToEnd(_ buffers: [Int]) {
        for i in buffers { requests[i].lastUse = ops.count }
    }

    private mutating func buffer(_ name: String, bytes: Int, aliasOf: Int?) -> Int {
        requests.append(BufferRequest(size: bytes, firstUse: ops.count, lastUse: ops.count, aliasOf: aliasOf))
        names.append(name)
        return requests.count - 1
    }
}
