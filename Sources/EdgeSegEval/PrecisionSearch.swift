import EdgeSegRuntime

/// Per-layer sensitivity and automatic mixed precision on a labeled data set. The fp32 class maps are computed
/// once; every int8 variant (the model with some activation points kept in float) is then scored against them
/// and the labels: mIoU, pixel accuracy and agreement with fp32.
public struct PrecisionSearch {
    public struct Score: Sendable {
        /// Percent, 0–100 (nil when the data set has no labels).
        public var miou: Double?
        public var pixelAccuracy: Double?
        public var agreement: Double
    }

    /// One activation point kept in float on its own, against the all-int8 model.
    public struct Sensitivity: Sendable {
        public let name: String
        public let score: Score
        /// Change against the all-int8 model, in percentage points (positive: keeping it in float helps).
        public let miouGain: Double?
        public let agreementGain: Double
    }

    /// One step of `autoPrecision`: the point tried, the score it gave (with it added, or in the pruning pass
    /// without it), and whether it stays kept.
    public struct Step: Sendable {
        public let name: String
        public let score: Score
        public let kept: Bool
        /// False while adding points, true in the pass that drops the superfluous ones.
        public let pruning: Bool
    }

    public let dataset: LabeledDataset
    public let size: ImageSize?
    public let threads: Int
    public private(set) var float: Score
    private var floatMaps: [[UInt8]] = []

    /// Runs the fp32 model over every image. Progress: (images done, total).
    public init(float model: FloatSegFormer, dataset: LabeledDataset, size: ImageSize? = nil, threads: Int = 1,
                progress: (Int, Int) -> Void = { _, _ in }) throws(EdgeSegError) {
        self.dataset = dataset
        self.size = size
        self.threads = threads
        var matrix = try Self.matrix(dataset, classes: model.config.numLabels)
        var maps: [[UInt8]] = []
        for (i, sample) in dataset.samples.enumerated() {
            let image = try loadImage(path: sample.imagePath)
            let logits = try model.forward(try preprocess(image, size: size)).logits
            let map = classMap(logits: logits, height: image.height, width: image.width)
            if sample.labelPath != nil {
                try matrix?.add(predictions: map, labels: try dataset.loadLabel(sample, width: image.width, height: image.height),
                                source: sample.imagePath)
            }
            maps.append(map)
            progress(i + 1, dataset.samples.count)
        }
        floatMaps = maps
        float = Score(miou: matrix?.meanIoU, pixelAccuracy: matrix?.pixelAccuracy, agreement: 100)
    }

    /// `model` on the first `limit` images (all by default).
    public func score(_ model: SegFormerModel, limit: Int? = nil) throws(EdgeSegError) -> Score {
        var matrix = try Self.matrix(dataset, classes: model.config.numLabels)
        var agreement = Agreement()
        let segmenter = try Segmenter(model: model, source: "the model", threads: threads)
        for (i, sample) in dataset.samples.prefix(limit ?? dataset.samples.count).enumerated() {
            let image = try loadImage(path: sample.imagePath)
            let map = try segmenter.classMap(of: image, size: size)
            try agreement.add(map, floatMaps[i], source: sample.imagePath)
            if sample.labelPath != nil {
                try matrix?.add(predictions: map, labels: try dataset.loadLabel(sample, width: image.width, height: image.height),
                                source: sample.imagePath)
            }
        }
        return Score(miou: matrix?.meanIoU, pixelAccuracy: matrix?.pixelAccuracy,
                     agreement: agreement.percent ?? 0)
    }

    /// Each of `candidates` kept in float alone (`load` makes the model for a set of kept points), scored on the
    /// first `images` images; most helpful first (mIoU gain, then agreement gain). Progress: (done, total).
    public func sensitivity(candidates: [String], images: Int? = nil, load: (Set<String>) throws(EdgeSegError) -> SegFormerModel,
                            progress: (Int, Int) -> Void = { _, _ in }) throws(EdgeSegError) -> (base: Score, layers: [Sensitivity]) {
        let base = try score(try load([]), limit: images)
        var layers: [Sensitivity] = []
        for (i, name) in candidates.enumerated() {
            let s = try score(try load([name]), limit: images)
            layers.append(Sensitivity(name: name, score: s, miouGain: gain(s.miou, base.miou), agreementGain: s.agreement - base.agreement))
            progress(i + 1, candidates.count)
        }
        let order = layers.indices.sorted { a, b in
            (layers[a].miouGain ?? 0, layers[a].agreementGain, -a) > (layers[b].miouGain ?? 0, layers[b].agreementGain, -b)
        }
        return (base, order.map { layers[$0] })
    }

    /// Keeps points in float, in the order of `ranked` (most helpful first), until the int8 mIoU is at most
    /// `maxDrop` points below fp32 on the whole data set; a point stays only if it raises the mIoU. Then, latest
    /// first, each kept point is dropped again if the target still holds without it, so no point kept is
    /// superfluous. Returns the points kept, the final score, and every step.
    public func autoPrecision(ranked: [String], maxDrop: Double, load: (Set<String>) throws(EdgeSegError) -> SegFormerModel,
                              progress: (Step) -> Void = { _ in }) throws(EdgeSegError) -> (kept: [String], score: Score, steps: [Step]) {
        guard let target = float.miou.map({ $0 - maxDrop }) else {
            throw EdgeSegError(.usage, "automatic precision needs labels: \(dataset.directory) has none")
        }
        func holds(_ s: Score) -> Bool { (s.miou ?? 0) >= target }
        var kept: [String] = [], steps: [Step] = []
        var current = try score(try load([]))
        func record(_ step: Step) {
            steps.append(step)
            progress(step)
        }
        for name in ranked where !holds(current) {
            let tried = try score(try load(Set(kept + [name])))
            let better = (tried.miou ?? 0) > (current.miou ?? 0)
            if better {
                kept.append(name)
                current = tried
            }
            record(Step(name: name, score: tried, kept: better, pruning: false))
        }
        if holds(current) {
            for name in kept.reversed() where kept.count > 1 {
                let without = kept.filter { $0 != name }
                let tried = try score(try load(Set(without)))
                if holds(tried) {
                    kept = without
                    current = tried
                }
                record(Step(name: name, score: tried, kept: !holds(tried), pruning: true))
            }
        }
        return (kept, current, steps)
    }

    private static func matrix(_ dataset: LabeledDataset, classes: Int) throws(EdgeSegError) -> ConfusionMatrix? {
        dataset.layout == .none ? nil
            : try ConfusionMatrix(classCount: classes, ignoredLabels: dataset.ignoreLabel.map { [$0] } ?? [])
    }
}

private func gain(_ a: Double?, _ b: Double?) -> Double? {
    guard let a, let b else { return nil }
    return a - b
}
