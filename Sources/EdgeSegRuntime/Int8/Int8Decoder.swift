import CEdgeSeg

/// The decode head as the program emits it (int8, or float layers), folded (see `FloatDecoder`): each stage
/// projected straight to D channels by (W_fuse,s · W_s), the projections upsampled, rescaled and summed with the
/// bias (in one integer pass with the ReLU fused, for int8), then the classifier.
struct DecodeHead {
    let projections: [MixedLayer<Int8Linear, FloatLinear>]
    let head: MixedLayer<Int8DecoderHead, FloatDecoderHead>

    /// Appends the head on the stage outputs; returns the logits at the first stage's size. `wholeFusedMap`
    /// runs the fuse as one band, so the fused map exists whole (named as its activation point) for observers.
    /// Otherwise an integer head projects stage 1 itself, band by band (stage 1 is at the head's size, so a
    /// band needs only its own rows): the stage-1 projection, the decoder's largest map, never exists whole.
    func emit(_ stages: [ArenaTensor], wholeFusedMap: Bool, into p: inout Program) -> ArenaTensor {
        var head = head, projected: [ArenaTensor] = []
        if !wholeFusedMap, case .int8(var h) = head, case .int8(let first) = projections[0] {
            h.firstProjection = first
            head = .int8(h)
            projected.append(stages[0])
        }
        for (s, stage) in stages.enumerated() where s >= projected.count {
            projected.append(p.linear(projections[s], stage, ActivationPoint.decoderProjection(s)))
        }
        let (h, w) = (stages[0].height, stages[0].width)
        return p.decoderHead(head, projected, bandRows: wholeFusedMap ? h : max(1, Int8DecoderHead.bandPixels / w),
                             fusedName: wholeFusedMap ? ActivationPoint.decoderFused : "\(ActivationPoint.decoderFused).band",
                             ActivationPoint.logits)
    }
}

extension DecodeHead {
    /// Read from an int8 model file, each layer in the precision the file asks for.
    init(_ r: ModelFileReader, config c: SegFormerConfig) throws(EdgeSegError) {
        let d = c.decoderHiddenSize
        var projections: [MixedLayer<Int8Linear, FloatLinear>] = []
        for s in 0..<c.numStages {
            projections.append(try r.linear("decode_head.projection.\(s)", input: ActivationPoint.stageNorm(s),
                                            output: ActivationPoint.decoderProjection(s), inFeatures: c.hiddenSizes[s],
                                            outFeatures: d, hasBias: false))
        }
        self.projections = projections
        let projected = (0..<c.numStages).map(ActivationPoint.decoderProjection)
        head = try r.layer(touching: projected + [ActivationPoint.decoderFused, ActivationPoint.logits], int8: { () throws(EdgeSegError) in
            var zeroPoints: [Int32] = []
            for name in projected { zeroPoints.append(try r.zeroPoint(name)) }
            return Int8DecoderHead(multipliers: try r.int32("decode_head.fuse.multipliers", count: c.numStages),
                                   shift: try r.int32("decode_head.fuse.shift", count: 1)[0],
                                   bias: try r.int64("decode_head.fuse.bias", count: d), zeroPoints: zeroPoints,
                                   fused: outputRange(try r.zeroPoint(ActivationPoint.decoderFused), relu: true),
                                   classifier: try Int8Linear(r, "decode_head.classifier", input: ActivationPoint.decoderFused,
                                                              output: ActivationPoint.logits, inFeatures: d, outFeatures: c.numLabels))
        }, float: { () throws(EdgeSegError) in
            FloatDecoderHead(bias: try r.float32("decode_head.fuse.bias").data, classifier: try r.floatLinear("decode_head.classifier"))
        })
    }
}

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

    /// Band `band` of `bandRows` rows of the logits from the projections `inputs` (inputs[i] at x(i)), with
    /// `scratch` (scratchBytes).
    func run(band: Int, bandRows: Int, _ inputs: [ArenaTensor], _ x: (Int) -> UnsafePointer<Int8>, _ logits: ArenaTensor,
             _ y: UnsafeMutablePointer<Int8>, scratch: UnsafeMutablePointer<Int8>, _ kernels: es_int8_kernel_table) {
        let first = band * bandRows, rows = min(bandRows, logits.height - first), w = logits.width
        let projectedBand = scratch + bandRows * w * channels
        if let firstProjection {
            firstProjection.run(x(inputs[0].id) + first * w * firstProjection.inFeatures, rows: rows * w, projectedBand, kernels)
        }
        // The kernel's input descriptors on the stack: no allocation per frame.
        withUnsafeTemporaryAllocation(of: es_qs8_upsample_input.self, capacity: inputs.count) { descriptors in
            for (i, input) in inputs.enumerated() {
                descriptors[i] = i == 0 && firstProjection != nil
                    ? es_qs8_upsample_input(x: projectedBand, first_row: first, h: logits.height, w: w, zero_point: zeroPoints[i],
                                            multiplier: multipliers[i])
                    : es_qs8_upsample_input(x: x(input.id), first_row: 0, h: input.height, w: input.width,
                                            zero_point: zeroPoints[i], multiplier: multipliers[i])
            }
            kernels.upsample_sum!(inputs.count, descriptors.baseAddress, logits.height, w, channels, first, rows,
                                  multipliers.baseAddress, shift, bias.baseAddress, fused, scratch)
        }
        classifier.run(scratch, rows: rows * w, y + first * w * classes, kernels)
    }
}
