import EdgeSegRuntime

/// Pixel counts of (label class, predicted class) pairs over a set of images, and the accuracy metrics made
/// from them. Add each image, or keep one matrix per image and `merge` them into a total.
///
/// Conventions (mmsegmentation's `mean_iou`, i.e. a NaN-skipping mean over classes):
/// - A pixel whose label is in `ignoredLabels` is not counted at all, whatever was predicted there.
/// - IoU of class c = TP / (TP + FP + FN) over the counted pixels of the whole set.
/// - A class with an empty union (never in the labels and never predicted at a counted pixel) has no IoU
///   and is left out of the mean. A class predicted but absent from the labels has IoU 0 and stays in.
/// - Pixel accuracy = correct / counted pixels; a class's accuracy = TP / its labelled pixels (none when
///   the class is absent from the labels).
/// - Every metric is a percentage, 0–100.
public struct ConfusionMatrix: Equatable, Sendable {
    public let classCount: Int
    /// Label values that are not scored (an "unlabelled" value such as CamVid's 11), sorted.
    public let ignoredLabels: [UInt8]
    /// `counts[label * classCount + prediction]`: counted pixels of class `label` predicted as `prediction`.
    public private(set) var counts: [Int]
    /// Pixels skipped because their label is ignored.
    public private(set) var ignoredPixels = 0

    /// Classes are bytes (masks are 8-bit), so `classCount` is 1...256; an ignored label must not be a class.
    public init(classCount: Int, ignoredLabels: [UInt8] = []) throws(EdgeSegError) {
        guard classCount >= 1 && classCount <= 256 else {
            throw EdgeSegError(.usage, "confusion matrix: \(classCount) classes; 8-bit class maps hold 1 to 256")
        }
        if let clash = ignoredLabels.first(where: { Int($0) < classCount }) {
            throw EdgeSegError(.usage, "confusion matrix: ignored label \(clash) is one of the \(classCount) classes")
        }
        self.classCount = classCount
        self.ignoredLabels = Array(Set(ignoredLabels)).sorted()
        self.counts = [Int](repeating: 0, count: classCount * classCount)
    }

    /// Counts made elsewhere (a shard's part file): `counts` row by row, as the property holds them.
    public init(classCount: Int, ignoredLabels: [UInt8], counts: [Int], ignoredPixels: Int) throws(EdgeSegError) {
        try self.init(classCount: classCount, ignoredLabels: ignoredLabels)
        guard counts.count == classCount * classCount else {
            throw EdgeSegError(.usage, "confusion matrix: \(counts.count) counts for \(classCount) × \(classCount) classes")
        }
        self.counts = counts
        self.ignoredPixels = ignoredPixels
    }

    /// Counts one image's pixels. `source` (the label file, say) is named in errors. A label that is neither
    /// a class nor ignored, or a prediction that is not a class, is an error and nothing is counted.
    public mutating func add(predictions: [UInt8], labels: [UInt8], source: String = "image") throws(EdgeSegError) {
        guard predictions.count == labels.count else {
            throw EdgeSegError(.usage, "\(source): \(predictions.count) predicted pixels for \(labels.count) labelled ones")
        }
        var highest: UInt8 = 0
        for p in predictions { highest = max(highest, p) }
        if Int(highest) >= classCount {
            let pixel = predictions.firstIndex(of: highest)!
            throw EdgeSegError(.usage, "\(source): prediction \(highest) at pixel \(pixel) is not one of the \(classCount) classes")
        }

        // Each label value's matrix row offset, or a marker: one table look-up per pixel, no range tests.
        let ignored = -1, invalid = -2
        var rowOffset = [Int](repeating: invalid, count: 256)
        for c in 0..<classCount { rowOffset[c] = c * classCount }
        for value in ignoredLabels { rowOffset[Int(value)] = ignored }

        var updated = counts
        var skipped = 0
        var badPixel: Int? = nil
        predictions.withUnsafeBufferPointer { pred in
            labels.withUnsafeBufferPointer { label in
                rowOffset.withUnsafeBufferPointer { row in
                    updated.withUnsafeMutableBufferPointer { cell in
                        for i in 0..<pred.count {
                            let r = row[Int(label[i])]
                            if r >= 0 {
                                cell[r + Int(pred[i])] += 1
                            } else if r == ignored {
                                skipped += 1
                            } else {
                                badPixel = i
                                break
                            }
                        }
                    }
                }
            }
        }
        if let pixel = badPixel {
            throw EdgeSegError(.usage, "\(source): label \(labels[pixel]) at pixel \(pixel) is neither a class (0...\(classCount - 1)) nor ignored \(describeIgnored)")
        }
        counts = updated
        ignoredPixels += skipped
    }

    /// Adds another matrix's counts (per-image matrices into a total). Both must score the same classes
    /// and ignore the same labels.
    public mutating func merge(_ other: ConfusionMatrix) throws(EdgeSegError) {
        guard other.classCount == classCount, other.ignoredLabels == ignoredLabels else {
            throw EdgeSegError(.usage, "confusion matrix: cannot merge \(other.classCount) classes ignoring \(other.describeIgnored) into \(classCount) classes ignoring \(describeIgnored)")
        }
        for i in 0..<counts.count { counts[i] += other.counts[i] }
        ignoredPixels += other.ignoredPixels
    }

    /// Counted pixels of class `label` predicted as `prediction`.
    public func count(label: Int, prediction: Int) -> Int { counts[label * classCount + prediction] }

    /// Pixels that were scored (not ignored).
    public var countedPixels: Int { counts.reduce(0, +) }

    /// Counted pixels labelled `c`.
    public func labelledPixels(ofClass c: Int) -> Int {
        (0..<classCount).reduce(0) { $0 + count(label: c, prediction: $1) }
    }

    /// Counted pixels predicted as `c`.
    public func predictedPixels(ofClass c: Int) -> Int {
        (0..<classCount).reduce(0) { $0 + count(label: $1, prediction: c) }
    }

    /// IoU of class `c` in percent, or nil when its union is empty.
    public func iou(ofClass c: Int) -> Double? {
        let hits = count(label: c, prediction: c)
        let union = labelledPixels(ofClass: c) + predictedPixels(ofClass: c) - hits
        return percent(hits, of: union)
    }

    /// Every class's IoU in percent (nil for an empty union).
    public var classIoU: [Double?] { (0..<classCount).map { iou(ofClass: $0) } }

    /// Mean IoU in percent over the classes with a non-empty union; nil if there are none.
    public var meanIoU: Double? {
        let present = classIoU.compactMap { $0 }
        return present.isEmpty ? nil : present.reduce(0, +) / Double(present.count)
    }

    /// Correct pixels in percent of the counted ones; nil if none were counted.
    public var pixelAccuracy: Double? {
        percent((0..<classCount).reduce(0) { $0 + count(label: $1, prediction: $1) }, of: countedPixels)
    }

    /// Of the pixels labelled `c`, the percentage predicted as `c`; nil when `c` is absent from the labels.
    public func accuracy(ofClass c: Int) -> Double? {
        percent(count(label: c, prediction: c), of: labelledPixels(ofClass: c))
    }

    private var describeIgnored: String {
        ignoredLabels.isEmpty ? "(nothing ignored)" : "(" + ignoredLabels.map { "\($0)" }.joined(separator: ", ") + ")"
    }
}

/// `part / whole` in percent, nil for an empty whole.
func percent(_ part: Int, of whole: Int) -> Double? {
    whole > 0 ? 100 * Double(part) / Double(whole) : nil
}
