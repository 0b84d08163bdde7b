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
            projections.append(try r.linear(HubNames.decoderProjection(s), input: ActivationPoint.stageNorm(s),
                                            output: ActivationPoint.decoderProjection(s), inFeatures: c.hiddenSizes[s],
                                            outFeatures: d, hasBias: false))
        }
        self.projections = projections
        let projected = (0..<c.numStages).map(ActivationPoint.decoderProjection)
        head = try r.layer(touching: projected + [ActivationPoint.decoderFused, ActivationPoint.logits], int8: { () throws(EdgeSegError) in
            var zeroPoints: [Int32] = []
            for name in projected { zeroPoints.append(try r.zeroPoint(name)) }
            let multipliers = try r.int32(HubNames.decoderFolded + ".multipliers", count: c.numStages)
            let shift = try r.int32(HubNames.decoderFolded + ".shift", count: 1)
            let bias = try r.int64(HubNames.decoderFolded + ".bias", count: d)
            try r.checkValues(HubNames.decoderFolded + ".multipliers", multipliers, in: Int8Bounds.multipliers)
            try r.checkValues(HubNames.decoderFolded + ".shift", shift, in: Int8Bounds.decoderShifts)
            try r.checkValues(HubNames.decoderFolded + ".bias", bias, in: Int8Bounds.decoderBiases)
            return Int8DecoderHead(multipliers: multipliers, shift: shift[0], bias: bias, zeroPoints: zeroPoints,
                                   fused: outputRange(try r.zeroPoint(ActivationPoint.decoderFused), relu: true),
                                   classifier: try Int8Linear(r, HubNames.classifier, input: ActivationPoint.decoderFused,
                                                              output: ActivationPoint.logits, inFeatures: d, outFeatures: c.numLabels))
        }, float: { () throws(EdgeSegError) in
            FloatDecoderHead(bias: try r.float32(HubNames.decoderFolded + ".bias").data, classifier: try r.floatLinear(HubNames.classifier))
        })
    }
}
