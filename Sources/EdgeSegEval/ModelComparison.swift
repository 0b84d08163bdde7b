import EdgeSegRuntime
import EdgeSegShards

/// int8 against fp32 on a data set: both models see the same preprocessed pixels; predictions are the class
/// maps at the label's size (logits upsampled bilinearly before the argmax).
public struct ModelComparison: Sendable {
    /// Scores against the labels (nil for a data set without labels).
    public var float: ConfusionMatrix?
    public var int8: ConfusionMatrix?
    /// int8-vs-fp32 pixel agreement over every pixel, and the int8 logits' SQNR against the fp32 logits.
    public private(set) var agreement = Agreement()
    public private(set) var logitSQNR = LogitSQNR()
    /// Every activation point's int8 SQNR against fp32 over all images (the fp32 model must run the folded
    /// decoder, `FloatSegFormer(_, decoder: .folded)`, to report the decoder's points).
    public private(set) var layers: LayerSQNR
    /// Each image's share, in data-set order: the totals above are their sums in this order.
    public let images: [ImageComparison]
    /// The images to look at, with both class maps: the least agreeing first, then typical ones.
    public var examples: [ComparisonExample] = []

    /// Per image: name and int8-vs-fp32 agreement in percent, in data-set order.
    public var perImage: [(name: String, agreement: Double)] {
        images.map { ($0.name, $0.agreement.percent ?? 0) }
    }

    /// Runs both models over the data set, or over the images `shard` takes. `examples` keeps the `worst` least
    /// agreeing images and `typical` ones around the median agreement; their class maps are computed again at
    /// the end, so memory stays bounded whatever the data set's size. Progress: (images done, total).
    public init(float floatModel: FloatSegFormer, int8 int8Model: SegFormerModel, dataset: LabeledDataset,
                size: ImageSize? = nil, examples exampleCounts: (worst: Int, typical: Int) = (0, 0), shard: Shard? = nil,
                progress: (Int, Int) -> Void = { _, _ in }) throws(EdgeSegError) {
        let config = floatModel.config
        let pair = try ModelPair(float: floatModel, int8: int8Model, size: size)
        let ignored = dataset.ignoreLabel.map { [$0] } ?? []
        var float: ConfusionMatrix?, int8: ConfusionMatrix?
        if dataset.layout != .none {
            float = try ConfusionMatrix(classCount: config.numLabels, ignoredLabels: ignored)
            int8 = try ConfusionMatrix(classCount: config.numLabels, ignoredLabels: ignored)
        }
        let positions = shard?.positions(of: dataset.samples.count) ?? Array(dataset.samples.indices)
        var images: [ImageComparison] = []
        for (done, position) in positions.enumerated() {
            let sample = dataset.samples[position]
            let result = try pair.run(sample, measure: true)
            var imageAgreement = Agreement()
            try imageAgreement.add(result.int8Map, result.floatMap, source: sample.imagePath)
            var imageSQNR = LogitSQNR()
            try imageSQNR.add(reference: result.floatLogits, test: result.int8Logits, source: sample.imagePath)
            images.append(ImageComparison(position: position, name: sample.name,
                                          size: ImageSize(width: result.image.width, height: result.image.height), agreement: imageAgreement,
                                          logitSQNR: imageSQNR, layerSQNR: result.layers))
            if sample.labelPath != nil {
                let labels = try dataset.loadLabel(sample, width: result.image.width, height: result.image.height)
                try float?.add(predictions: result.floatMap, labels: labels, source: sample.imagePath)
                try int8?.add(predictions: result.int8Map, labels: labels, source: sample.imagePath)
            }
            progress(done + 1, positions.count)
        }
        self.init(float: float, int8: int8, layers: pair.layers, images: images)
        try addExamples(pair, dataset: dataset, counts: exampleCounts)
    }

