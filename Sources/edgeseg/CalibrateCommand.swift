import ArgumentParser
import EdgeSegImport
import EdgeSegQuantize
import EdgeSegRuntime
import EdgeSegShards

/// `edgeseg calibrate`: int8 activation scales from a folder of sample images, written as scales.json.
struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Derive int8 activation scales (scales.json) from a folder of sample images.",
        discussion: """
            Runs the fp32 model over every PNG and JPEG in --images (sorted by name; other files are ignored, \
            unreadable images are skipped with a warning) and records each activation's distribution. \
            50-500 frames from the camera the model will see work best; see Calibration/README.md. \
            Large sets split over processes or machines: --shard K/N on each, then --merge (Calibration/SHARDING.md).
            """
    )

    @Option(help: "A Hugging Face SegFormer folder (config.json + model.safetensors) or one of its files.")
    var model: String?

    @Option(help: "A folder of sample images (PNG or JPEG, any sizes).")
    var images: String?

    @OptionGroup var calibration: CalibrationOptions

    @Option(help: ArgumentHelp("Run shard K of N only (K counts from 0: 0/4 to 3/4): every N-th image of the sorted names from the K-th; --output is then that shard's part file, for --merge. The method is chosen at the merge.", valueName: "K/N"))
    var shard: String?

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Merge the part files of every shard of one --shard run into the scales --output, with --method (checks that the parts belong together and that none is missing).", valueName: "parts"))
    var merge: [String] = []

    @Option(help: "Where to write the scales (JSON), or with --shard the part file.")
    var output: String

    func validate() throws {
        if merge.isEmpty {
            guard model != nil, images != nil else { throw ValidationError("--model and --images are needed (or --merge PARTS...)") }
            if let shard { do { _ = try Shard(parsing: shard) } catch { throw ValidationError("--shard: \(error.message)") } }
        } else if model != nil || images != nil || shard != nil || calibration.size != nil {
            throw ValidationError("--merge takes the part files and --method, --output only: the model, images and size are in the parts")
        }
    }

    @OptionGroup var pixelBudget: PixelBudgetOption

    func run() throws {
        try reportingErrors { () throws(EdgeSegError) in try pixelBudget.apply() }
        if !merge.isEmpty {
            let result = try reportingErrors { () throws(EdgeSegError) in
                let result = try mergeCalibrationParts(merge, method: calibration.calibrationMethod)
                try result.save(path: output)
                return result
            }
            printSummary(result, seconds: nil)
            return
        }
        guard let model, let images else { return }
        if let shard {
            try reportingErrors { () throws(EdgeSegError) in
                let shard = try Shard(parsing: shard)
                let (run, seconds) = try calibration.run(try loadHuggingFaceCheckpoint(directory: model), images: images, shard: shard)
                let part = run.part(command: CommandLine.arguments, shard: shard, model: try ModelIdentity(role: "float", path: model),
                                    size: calibration.size)
                try part.write(to: output)
                print("\(output): shard \(shard) of \(images), \(run.usedCount) images used, \(run.skippedCount) skipped, \(ProgressBar.formatDuration(seconds))")
            }
            return
        }
        let (result, seconds) = try reportingErrors { () throws(EdgeSegError) in
            try calibration.calibrate(try loadHuggingFaceCheckpoint(directory: model), model: model, images: images)
        }
        try reportingErrors { () throws(EdgeSegError) in try result.save(path: output) }
        printSummary(result, seconds: seconds)
    }

    /// What was used and the extremes of the chosen ranges: the first things to look at when int8 accuracy is off.
    /// `seconds` is the run's time (nil for a merge).
    private func printSummary(_ result: CalibrationResult, seconds: Double?) {
        print("\(output): \(result.names.count) activation scales, method \(result.method.name)"
              + (result.size.map { ", images at \($0)" } ?? ""))
        let timing = seconds.map { s in
            ", \(ProgressBar.formatDuration(s))" + (result.imageCount > 0 ? " (\(Int((s / Double(result.imageCount) * 1000).rounded())) ms per image)" : "")
        } ?? ", merged from \(merge.count) parts"
        print("images: \(result.imageCount) used, \(result.skippedCount) skipped" + timing)
        let byWidth = result.names.compactMap { name in result[name].map { (name, $0) } }
            .sorted { $0.1.max - $0.1.min > $1.1.max - $1.1.min }
        func line(_ entry: (String, TensorCalibration)) -> String {
            let t = entry.1
            let clipped = t.min > t.observedMin || t.max < t.observedMax ? " (observed [\(t.observedMin), \(t.observedMax)])" : ""
            return "  \(entry.0): [\(t.min), \(t.max)]\(clipped), scale \(t.parameters.scale), zero point \(t.parameters.zeroPoint)"
        }
        print("widest ranges:")
        byWidth.prefix(3).forEach { print(line($0)) }
        print("narrowest ranges:")
        byWidth.suffix(3).reversed().forEach { print(line($0)) }
    }
}
