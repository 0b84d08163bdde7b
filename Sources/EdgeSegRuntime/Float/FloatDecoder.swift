/// The all-MLP decode head: per-stage linear to D channels, bilinear upsampling to the stage-1 size,
/// concatenation in the order stage 4..1, 1×1 fuse with BatchNorm (eval mode), ReLU, 1×1 classifier.
///
/// Folded form: the stage linears and the matching slices of the fuse are linear and commute with bilinear
/// upsampling (its weights sum to 1), so fuse(concat(up(L_s F_s))) = Σ_s up((W_fuse,s·W_s) F_s) + b with
/// b = b_fuse + Σ_s W_fuse,s·b_s. Each stage then goes straight from C_s to D channels at its own size,
/// and the 4D-channel concatenation at 1/4 resolution never exists: about half the MACs of the model.
public struct FloatDecoder {
    public enum Form: Sendable {
        /// As `transformers` computes it (linear, upsample, concat, fuse).
        case reference
        /// The folded form above, as the int8 model runs it.
        case folded
    }

    let form: Form
    /// Per stage: the linear to D channels (reference), or the folded C_s → D projection without bias.
    let stageProjections: [FloatLinear]
    /// Reference form: the fuse over the concatenation, BatchNorm folded in. Folded form: unused.
    let fuse: FloatLinear?
    /// The bias added after the sum of the upsampled projections (folded form).
    let foldedBias: [Float]
    let classifier: FloatLinear

    init(form: Form, _ weights: DecoderWeights) {
        let fuse = weights.fuseWithBatchNorm()
        self.form = form
        classifier = FloatLinear(weight: weights.classifierWeight, bias: weights.classifierBias)
        switch form {
        case .reference:
            stageProjections = zip(weights.stageWeights, weights.stageBiases).map { FloatLinear(weight: $0, bias: $1) }
            self.fuse = FloatLinear(weight: fuse.weight, bias: FloatTensor(shape: [fuse.bias.count], data: fuse.bias))
            foldedBias = []
        case .folded:
            let folded = weights.folded()
            stageProjections = folded.projections.map { FloatLinear(weight: $0, bias: nil) }
            self.fuse = nil
            foldedBias = folded.bias
        }
    }

    func callAsFunction(_ stages: [FeatureMap], _ observer: ActivationObserver) -> FeatureMap {
        let (h, w) = (stages[0].height, stages[0].width)
        let n = h * w, parts = stages.count
        var fused: [Float]
        switch form {
        case .reference:
            let d = stageProjections[0].outFeatures
            var concatenated = [Float](repeating: 0, count: n * d * parts)
            for (s, stage) in stages.enumerated() {
                let up = resizeBilinear(project(stage, s), height: h, width: w)
                let offset = (parts - 1 - s) * d
                for p in 0..<n {
                    for c in 0..<d { concatenated[p * d * parts + offset + c] = up.data[p * d + c] }
                }
            }
            fused = fuse!(concatenated, rows: n)
        case .folded:
            let d = foldedBias.count
            fused = [Float](repeating: 0, count: n * d)
            for p in 0..<n {
                for c in 0..<d { fused[p * d + c] = foldedBias[c] }
            }
            for (s, stage) in stages.enumerated() {
                let projected = project(stage, s)
                report(observer, ActivationPoint.decoderProjection(s), projected.data)
                addInPlace(&fused, resizeBilinear(projected, height: h, width: w).data)
            }
        }
        for i in fused.indices where fused[i] < 0 { fused[i] = 0 }
        report(observer, ActivationPoint.decoderFused, fused)
        let logits = classifier(fused, rows: n)
        report(observer, ActivationPoint.logits, logits)
        return FeatureMap(height: h, width: w, channels: classifier.outFeatures, data: logits)
    }

