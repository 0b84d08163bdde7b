import EdgeSegRuntime
import Foundation

/// The comparison as a person reads it (Markdown) and as a program reads it (JSON). Percentages are 0–100.
public struct EvalReport {
    public let comparison: ModelComparison
    public let labels: [String]
    public let images: Int

    public init(comparison: ModelComparison, labels: [String], images: Int) {
        self.comparison = comparison
        self.labels = labels
        self.images = images
    }

    /// Images where int8 and fp32 disagree most, worst first.
    public var worstImages: [(name: String, agreement: Double)] {
        Array(comparison.perImage.sorted { $0.agreement < $1.agreement }.prefix(5))
    }

    /// The whole report (report.md).
    public var markdown: String { markdown(layers: nil) }

    /// What fits a terminal screen: the summary, the per-class table, the worst images and the few weakest
    /// layers; the full per-layer table stays in report.md and report.html.
    public var terminalSummary: String { markdown(layers: 5) }

    /// The report with the `layers` weakest layers (nil: all of them).
    private func markdown(layers shown: Int?) -> String {
        let c = comparison
        var s = "| | fp32 | int8 | int8 − fp32 |\n|---|---|---|---|\n"
        if let f = c.float, let q = c.int8 {
            s += "| mIoU | \(fixed(f.meanIoU)) | \(fixed(q.meanIoU)) | \(difference(q.meanIoU, f.meanIoU)) |\n"
            s += "| pixel accuracy | \(fixed(f.pixelAccuracy)) | \(fixed(q.pixelAccuracy)) | \(difference(q.pixelAccuracy, f.pixelAccuracy)) |\n"
            for (i, name) in labels.enumerated() {
                s += "| IoU \(name) | \(fixed(f.iou(ofClass: i))) | \(fixed(q.iou(ofClass: i))) | \(difference(q.iou(ofClass: i), f.iou(ofClass: i))) |\n"
            }
        }
        s += "\nint8-vs-fp32 pixel agreement: \(fixed(c.agreement.percent)) %; logit SQNR: \(fixed(c.logitSQNR.decibels)) dB; \(images) images\n"
        s += "\nint8 differs most on: " + worstImages.map { "\($0.name) (\(fixed($0.agreement)) % agreement)" }.joined(separator: ", ") + "\n"
        let worst = c.layers.worstFirst
        guard !worst.isEmpty else { return s }
        let heading = shown.map { "The \(min($0, worst.count)) weakest of \(worst.count) layers" } ?? "Per-layer SQNR"
        s += "\n\(heading), int8 against fp32 over all images, worst first:\n\n| layer | SQNR (dB) | scale |\n|---|---|---|\n"
        for layer in worst.prefix(shown ?? worst.count) {
            s += "| \(layer.name) | \(fixed(layer.decibels)) | \(significant(layer.parameters.scale)) |\n"
        }
        return s
    }

    public var json: String {
        let c = comparison
        func scores(_ m: ConfusionMatrix?) -> JSONValue {
            guard let m else { return .null }
            return .object([
                JSONMember(key: "miou", value: number(m.meanIoU)),
                JSONMember(key: "pixel_accuracy", value: number(m.pixelAccuracy)),
                JSONMember(key: "class_iou", value: .object(labels.enumerated().map { JSONMember(key: $0.element, value: number(m.iou(ofClass: $0.offset))) })),
            ])
        }
        let value = JSONValue.object([
            JSONMember(key: "images", value: .int(Int64(images))),
            JSONMember(key: "float", value: scores(c.float)),
            JSONMember(key: "int8", value: scores(c.int8)),
            JSONMember(key: "agreement", value: number(c.agreement.percent)),
            JSONMember(key: "sqnr_db", value: number(c.logitSQNR.decibels)),
            JSONMember(key: "worst_images", value: .array(worstImages.map {
                .object([JSONMember(key: "name", value: .string($0.name)), JSONMember(key: "agreement", value: .double($0.agreement))])
            })),
            // In forward order.
            JSONMember(key: "layers", value: .array(c.layers.layers.map {
                .object([JSONMember(key: "name", value: .string($0.name)), JSONMember(key: "sqnr_db", value: number($0.decibels)),
                         JSONMember(key: "scale", value: .double($0.parameters.scale))])
            })),
        ])
        return ((try? value.serialized()) ?? "{}") + "\n"
    }
}

/// JSON has no infinity (identical logits give an infinite SQNR): such values become null.
private func number(_ v: Double?) -> JSONValue { v.flatMap { $0.isFinite ? .double($0) : nil } ?? .null }

func fixed(_ v: Double?) -> String {
    guard let v else { return "–" }
    let r = (v * 100).rounded() / 100
    return "\(r)"
}

/// Four significant digits (activation scales run from about 1e-4 to 1).
func significant(_ v: Double) -> String { String(format: "%.4g", v) }

func difference(_ a: Double?, _ b: Double?) -> String {
    guard let a, let b else { return "–" }
    let d = ((a - b) * 100).rounded() / 100
    return d >= 0 ? "+\(d)" : "\(d)"
}
