import ArgumentParser
import EdgeSegEval
import EdgeSegImport
import EdgeSegRuntime
import Foundation

/// `edgeseg eval`: how much int8 costs against fp32 on a labeled folder.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Compare an int8 model with its fp32 original on a folder of images (labeled or not).")

    @Option(name: .customLong("float"), help: "The fp32 reference: a float Hugging Face SegFormer folder or a float32 .edgeseg file.")
    var floatModel: String

    @Option(help: "The model to measure against it: usually the int8 .edgeseg quantized from it (mixed and float32 files and Hugging Face folders run too).")
    var model: String

    @Option(help: "The data: images/ + labels/ (camvid, ade20k) or a folder of images (none).")
    var data: String

    @Option(help: "Label layout: camvid, ade20k or none; default: detected from the folder.")
    var labelsFormat: DatasetLayout?

    @Option(help: "The label value to ignore (camvid default 11).")
    var ignore: UInt8?

    @Option(help: "Run both models at WIDTHxHEIGHT; default: each image's own size.")
    var size: ImageSize?

    @Option(help: "Write report.json, report.md and report.html into this folder.")
    var report: String?

    @Flag(help: "Also measure each layer's sensitivity: the mIoU and agreement when only that activation point is kept in float (sensitivity.md and .json in the report folder).")
    var sensitivity = false

    @OptionGroup var sensitivityOptions: SensitivityOptions

    @OptionGroup var pixelBudget: PixelBudgetOption

    func run() throws {
        try reportingErrors { () throws(EdgeSegError) in
            try pixelBudget.apply()
            let dataset = try LabeledDataset(directory: data, layout: labelsFormat, ignoreLabel: ignore)
            FileHandle.standardError.write(Data("\(dataset.summary)\n".utf8))
            // The folded decoder reports the int8 decoder's points (per-layer SQNR); its logits meet the same golden tolerance.
            let checkpoint = try loadFloatCheckpoint(floatModel)
            let floatNetwork = try FloatSegFormer(checkpoint, decoder: .folded)
            let int8Network = try loadModel(model)
            try compare(float: floatNetwork, int8: int8Network, dataset: dataset, size: size, report: report)
            if sensitivity {
                // The int8 model's own scales, so every variant differs from it only in the points kept in float.
                let prepared = try sensitivityOptions.prepare(checkpoint, activations: int8Network.activations, dataset: dataset, size: size)
                let s = try sensitivityOptions.measure(prepared.search, points: prepared.points, load: prepared.load)
                if let report {
                    let images = min(sensitivityOptions.sensitivityImages ?? dataset.samples.count, dataset.samples.count)
                    try writeFileAtomically(report + "/sensitivity.md", Array((sensitivityTable(base: s.base, layers: s.layers, images: images) + "\n").utf8))
                    try writeFileAtomically(report + "/sensitivity.json", Array(try sensitivityJSON(base: s.base, layers: s.layers).serialized().utf8))
                    print("wrote \(report)/sensitivity.md and sensitivity.json")
                }
            }
        }
    }
}

extension DatasetLayout: ExpressibleByArgument {}

/// Runs both models over the data set with a progress bar, prints the comparison table and, given a
/// folder, writes the report files there.
func compare(float floatNetwork: FloatSegFormer, int8 int8Network: SegFormerModel, dataset: LabeledDataset,
             size: ImageSize?, report: String?) throws(EdgeSegError) {
    let bar = ProgressBar(label: "eval", total: Int64(dataset.samples.count), unit: .items("images"))
    let comparison = try ModelComparison(float: floatNetwork, int8: int8Network, dataset: dataset,
                                         size: size,
                                         examples: report == nil ? (0, 0) : reportExamples) { done, _ in
        bar.advance(to: Int64(done))
    }
    bar.finish(completed: true)
    let summary = EvalReport(comparison: comparison, labels: floatNetwork.config.labels, images: dataset.samples.count)
    print(summary.terminalSummary)
    if let report {
        try writeReportFiles(summary, to: report)
        print("wrote \(report)/report.json, report.md (every layer's SQNR) and report.html")
    }
}
