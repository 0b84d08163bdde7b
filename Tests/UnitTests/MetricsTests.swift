import EdgeSegEval
import EdgeSegRuntime
import Foundation
import TestSupport
import Testing

/// Confusion-matrix metrics, agreement and logit SQNR on hand-made data, computed by hand.
@Suite struct MetricsTests {
    // 4 classes, 255 ignored. Pixel by pixel (label, prediction):
    //   0 (0,0) hit   1 (0,0) hit   2 (0,1) miss   3 (1,1) hit   4 (1,1) hit
    //   5 (255,2) ignored   6 (1,2) miss   7 (0,0) hit   8 (255,3) ignored   9 (0,0) hit
    // Counted 8 pixels, 6 right: pixel accuracy 75 %.
    // Class 0: TP 4, labelled 5, predicted 4 → union 5 → IoU 80 %, accuracy 80 %.
    // Class 1: TP 2, labelled 3, predicted 3 (pixels 2, 3, 4) → union 4 → IoU 50 %, accuracy 2/3.
    // Class 2: predicted once (pixel 6; pixel 5 is ignored), never labelled → union 1 → IoU 0, no accuracy.
    // Class 3: only predicted at an ignored pixel → empty union → no IoU, left out of the mean.
    // mIoU = (80 + 50 + 0) / 3 = 43.33 %.
    static let labels: [UInt8] = [0, 0, 0, 1, 1, 255, 1, 0, 255, 0]
    static let predictions: [UInt8] = [0, 0, 1, 1, 1, 2, 2, 0, 3, 0]

    func handMadeMatrix() throws -> ConfusionMatrix {
        var matrix = try ConfusionMatrix(classCount: 4, ignoredLabels: [255])
        try matrix.add(predictions: Self.predictions, labels: Self.labels)
        return matrix
    }

    @Test func metricsOfAHandMadeImage() throws {
        let m = try handMadeMatrix()
        #expect(m.countedPixels == 8)
        #expect(m.ignoredPixels == 2)
        #expect(m.count(label: 0, prediction: 1) == 1)
        #expect(m.count(label: 1, prediction: 2) == 1)
        #expect(m.iou(ofClass: 0) == 80)
        #expect(m.iou(ofClass: 1) == 50)
        #expect(m.iou(ofClass: 2) == 0)
        #expect(m.iou(ofClass: 3) == nil)
        #expect(abs(m.meanIoU! - 130.0 / 3) < 1e-9)
        #expect(m.pixelAccuracy == 75)
        #expect(m.accuracy(ofClass: 0) == 80)
        #expect(abs(m.accuracy(ofClass: 1)! - 200.0 / 3) < 1e-9)
        #expect(m.accuracy(ofClass: 2) == nil)
        #expect(m.accuracy(ofClass: 3) == nil)
    }

    @Test func perImageMatricesMergeIntoTheTotal() throws {
        var first = try ConfusionMatrix(classCount: 4, ignoredLabels: [255])
        var second = first
        try first.add(predictions: Array(Self.predictions[..<4]), labels: Array(Self.labels[..<4]))
        try second.add(predictions: Array(Self.predictions[4...]), labels: Array(Self.labels[4...]))
        // The first part alone: class 1 is labelled once and predicted twice → IoU 50 %; class 2 absent.
        #expect(first.iou(ofClass: 1) == 50)
        #expect(first.iou(ofClass: 2) == nil)
        try first.merge(second)
        #expect(first == (try handMadeMatrix()))

        let other = try ConfusionMatrix(classCount: 4, ignoredLabels: [11])
        #expect(throws: EdgeSegError.self) { try first.merge(other) }
    }

    @Test func emptyMatrixHasNoMetrics() throws {
        let m = try ConfusionMatrix(classCount: 3)
        #expect(m.meanIoU == nil)
        #expect(m.pixelAccuracy == nil)
    }

