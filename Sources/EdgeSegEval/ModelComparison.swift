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
    /// Per image: name and int8-vs-fp32 agreement in percent, in data-set order.
    public var perImage: [(name: String, agreement: Double)] = []

    /// Progress: (images done, total).
    public init(float floatModel: FloatSegFormer, int8 int8Model: Int8SegFormer, dataset: LabeledDataset,
                size: (height: Int, width: Int)? = nil, progress: (Int, Int) -> Void = { _, _ in }) throws(EdgeSegError) {
        let config = floatModel.config
        guard config.numLabels == int8Model.config.numLabels else {
            throw EdgeSegError(.usage, "the fp32 model has \(config.numLabels) classes, the int8 model \(int8Model.config.numLabels)")
        }
        let ignored = dataset.ignoreLabel.map { [$0] } ?? []
        if dataset.layout != .none {
            float = try ConfusionMatrix(classCount: config.numLabels, ignoredLabels: ignored)
            int8 = try ConfusionMatrix(classCount: config.numLabels, ignoredLabels: ignored)
        }
        let logitScale = int8Model.activations[ActivationPoint.logits]!.scale
        for (i, sample) in dataset.samples.enumerated() {
            let image = try loadImage(path: sample.imagePath)
            let pixels = try preprocess(image, size: size)
            let floatLogits = try floatModel.forward(pixels).logits
            let int8Logits = try int8Model.forward(pixels).logits
            let floatMap = classMap(logits: floatLogits, height: image.height, width: image.width)
            let int8Map = classMap(logits: int8Logits, height: image.height, width: image.width)
            var imageAgreement = Agreement()
            try imageAgreement.add(int8Map, floatMap, source: sample.imagePath)
            agreement.merge(imageAgreement)
            perImage.append((sample.name, imageAgreement.percent ?? 0))
            try logitSQNR.add(reference: floatLogits.data, test: int8Logits.dequantized(scale: logitScale).data,
                              source: sample.imagePath)
            if sample.labelPath != nil {
                let labels = try dataset.loadLabel(sample, width: image.width, height: image.height)
                try float?.add(predictions: floatMap, labels: labels, source: sample.imagePath)
                try int8?.add(predictions: int8Map, labels: labels, source: sample.imagePath)
            }
            progress(i + 1, dataset.samples.count)
        }
    }
}
