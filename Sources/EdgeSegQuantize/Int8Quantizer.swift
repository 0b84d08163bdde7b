import CEdgeSeg
import EdgeSegRuntime

/// Turns a float SegFormer and the calibrated ranges of its activation points into an int8 `.edgeseg` model:
/// weights int8 symmetric per output channel, biases int32 at s_in·s_w, every requantization, LayerNorm,
/// softmax, GELU and residual parameter precomputed as integers, so the runtime needs no float.
/// The decoder is stored folded (see `DecoderWeights.folded()`).
/// Mixed precision: the activation points in `keepFloat` stay float at run time, so every layer that reads or
/// writes one also gets its float weights ("<tensor>_f32", PyTorch's layout) for the runtime to run it in float.
public struct Int8Quantizer {
    let checkpoint: FloatCheckpoint
    let activations: [String: QuantizationParameters]
    let keepFloat: Set<String>
    var writer: ModelFileWriter

    /// `activations` must hold every `ActivationPoint.all(config)`; `provenance` goes into the metadata
    /// (calibration method, image count, ...).
    public static func quantize(_ checkpoint: FloatCheckpoint, activations: [String: QuantizationParameters],
                                keepFloat: [String] = [], provenance: [JSONMember] = []) throws(EdgeSegError) -> ModelFileWriter {
        let config = checkpoint.config
        for name in ActivationPoint.all(config) where activations[name] == nil {
            throw EdgeSegError(.usage, "no calibrated range for activation \(name)")
        }
        for name in keepFloat {
            if let problem = ActivationPoint.cannotKeepFloat(name, config) { throw EdgeSegError(.usage, "--keep-float: \(problem)") }
        }
        let kept = ActivationPoint.all(config).filter(keepFloat.contains)
        let table = ActivationPoint.all(config).map { name in
            let p = activations[name]!
            return JSONMember(key: name, value: .object([
                JSONMember(key: "scale", value: .double(p.scale)),
                JSONMember(key: "zero_point", value: .int(Int64(p.zeroPoint))),
            ]))
        }
        let metadata = JSONValue.object([
            JSONMember(key: "config", value: config.huggingFaceJSON),
            JSONMember(key: "decoder", value: .string("folded")),
            JSONMember(key: "activations", value: .object(table)),
        ] + (kept.isEmpty ? [] : [JSONMember(key: "keep_float", value: .array(kept.map { .string($0) }))]) + provenance)
        var q = Int8Quantizer(checkpoint: checkpoint, activations: activations, keepFloat: Set(kept),
                              writer: ModelFileWriter(kind: .int8, metadata: metadata))
        try q.quantizeModel()
        return q.writer
    }

    private mutating func quantizeModel() throws(EdgeSegError) {
        let c = checkpoint.config
        for s in 0..<c.numStages {
            try conv(HubNames.patchEmbedding(s), input: s == 0 ? ActivationPoint.input : ActivationPoint.stageNorm(s - 1),
                     output: ActivationPoint.patchEmbedding(s))
            try layerNorm(HubNames.patchNorm(s), input: ActivationPoint.patchEmbedding(s), output: ActivationPoint.patchNorm(s))
            for b in 0..<c.depths[s] { try block(stage: s, index: b) }
            try layerNorm(HubNames.stageNorm(s), input: ActivationPoint.block(s, c.depths[s] - 1, .residual2),
                          output: ActivationPoint.stageNorm(s))
        }
        try decoder()
    }

