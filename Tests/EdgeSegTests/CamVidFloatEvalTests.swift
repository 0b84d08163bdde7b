import EdgeSegEval
import EdgeSegImport
import EdgeSegRuntime
import Testing

/// The fp32 CamVid model over the 100 labeled eval frames at native size, scored as ONNX Runtime scores the
/// same model: `../shared/peers/ort_eval.py segformer-b0-camvid-fp32.onnx` prints mIoU 38.96 (every class
/// occurs in these labels, so its mean over all 11 classes is the same as ours over non-empty unions).
@Suite struct CamVidFloatEvalTests {
    @Test func fp32MeanIoUMatchesOnnxRuntime() throws {
        let data = try LabeledDataset(directory: SharedAssets.path("assets/camvid/eval"), layout: .camvid)
        let model = try FloatSegFormer(loadHuggingFaceCheckpoint(directory: SharedAssets.camvidModel))
        var total = try ConfusionMatrix(classCount: model.config.numLabels, ignoredLabels: [data.ignoreLabel!])
        let clock = ContinuousClock()
        let start = clock.now
        for sample in data.samples {
            let image = try loadImage(path: sample.imagePath)
            let logits = try model.forward(preprocess(image)).logits
            let predictions = classMap(logits: logits, height: image.height, width: image.width)
            try total.add(predictions: predictions,
                          labels: data.loadLabel(sample, width: image.width, height: image.height),
                          source: sample.labelPath!)
        }
        let elapsed = clock.now - start
        print("fp32 CamVid eval: mIoU \(total.meanIoU!) %, pixel accuracy \(total.pixelAccuracy!) %, \(elapsed) for \(data.samples.count) images")
        #expect(total.classIoU.allSatisfy { $0 != nil })
        #expect(abs(total.meanIoU! - 38.96) < 0.05)
    }
}
