import CEdgeSeg

/// A SegFormer ready for the planned runtime: every layer int8 or float, as its source asks. An int8 `.edgeseg`
/// file runs in integers from the quantized input to the class map, bit-identical on every CPU, with weights
/// used in place in the mapped file; a mixed-precision file runs the layers that touch its kept points in float;
/// a float32 file or a `FloatSegFormer` (`init(float:)`) runs every layer in float (the fp32 model on the same
/// planned arena). To run frames, make a `Session` for the input size (one arena, no allocation per frame), or
/// let a `Segmenter` keep one per size; `forward` is the one-off convenience for int8 models.
public final class SegFormerModel {
    /// How the model computes: what `segment`, `bench` and the camera print.
    public enum Precision: Equatable, Sendable, CustomStringConvertible {
        case int8
        /// int8 with `floatPoints` activation points kept in float.
        case mixed(floatPoints: Int)
        case float32

        public var description: String {
            switch self {
            case .int8: "int8"
            case .mixed(let n): "int8 with \(n) point(s) in fp32"
            case .float32: "fp32"
            }
        }
    }

    public let config: SegFormerConfig
    /// Scale and zero point of every activation point, as calibrated.
    public let activations: [String: QuantizationParameters]
    /// The input's quantization: pixels are quantized with it before the first layer.
    public let inputParameters: QuantizationParameters
    /// The activation points this model keeps in float (mixed precision; empty for an all-integer model).
    public let keepFloat: Set<String>
    let file: ModelFile?   // keeps the mapping that every layer points into alive (nil for a float model)
    let packedWeights: Int8PackedWeights   // and the packed GEMM weights
    let stages: [EncoderStage]
    let decoder: DecodeHead

    /// `keepFloat` overrides the file's list of points kept in float (the file must hold the float weights of
    /// every layer that touches them: a model quantized with at least those points kept); sensitivity searches
    /// load one such file many ways.
    public init(file: ModelFile, keepFloat override: Set<String>? = nil) throws(EdgeSegError) {
        let reader = try ModelFileReader(file, keepFloat: override)
        self.file = file
        packedWeights = reader.packing
        config = reader.config
        activations = reader.activations
        inputParameters = try reader.parameters(ActivationPoint.input)
        keepFloat = reader.keepFloat
        var stages: [EncoderStage] = []
        for s in 0..<config.numStages { stages.append(try EncoderStage(reader, stage: s, config: config)) }
        self.stages = stages
        decoder = try DecodeHead(reader, config: config)
    }

    /// The fp32 model `float` (made with `decoder: .folded`) as the same program with every layer in float: the
    /// fp32 forward on a planned arena, with threads and no allocation per frame, the bits of
    /// `FloatSegFormer.forward`. Its input and logits are floats (`Session.floatLogits`); `inputParameters`
    /// and `activations` are unused.
    public init(float model: FloatSegFormer) throws(EdgeSegError) {
        let layers = try model.programLayers()
        file = nil
        packedWeights = Int8PackedWeights()
        config = model.config
        activations = [:]
        inputParameters = QuantizationParameters(scale: 1, zeroPoint: 0)
        keepFloat = Set(ActivationPoint.all(model.config))
        stages = layers.stages
        decoder = layers.decoder
    }

    /// An `.edgeseg` file of either kind: int8 (or mixed) runs as it is quantized, float32 in float.
    public convenience init(path: String) throws(EdgeSegError) {
        try self.init(opening: try ModelFile(path: path))
    }

    /// An opened `.edgeseg` file of either kind.
    public convenience init(opening file: ModelFile) throws(EdgeSegError) {
        switch file.kind {
        case .int8: try self.init(file: file)
        case .float32: try self.init(float: try FloatSegFormer(try floatCheckpoint(file), decoder: .folded))
        }
    }

    public var precision: Precision {
        if file == nil { return .float32 }
        return keepFloat.isEmpty ? .int8 : .mixed(floatPoints: keepFloat.count)
    }

    public struct Output: Sendable {
        /// Each encoder stage's int8 output (after its LayerNorm).
        public var stages: [Int8Map]
        /// int8 class logits at 1/4 of the input size; real value = scale · (q − zero point).
        public var logits: Int8Map
    }