    private mutating func block(stage s: Int, index b: Int) throws(EdgeSegError) {
        let c = checkpoint.config
        let n = HubNames.block(s, b)
        func point(_ x: ActivationPoint.Block) -> String { ActivationPoint.block(s, b, x) }
        let blockInput = b == 0 ? ActivationPoint.patchNorm(s) : ActivationPoint.block(s, b - 1, .residual2)
        try layerNorm(n.norm1, input: blockInput, output: point(.norm1))
        try linear(n.query, input: point(.norm1), output: point(.query))
        var keysFrom = point(.norm1)
        if c.srRatios[s] > 1 {
            try conv(n.reduction, input: point(.norm1), output: point(.reduction))
            try layerNorm(n.reductionNorm, input: point(.reduction), output: point(.reductionNorm))
            keysFrom = point(.reductionNorm)
        }
        try linear(n.key, input: keysFrom, output: point(.key))
        try linear(n.value, input: keysFrom, output: point(.value))
        let d = c.hiddenSizes[s] / c.numAttentionHeads[s]
        let q = try scale(point(.query)), k = try scale(point(.key)), v = try scale(point(.value))
        try requant(n.softmaxRequant, q * k / Double(d).squareRoot(), es_qs32_softmax_init)
        // The weight sum normalises P·V at run time, so the context multiplier is just s_v / s_context.
        try requant(n.contextRequant, v / (try scale(point(.context))), es_requant_init)
        try linear(n.attentionOutput, input: point(.context), output: point(.attentionOutput))
        try add(n.residual1, blockInput, point(.attentionOutput), output: point(.residual1))
        try layerNorm(n.norm2, input: point(.residual1), output: point(.norm2))
        try linear(n.dense1, input: point(.norm2), output: point(.dense1))
        try depthwise(n.depthwise, input: point(.dense1), output: point(.depthwise))
        let gi = try parameters(point(.depthwise)), go = try parameters(point(.gelu))
        var table = [Int8](repeating: 0, count: 256)
        es_qs8_gelu_table_init(gi.scale, gi.zeroPoint, go.scale, go.zeroPoint, &table)
        try writer.add(n.geluTable, table, shape: [256])
        try linear(n.dense2, input: point(.gelu), output: point(.dense2))
        try add(n.residual2, point(.residual1), point(.dense2), output: point(.residual2))
    }

    private mutating func decoder() throws(EdgeSegError) {
        let c = checkpoint.config
        let weights = try DecoderWeights(checkpoint)
        let folded = weights.folded()
        for s in 0..<c.numStages {
            try gemmWeights(HubNames.decoderProjection(s), folded.projections[s], bias: nil,
                            input: ActivationPoint.stageNorm(s), output: ActivationPoint.decoderProjection(s))
            try floatWeights(HubNames.decoderProjection(s), [("weight", folded.projections[s])],
                             touching: [ActivationPoint.stageNorm(s), ActivationPoint.decoderProjection(s)])
        }
        var scales: [Double] = []
        for s in 0..<c.numStages { scales.append(try scale(ActivationPoint.decoderProjection(s))) }
        let d = c.decoderHiddenSize
        var multipliers = [Int32](repeating: 0, count: c.numStages), shift: Int32 = 0
        var bias = [Int64](repeating: 0, count: d)
        let fusedScale = try scale(ActivationPoint.decoderFused)
        guard es_qs8_upsample_sum_init(c.numStages, scales, fusedScale, d, folded.bias, &multipliers, &shift, &bias) == 0 else {
            throw EdgeSegError(.usage, "decoder fuse: the ranges of the stage projections and decoder.fused are too far apart to rescale")
        }
        try writer.add(HubNames.decoderFolded + ".multipliers", multipliers, shape: [c.numStages])
        try writer.add(HubNames.decoderFolded + ".shift", [shift], shape: [1])
        try writer.add(HubNames.decoderFolded + ".bias", bias, shape: [d])
        try gemmWeights(HubNames.classifier, flattened(weights.classifierWeight), bias: weights.classifierBias.data,
                        input: ActivationPoint.decoderFused, output: ActivationPoint.logits)
        let head = (0..<c.numStages).map(ActivationPoint.decoderProjection) + [ActivationPoint.decoderFused, ActivationPoint.logits]
        try floatWeights(HubNames.decoderFolded, [("bias", FloatTensor(shape: [d], data: folded.bias))], touching: head)
        try floatWeights(HubNames.classifier, [("weight", flattened(weights.classifierWeight)),
                                                    ("bias", weights.classifierBias)], touching: head)
    }

    // MARK: layers

    private mutating func linear(_ name: String, input: String, output: String) throws(EdgeSegError) {
        try gemmWeights(name, try tensor("\(name).weight"), bias: try tensor("\(name).bias").data, input: input, output: output)
        try checkpointFloatWeights(name, ["weight", "bias"], touching: [input, output])
    }

