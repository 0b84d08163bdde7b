import ArgumentParser
import EdgeSegEval
import EdgeSegImport
import EdgeSegRuntime
import EdgeSegShards
import Foundation

/// `edgeseg eval`: how much int8 costs against fp32 on a labeled folder.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Compare an int8 model with its fp32 original on a folder of images (labeled or not).")

    @Option(name: .customLong("float"), help: "The fp32 reference: a float Hugging Face SegFormer folder or a float32 .edgeseg file.")
    var floatModel: String?

    @Option(help: "The model to measure against it: usually the int8 .edgeseg quantized from it (mixed and float32 files and Hugging Face folders run too).")
    var model: String?

    @Option(help: "The data: images/ + labels/ (camvid, ade20k) or a folder of images (none).")
    var data: String?

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

    @Option(help: ArgumentHelp("Run shard K of N only (K counts from 0: 0/4 to 3/4): every N-th image of the sorted names from the K-th, written to --output as a part file for --merge.", valueName: "K/N"))
    var shard: String?

    @Option(help: "With --shard: the part file to write.")
    var output: String?

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Merge the part files of every shard of one --shard run (checks that they belong together and that none is missing) and report as one run would; --report needs the models and data at the paths the shards used, for the example images.", valueName: "parts"))
    var merge: [String] = []

    func validate() throws {
        if !merge.isEmpty {
            guard floatModel == nil, model == nil, data == nil, shard == nil, output == nil, size == nil, labelsFormat == nil,
                  ignore == nil, !sensitivity else {
                throw ValidationError("--merge takes the part files and --report only: the models, data and options are in the parts")
            }
            return
        }
        guard floatModel != nil, model != nil, data != nil else { throw ValidationError("--float, --model and --data are needed (or --merge PARTS...)") }
        if let shard {
            do { _ = try Shard(parsing: shard) } catch { throw ValidationError("--shard: \(error.message)") }
            guard output != nil else { throw ValidationError("--shard needs --output, the part file to write") }
            guard report == nil, !sensitivity else { throw ValidationError("--shard writes a part file: --report and --sensitivity belong to the merge or an unsharded run") }
        } else if output != nil {
            throw ValidationError("--output is the part file of --shard; the unsharded report goes to --report")
        }
    }

    @OptionGroup var pixelBudget: PixelBudgetOption

    func run() throws {
        try reportingErrors { () throws(EdgeSegError) in try pixelBudget.apply() }
        if !merge.isEmpty { return try reportingErrors { () throws(EdgeSegError) in try mergeParts() } }
        guard let floatModel, let model, let data else { return }
        try reportingErrors { () throws(EdgeSegError) in
            let dataset = try LabeledDataset(directory: data, layout: labelsFormat, ignoreLabel: ignore)
            FileHandle.standardError.write(Data("\(dataset.summary)\n".utf8))
            // The folded decoder reports the int8 decoder's points (per-layer SQNR); its logits meet the same golden tolerance.
            let checkpoint = try loadFloatCheckpoint(floatModel)
            let floatNetwork = try FloatSegFormer(checkpoint, decoder: .folded)
            let int8Network = try loadModel(model)
            if let shard, let output {
                let shard = try Shard(parsing: shard)
                let comparison = try runComparison(float: floatNetwork, int8: int8Network, dataset: dataset, size: size, examples: (0, 0), shard: shard)
                let models = [try ModelIdentity(role: "float", path: floatModel), try ModelIdentity(role: "int8", path: model)]
                try comparison.part(command: CommandLine.arguments, shard: shard, models: models, dataset: dataset, size: size,
                                    labels: floatNetwork.config.labels).write(to: output)
                print("\(output): shard \(shard) of \(data), \(comparison.images.count) images")
                return
            }
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

    /// `--merge`: the shards' sums in data-set order, reported as one run; the example images of report.html
    /// are computed again with the models the shards ran (checked unchanged).
    private func mergeParts() throws(EdgeSegError) {
        let (merged, labels, shards) = try ModelComparison.merging(merge)
        var comparison = merged
        if report != nil {
            let recorded = shards.parts[0].models
            guard recorded.count == 2 else { throw EdgeSegError(.usage, "\(shards.paths[0]): expected the float and the int8 model") }
            for model in recorded {
                if let change = model.difference(from: try ModelIdentity(role: model.role, path: model.path)) {
                    throw EdgeSegError(.usage, "\(model.path) changed since the shards ran (\(change)): the report's example images need the same models")
                }
            }
            let (dataset, size) = try shards.evalDataset()
            try comparison.addExamples(float: try FloatSegFormer(try loadFloatCheckpoint(recorded[0].path), decoder: .folded),
                                       int8: try loadModel(recorded[1].path), dataset: dataset, size: size, counts: reportExamples)
        }
        try present(comparison, labels: labels, report: report)
    }
}

extension DatasetLayout: ExpressibleByArgument {}

/// Runs both models over the data set with a progress bar, prints the comparison table and, given a
/// folder, writes the report files there.
func compare(float floatNetwork: FloatSegFormer, int8 int8Network: SegFormerModel, dataset: LabeledDataset,
             size: ImageSize?, report: String?) throws(EdgeSegError) {
    let comparison = try runComparison(float: floatNetwork, int8: int8Network, dataset: dataset, size: size,
                                       examples: report == nil ? (0, 0) : reportExamples, shard: nil)
    try present(comparison, labels: floatNetwork.config.labels, report: report)
}

/// The comparison of the images `shard` takes (all without one), with a progress bar.
private func runComparison(float floatNetwork: FloatSegFormer, int8 int8Network: SegFormerModel, dataset: LabeledDataset,
                           size: ImageSize?, examples: (worst: Int, typical: Int), shard: Shard?) throws(EdgeSegError) -> ModelComparison {
    let total = shard?.positions(of: dataset.samples.count).count ?? dataset.samples.count
    let bar = ProgressBar(label: "eval", total: Int64(total), unit: .items("images"))
    let comparison = try ModelComparison(float: floatNetwork, int8: int8Network, dataset: dataset, size: size,
                                         examples: examples, shard: shard) { done, _ in bar.advance(to: Int64(done)) }
    bar.finish(completed: true)
    return comparison
}

/// Prints the comparison table and, given a folder, writes the report files there.
private func present(_ comparison: ModelComparison, labels: [String], report: String?) throws(EdgeSegError) {
    let summary = EvalReport(comparison: comparison, labels: labels, images: comparison.images.count)
    print(summary.terminalSummary)
    if let report {
        try writeReportFiles(summary, to: report)
        print("wrote \(report)/report.json, report.md (every layer's SQNR) and report.html")
    }
}
