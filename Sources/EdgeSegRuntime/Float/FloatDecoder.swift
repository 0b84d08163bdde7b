/// The all-MLP decode head: per-stage linear to D channels, bilinear upsampling to the stage-1 size,
/// concatenation in the order stage 4..1, 1×1 fuse with BatchNorm (eval mode, folded into the fuse weights),
/// ReLU, and the 1×1 classifier.
struct FloatDecoder {
    let stageLinears: [FloatLinear]
    let fuse: FloatLinear        // BatchNorm folded in
    let classifier: FloatLinear

    func callAsFunction(_ stages: [FeatureMap]) -> FeatureMap {
        let (h, w) = (stages[0].height, stages[0].width)
        let d = fuse.outFeatures, n = h * w, parts = stages.count
        var concatenated = [Float](repeating: 0, count: n * d * parts)
        for (s, stage) in stages.enumerated() {
            let projected = FeatureMap(height: stage.height, width: stage.width, channels: d,
                                       data: stageLinears[s](stage.data, rows: stage.height * stage.width))
            let up = resizeBilinear(projected, height: h, width: w)
            let offset = (parts - 1 - s) * d   // concat order: last stage first
            for p in 0..<n {
                for c in 0..<d { concatenated[p * d * parts + offset + c] = up.data[p * d + c] }
            }
        }
        var fused = fuse(concatenated, rows: n)
        for i in fused.indices where fused[i] < 0 { fused[i] = 0 }
        return FeatureMap(height: h, width: w, channels: classifier.outFeatures, data: classifier(fused, rows: n))
    }

    /// Folds eval-mode BatchNorm y = (x − mean)/√(var + eps)·γ + β into the preceding bias-free 1×1 conv.
    static func foldBatchNorm(fuseWeight w: FloatTensor, gamma: [Float], beta: [Float], mean: [Float],
                              variance: [Float], eps: Float) -> FloatLinear {
        let out = w.shape[0], inFeatures = w.count / out
        var scaled = w.data
        var bias = [Float](repeating: 0, count: out)
        for o in 0..<out {
            let s = gamma[o] / (variance[o] + eps).squareRoot()
            for i in 0..<inFeatures { scaled[o * inFeatures + i] *= s }
            bias[o] = beta[o] - mean[o] * s
        }
        return FloatLinear(weight: FloatTensor(shape: [out, inFeatures], data: scaled),
                           bias: FloatTensor(shape: [out], data: bias))
    }
}