    /// A float layer's weights, when it reads or writes a point kept in float: "<name>.<part>_f32".
    private mutating func floatWeights(_ name: String, _ parts: [(String, FloatTensor)], touching points: [String]) throws(EdgeSegError) {
        guard points.contains(where: keepFloat.contains) else { return }
        for (part, t) in parts { try writer.add("\(name).\(part)_f32", t.data, shape: t.shape) }
    }

    /// `floatWeights` with the checkpoint's own tensors "<name>.<part>".
    private mutating func checkpointFloatWeights(_ name: String, _ parts: [String], touching points: [String]) throws(EdgeSegError) {
        guard points.contains(where: keepFloat.contains) else { return }
        var tensors: [(String, FloatTensor)] = []
        for part in parts { tensors.append((part, try tensor("\(name).\(part)"))) }
        try floatWeights(name, tensors, touching: points)
    }

    /// PyTorch [out, in, k, k] → [out][k][k][in], the layout of the int8 conv kernel.
    private mutating func conv(_ name: String, input: String, output: String) throws(EdgeSegError) {
        let w = try tensor("\(name).weight")
        let (out, cin, k) = (w.shape[0], w.shape[1], w.shape[2])
        var ohwi = [Float](repeating: 0, count: w.count)
        for o in 0..<out {
            for i in 0..<cin {
                for t in 0..<(k * k) { ohwi[(o * k * k + t) * cin + i] = w.data[(o * cin + i) * k * k + t] }
            }
        }
        try gemmWeights(name, FloatTensor(shape: [out, k * k * cin], data: ohwi), bias: try tensor("\(name).bias").data,
                        input: input, output: output)
        try checkpointFloatWeights(name, ["weight", "bias"], touching: [input, output])
    }

    /// Per-channel quantized in PyTorch's [c, 1, 3, 3], stored as [3][3][c] for the depthwise kernel.
    private mutating func depthwise(_ name: String, input: String, output: String) throws(EdgeSegError) {
        let w = try tensor("\(name).weight"), channels = w.shape[0]
        let (q, weightScales) = quantizePerChannel(w.data, outChannels: channels)
        var tapsMajor = [Int8](repeating: 0, count: q.count)
        for ch in 0..<channels {
            for t in 0..<9 { tapsMajor[t * channels + ch] = q[ch * 9 + t] }
        }
        try writer.add("\(name).weight", tapsMajor, shape: [3, 3, channels])
        try biasAndRequant(name, bias: try tensor("\(name).bias").data, weightScales: weightScales, input: input, output: output)
        try checkpointFloatWeights(name, ["weight", "bias"], touching: [input, output])
    }

    /// Weights [out, in...] (one output channel per row) quantized per row, with bias and requantization.
    private mutating func gemmWeights(_ name: String, _ w: FloatTensor, bias: [Float]?, input: String, output: String) throws(EdgeSegError) {
        let (q, weightScales) = quantizePerChannel(w.data, outChannels: w.shape[0])
        try writer.add("\(name).weight", q, shape: [w.shape[0], w.count / w.shape[0]])
        try biasAndRequant(name, bias: bias, weightScales: weightScales, input: input, output: output)
    }

    private mutating func biasAndRequant(_ name: String, bias: [Float]?, weightScales: [Double], input: String,
                                         output: String) throws(EdgeSegError) {
        let sIn = try scale(input), sOut = try scale(output)
        if let bias {
            var q: [Int32] = []
            for (c, b) in bias.enumerated() {
                let v = (Double(b) / (sIn * weightScales[c])).rounded()
                guard abs(v) < 0x1p30 else {
                    throw EdgeSegError(.usage, "\(name).bias[\(c)] = \(b) does not fit int32 at the scale of \(input)")
                }
                q.append(Int32(v))
            }
            try writer.add("\(name).bias", q, shape: [q.count])
        }
        var pairs: [Int32] = []
        for (c, sw) in weightScales.enumerated() {
            var rq = es_requant()
            guard es_requant_init(sIn * sw / sOut, &rq) == 0 else {
                throw EdgeSegError(.usage, "\(name): output channel \(c) cannot be requantized from \(input) to \(output)")
            }
            pairs += [rq.multiplier, rq.shift]
        }
        try writer.add("\(name).requant", pairs, shape: [weightScales.count, 2])
    }