    /// The totals of images measured elsewhere (the shards of `eval --shard`), summed in data-set order as the
    /// other initializer sums them, so the result is the same bit for bit. `layers` names the points, with
    /// nothing measured yet; `images` must be in data-set order.
    public init(float: ConfusionMatrix?, int8: ConfusionMatrix?, layers: LayerSQNR, images: [ImageComparison]) {
        self.float = float
        self.int8 = int8
        self.layers = layers
        self.images = images
        for image in images {
            agreement.merge(image.agreement)
            logitSQNR.merge(image.logitSQNR)
            self.layers.add(image.layerSQNR)
        }
    }

    /// Computes the example images again (`init(float:int8:dataset:...)` explains which) with the models that
    /// measured them: for a comparison merged from shards.
    public mutating func addExamples(float floatModel: FloatSegFormer, int8 int8Model: SegFormerModel, dataset: LabeledDataset,
                                     size: ImageSize?, counts: (worst: Int, typical: Int)) throws(EdgeSegError) {
        try addExamples(try ModelPair(float: floatModel, int8: int8Model, size: size), dataset: dataset, counts: counts)
    }

    private mutating func addExamples(_ pair: ModelPair, dataset: LabeledDataset, counts: (worst: Int, typical: Int)) throws(EdgeSegError) {
        let agreements = perImage.map(\.agreement)
        for (index, kind) in chooseExamples(agreements: agreements, worst: counts.worst, typical: counts.typical) {
            let sample = dataset.samples[images[index].position]
            let result = try pair.run(sample, measure: false)
            let labels = sample.labelPath == nil ? nil
                : try dataset.loadLabel(sample, width: result.image.width, height: result.image.height)
            examples.append(ComparisonExample(name: sample.name, kind: kind, agreement: agreements[index],
                                              image: result.image, floatMap: result.floatMap, int8Map: result.int8Map,
                                              labels: labels))
        }
    }
}

/// The two models of a comparison and the int8 session they share images through.
private final class ModelPair {
    let floatModel: FloatSegFormer
    let int8Model: SegFormerModel
    let size: ImageSize?
    let layers: LayerSQNR
    /// The model under test is usually int8; a float32 file or folder compares its planned fp32 run.
    let logitScale: QuantizationParameters?
    /// One session per input size: images of one size (or all, given `size`) share its arena. Observable: the
    /// decoder's fused map is kept whole, so every point can be compared.
    var session: Session?

    init(float: FloatSegFormer, int8: SegFormerModel, size: ImageSize?) throws(EdgeSegError) {
        guard float.config.numLabels == int8.config.numLabels else {
            throw EdgeSegError(.usage, "the fp32 model has \(float.config.numLabels) classes, the int8 model \(int8.config.numLabels)")
        }
        floatModel = float
        int8Model = int8
        self.size = size
        layers = try LayerSQNR(model: int8)
        logitScale = int8.activations[ActivationPoint.logits]
    }

    /// One image through both models: its pixels, both class maps, both sets of logits and, with `measure`,
    /// every activation point's int8 values compared with fp32 on the way.
    func run(_ sample: LabeledDataset.Sample, measure: Bool) throws(EdgeSegError)
        -> (image: RGBImage, floatMap: [UInt8], int8Map: [UInt8], floatLogits: [Float], int8Logits: [Float], layers: [LogitSQNR]) {
        let image = try loadImage(path: sample.imagePath)
        let pixels = try preprocess(image, size: size)
        if session.map({ [floatModel.config.numChannels, $0.height, $0.width] != pixels.shape }) ?? true {
            session = try Session(model: int8Model, height: pixels.shape[1], width: pixels.shape[2], observable: true)
        }
        let int8Session = session!
        let floatLogits: FeatureMap
        var layerSums: [LogitSQNR] = []
        if measure {
            let measured = try layers.measure(float: floatModel, int8: int8Session, pixels: pixels, source: sample.imagePath)
            floatLogits = measured.output.logits
            layerSums = measured.layers
        } else {
            try int8Session.run(pixels: pixels)
            floatLogits = try floatModel.forward(pixels).logits
        }
        return (image, classMap(logits: floatLogits, height: image.height, width: image.width),
                int8Session.classMap(height: image.height, width: image.width),
                floatLogits.data, logitScale.map { int8Session.logits.copy().dequantized(scale: $0.scale).data }
                    ?? int8Session.floatLogits!.data, layerSums)
    }
}