    @Test func badLabelsAndPredictionsAreClearErrors() throws {
        var m = try ConfusionMatrix(classCount: 4, ignoredLabels: [255])
        let badLabel = #expect(throws: EdgeSegError.self) {
            try m.add(predictions: [0, 1, 2], labels: [0, 7, 2], source: "labels/x.png")
        }
        #expect(badLabel?.message.contains("labels/x.png: label 7 at pixel 1") == true)
        let badPrediction = #expect(throws: EdgeSegError.self) {
            try m.add(predictions: [0, 4, 2], labels: [0, 1, 2])
        }
        #expect(badPrediction?.message.contains("prediction 4") == true)
        #expect(throws: EdgeSegError.self) { try m.add(predictions: [0, 1], labels: [0, 1, 2]) }
        // A failed add counts nothing.
        #expect(m.countedPixels == 0 && m.ignoredPixels == 0)
        #expect(throws: EdgeSegError.self) { _ = try ConfusionMatrix(classCount: 12, ignoredLabels: [11]) }
        #expect(throws: EdgeSegError.self) { _ = try ConfusionMatrix(classCount: 0) }
    }

    @Test func agreementCountsEveryPixel() throws {
        // Against the predictions above, this differs at pixels 2, 6 and 8 (ignore labels play no part):
        // 7 of 10 agree → 70 %. A second image of 2 pixels, both agreeing → 9 of 12 = 75 %.
        var agreement = Agreement()
        try agreement.add(Self.predictions, [0, 0, 0, 1, 1, 2, 1, 0, 0, 0])
        #expect(agreement.percent == 70)
        var second = Agreement()
        try second.add([5, 6], [5, 6])
        agreement.merge(second)
        #expect(agreement.agreeingPixels == 9 && agreement.totalPixels == 12)
        #expect(agreement.percent == 75)
        #expect(Agreement().percent == nil)
        #expect(throws: EdgeSegError.self) { try agreement.add([1], [1, 2]) }
    }

    @Test func sqnrSumsEnergiesOverImages() throws {
        // Image 1: signal 3² + 4² = 25, noise 1² = 1 (14.0 dB alone).
        // Image 2: signal 6² + 8² = 100, noise 1² = 1 (20 dB alone).
        // Whole set: 10·log10(125 / 2) = 17.96 dB (a mean of the per-image dB would be 16.99).
        var sqnr = LogitSQNR()
        try sqnr.add(reference: [3, 4], test: [3, 3])
        #expect(abs(sqnr.decibels! - 10 * 1.3979400086720377) < 1e-9)
        var second = LogitSQNR()
        try second.add(reference: [6, 8], test: [6, 9])
        #expect(abs(second.decibels! - 20) < 1e-9)
        sqnr.merge(second)
        #expect(abs(sqnr.decibels! - 17.958800173440753) < 1e-9)

        var exact = LogitSQNR()
        #expect(exact.decibels == nil)
        try exact.add(reference: [1, -2], test: [1, -2])
        #expect(exact.decibels == .infinity)
        #expect(throws: EdgeSegError.self) { try exact.add(reference: [1, 2], test: [1]) }
    }

    @Test func sqnrOfInt8ValuesUsesTheirScaleAndZeroPoint() throws {
        // Scale 0.5, zero point 2: codes [4, 0, 2] are [1, −1, 0]. Against [1.2, −1, 0.1]: signal 1.44 + 1 + 0.01
        // = 2.45, noise 0.04 + 0 + 0.01 = 0.05 → 10·log10(49) = 16.90 dB.
        var sqnr = LogitSQNR()
        let reference: [Float] = [1.2, -1, 0.1], codes: [Int8] = [4, 0, 2]
        try reference.withUnsafeBufferPointer { r in
            try codes.withUnsafeBufferPointer { q in
                try sqnr.add(reference: r, quantized: q, QuantizationParameters(scale: 0.5, zeroPoint: 2), source: "layer")
                #expect(abs(sqnr.decibels! - 10 * log10(49.0)) < 1e-4)  // the float32 inputs are not exactly 1.2 and 0.1
                let short = #expect(throws: EdgeSegError.self) {
                    try sqnr.add(reference: r, quantized: UnsafeBufferPointer(rebasing: q[..<2]), QuantizationParameters(scale: 1, zeroPoint: 0), source: "layer x")
                }
                #expect(short?.message.hasPrefix("layer x: 2 int8 values for 3 fp32 values") == true)
            }
        }
    }
}
