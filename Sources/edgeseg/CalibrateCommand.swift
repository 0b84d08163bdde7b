import ArgumentParser
import EdgeSegImport
import EdgeSegQuantize
import EdgeSegRuntime

/// `edgeseg calibrate`: int8 activation scales from a folder of sample images, written as scales.json.
struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Derive int8 activation scales (scales.json) from a folder of sample images.",
        discussion: """
            Runs the fp32 model over every PNG and JPEG in --images (sorted by name; other files are ignored, \
            unreadable images are skipped with a warning) and records each activation's distribution. \
            50-500 frames from the camera the model will see work best; see Calibration/README.md.
            """
    )

    @Option(help: "A Hugging Face SegFormer folder (config.json + model.safetensors) or one of its files.")
    var model: String

    @Option(help: "A folder of sample images (PNG or JPEG, any sizes).")
    var images: String

    @OptionGroup var calibration: CalibrationOptions

    @Option(help: "Where to write the scales (JSON).")
    var output: String

    @OptionGroup var pixelBudget: PixelBudgetOption

    func run() throws {
        let (result, seconds) = try reportingErrors { () throws(EdgeSegError) in
            try pixelBudget.apply()
            return try calibration.calibrate(try loadHuggingFaceCheckpoint(directory: model), model: model, images: images)
        }
        try reportingErrors { () throws(EdgeSegError) in try result.save(path: output) }
        printSummary(result, seconds: seconds)
    }

    /// What was used and the extremes of the chosen ranges: the first things to look at when int8 accuracy is off.
    private func printSummary(_ result: CalibrationResult, seconds: Double) {
        print("\(output): \(result.names.count) activation scales, method \(result.method.name)"
              + (result.size.map { ", images at \($0)" } ?? ""))
        print("images: \(result.imageCount) used, \(result.skippedCount) skipped, \(ProgressBar.formatDuration(seconds))"
              + (result.imageCount > 0 ? " (\(Int((seconds / Double(result.imageCount) * 1000).rounded())) ms per image)" : ""))
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
