import ArgumentParser
import EdgeSegEval
import EdgeSegImport
import EdgeSegQuantize
import EdgeSegRuntime
import Foundation

/// The per-layer sensitivity run shared by `eval --sensitivity` and `quantize --auto-precision`: every
/// activation point that can be kept in float is kept alone, and the int8 model's mIoU and agreement with
/// fp32 are measured again on the labeled data.
struct SensitivityOptions: ParsableArguments {
    @Option(help: "Measure sensitivity on the first N images only (each of the ~130 points of B0 is one int8 pass over them); default: all.")
    var sensitivityImages: Int?

    @Option(help: "Threads for the int8 passes.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    /// A model file holding every layer in both precisions (all points kept), written to a temporary folder
    /// and mapped once; each variant loads from it with its own list of kept points.
    func candidates(_ checkpoint: FloatCheckpoint, activations: [String: QuantizationParameters]) throws(EdgeSegError)
        -> (file: ModelFile, points: [String]) {
        let config = checkpoint.config
        let points = ActivationPoint.all(config).filter { ActivationPoint.cannotKeepFloat($0, config) == nil }
        let path = NSTemporaryDirectory() + "edgeseg-candidates-\(ProcessInfo.processInfo.processIdentifier).edgeseg"
        try Int8Quantizer.quantize(checkpoint, activations: activations, keepFloat: points).write(to: path)
        let file = try ModelFile(path: path, expecting: .int8)
        try? FileManager.default.removeItem(atPath: path)   // the mapping stays valid
        return (file, points)
    }

    /// The search over `dataset`: the candidates' file mapped, the fp32 model run over every image.
    func prepare(_ checkpoint: FloatCheckpoint, activations: [String: QuantizationParameters], dataset: LabeledDataset,
                 size: ImageSize?) throws(EdgeSegError)
        -> (search: PrecisionSearch, points: [String], load: (Set<String>) throws(EdgeSegError) -> SegFormerModel) {
        let (file, points) = try candidates(checkpoint, activations: activations)
        let load = { (kept: Set<String>) throws(EdgeSegError) -> SegFormerModel in try SegFormerModel(file: file, keepFloat: kept) }
        let floatBar = ProgressBar(label: "fp32", total: Int64(dataset.samples.count), unit: .items("images"))
        let search = try PrecisionSearch(float: try FloatSegFormer(checkpoint, decoder: .folded), dataset: dataset,
                                         size: size, threads: threads) { done, _ in
            floatBar.advance(to: Int64(done))
        }
        floatBar.finish(completed: true)
        return (search, points, load)
    }

    /// The sensitivity of every point; prints the sorted table.
    func measure(_ search: PrecisionSearch, points: [String], load: (Set<String>) throws(EdgeSegError) -> SegFormerModel)
        throws(EdgeSegError) -> (base: PrecisionSearch.Score, layers: [PrecisionSearch.Sensitivity]) {
        let bar = ProgressBar(label: "sensitivity", total: Int64(points.count), unit: .items("layers"))
        let (base, layers) = try search.sensitivity(candidates: points, images: sensitivityImages, load: load) { done, _ in
            bar.advance(to: Int64(done))
        }
        bar.finish(completed: true)
        let images = min(sensitivityImages ?? search.dataset.samples.count, search.dataset.samples.count)
        print(sensitivityTable(base: base, layers: layers, images: images))
        return (base, layers)
    }
}

/// The sensitivity table in Markdown: most helpful first.
func sensitivityTable(base: PrecisionSearch.Score, layers: [PrecisionSearch.Sensitivity], images: Int) -> String {
    func f(_ x: Double?) -> String { x.map { String(format: "%.2f", $0) } ?? "-" }
    func signed(_ x: Double?) -> String { x.map { String(format: "%+.2f", $0) } ?? "-" }
    var lines = ["Sensitivity: each layer alone in float, on \(images) image(s) (all-int8: mIoU \(f(base.miou)), agreement \(f(base.agreement)) %):",
                 "| layer kept in float | mIoU | ΔmIoU | agreement (%) | Δagreement |", "|---|---|---|---|---|"]
    for l in layers {
        lines.append("| \(l.name) | \(f(l.score.miou)) | \(signed(l.miouGain)) | \(f(l.score.agreement)) | \(signed(l.agreementGain)) |")
    }
    return lines.joined(separator: "\n")
}

/// The sensitivity as JSON: one object per layer, most helpful first.
func sensitivityJSON(base: PrecisionSearch.Score, layers: [PrecisionSearch.Sensitivity]) -> JSONValue {
    func number(_ x: Double?) -> JSONValue { x.map { .double($0) } ?? .null }
    return .object([
        JSONMember(key: "int8", value: .object([JSONMember(key: "miou", value: number(base.miou)),
                                                JSONMember(key: "agreement", value: .double(base.agreement))])),
        JSONMember(key: "layers", value: .array(layers.map { l in
            .object([JSONMember(key: "name", value: .string(l.name)), JSONMember(key: "miou", value: number(l.score.miou)),
                     JSONMember(key: "miou_gain", value: number(l.miouGain)),
                     JSONMember(key: "agreement", value: .double(l.score.agreement)),
                     JSONMember(key: "agreement_gain", value: .double(l.agreementGain))])
        })),
    ])
}

/// Median milliseconds per frame of `model` at `height`×`width` (`bench`'s frame on its synthetic picture).
func medianFrameMilliseconds(_ model: SegFormerModel, size: ImageSize, threads: Int, runs: Int = 9) throws(EdgeSegError) -> Double {
    let segmenter = try Segmenter(model: model, source: "the model", threads: threads)
    return median(try frameMilliseconds(segmenter, picture: syntheticPicture(size), size: size, warmup: 1, runs: runs))
}
