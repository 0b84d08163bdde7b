/// The architecture hyper-parameters of a SegFormer (B0–B5 and any class count), as `config.json` gives them.
public struct SegFormerConfig: Equatable, Sendable {
    public var numChannels: Int = 3
    public var hiddenSizes: [Int]          // per stage, e.g. B0: 32, 64, 160, 256
    public var depths: [Int]               // blocks per stage, e.g. B0: 2, 2, 2, 2
    public var numAttentionHeads: [Int]    // e.g. B0: 1, 2, 5, 8
    public var srRatios: [Int]             // spatial reduction of keys/values, e.g. 8, 4, 2, 1
    public var patchSizes: [Int]           // overlapped patch embedding kernels, e.g. 7, 3, 3, 3
    public var strides: [Int]              // e.g. 4, 2, 2, 2
    public var mlpRatios: [Int]            // Mix-FFN expansion, e.g. 4, 4, 4, 4
    public var decoderHiddenSize: Int      // e.g. 256 (B0/B1), 768 (B2–B5)
    /// config.json's `layer_norm_eps`, kept as read. `transformers`' SegFormer never passes it to its layers:
    /// every LayerNorm there is `nn.LayerNorm(c)` with PyTorch's default eps, `layerNormEpsInModel`.
    public var layerNormEps: Float = 1e-6
    public static let layerNormEpsInModel: Float = 1e-5
    public var batchNormEps: Float = 1e-5  // nn.BatchNorm2d's default; config.json does not carry it
    public var numLabels: Int
    public var labels: [String]            // class names by index (id2label), "class N" where missing

    public init(
        numChannels: Int = 3, hiddenSizes: [Int], depths: [Int], numAttentionHeads: [Int], srRatios: [Int],
        patchSizes: [Int], strides: [Int], mlpRatios: [Int], decoderHiddenSize: Int,
        layerNormEps: Float = 1e-6, numLabels: Int, labels: [String]? = nil
    ) {
        self.numChannels = numChannels
        self.hiddenSizes = hiddenSizes
        self.depths = depths
        self.numAttentionHeads = numAttentionHeads
        self.srRatios = srRatios
        self.patchSizes = patchSizes
        self.strides = strides
        self.mlpRatios = mlpRatios
        self.decoderHiddenSize = decoderHiddenSize
        self.layerNormEps = layerNormEps
        self.numLabels = numLabels
        var names: [String] = []
        for i in 0..<numLabels { names.append(labels.flatMap { i < $0.count ? $0[i] : nil } ?? "class \(i)") }
        self.labels = names
    }

    public var numStages: Int { hiddenSizes.count }

    /// Checks the lists agree with each other and every value is usable; the message names the field.
    public func validate() throws(EdgeSegError) {
        let n = hiddenSizes.count
        guard n > 0 else { throw EdgeSegError(.config, "hidden_sizes is empty") }
        let lists: [(String, [Int])] = [
            ("depths", depths), ("num_attention_heads", numAttentionHeads), ("sr_ratios", srRatios),
            ("patch_sizes", patchSizes), ("strides", strides), ("mlp_ratios", mlpRatios),
        ]
        for (name, list) in lists {
            guard list.count == n else {
                throw EdgeSegError(.config, "\(name) has \(list.count) entries but hidden_sizes has \(n)")
            }
            for v in list where v <= 0 {
                throw EdgeSegError(.config, "\(name) has a non-positive entry \(v)")
            }
        }
        for (i, c) in hiddenSizes.enumerated() {
            guard c > 0 else { throw EdgeSegError(.config, "hidden_sizes[\(i)] = \(c) is not positive") }
            guard c % numAttentionHeads[i] == 0 else {
                throw EdgeSegError(.config, "hidden_sizes[\(i)] = \(c) is not divisible by num_attention_heads[\(i)] = \(numAttentionHeads[i])")
            }
        }
        guard numChannels > 0 else { throw EdgeSegError(.config, "num_channels = \(numChannels) is not positive") }
        guard decoderHiddenSize > 0 else { throw EdgeSegError(.config, "decoder_hidden_size = \(decoderHiddenSize) is not positive") }
        guard numLabels > 0 else { throw EdgeSegError(.config, "num_labels = \(numLabels) is not positive") }
        guard layerNormEps > 0 else { throw EdgeSegError(.config, "layer_norm_eps must be positive") }
    }

    /// Spatial size of each stage's output for an input of `height`×`width` (convolution arithmetic, floored).
    public func stageSizes(height: Int, width: Int) -> [(height: Int, width: Int)] {
        var sizes: [(height: Int, width: Int)] = []
        var h = height, w = width
        for s in 0..<numStages {
            let k = patchSizes[s], st = strides[s], pad = k / 2
            h = (h + 2 * pad - k) / st + 1
            w = (w + 2 * pad - k) / st + 1
            sizes.append((h, w))
        }
        return sizes
    }
}
