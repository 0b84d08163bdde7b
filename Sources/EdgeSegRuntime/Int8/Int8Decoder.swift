import CEdgeSeg

/// The decode head in int8, folded (see `FloatDecoder`): each stage projected straight to D channels by
/// (W_fuse,s · W_s), the projections upsampled, rescaled and summed with the bias in one integer pass with
/// the ReLU fused, then the classifier.
struct Int8Decoder {
    let projections: [Int8Linear]
    let fuseMultipliers: UnsafeBufferPointer<Int32>
    let fuseShift: Int32
    let fuseBias: UnsafeBufferPointer<Int64>
    let fused: es_qs8_out
    let classifier: Int8Linear

    init(_ r: Int8ModelReader, config c: SegFormerConfig) throws(EdgeSegError) {
        let d = c.decoderHiddenSize
        var projections: [Int8Linear] = []
        for s in 0..<c.numStages {
            projections.append(try Int8Linear(r, "decode_head.projection.\(s)", input: ActivationPoint.stageNorm(s),
                                              output: ActivationPoint.decoderProjection(s), inFeatures: c.hiddenSizes[s],
                                              outFeatures: d, hasBias: false))
        }
        self.projections = projections
        fuseMultipliers = try r.int32("decode_head.fuse.multipliers", count: c.numStages)
        fuseShift = try r.int32("decode_head.fuse.shift", count: 1)[0]
        fuseBias = try r.int64("decode_head.fuse.bias", count: d)
        fused = outputRange(try r.zeroPoint(ActivationPoint.decoderFused), relu: true)
        classifier = try Int8Linear(r, "decode_head.classifier", input: ActivationPoint.decoderFused,
                                    output: ActivationPoint.logits, inFeatures: d, outFeatures: c.numLabels)
    }

    func callAsFunction(_ stages: [Int8Map]) -> Int8Map {
        let (h, w) = (stages[0].height, stages[0].width)
        let d = projections[0].outFeatures
        let projected = zip(stages, projections).map { stage, projection in
            (stage, projection(stage.data, rows: stage.tokens))
        }
        var fusedMap = Int8Map(height: h, width: w, channels: d, zeroPoint: fused.zero_point)
        withInputs(projected, 0, []) { inputs in
            fusedMap.data.withUnsafeMutableBufferPointer { yp in
                es_qs8_upsample_sum_rndnu_scalar(inputs.count, inputs, h, w, d, fuseMultipliers.baseAddress, fuseShift,
                                                 fuseBias.baseAddress, fused, yp.baseAddress)
            }
        }
        var logits = Int8Map(height: h, width: w, channels: classifier.outFeatures, zeroPoint: classifier.output.zero_point)
        logits.data = classifier(fusedMap.data, rows: h * w)
        return logits
    }

    /// Pins every projection's storage while the kernel reads it (nested, one stage per level).
    private func withInputs(_ projected: [(Int8Map, [Int8])], _ i: Int, _ acc: [es_qs8_upsample_input],
                            _ body: ([es_qs8_upsample_input]) -> Void) {
        if i == projected.count { return body(acc) }
        let (stage, data) = projected[i]
        data.withUnsafeBufferPointer { p in
            let input = es_qs8_upsample_input(x: p.baseAddress, h: stage.height, w: stage.width,
                                              zero_point: projections[i].output.zero_point, multiplier: fuseMultipliers[i])
            withInputs(projected, i + 1, acc + [input], body)
        }
    }
}
