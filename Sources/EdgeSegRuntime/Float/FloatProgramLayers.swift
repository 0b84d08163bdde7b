extension FloatSegFormer {
    /// This model's layers as the layers of the planned runtime's program, every one in float: the fp32 forward
    /// on one arena (`SegFormerModel(float:)`). The program runs the folded decoder.
    func programLayers() throws(EdgeSegError) -> (stages: [EncoderStage], decoder: DecodeHead) {
        guard decoder.form == .folded else {
            throw EdgeSegError(.usage, "the planned fp32 runtime runs the folded decoder: make the model with FloatSegFormer(_, decoder: .folded)")
        }
        var stages: [EncoderStage] = []
        for (s, stage) in self.stages.enumerated() {
            var blocks: [EncoderBlock] = []
            for (b, block) in stage.blocks.enumerated() {
                let a = block.attention, f = block.ffn
                let attention = EfficientAttention(
                    stage: s, index: b, query: .float(a.query), key: .float(a.key), value: .float(a.value),
                    reduction: a.reduction.map { (conv: .float($0.conv), norm: .float($0.norm)) }, core: .float(a.heads),
                    output: .float(a.output))
                let ffn = MixFFN(stage: s, index: b, dense1: .float(f.dense1), depthwise: .float(f.depthwise), gelu: .float(()),
                                     dense2: .float(f.dense2))
                blocks.append(EncoderBlock(stage: s, index: b, norm1: .float(block.norm1), attention: attention,
                                               residual1: .float(()), norm2: .float(block.norm2), ffn: ffn, residual2: .float(())))
            }
            stages.append(EncoderStage(stage: s, patchEmbedding: .float(stage.patchEmbedding), patchNorm: .float(stage.patchNorm),
                                           blocks: blocks, norm: .float(stage.norm)))
        }
        let head = FloatDecoderHead(bias: decoder.foldedBias, classifier: decoder.classifier)
        return (stages, DecodeHead(projections: decoder.stageProjections.map { .float($0) }, head: .float(head)))
    }
}
