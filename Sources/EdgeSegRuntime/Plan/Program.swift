import CEdgeSeg

/// A tensor of the int8 forward at one input size: its buffer in the program and its geometry (channels last).
/// Int8 codes, or floats where a mixed-precision model keeps the activation point in float (or a float
/// layer needs its input or output as floats).
struct ArenaTensor {
    let id: Int
    let height: Int
    let width: Int
    let channels: Int
    let isFloat: Bool

    var tokens: Int { height * width }
    var count: Int { tokens * channels }
    var bytes: Int { count * (isFloat ? 4 : 1) }
}

/// One step of the int8 forward: a layer and the buffers it reads and writes (indices into the program's
/// buffers). The float cases are the layers a mixed-precision model runs in float (MixedPrecision.swift),
/// with `dequantize` and `quantize` at their int8 boundaries.
enum Op {
    case quantizeInput(output: ArenaTensor)
    case conv(Int8Conv2d, input: ArenaTensor, scratch: Int, output: Int)
    case linear(Int8Linear, input: Int, rows: Int, output: Int)
    case layerNorm(Int8LayerNorm, input: Int, rows: Int, output: Int)
    case depthwise(Int8DepthwiseConv3x3, input: ArenaTensor, output: Int)
    case lookup(Int8Lookup, input: Int, count: Int, output: Int)
    case add(Int8Add, a: Int, b: Int, count: Int, output: Int)
    case attention(Int8AttentionCore, query: Int, key: Int, value: Int, queries: Int, keys: Int, scratch: Int, output: Int)
    case decoderHead(Int8DecoderHead, inputs: [ArenaTensor], bandRows: Int, scratch: Int, output: ArenaTensor)
    /// Bands of `bandRows` output rows, each with its own im2col columns in the scratch.
    case floatConv(FloatConv2d, input: ArenaTensor, bandRows: Int, scratch: Int, output: ArenaTensor)
    case floatLinear(FloatLinear, input: Int, rows: Int, output: Int)
    case floatLayerNorm(FloatLayerNorm, input: Int, rows: Int, output: Int)
    case floatDepthwise(FloatDepthwiseConv3x3, input: ArenaTensor, output: Int)
    case floatGELU(input: Int, count: Int, output: Int)
    /// output += b, in place of a.
    case floatAdd(a: Int, b: Int, count: Int, output: Int)
    case floatAttention(heads: Int, query: Int, key: Int, value: Int, queries: Int, keys: Int, channels: Int, scratch: Int,
                        output: Int)
    case floatDecoderHead(FloatDecoderHead, inputs: [ArenaTensor], bandRows: Int, scratch: Int, output: ArenaTensor)
    case dequantize(QuantizationParameters, input: Int, count: Int, output: Int)
    case quantize(QuantizationParameters, input: Int, count: Int, output: Int)

    /// The buffer the op writes (its activation point, when it has one).
    var output: Int {
        switch self {
        case .quantizeInput(let y), .decoderHead(_, _, _, _, let y), .floatDecoderHead(_, _, _, _, let y),
             .floatConv(_, _, _, _, let y): y.id
        case .conv(_, _, _, let y), .linear(_, _, _, let y), .layerNorm(_, _, _, let y), .depthwise(_, _, let y),
             .lookup(_, _, _, let y), .add(_, _, _, _, let y), .attention(_, _, _, _, _, _, _, let y),
             .floatLinear(_, _, _, let y), .floatLayerNorm(_, _, _, let y),
             .floatDepthwise(_, _, let y), .floatGELU(_, _, let y), .floatAdd(_, _, _, let y),
             .floatAttention(_, _, _, _, _, _, _, _, let y), .dequantize(_, _, _, let y), .quantize(_, _, _, let y): y
        }
    }

    /// Which part of the model the op belongs to, for timing by op group.
    var group: OpGroup {
        switch self {
        case .quantizeInput: .input
        case .conv, .floatConv: .conv
        case .linear, .floatLinear: .linear
        case .layerNorm, .floatLayerNorm: .layerNorm
        case .depthwise, .floatDepthwise: .depthwise
        case .lookup, .add, .floatGELU, .floatAdd, .dequantize, .quantize: .elementwise
        case .attention, .floatAttention: .attention
        case .decoderHead, .floatDecoderHead: .decoder
        }
    }
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

/// The int8 forward at one input size as data: the ops in order and every buffer they use (activations and
/// scratch) with its lifetime, which is what the memory planner takes. Built once per session by walking the
/// model; the session then runs `ops` on the planned arena, so the plan and the execution cannot disagree.
struct Program {
    private(set) var ops: [Op] = []
    private(set) var requests: [BufferRequest] = []
    private(set) var names: [String] = []
    /// Threads the scratch is sized for (each gets its own).
    let workers: Int
    /// The model's activation points' quantization, and the points it keeps in float.
    let activations: [String: QuantizationParameters]
    let keepFloat: Set<String>

    init(workers: Int, activations: [String: QuantizationParameters], keepFloat: Set<String>) {
        self.workers = workers
        self.activations = activations
        self.keepFloat = keepFloat
    }

    /// Appends an op that reads `inputs` and writes what `make` returns; `make` creates the op's buffers.
    mutating func append(reading inputs: [Int], _ make: (inout Program) -> Op) {
        let step = ops.count
        for i in inputs { requests[i].lastUse = step }
        ops.append(make(&self))
    }

    /// A feature map written by the op being appended; `inPlaceOf` names an input it may overwrite (of the same
    /// element type).
    mutating func tensor(_ name: String, height: Int, width: Int, channels: Int, isFloat: Bool = false,
                         inPlaceOf input: Int? = nil) -> ArenaTensor {
        let t = ArenaTensor(id: requests.count, height: height, width: width, channels: channels, isFloat: isFloat)
        _ = buffer(name, bytes: t.bytes, aliasOf: input)
        return t
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
