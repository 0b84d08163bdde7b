import EdgeSegRuntime

/// int8 against fp32 on a data set: both models see the same preprocessed pixels; predictions are the class
/// maps at the label's size (logits upsampled bilinearly before the argmax).
public struct ModelComparison: Sendable {
    /// Scores against the labels (nil for a data set without labels).
    public var float: ConfusionMatrix?
    public var int8: ConfusionMatrix?
    /// int8-vs-fp32 pixel agreement over every pixel, and the int8 logits' SQNR against the fp32 logits.
    public var agreement = Agreement()
    public var logitSQNR = LogitSQNR()
    /// Every activation point's int8 SQNR against fp32 over all images (the fp32 model must run the folded
    /// decoder, `FloatSegFormer(_, decoder: .folded)`, to report the decoder's points).
    public var layers: LayerSQNR
    /// Per image: name and int8-vs-fp32 agreement in percent, in data-set order.
    public var perImage: [(name: String, agreement: Double)] = []
    /// The images to look at, with both class maps: the least agreeing first, then typical ones.
    public var examples: [ComparisonExample] = []

    /// `examples` keeps the `worst` least agreeing images and `typical` ones around the median agreement;
    /// their class maps are computed again at the end, so memory stays bounded whatever the data set's
    /// size. Progress: (images done, total).
    public init(float floatModel: FloatSegFormer, int8 int8Model: SegFormerModel, dataset: LabeledDataset,
                size: ImageSize? = nil, examples exampleCounts: (worst: Int, typical: Int) = (0, 0),
                progress: (Int, Int) -> Void = { _, _ in }) throws(EdgeSegError) {
        let config = floatModel.config
        guard config.numLabels == int8Model.config.numLabels else {
            throw EdgeSegError(.usage, "the fp32 model has \(config.numLabels) classes, the int8 model \(int8Model.config.numLabels)")
        }
        let ignored = dataset.ignoreLabel.map { [$0] } ?? []
        if dataset.layout != .none {
            float = try ConfusionMatrix(classCount: config.numLabels, ignoredLabels: ignored)
            int8 = try ConfusionMatrix(classCount: config.numLabels, ignoredLabels: ignored)
        }
        // The model under test is usually int8; a float32 file or folder compares its planned fp32 run.
        let logitScale = int8Model.activations[ActivationPoint.logits]?.scale
        var layerSQNR = try LayerSQNR(model: int8Model)
        // One session per input size: images of one size (or all, given `size`) share its arena. Observable: the
        // decoder's fused map is kept whole, so every point can be compared.
        var session: Session?
        // One image through both models: its pixels, both class maps, and both sets of logits; with `measure`,
        // every activation point's int8 values are compared with fp32 on the way.
        func run(_ sample: LabeledDataset.Sample, measure: Bool) throws(EdgeSegError) -> (image: RGBImage, floatMap: [UInt8], int8Map: [UInt8], floatLogits: [Float], int8Logits: [Float]) {
            let image = try loadImage(path: sample.imagePath)
            let pixels = try preprocess(image, size: size)
            if session.map({ [config.numChannels, $0.height, $0.width] != pixels.shape }) ?? true {
                session = try Session(model: int8Model, height: pixels.shape[1], width: pixels.shape[2], observable: true)
            }
            let int8Session = session!
            let floatLogits: FeatureMap
            if measure {
                floatLogits = try layerSQNR.add(float: floatModel, int8: int8Session, pixels: pixels, source: sample.imagePath).logits
            } else {
                try int8Session.run(pixels: pixels)
                floatLogits = try floatModel.forward(pixels).logits
            }
            return (image, classMap(logits: floatLogits, height: image.height, width: image.width),
                    int8Session.classMap(height: image.height, width: image.width),
                    floatLogits.data, logitScale.map { int8Session.logits.copy().dequantized(scale: $0).data }
                        ?? int8Session.floatLogits!.data)
        }
        for (i, sample) in dataset.samples.enumerated() {
            let result = try run(sample, measure: true)
            var imageAgreement = Agreement()
            try imageAgreement.add(result.int8Map, result.floatMap, source: sample.imagePath)
            agreement.merge(imageAgreement)
            perImage.append((sample.name, imageAgreement.percent ?? 0))
            try logitSQNR.add(reference: result.floatLogits, test: result.int8Logits, source: sample.imagePath)
            if sample.labelPath != nil {
                let labels = try dataset.loadLabel(sample, width: result.image.width, height: result.image.height)
                try float?.add(predictions: result.floatMap, labels: labels, source: sample.imagePath)
                try int8?.add(predictions: result.int8Map, labels: labels, source: sample.imagePath)
            }
            progress(i + 1, dataset.samples.count)
        }
        layers = layerSQNR
        for (index, kind) in chooseExamples(agreements: perImage.map(\.agreement), worst: exampleCounts.worst, typical: exampleCounts.typical) {
            let sample = dataset.samples[index]
            let result = try run(sample, measure: false)
            let labels = sample.labelPath == nil ? nil
                : try dataset.loadLabel(sample, width: result.image.width, height: result.image.height)
            examples.append(ComparisonExample(name: sample.name, kind: kind, agreement: perImage[index].agreement,
                                              image: result.image, floatMap: result.floatMap, int8Map: result.int8Map,
                                              labels: labels))
        }
    }
}
