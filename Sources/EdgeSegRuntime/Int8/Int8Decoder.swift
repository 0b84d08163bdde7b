import CEdgeSeg

/// The decode head in int8, folded (see `FloatDecoder`): each stage projected straight to D channels by
/// (W_fuse,s · W_s), the projections upsampled, rescaled and summed with the bias in one integer pass with
/// the ReLU fused, then the classifier.
struct Int8Decoder {
    let projections: [Int8Linear]
    let fuse: Int8UpsampleSum
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
        fuse = Int8UpsampleSum(multipliers: try r.int32("decode_head.fuse.multipliers", count: c.numStages),
                               shift: try r.int32("decode_head.fuse.shift", count: 1)[0],
                               bias: try r.int64("decode_head.fuse.bias", count: d),
                               zeroPoints: projections.map { $0.output.zero_point },
                               output: outputRange(try r.zeroPoint(ActivationPoint.decoderFused), relu: true))
        classifier = try Int8Linear(r, "decode_head.classifier", input: ActivationPoint.decoderFused,
                                    output: ActivationPoint.logits, inFeatures: d, outFeatures: c.numLabels)
    }

    /// Appends the head on the stage outputs; returns the logits at the first stage's size.
    func emit(_ stages: [Int8Tensor], into p: inout Int8Program) -> Int8Tensor {
        let d = fuse.bias.count
        var projected: [Int8Tensor] = []
        for (s, stage) in stages.enumerated() {
            p.append(reading: [stage.id]) { p in
                let y = p.tensor(ActivationPoint.decoderProjection(s), height: stage.height, width: stage.width, channels: d)
                projected.append(y)
                return .linear(projections[s], input: stage.id, rows: stage.tokens, output: y.id)
            }
        }
        let (h, w) = (stages[0].height, stages[0].width)
        var fused = stages[0], logits = stages[0]
        p.append(reading: projected.map(\.id)) { p in
            fused = p.tensor(ActivationPoint.decoderFused, height: h, width: w, channels: d)
            return .upsampleSum(fuse, inputs: projected, output: fused)
        }
        p.append(reading: [fused.id]) { p in
            logits = p.tensor(ActivationPoint.logits, height: h, width: w, channels: classifier.outFeatures)
            return .linear(classifier, input: fused.id, rows: fused.tokens, output: logits.id)
        }
        return logits
    }
}

/// The decoder's fuse step: every projection upsampled to the output size, rescaled and summed with the bias
/// before one rounding, ReLU fused (es_qs8_upsample_sum).
struct Int8UpsampleSum {
    let multipliers: UnsafeBufferPointer<Int32>
    let shift: Int32
    let bias: UnsafeBufferPointer<Int64>
    let zeroPoints: [Int32]
    let output: es_qs8_out

    /// `inputs[i]` points at the i-th projection (h×w×D).
    func run(_ inputs: [Int8Tensor], _ x: (Int) -> UnsafePointer<Int8>, _ y: Int8Tensor, _ out: UnsafeMutablePointer<Int8>,
             _ kernels: es_int8_kernel_table) {
        // The kernel's input descriptors on the stack: no allocation per frame.
        withUnsafeTemporaryAllocation(of: es_qs8_upsample_input.self, capacity: inputs.count) { descriptors in
            for (i, input) in inputs.enumerated() {
                descriptors[i] = es_qs8_upsample_input(x: x(input.id), h: input.height, w: input.width,
                                                       zero_point: zeroPoints[i], multiplier: multipliers[i])
            }
            kernels.upsample_sum!(inputs.count, descriptors.baseAddress, y.height, y.width, y.channels, multipliers.baseAddress,
                                  shift, bias.baseAddress, output, out)
        }
    }
}