    private func project(_ stage: FeatureMap, _ s: Int) -> FeatureMap {
        let linear = stageProjections[s]
        return FeatureMap(height: stage.height, width: stage.width, channels: linear.outFeatures,
                          data: linear(stage.data, rows: stage.height * stage.width))
    }
}

/// The decode head's float weights, gathered from a checkpoint, and the two derived forms both the fp32
/// and the int8 model use: the fuse with BatchNorm folded in, and the fully folded decoder.
public struct DecoderWeights {
    public var stageWeights: [FloatTensor]   // [D, C_s]
    public var stageBiases: [FloatTensor]    // [D]
    public var fuseWeight: FloatTensor       // [D, D·stages, 1, 1], no bias
    public var batchNorm: (gamma: [Float], beta: [Float], mean: [Float], variance: [Float], eps: Float)
    public var classifierWeight: FloatTensor // [classes, D, 1, 1]
    public var classifierBias: FloatTensor

    public init(_ checkpoint: FloatCheckpoint) throws(EdgeSegError) {
        func t(_ name: String) throws(EdgeSegError) -> FloatTensor { try checkpoint.tensor(name) }
        var weights: [FloatTensor] = [], biases: [FloatTensor] = []
        for s in 0..<checkpoint.config.numStages {
            weights.append(try t(HubNames.decoderLinear(s) + ".weight"))
            biases.append(try t(HubNames.decoderLinear(s) + ".bias"))
        }
        stageWeights = weights
        stageBiases = biases
        fuseWeight = try t(HubNames.decoderFuse + ".weight")
        let bn = HubNames.decoderBatchNorm
        batchNorm = (try t("\(bn).weight").data, try t("\(bn).bias").data, try t("\(bn).running_mean").data,
                     try t("\(bn).running_var").data, checkpoint.config.batchNormEps)
        classifierWeight = try t(HubNames.classifier + ".weight")
        classifierBias = try t(HubNames.classifier + ".bias")
    }

    /// The fuse [D, D·stages] with eval-mode BatchNorm y = (x − mean)/√(var + eps)·γ + β folded in.
    public func fuseWithBatchNorm() -> (weight: FloatTensor, bias: [Float]) {
        let d = fuseWeight.shape[0], width = fuseWeight.count / d
        var fuse = fuseWeight.data
        var bias = [Float](repeating: 0, count: d)
        for o in 0..<d {
            let s = batchNorm.gamma[o] / (batchNorm.variance[o] + batchNorm.eps).squareRoot()
            for i in 0..<width { fuse[o * width + i] *= s }
            bias[o] = batchNorm.beta[o] - batchNorm.mean[o] * s
        }
        return (FloatTensor(shape: [d, width], data: fuse), bias)
    }

    /// Per stage (W_fuse,s · W_s) as [D, C_s], and b = b_fuse + Σ_s W_fuse,s · b_s: the folded decoder.
    /// Accumulated in double so folding adds no error of its own.
    public func folded() -> (projections: [FloatTensor], bias: [Float]) {
        let fuse = fuseWithBatchNorm()
        let d = fuse.bias.count, parts = stageWeights.count, width = d * parts
        var bias = fuse.bias.map(Double.init)
        var projections: [FloatTensor] = []
        for s in 0..<parts {
            let offset = (parts - 1 - s) * d   // the concatenation puts the last stage first
            let w = stageWeights[s], c = w.shape[1]
            var combined = [Float](repeating: 0, count: d * c)
            for o in 0..<d {
                for i in 0..<c {
                    var sum = 0.0
                    for j in 0..<d { sum += Double(fuse.weight.data[o * width + offset + j]) * Double(w.data[j * c + i]) }
                    combined[o * c + i] = Float(sum)
                }
                for j in 0..<d { bias[o] += Double(fuse.weight.data[o * width + offset + j]) * Double(stageBiases[s].data[j]) }
            }
            projections.append(FloatTensor(shape: [d, c], data: combined))
        }
        return (projections, bias.map(Float.init))
    }
}
