import CEdgeSeg

/// SegFormer in int8, run from an `.edgeseg` model file: integer arithmetic from the quantized input to the
/// class map, bit-identical on every CPU. Weights are used in place in the mapped file.
public final class Int8SegFormer {
    public let config: SegFormerConfig
    /// Scale and zero point of every activation point, as calibrated.
    public let activations: [String: QuantizationParameters]
    let file: ModelFile   // keeps the mapping that every layer points into alive
    let input: QuantizationParameters
    let stages: [Int8EncoderStage]
    let decoder: Int8Decoder

    public init(file: ModelFile) throws(EdgeSegError) {
        let reader = try Int8ModelReader(file)
        self.file = file
        config = reader.config
        activations = reader.activations
        input = try reader.parameters(ActivationPoint.input)
        var stages: [Int8EncoderStage] = []
        for s in 0..<config.numStages { stages.append(try Int8EncoderStage(reader, stage: s, config: config)) }
        self.stages = stages
        decoder = try Int8Decoder(reader, config: config)
    }

    public convenience init(path: String) throws(EdgeSegError) {
        try self.init(file: try ModelFile(path: path, expecting: .int8))
    }

    public struct Output: Sendable {
        /// Each encoder stage's int8 output (after its LayerNorm).
        public var stages: [Int8Map]
        /// int8 class logits at 1/4 of the input size; real value = scale · (q − zero point).
        public var logits: Int8Map
    }

    /// Runs the model on preprocessed pixels ([channels, height, width], as `preprocess` makes them). The
    /// only float step is quantizing those pixels at the first layer; everything after is integer.
    public func forward(_ pixels: FloatTensor) throws(EdgeSegError) -> Output {
        guard pixels.shape.count == 3, pixels.shape[0] == config.numChannels else {
            throw EdgeSegError(.usage, "input has shape \(describeShape(pixels.shape)), expected [\(config.numChannels), height, width]")
        }
        try checkInputSize(config, height: pixels.shape[1], width: pixels.shape[2])
        var x = quantizeInput(pixels)
        var outputs: [Int8Map] = []
        for stage in stages {
            x = stage(x)
            outputs.append(x)
        }
        return Output(stages: outputs, logits: decoder(outputs))
    }

    /// q = clamp(round(x / s) + z), channels last.
    func quantizeInput(_ pixels: FloatTensor) -> Int8Map {
        let (c, h, w) = (pixels.shape[0], pixels.shape[1], pixels.shape[2])
        var map = Int8Map(height: h, width: w, channels: c, zeroPoint: input.zeroPoint)
        let inverse = 1 / input.scale
        for ch in 0..<c {
            for p in 0..<(h * w) {
                let q = (Double(pixels.data[ch * h * w + p]) * inverse).rounded() + Double(input.zeroPoint)
                map.data[p * c + ch] = Int8(max(-128, min(127, q)))
            }
        }
        return map
    }
}

/// The class map at `height`×`width` from int8 logits: exact integer bilinear interpolation and argmax.
public func classMap(logits: Int8Map, height: Int, width: Int) -> [UInt8] {
    precondition(logits.channels <= 256, "more than 256 classes do not fit an 8-bit mask")
    var labels = [UInt8](repeating: 0, count: height * width)
    logits.data.withUnsafeBufferPointer { lp in
        labels.withUnsafeMutableBufferPointer { op in
            es_qs8_ibilinear_argmax_scalar(logits.height, logits.width, logits.channels, lp.baseAddress, height, width, op.baseAddress)
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
