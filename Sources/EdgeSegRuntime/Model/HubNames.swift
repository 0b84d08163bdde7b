/// Where each SegFormer layer's tensors are named: the Hugging Face hub checkpoints' names (`transformers` 4
/// layout) for the float weights, and EdgeSeg's int8 tensors named after the layer they belong to. The one
/// file that spells these names; everything else asks it.
public enum HubNames {
    /// One transformer block's layers.
    public struct Block: Sendable {
        public let prefix: String
        public var norm1: String { prefix + ".layer_norm_1" }
        public var query: String { attention + ".query" }
        public var key: String { attention + ".key" }
        public var value: String { attention + ".value" }
        /// The spatial-reduction conv and its LayerNorm (stages with sr ratio > 1).
        public var reduction: String { attention + ".sr" }
        public var reductionNorm: String { attention + ".layer_norm" }
        public var attentionOutput: String { prefix + ".attention.output.dense" }
        public var norm2: String { prefix + ".layer_norm_2" }
        public var dense1: String { prefix + ".mlp.dense1" }
        public var depthwise: String { prefix + ".mlp.dwconv.dwconv" }
        public var dense2: String { prefix + ".mlp.dense2" }
        // int8 model files only:
        public var softmaxRequant: String { attention + ".softmax_requant" }
        public var contextRequant: String { attention + ".context_requant" }
        public var residual1: String { prefix + ".residual1" }
        public var residual2: String { prefix + ".residual2" }
        public var geluTable: String { prefix + ".mlp.gelu_table" }

        private var attention: String { prefix + ".attention.self" }
    }

    public static func block(_ stage: Int, _ block: Int) -> Block { Block(prefix: "segformer.encoder.block.\(stage).\(block)") }
    public static func patchEmbedding(_ stage: Int) -> String { "segformer.encoder.patch_embeddings.\(stage).proj" }
    public static func patchNorm(_ stage: Int) -> String { "segformer.encoder.patch_embeddings.\(stage).layer_norm" }
    public static func stageNorm(_ stage: Int) -> String { "segformer.encoder.layer_norm.\(stage)" }
    /// The decode head's per-stage linear (the MLP of `linear_c`).
    public static func decoderLinear(_ stage: Int) -> String { "decode_head.linear_c.\(stage).proj" }
    public static let decoderFuse = "decode_head.linear_fuse"
    public static let decoderBatchNorm = "decode_head.batch_norm"
    public static let classifier = "decode_head.classifier"
    // int8 model files only: the folded decoder's per-stage projections, and the fuse's rescaling
    // ("<fuse>.multipliers", ".shift", ".bias").
    public static func decoderProjection(_ stage: Int) -> String { "decode_head.projection.\(stage)" }
    public static let decoderFolded = "decode_head.fuse"

    /// `transformers` 5's in-memory names → the hub names above, one run of dot-separated components each
    /// (`{s}`, `{b}`: a stage and a block index). Inferred from the v5 naming pattern (stages/blocks
    /// containers, `*_proj` attention projections); extend it here if another spelling turns up.
    public static let transformers5: [(v5: String, hub: String)] = [
        ("segformer.stages.{s}.blocks.{b}", "segformer.encoder.block.{s}.{b}"),
        ("segformer.stages.{s}.patch_embeddings", "segformer.encoder.patch_embeddings.{s}"),
        ("segformer.stages.{s}.layer_norm", "segformer.encoder.layer_norm.{s}"),
        ("attention.q_proj", "attention.self.query"),
        ("attention.k_proj", "attention.self.key"),
        ("attention.v_proj", "attention.self.value"),
        ("attention.o_proj", "attention.output.dense"),
        ("attention.sr", "attention.self.sr"),
        ("attention.sr_norm", "attention.self.layer_norm"),
        ("attention.layer_norm", "attention.self.layer_norm"),
    ]
}
