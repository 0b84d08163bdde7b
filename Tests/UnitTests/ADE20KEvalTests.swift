import EdgeSegEval
import EdgeSegImport
import EdgeSegQuantize
import EdgeSegRuntime
import Foundation
import TestSupport
import Testing

/// `eval` on ADE20K labels (0 ignored, 1...150 → classes 0...149) with the 150-class layout model.
@Suite struct ADE20KEvalTests {
    static let data = SharedAssets.path("assets/ade20k")
    static let size = ImageSize(width: 64, height: 64)

    /// `checkpoint` quantized with a quick min-max calibration on the three ADE20K images at 64×64.
    static func quantize(_ checkpoint: FloatCheckpoint, name: String = #function) throws -> String {
        let calibration = try calibrate(checkpoint, model: SharedAssets.adeLayoutModel, imagesDirectory: data + "/images",
                                        method: .minmax, size: size)
        let path = SharedAssets.scratchDirectory(name) + "/ade.edgeseg"
        try Int8Quantizer.quantize(checkpoint, activations: calibration.activationParameters).write(to: path)
        return path
    }

    /// The layout model has random weights (no trained ADE20K model is in ../shared), so its scores mean
    /// nothing: the run must complete over the three images with every report field in range.
    @Test func evalRunsOnTheADE20KSample() throws {
        let int8 = try Self.quantize(try loadHuggingFaceCheckpoint(directory: SharedAssets.adeLayoutModel))
        let report = SharedAssets.scratchDirectory()
        let run = try runEdgeSeg(["eval", "--float", SharedAssets.adeLayoutModel, "--model", int8, "--data", Self.data,
                                  "--labels-format", "ade20k", "--size", "64x64", "--report", report])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("3 images, layout ade20k, label 0 ignored"), "\(run.stderr)")

        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report + "/report.json"))) as? [String: Any])
        #expect(json["images"] as? Int == 3)
        for precision in ["float", "int8"] {
            let scores = json[precision] as? [String: Any]
            for key in ["miou", "pixel_accuracy"] {
                let value = scores?[key] as? Double
                #expect(value.map { $0 >= 0 && $0 <= 100 } == true, "\(precision).\(key): \(String(describing: value))")
            }
            // One entry per class, named from the config (id2label), in class order.
            let classes = scores?["class_iou"] as? [String: Any]
            #expect(classes?.count == 150 && classes?["wall"] != nil && classes?["flag"] != nil, "\(precision).class_iou")
        }
        let agreement = json["agreement"] as? Double
        #expect(agreement.map { $0 >= 0 && $0 <= 100 } == true, "agreement \(String(describing: agreement))")
        #expect(json["sqnr_db"] is Double)
        #expect((json["layers"] as? [Any])?.count == ActivationPoint.all(try loadHuggingFaceCheckpoint(directory: SharedAssets.adeLayoutModel).config).count)
        #expect((json["worst_images"] as? [[String: Any]])?.count == 3)
    }

    /// A model that predicts class 149 everywhere (classifier weights 0, bias 5 for class 149 and 0 for the rest),
    /// on a hand-made 12×2 ADE20K label image, through the data set loader, both models and the metrics:
    ///   stored 0 ×6 (ignored), 150 ×10 (class 149), 1 ×5 (class 0), 2 ×3 (class 1) → 18 counted pixels.
    ///   Class 149: TP 10, union 10 + 18 − 10 = 18 → IoU 55.56 %; classes 0 and 1: IoU 0; the rest: no union.
    ///   mIoU = 55.56 / 3 = 18.52 %; pixel accuracy 10 / 18 = 55.56 %.
    /// Without the shift, 150 would be no class; without the ignore, 24 pixels would count.
    @Test func labelMappingAndIgnoreEndToEnd() throws {
        var checkpoint = try loadHuggingFaceCheckpoint(directory: SharedAssets.adeLayoutModel)
        let weight = try checkpoint.tensor("decode_head.classifier.weight")
        checkpoint.tensors["decode_head.classifier.weight"] = FloatTensor(shape: weight.shape, data: [Float](repeating: 0, count: weight.count))
        checkpoint.tensors["decode_head.classifier.bias"] = FloatTensor(shape: [150], data: (0..<150).map { $0 == 149 ? 5 : 0 })
        let int8 = try SegFormerModel(path: try Self.quantize(checkpoint))
        let float = try FloatSegFormer(checkpoint, decoder: .folded)

        let stored: [UInt8] = [0, 150, 150, 1, 1, 2, 150, 0, 150, 150, 1, 0,
                               150, 0, 2, 150, 150, 1, 0, 150, 2, 1, 150, 0]
        let dir = try DatasetTests().makeDataset(images: ["scene.png"], labels: ["scene": stored], width: 12)
        let dataset = try LabeledDataset(directory: dir, layout: .ade20k)
        let comparison = try ModelComparison(float: float, int8: int8, dataset: dataset, size: ImageSize(width: 64, height: 64))

        for (precision, matrix) in [("fp32", comparison.float), ("int8", comparison.int8)] {
            let m = try #require(matrix, "\(precision)")
            #expect(m.countedPixels == 18 && m.ignoredPixels == 6, "\(precision)")
            #expect(m.predictedPixels(ofClass: 149) == 18, "\(precision)")
            #expect(abs(m.iou(ofClass: 149)! - 1000.0 / 18) < 1e-9, "\(precision)")
            #expect(m.iou(ofClass: 0) == 0 && m.iou(ofClass: 1) == 0 && m.iou(ofClass: 2) == nil, "\(precision)")
            #expect(abs(m.meanIoU! - 1000.0 / 54) < 1e-9, "\(precision)")
            #expect(abs(m.pixelAccuracy! - 1000.0 / 18) < 1e-9, "\(precision)")
        }
        #expect(comparison.agreement.percent == 100)
    }
}
