/// The activations the int8 model keeps as int8 tensors, each with its own per-tensor scale and zero point.
/// The fp32 forward reports them under these names, calibration measures their ranges, and the quantizer
/// looks the ranges up by the same names: this file is the one list they share.
public enum ActivationPoint {
    /// Points inside one transformer block, in the order the forward reaches them.
    public enum Block: String, CaseIterable, Sendable {
        case norm1, query, reduction, reductionNorm, key, value, context, attentionOutput, residual1
        case norm2, dense1, depthwise, gelu, dense2, residual2
    }

    public static let input = "input"
    public static func patchEmbedding(_ stage: Int) -> String { "stage\(stage + 1).patch_embedding" }
    public static func patchNorm(_ stage: Int) -> String { "stage\(stage + 1).patch_norm" }
    public static func block(_ stage: Int, _ block: Int, _ point: Block) -> String {
        "stage\(stage + 1).block\(block + 1).\(point.rawValue)"
    }
    public static func stageNorm(_ stage: Int) -> String { "stage\(stage + 1).norm" }
    /// A stage's projection through the folded decoder (its linear and its slice of the fuse, BatchNorm scaled).
    public static func decoderProjection(_ stage: Int) -> String { "decoder.stage\(stage + 1)" }
    /// The fused decoder features after bias and ReLU.
    public static let decoderFused = "decoder.fused"
    public static let logits = "logits"

    /// Every point of a model, in forward order. Stages without spatial reduction have no reduction points.
    public static func all(_ config: SegFormerConfig) -> [String] {
        var names = [input]
        for s in 0..<config.numStages {
            names += [patchEmbedding(s), patchNorm(s)]
            for b in 0..<config.depths[s] {
                for point in Block.allCases where config.srRatios[s] > 1 || (point != .reduction && point != .reductionNorm) {
                    names.append(block(s, b, point))
                }
            }
            names.append(stageNorm(s))
        }
        for s in 0..<config.numStages { names.append(decoderProjection(s)) }
        return names + [decoderFused, logits]
    }

    /// Why `name` cannot be kept in float in a mixed-precision model, or nil when it can: it must be a point of
    /// the model; the input stays int8 (the pixels are 8-bit already) and so do the logits (the runtime's output
    /// and its integer class map).
    public static func cannotKeepFloat(_ name: String, _ config: SegFormerConfig) -> String? {
        if name == input || name == logits { return "\(name) is always int8; every other activation point can be kept in float" }
        if !all(config).contains(name) { return "\(name) is not an activation point of this model (see `edgeseg eval` for their names)" }
        return nil
    }
}

/// Receives each activation point's float values as the fp32 forward computes them (calibration, per-layer error).
public typealias ActivationObserver = (_ name: String, _ values: UnsafeBufferPointer<Float>) -> Void
