import CEdgeSeg

/// The decode head in int8, folded (see `FloatDecoder`): each stage projected straight to D channels by
/// (W_fuse,s · W_s), the projections upsampled, rescaled and summed with the bias in one integer pass with
/// the ReLU fused, then the classifier.
struct Int8Decoder {
    let projections: [Int8Linear]
    let head: Int8DecoderHead

    init(_ r: Int8ModelReader, config c: SegFormerConfig) throws(EdgeSegError) {
        let d = c.decoderHiddenSize
        var projections: [Int8Linear] = []
        for s in 0..<c.numStages {
            projections.append(try Int8Linear(r, "decode_head.projection.\(s)", input: ActivationPoint.stageNorm(s),
                                              output: ActivationPoint.decoderProjection(s), inFeatures: c.hiddenSizes[s],
                                              outFeatures: d, hasBias: false))
        }
        self.projections = projections
        head = Int8DecoderHead(multipliers: try r.int32("decode_head.fuse.multipliers", count: c.numStages),
                               shift: try r.int32("decode_head.fuse.shift", count: 1)[0],
                               bias: try r.int64("decode_head.fuse.bias", count: d),
                               zeroPoints: projections.map { $0.output.zero_point },
                               fused: outputRange(try r.zeroPoint(ActivationPoint.decoderFused), relu: true),
                               classifier: try Int8Linear(r, "decode_head.classifier", input: ActivationPoint.decoderFused,
                                                          output: ActivationPoint.logits, inFeatures: d, outFeatures: c.numLabels))
    }

    /// Appends the head on the stage outputs; returns the logits at the first stage's size. `wholeFusedMap`
    /// runs the fuse as one band, so the fused map exists whole (named as its activation point) for observers.
    func emit(_ stages: [Int8Tensor], wholeFusedMap: Bool, into p: inout Int8Program) -> Int8Tensor {
        let d = head.channels
        var projected: [Int8Tensor] = []
        for (s, stage) in stages.enumerated() {
            p.append(reading: [stage.id]) { p in
                let y = p.tensor(ActivationPoint.decoderProjection(s), height: stage.height, width: stage.width, channels: d)
                projected.append(y)
                return .linear(projections[s], input: stage.id, rows: stage.tokens, output: y.id)
            }
        }
        let (h, w) = (stages[0].height, stages[0].width)
        let bandRows = wholeFusedMap ? h : head.bandRows(width: w)
        var logits = stages[0]
        p.append(reading: projected.map { $0.id }) { p in
            let band = p.scratch(wholeFusedMap ? ActivationPoint.decoderFused : "\(ActivationPoint.decoderFused).band",
                                 bytesPerWorker: bandRows * w * d)
            logits = p.tensor(ActivationPoint.logits, height: h, width: w, channels: head.classes)
            return .decoderHead(head, inputs: projected, bandRows: bandRows, scratch: band, output: logits)
        }
        return logits
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

    var channels: Int { bias.count }
    var classes: Int { classifier.outFeatures }

    func bandRows(width: Int) -> Int { max(1, Self.bandPixels / width) }

    /// Band `band` of `bandRows` rows of the logits from the projections `inputs` (inputs[i] at x(i)), the fused
    /// band in `scratch`.
    func run(band: Int, bandRows: Int, _ inputs: [Int8Tensor], _ x: (Int) -> UnsafePointer<Int8>, _ logits: Int8Tensor,
             _ y: UnsafeMutablePointer<Int8>, scratch: UnsafeMutablePointer<Int8>, _ kernels: es_int8_kernel_table) {
        let first = band * bandRows, rows = min(bandRows, logits.height - first), w = logits.width
        // The kernel's input descriptors on the stack: no allocation per frame.
        withUnsafeTemporaryAllocation(of: es_qs8_upsample_input.self, capacity: inputs.count) { descriptors in
            for (i, input) in inputs.enumerated() {
                descriptors[i] = es_qs8_upsample_input(x: x(input.id), h: input.height, w: input.width,
                                                       zero_point: zeroPoints[i], multiplier: multipliers[i])
            }
            kernels.upsample_sum!(inputs.count, descriptors.baseAddress, logits.height, w, channels, first, rows,
                                  multipliers.baseAddress, shift, bias.baseAddress, fused, scratch)
        }
        classifier.run(scratch, rows: rows * w, y + first * w * classes, kernels)
    }
}
