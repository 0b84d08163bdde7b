import CEdgeSeg

/// Mix-FFN in int8: dense → depthwise 3×3 → GELU table → dense.
struct Int8MixFFN {
    let stage: Int
    let index: Int
    let dense1: Int8Linear
    let depthwise: Int8DepthwiseConv3x3
    let gelu: Int8Lookup
    let dense2: Int8Linear

    init(_ r: Int8ModelReader, block p: String, stage s: Int, index b: Int, config c: SegFormerConfig) throws(EdgeSegError) {
        let ch = c.hiddenSizes[s], hidden = ch * c.mlpRatios[s]
        func point(_ x: ActivationPoint.Block) -> String { ActivationPoint.block(s, b, x) }
        stage = s
        index = b
        dense1 = try Int8Linear(r, "\(p).mlp.dense1", input: point(.norm2), output: point(.dense1), inFeatures: ch, outFeatures: hidden)
        depthwise = try Int8DepthwiseConv3x3(r, "\(p).mlp.dwconv.dwconv", input: point(.dense1), output: point(.depthwise), channels: hidden)
        gelu = try Int8Lookup(r, "\(p).mlp.gelu_table")
        dense2 = try Int8Linear(r, "\(p).mlp.dense2", input: point(.gelu), output: point(.dense2), inFeatures: hidden, outFeatures: ch)
    }

    /// Appends the Mix-FFN of the normalised map `x`; returns its output. The GELU table overwrites the
    /// depthwise output in place.
    func emit(_ x: Int8Tensor, into p: inout Int8Program) -> Int {
        func point(_ b: ActivationPoint.Block) -> String { ActivationPoint.block(stage, index, b) }
        let hidden = dense1.outFeatures
        var expanded = x, convolved = x, activated = x, y = 0
        p.append(reading: [x.id]) { p in
            expanded = p.tensor(point(.dense1), height: x.height, width: x.width, channels: hidden)
            return .linear(dense1, input: x.id, rows: x.tokens, output: expanded.id)
        }
        p.append(reading: [expanded.id]) { p in
            convolved = p.tensor(point(.depthwise), height: x.height, width: x.width, channels: hidden)
            return .depthwise(depthwise, input: expanded, output: convolved.id)
        }
        p.append(reading: [convolved.id]) { p in
            activated = p.tensor(point(.gelu), height: x.height, width: x.width, channels: hidden, inPlaceOf: convolved.id)
            return .lookup(gelu, input: convolved.id, count: convolved.count, output: activated.id)
        }
        p.append(reading: [activated.id]) { p in
            y = p.tensor(point(.dense2), height: x.height, width: x.width, channels: x.channels).id
            return .linear(dense2, input: activated.id, rows: x.tokens, output: y)
        }
        return y
    }
}

/// One transformer block in int8: x₁ = x + attention(LN1(x)); x₂ = x₁ + MixFFN(LN2(x₁)).
struct Int8EncoderBlock {
    let stage: Int
    let index: Int
    let norm1: Int8LayerNorm
    let attention: Int8EfficientAttention
    let residual1: Int8Add
    let norm2: Int8LayerNorm
    let ffn: Int8MixFFN
    let residual2: Int8Add

    init(_ r: Int8ModelReader, stage s: Int, index b: Int, config c: SegFormerConfig) throws(EdgeSegError) {
        let p = "segformer.encoder.block.\(s).\(b)", ch = c.hiddenSizes[s]
        func point(_ x: ActivationPoint.Block) -> String { ActivationPoint.block(s, b, x) }
        stage = s
        index = b
        norm1 = try Int8LayerNorm(r, "\(p).layer_norm_1", output: point(.norm1), channels: ch)
        attention = try Int8EfficientAttention(r, block: p, stage: s, index: b, config: c)
        residual1 = try Int8Add(r, "\(p).residual1", output: point(.residual1))
        norm2 = try Int8LayerNorm(r, "\(p).layer_norm_2", output: point(.norm2), channels: ch)
        ffn = try Int8MixFFN(r, block: p, stage: s, index: b, config: c)
        residual2 = try Int8Add(r, "\(p).residual2", output: point(.residual2))
    }

