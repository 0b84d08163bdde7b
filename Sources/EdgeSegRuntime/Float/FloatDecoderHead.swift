import CEdgeSeg

/// The decoder's fuse and classifier in float, a band of rows at a time like `Int8DecoderHead`: the bias, plus
/// every projection upsampled to the band, ReLU, then the classifier.
struct FloatDecoderHead {
    /// Output pixels per band of the float decoder head and the float convolutions (as `Int8DecoderHead`).
    static let bandPixels = Int8DecoderHead.bandPixels

    let bias: [Float]
    let classifier: FloatLinear

    var channels: Int { bias.count }
    var classes: Int { classifier.outFeatures }

    /// Band `band` of `bandRows` rows of the logits from the projections `inputs` (inputs[i] at x[i]), with
    /// `scratch` (bandRows · width · channels floats).
    func run(band: Int, bandRows: Int, _ inputs: [ArenaTensor], _ x: [UnsafePointer<Float>], _ logits: ArenaTensor,
             _ y: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        let first = band * bandRows, rows = min(bandRows, logits.height - first), w = logits.width, d = channels
        for p in 0..<(rows * w) {
            for c in 0..<d { scratch[p * d + c] = bias[c] }
        }
        for (i, input) in inputs.enumerated() {
            es_f32_upsample_add_rows(x[i], input.height, input.width, d, logits.height, w, first, rows, scratch)
        }
        for i in 0..<(rows * w * d) where scratch[i] < 0 { scratch[i] = 0 }
        classifier.run(scratch, rows: rows * w, y + first * w * classes)
    }
}
