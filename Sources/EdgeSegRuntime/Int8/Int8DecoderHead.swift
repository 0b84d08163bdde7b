import CEdgeSeg

/// The decoder's fuse and classifier, a band of output rows at a time: every projection upsampled to the band,
/// rescaled and summed with the bias before one rounding, ReLU fused (es_qs8_upsample_sum), then the
/// classifier on the band. Only a band of the fused map ever exists, and bands are independent work items.
struct Int8DecoderHead {
    /// Pixels per band: a few hundred kilobytes of fused map per thread at D = 256.
    static let bandPixels = 1024

    let multipliers: UnsafeBufferPointer<Int32>
    let shift: Int32
    let bias: UnsafeBufferPointer<Int64>
    let zeroPoints: [Int32]
    let fused: es_qs8_out
    let classifier: Int8Linear
    /// Set when the head projects stage 1 itself (its first input is then stage 1's output, not its projection).
    var firstProjection: Int8Linear?

    var channels: Int { bias.count }
    var classes: Int { classifier.outFeatures }

    /// One thread's scratch: the fused band, and the band of the stage-1 projection when the head makes it.
    func scratchBytes(bandRows: Int, width: Int) -> Int { bandRows * width * channels * (firstProjection == nil ? 1 : 2) }

    /// Band `band` of `bandRows` rows of the logits from the projections `inputs` (inputs[i] at x[i]), with
    /// `scratch` (scratchBytes).
    func run(band: Int, bandRows: Int, _ inputs: [ArenaTensor], _ x: [UnsafePointer<Int8>], _ logits: ArenaTensor,
             _ y: UnsafeMutablePointer<Int8>, scratch: UnsafeMutablePointer<Int8>, _ kernels: Int8Kernels) {
        let first = band * bandRows, rows = min(bandRows, logits.height - first), w = logits.width
        let projectedBand = scratch + bandRows * w * channels
        if let firstProjection {
            firstProjection.run(x[0] + first * w * firstProjection.inFeatures, rows: rows * w, projectedBand, kernels)
        }
        // The kernel's input descriptors on the stack: no allocation per frame.
        withUnsafeTemporaryAllocation(of: es_qs8_upsample_input.self, capacity: inputs.count) { descriptors in
            for (i, input) in inputs.enumerated() {
                descriptors[i] = i == 0 && firstProjection != nil
                    ? es_qs8_upsample_input(x: projectedBand, first_row: first, h: logits.height, w: w, zero_point: zeroPoints[i],
                                            multiplier: multipliers[i])
                    : es_qs8_upsample_input(x: x[i], first_row: 0, h: input.height, w: input.width,
                                            zero_point: zeroPoints[i], multiplier: multipliers[i])
            }
            kernels.upsampleSum(inputs.count, descriptors.baseAddress, logits.height, w, channels, first, rows,
                                  multipliers.baseAddress, shift, bias.baseAddress, fused, scratch)
        }
        classifier.run(scratch, rows: rows * w, y + first * w * classes, kernels)
    }
}
