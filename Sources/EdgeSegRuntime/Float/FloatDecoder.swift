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

    /// - Parameters: `stageLinears` [D, C_s] with bias; `fuseWeight` [D, D·stages, 1, 1] without bias; the
    ///   eval-mode BatchNorm y = (x − mean)/√(var + eps)·γ + β, folded into the fuse.
    init(form: Form, stageLinears: [FloatTensor], stageBiases: [FloatTensor], fuseWeight: FloatTensor,
         batchNorm: (gamma: [Float], beta: [Float], mean: [Float], variance: [Float], eps: Float), classifier: FloatLinear) {
        let d = fuseWeight.shape[0], parts = stageLinears.count, width = d * parts
        var fuse = fuseWeight.data
        var fuseBias = [Float](repeating: 0, count: d)
        for o in 0..<d {
            let s = batchNorm.gamma[o] / (batchNorm.variance[o] + batchNorm.eps).squareRoot()
            for i in 0..<width { fuse[o * width + i] *= s }
            fuseBias[o] = batchNorm.beta[o] - batchNorm.mean[o] * s
        }
        self.form = form
        self.classifier = classifier
        switch form {
        case .reference:
            stageProjections = zip(stageLinears, stageBiases).map { FloatLinear(weight: $0, bias: $1) }
            self.fuse = FloatLinear(weight: FloatTensor(shape: [d, width], data: fuse),
                                    bias: FloatTensor(shape: [d], data: fuseBias))
            foldedBias = []
        case .folded:
            var projections: [FloatLinear] = []
            var bias = fuseBias.map(Double.init)
            for s in 0..<parts {
                let offset = (parts - 1 - s) * d   // the concatenation puts the last stage first
                let w = stageLinears[s], c = w.shape[1]
                // (W_fuse,s · W_s): D × C_s, accumulated in double so folding adds no error of its own.
                var combined = [Float](repeating: 0, count: d * c)
                for o in 0..<d {
                    for i in 0..<c {
                        var sum = 0.0
                        for j in 0..<d { sum += Double(fuse[o * width + offset + j]) * Double(w.data[j * c + i]) }
                        combined[o * c + i] = Float(sum)
                    }
                    for j in 0..<d { bias[o] += Double(fuse[o * width + offset + j]) * Double(stageBiases[s].data[j]) }
                }
                projections.append(FloatLinear(weight: FloatTensor(shape: [d, c], data: combined), bias: nil))
            }
            stageProjections = projections
            self.fuse = nil
            foldedBias = bias.map(Float.init)
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