    /// Runs the model once on preprocessed pixels ([channels, height, width], as `preprocess` makes them) in a
    /// session made for their size, and copies the results out.
    public func forward(_ pixels: FloatTensor) throws(EdgeSegError) -> Output {
        guard pixels.shape.count == 3, pixels.shape[0] == config.numChannels else {
            throw EdgeSegError(.usage, "input has shape \(describeShape(pixels.shape)), expected [\(config.numChannels), height, width]")
        }
        guard file != nil else {
            throw EdgeSegError(.usage, "a float model's forward has float logits: run it in an Session and read floatLogits")
        }
        let session = try Session(model: self, height: pixels.shape[1], width: pixels.shape[2])
        try session.run(pixels: pixels)
        return Output(stages: session.stages.map { $0.copy() }, logits: session.logits.copy())
    }

    /// The memory plan of a session at `height`×`width` with `threads` threads, without allocating it.
    public func memoryPlan(height: Int, width: Int, threads: Int = 1, observable: Bool = false) throws(EdgeSegError) -> MemoryPlan {
        try MemoryPlan(program: try program(height: height, width: width, workers: threads, observable: observable).program)
    }

    /// The forward at one input size as ops and buffers, with the input a session writes and the tensors it reads.
    func program(height: Int, width: Int, workers: Int, observable: Bool = false) throws(EdgeSegError)
        -> (program: Program, input: InputOp, stages: [ArenaTensor], logits: ArenaTensor) {
        try checkInputSize(config, height: height, width: width)
        try checkAttentionKeys(height: height, width: width)
        var p = Program(workers: workers, activations: activations, keepFloat: keepFloat)
        var input: InputOp!
        p.append(reading: []) { p in
            input = InputOp(p.tensor(ActivationPoint.input, height: height, width: width, channels: config.numChannels,
                                     isFloat: keepFloat.contains(ActivationPoint.input)), parameters: inputParameters)
            return input
        }
        var x = input.tensor
        var outputs: [ArenaTensor] = []
        for stage in stages {
            x = stage.emit(x, into: &p)
            outputs.append(x)
        }
        let logits = decoder.emit(outputs, wholeFusedMap: observable, into: &p)
        p.keepToEnd(outputs.map { $0.id } + [logits.id])
        return (p, input, outputs, logits)
    }
}

extension SegFormerModel {
    /// Integer attention sums P·V over at most `Int8Bounds.maxKeys` keys (QUANTIZATION.md), which a large input
    /// exceeds at stage 1 (B0 at 8192x8192: 65,536); float attention has no such bound.
    func checkAttentionKeys(height: Int, width: Int) throws(EdgeSegError) {
        for (s, size) in config.stageSizes(height: height, width: width).enumerated() {
            let keys = (size.height / config.srRatios[s]) * (size.width / config.srRatios[s])
            let integer = stages[s].blocks.contains { if case .int8 = $0.attention.core { true } else { false } }
            guard !integer || keys <= Int8Bounds.maxKeys else {
                throw EdgeSegError(.usage, "input \(width)x\(height) is too large for this int8 model: stage \(s + 1) attends over \(keys) keys, more than the \(Int8Bounds.maxKeys) its integer attention is proven for (QUANTIZATION.md); run it at a smaller size")
            }
        }
    }
}

/// The class map at `height`×`width` from int8 logits: exact integer bilinear interpolation and argmax.
public func classMap(logits: Int8Map, height: Int, width: Int) -> [UInt8] {
    precondition(logits.channels <= 256, "more than 256 classes do not fit an 8-bit mask")
    var labels = [UInt8](repeating: 0, count: height * width)
    logits.data.withUnsafeBufferPointer { lp in
        labels.withUnsafeMutableBufferPointer { op in
            es_qs8_ibilinear_argmax_scalar(logits.height, logits.width, logits.channels, lp.baseAddress, height, width, 0, height, op.baseAddress)
        }
    }
    return labels
}

/// Every stage must keep at least one pixel, and the spatial-reduction conv at least one window.
func checkInputSize(_ config: SegFormerConfig, height: Int, width: Int) throws(EdgeSegError) {
    let sizes = config.stageSizes(height: height, width: width)
    for (s, size) in sizes.enumerated() where size.height < config.srRatios[s] || size.width < config.srRatios[s] || size.height < 1 || size.width < 1 {
        throw EdgeSegError(.usage, "input \(height)x\(width) is too small for this model (stage \(s + 1) would be \(size.height)x\(size.width))")
    }
}
