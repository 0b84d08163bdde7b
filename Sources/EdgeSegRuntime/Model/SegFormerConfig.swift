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
        // An out-of-range count (refused by `validate`) names no classes: never a loop over 2^62 of them.
        let named = numLabels > 0 && numLabels <= Self.maxCount ? numLabels : 0
        for i in 0..<named { names.append(labels.flatMap { i < $0.count ? $0[i] : nil } ?? "class \(i)") }
        self.labels = names
    }

    public var numStages: Int { hiddenSizes.count }

    // Limits on what a config may ask for, so that every size computed from it fits an Int and no file can make
    // the runtime allocate or loop beyond what a board has. B0–B5 use a small part of each.
    /// Channels (num_channels, hidden_sizes, the Mix-FFN width hidden·mlp_ratio, decoder_hidden_size), heads
    /// and classes.
    public static let maxCount = 65_535
    public static let maxStages = 8
    /// Transformer blocks per stage (B5: 40).
    public static let maxDepth = 1_024
    /// Patch-embedding kernels and strides, spatial-reduction ratios, Mix-FFN ratios.
    public static let maxPatchSize = 31
    public static let maxStride = 32
    public static let maxReductionRatio = 64
    public static let maxMLPRatio = 64
    /// Parameters of the whole model (B5: 85 M): 2^30, 4 GiB as float32.
    public static let maxParameters = 1 << 30

    /// Checks the lists agree with each other and every value is within the limits above (so that every size
    /// computed from them fits an Int); the message names the field, the value and the limit.
    public func validate() throws(EdgeSegError) {
        func check(_ field: String, _ value: Int, _ limit: Int) throws(EdgeSegError) {
            guard value >= 1 && value <= limit else {
                throw EdgeSegError(.config, "\(field) = \(value) is outside 1...\(limit)")
            }
        }
        let n = hiddenSizes.count
        guard n > 0 else { throw EdgeSegError(.config, "hidden_sizes is empty") }
        guard n <= Self.maxStages else {
            throw EdgeSegError(.config, "hidden_sizes has \(n) stages, more than the limit of \(Self.maxStages)")
        }
        let lists: [(String, [Int], Int)] = [
            ("hidden_sizes", hiddenSizes, Self.maxCount), ("depths", depths, Self.maxDepth),
            ("num_attention_heads", numAttentionHeads, Self.maxCount), ("sr_ratios", srRatios, Self.maxReductionRatio),
            ("patch_sizes", patchSizes, Self.maxPatchSize), ("strides", strides, Self.maxStride),
            ("mlp_ratios", mlpRatios, Self.maxMLPRatio),
        ]
        for (name, list, limit) in lists {
            guard list.count == n else {
                throw EdgeSegError(.config, "\(name) has \(list.count) entries but hidden_sizes has \(n)")
            }
            for (i, v) in list.enumerated() { try check("\(name)[\(i)]", v, limit) }
        }
        for (i, c) in hiddenSizes.enumerated() {
            guard c % numAttentionHeads[i] == 0 else {
                throw EdgeSegError(.config, "hidden_sizes[\(i)] = \(c) is not divisible by num_attention_heads[\(i)] = \(numAttentionHeads[i])")
            }
            // Both at most 2^16 here, so the product fits.
            try check("hidden_sizes[\(i)] * mlp_ratios[\(i)] (the Mix-FFN width)", c * mlpRatios[i], Self.maxCount)
        }
        try check("num_channels", numChannels, Self.maxCount)
        try check("decoder_hidden_size", decoderHiddenSize, Self.maxCount)
        try check("num_labels", numLabels, Self.maxCount)
        guard layerNormEps > 0 && layerNormEps.isFinite else { throw EdgeSegError(.config, "layer_norm_eps must be positive and finite") }
        let parameters = parameterCount
        guard let parameters, parameters <= Self.maxParameters else {
            throw EdgeSegError(.config, "the model would have \(parameters.map { "\($0)" } ?? "more than 2^63") parameters, more than the limit of \(Self.maxParameters)")
        }
    }

    /// The parameter count of `expectedTensors(self)`, in overflow-checked arithmetic; nil if it overflows.
    /// Call on a config whose single values are within the limits.
    var parameterCount: Int? {
        var total = 0
        func add(_ factors: Int...) -> Bool {
            var product = 1
            for f in factors {
                let (p, overflow) = product.multipliedReportingOverflow(by: f)
                if overflow { return false }
                product = p
            }
            let (sum, overflow) = total.addingReportingOverflow(product)
            total = sum
            return !overflow
        }
        var inChannels = numChannels
        for s in 0..<numStages {
            let ch = hiddenSizes[s], k = patchSizes[s], sr = srRatios[s], hidden = ch * mlpRatios[s]
            guard add(ch, inChannels, k, k), add(5, ch) else { return nil }   // patch embedding, its norm, the stage norm
            let attention = 4 * (ch * ch + ch) + (sr > 1 ? ch * ch * sr * sr + 3 * ch : 0)
            let block = 4 * ch + attention + 2 * hidden * ch + hidden + 9 * hidden + hidden + ch
            guard add(depths[s], block) else { return nil }
            inChannels = ch
        }
        let d = decoderHiddenSize
        for c in hiddenSizes { guard add(d, c + 1) else { return nil } }
        guard add(d, d, numStages), add(4, d), add(numLabels, d + 1) else { return nil }
        return total
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
