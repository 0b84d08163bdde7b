import CEdgeSeg

/// The arena of the int8 SegFormer forward (`Int8SegFormer.forward`) for one input size: every activation it
/// makes, in op order and named by its activation point, plus each attention's scratch (per 64-query tile: int32
/// scores and uint8 weights against all m keys, uint32 row sums, int32 P·V accumulators for one head), planned.
/// Residual adds write over the residual stream and the GELU table over the depthwise output, in place.
/// The stage outputs and the logits are the forward's result, so they live to the last step.
public func int8ArenaPlan(config c: SegFormerConfig, height: Int, width: Int) throws(EdgeSegError)
    -> (plan: ArenaPlan, requests: [BufferRequest], names: [String]) {
    try checkInputSize(c, height: height, width: width)
    var r = ForwardRecorder()
    r.op(reading: [])
    var x = r.output(ActivationPoint.input, bytes: height * width * c.numChannels)
    var (h, w) = (height, width)
    var stageOutputs: [Int] = [], stageTokens: [Int] = []
    for s in 0..<c.numStages {
        let ch = c.hiddenSizes[s], sr = c.srRatios[s], d = ch / c.numAttentionHeads[s]
        h = convolved(h, kernel: c.patchSizes[s], stride: c.strides[s], padding: c.patchSizes[s] / 2)
        w = convolved(w, kernel: c.patchSizes[s], stride: c.strides[s], padding: c.patchSizes[s] / 2)
        let n = h * w
        r.op(reading: [x])
        let embedded = r.output(ActivationPoint.patchEmbedding(s), bytes: n * ch)
        r.op(reading: [embedded])
        x = r.output(ActivationPoint.patchNorm(s), bytes: n * ch)
        for b in 0..<c.depths[s] {
            func point(_ p: ActivationPoint.Block) -> String { ActivationPoint.block(s, b, p) }
            r.op(reading: [x])
            let norm1 = r.output(point(.norm1), bytes: n * ch)
            r.op(reading: [norm1])
            let query = r.output(point(.query), bytes: n * ch)
            var keysIn = norm1, m = n
            if sr > 1 {
                m = convolved(h, kernel: sr, stride: sr, padding: 0) * convolved(w, kernel: sr, stride: sr, padding: 0)
                r.op(reading: [norm1])
                let reduced = r.output(point(.reduction), bytes: m * ch)
                r.op(reading: [reduced])
                keysIn = r.output(point(.reductionNorm), bytes: m * ch)
            }
            r.op(reading: [keysIn])
            let key = r.output(point(.key), bytes: m * ch)
            r.op(reading: [keysIn])
            let value = r.output(point(.value), bytes: m * ch)
            let tile = Int8EfficientAttention.queryTile
            r.op(reading: [query, key, value])
            let attention = "stage\(s + 1).block\(b + 1).attention"
            _ = r.output("\(attention).scores", bytes: 4 * tile * m)
            _ = r.output("\(attention).weights", bytes: tile * m)
            _ = r.output("\(attention).sums", bytes: 4 * tile)
            _ = r.output("\(attention).accumulators", bytes: 4 * tile * d)
            let context = r.output(point(.context), bytes: n * ch)
            r.op(reading: [context])
            let attended = r.output(point(.attentionOutput), bytes: n * ch)
            r.op(reading: [x, attended])
            x = r.output(point(.residual1), bytes: n * ch, aliasOf: x)
            r.op(reading: [x])
            let norm2 = r.output(point(.norm2), bytes: n * ch)
            let hidden = ch * c.mlpRatios[s]
            r.op(reading: [norm2])
            let dense1 = r.output(point(.dense1), bytes: n * hidden)
            r.op(reading: [dense1])
            let depthwise = r.output(point(.depthwise), bytes: n * hidden)
            r.op(reading: [depthwise])
            let gelu = r.output(point(.gelu), bytes: n * hidden, aliasOf: depthwise)
            r.op(reading: [gelu])
            let dense2 = r.output(point(.dense2), bytes: n * ch)
            r.op(reading: [x, dense2])
            x = r.output(point(.residual2), bytes: n * ch, aliasOf: x)
        }
        r.op(reading: [x])
        x = r.output(ActivationPoint.stageNorm(s), bytes: n * ch)
        stageOutputs.append(x)
        stageTokens.append(n)
    }
    let d = c.decoderHiddenSize, tokens = stageTokens[0]
    var projections: [Int] = []
    for s in 0..<c.numStages {
        r.op(reading: [stageOutputs[s]])
        projections.append(r.output(ActivationPoint.decoderProjection(s), bytes: stageTokens[s] * d))
    }
    r.op(reading: projections)
    let fused = r.output(ActivationPoint.decoderFused, bytes: tokens * d)
    r.op(reading: [fused])
    let logits = r.output(ActivationPoint.logits, bytes: tokens * c.numLabels)
    r.op(reading: stageOutputs + [logits])   // the caller reads the result
    return (try planArena(r.requests), r.requests, r.names)
}

/// Records the forward op by op: an op reads buffers (their lifetime reaches its step) and writes new ones.
private struct ForwardRecorder {
    var requests: [BufferRequest] = []
    var names: [String] = []
    var step = -1

    mutating func op(reading inputs: [Int]) {
        step += 1
        for i in inputs { requests[i].lastUse = step }
    }

    /// A buffer the current op writes.
    mutating func output(_ name: String, bytes: Int, aliasOf: Int? = nil) -> Int {
        requests.append(BufferRequest(size: bytes, firstUse: step, lastUse: step, aliasOf: aliasOf))
        names.append(name)
        return requests.count - 1
    }
}

private func convolved(_ size: Int, kernel: Int, stride: Int, padding: Int) -> Int {
    es_conv2d_out_size(size, kernel, stride, padding)
}