    /// Appends the block on the residual stream `x`; returns the new stream (the residual adds write over the
    /// old one in place).
    func emit(_ x: Int8Tensor, into p: inout Int8Program) -> Int8Tensor {
        func point(_ b: ActivationPoint.Block) -> String { ActivationPoint.block(stage, index, b) }
        var normed = x, stream = x
        p.append(reading: [x.id]) { p in
            normed = p.tensor(point(.norm1), height: x.height, width: x.width, channels: x.channels)
            return .layerNorm(norm1, input: x.id, rows: x.tokens, output: normed.id)
        }
        let attended = attention.emit(normed, into: &p)
        p.append(reading: [x.id, attended]) { p in
            stream = p.tensor(point(.residual1), height: x.height, width: x.width, channels: x.channels, inPlaceOf: x.id)
            return .add(residual1, a: x.id, b: attended, count: x.count, output: stream.id)
        }
        let mid = stream
        p.append(reading: [mid.id]) { p in
            normed = p.tensor(point(.norm2), height: x.height, width: x.width, channels: x.channels)
            return .layerNorm(norm2, input: mid.id, rows: x.tokens, output: normed.id)
        }
        let fed = ffn.emit(normed, into: &p)
        p.append(reading: [mid.id, fed]) { p in
            stream = p.tensor(point(.residual2), height: x.height, width: x.width, channels: x.channels, inPlaceOf: mid.id)
            return .add(residual2, a: mid.id, b: fed, count: x.count, output: stream.id)
        }
        return stream
    }
}

/// One encoder stage in int8: patch embedding conv + LayerNorm, the blocks, the stage LayerNorm.
struct Int8EncoderStage {
    let stage: Int
    let patchEmbedding: Int8Conv2d
    let patchNorm: Int8LayerNorm
    let blocks: [Int8EncoderBlock]
    let norm: Int8LayerNorm

    init(_ r: Int8ModelReader, stage s: Int, config c: SegFormerConfig) throws(EdgeSegError) {
        let pe = "segformer.encoder.patch_embeddings.\(s)", ch = c.hiddenSizes[s]
        let input = s == 0 ? ActivationPoint.input : ActivationPoint.stageNorm(s - 1)
        stage = s
        patchEmbedding = try Int8Conv2d(r, "\(pe).proj", input: input, output: ActivationPoint.patchEmbedding(s),
                                        inChannels: s == 0 ? c.numChannels : c.hiddenSizes[s - 1], outChannels: ch,
                                        kernel: c.patchSizes[s], stride: c.strides[s], padding: c.patchSizes[s] / 2)
        patchNorm = try Int8LayerNorm(r, "\(pe).layer_norm", output: ActivationPoint.patchNorm(s), channels: ch)
        var blocks: [Int8EncoderBlock] = []
        for b in 0..<c.depths[s] { blocks.append(try Int8EncoderBlock(r, stage: s, index: b, config: c)) }
        self.blocks = blocks
        norm = try Int8LayerNorm(r, "segformer.encoder.layer_norm.\(s)", output: ActivationPoint.stageNorm(s), channels: ch)
    }

    /// Appends the stage on its input map; returns the stage output.
    func emit(_ input: Int8Tensor, into p: inout Int8Program) -> Int8Tensor {
        let size = patchEmbedding.outputSize(height: input.height, width: input.width), ch = patchEmbedding.outChannels
        var embedded = input, x = input
        p.append(reading: [input.id]) { p in
            embedded = p.tensor(ActivationPoint.patchEmbedding(stage), height: size.height, width: size.width, channels: ch)
            let scratch = p.scratch("stage\(stage + 1).patch_embedding.scratch",
                                    bytesPerWorker: patchEmbedding.scratchBytes(height: input.height, width: input.width))
            return .conv(patchEmbedding, input: input, scratch: scratch, output: embedded.id)
        }
        p.append(reading: [embedded.id]) { p in
            x = p.tensor(ActivationPoint.patchNorm(stage), height: size.height, width: size.width, channels: ch)
            return .layerNorm(patchNorm, input: embedded.id, rows: embedded.tokens, output: x.id)
        }
        for block in blocks { x = block.emit(x, into: &p) }
        let stream = x
        p.append(reading: [stream.id]) { p in
            x = p.tensor(ActivationPoint.stageNorm(stage), height: size.height, width: size.width, channels: ch)
            return .layerNorm(norm, input: stream.id, rows: stream.tokens, output: x.id)
        }
        return x
    }
}