    private mutating func layerNorm(_ name: String, input: String, output: String) throws(EdgeSegError) {
        let gamma = try tensor("\(name).weight").data, beta = try tensor("\(name).bias").data
        var perChannel = [es_qs8_layernorm_channel](repeating: es_qs8_layernorm_channel(), count: gamma.count)
        var epsTerm: UInt64 = 0
        guard es_qs8_layernorm_init(gamma.count, Double(SegFormerConfig.layerNormEpsInModel), try scale(input), gamma, beta,
                                    try scale(output), &perChannel, &epsTerm) == 0 else {
            throw EdgeSegError(.usage, "\(name): LayerNorm parameters out of the integer range for \(input) → \(output)")
        }
        try writer.add("\(name).ln_multiplier", perChannel.map(\.multiplier), shape: [gamma.count])
        try writer.add("\(name).ln_shift", perChannel.map(\.shift), shape: [gamma.count])
        try writer.add("\(name).ln_offset", perChannel.map(\.offset), shape: [gamma.count])
        try writer.add("\(name).ln_eps_term", [Int64(bitPattern: epsTerm)], shape: [1])
        try checkpointFloatWeights(name, ["weight", "bias"], touching: [input, output])
    }

    private mutating func add(_ name: String, _ a: String, _ b: String, output: String) throws(EdgeSegError) {
        let pa = try parameters(a), pb = try parameters(b)
        var params = es_qs8_vadd_params()
        guard es_qs8_vadd_init(pa.scale, pa.zeroPoint, pb.scale, pb.zeroPoint, try scale(output), &params) == 0 else {
            throw EdgeSegError(.usage, "\(name): \(a) + \(b) cannot be rescaled to \(output)")
        }
        try writer.add(name, [params.a_zero_point, params.b_zero_point, params.a_multiplier, params.b_multiplier, params.shift],
                   shape: [5])
    }

    private mutating func requant(_ name: String, _ real: Double,
                                  _ initialise: (Double, UnsafeMutablePointer<es_requant>?) -> Int32) throws(EdgeSegError) {
        var rq = es_requant()
        guard initialise(real, &rq) == 0 else { throw EdgeSegError(.usage, "\(name): multiplier \(real) out of range") }
        try writer.add(name, [rq.multiplier, rq.shift], shape: [1, 2])
    }

    // MARK: lookups

    private func tensor(_ name: String) throws(EdgeSegError) -> FloatTensor { try checkpoint.tensor(name) }

    private func parameters(_ point: String) throws(EdgeSegError) -> QuantizationParameters {
        guard let p = activations[point] else { throw EdgeSegError(.usage, "no calibrated range for activation \(point)") }
        return p
    }

    private func scale(_ point: String) throws(EdgeSegError) -> Double { try parameters(point).scale }
}

/// Symmetric per-output-channel int8: scale = max|w| / 127 per row, q = round(w / scale) in ±127.
/// An all-zero row gets scale 1 (any scale represents it exactly).
func quantizePerChannel(_ w: [Float], outChannels: Int) -> (q: [Int8], scales: [Double]) {
    let perRow = w.count / outChannels
    var q = [Int8](repeating: 0, count: w.count)
    var scales: [Double] = []
    for o in 0..<outChannels {
        var largest = 0.0
        for i in 0..<perRow { largest = max(largest, abs(Double(w[o * perRow + i]))) }
        let s = largest > 0 ? largest / 127 : 1
        for i in 0..<perRow { q[o * perRow + i] = Int8(max(-127, min(127, (Double(w[o * perRow + i]) / s).rounded()))) }
        scales.append(s)
    }
    return (q, scales)
}

/// [out, in, 1, 1] as [out, in].
private func flattened(_ t: FloatTensor) -> FloatTensor {
    FloatTensor(shape: [t.shape[0], t.count / t.shape[0]], data: t.data)
}
