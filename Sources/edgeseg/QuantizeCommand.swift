import ArgumentParser
import EdgeSegEval
import EdgeSegImport
import EdgeSegQuantize
import EdgeSegRuntime
import Foundation

/// `edgeseg quantize`: a float Hugging Face SegFormer → an int8 `.edgeseg` model.
struct QuantizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantize",
        abstract: "Quantize a float SegFormer to an int8 .edgeseg model, with scales from scales.json or calibrated on --images.")

    @Option(help: "A Hugging Face SegFormer folder (config.json + model.safetensors) or one of its files.")
    var model: String

    @Option(help: "Activation scales written by `edgeseg calibrate`.")
    var scales: String?

    @Option(help: "Calibrate on this folder of sample images instead of reading --scales.")
    var images: String?

    @OptionGroup var calibration: CalibrationOptions

    @Option(help: "Where to write the int8 model (.edgeseg).")
    var output: String

    @Option(parsing: .upToNextOption, help: ArgumentHelp(
        "Activation points to keep in float (mixed precision): the layers that read or write them run in float.",
        discussion: "Names as in `edgeseg eval`'s per-layer table, e.g. stage1.block1.gelu."))
    var keepFloat: [String] = []

    @Flag(help: "Keep layers in float, most helpful first by per-layer sensitivity and only those that raise the mIoU, until the int8 mIoU on --data is within --max-drop of fp32.")
    var autoPrecision = false

    @Option(help: "For --auto-precision: the largest mIoU drop from fp32 allowed, in points.")
    var maxDrop = 0.2

    @Option(help: "For --auto-precision: a labeled folder (images/ + labels/) to measure mIoU on.")
    var data: String?

    @OptionGroup var sensitivity: SensitivityOptions

    func validate() throws {
        guard (scales == nil) != (images == nil) else {
            throw ValidationError("give exactly one of --scales (from `edgeseg calibrate`) or --images (calibrate now)")
        }
        guard !autoPrecision || data != nil else { throw ValidationError("--auto-precision needs --data, a labeled folder") }
        guard maxDrop >= 0 else { throw ValidationError("--max-drop must be at least 0") }
    }

    @OptionGroup var pixelBudget: PixelBudgetOption

    func run() throws {
        try reportingErrors { () throws(EdgeSegError) in
            try pixelBudget.apply()
            let checkpoint = try loadHuggingFaceCheckpoint(directory: model)
            let result: CalibrationResult
            if let scales {
                result = try CalibrationResult.load(path: scales, config: checkpoint.config)
            } else {
                result = try calibration.calibrate(checkpoint, model: model, images: images!).result
            }
            var kept = keepFloat
            if autoPrecision {
                kept += try chooseFloatLayers(checkpoint, activations: result.activationParameters,
                                              dataset: try LabeledDataset(directory: data!))
            }
            try writeInt8Model(checkpoint, calibration: result, source: model, keepFloat: kept, to: output)
        }
    }

    /// The sensitivity table, then points kept in float one at a time, most helpful first, until the target
    /// holds; prints each step, the result and its cost in speed.
    private func chooseFloatLayers(_ checkpoint: FloatCheckpoint, activations: [String: QuantizationParameters],
                                   dataset: LabeledDataset) throws(EdgeSegError) -> [String] {
        let s = try sensitivity.prepare(checkpoint, activations: activations, dataset: dataset, size: calibration.size)
        func f(_ x: Double?) -> String { x.map { String(format: "%.2f", $0) } ?? "-" }
        let floatMIoU = s.search.float.miou ?? 0, allInt8 = try s.search.score(try s.load([])).miou ?? 0
        print("fp32 mIoU \(f(floatMIoU)); all-int8 mIoU \(f(allInt8)) on \(dataset.samples.count) images; target: int8 mIoU >= \(f(floatMIoU - maxDrop))")
        guard allInt8 < floatMIoU - maxDrop else {
            print("auto precision: the all-int8 model meets the target; no layer kept in float")
            return []
        }
        let layers = try sensitivity.measure(s.search, points: s.points, load: s.load).layers
        let ranked = layers.filter { ($0.miouGain ?? 0) > 0 || $0.agreementGain > 0 }.map { $0.name }
        let chosen = try s.search.autoPrecision(ranked: ranked, maxDrop: maxDrop, load: s.load) { step in
            let verb = step.pruning ? (step.kept ? "needed" : "drop") : (step.kept ? "keep" : "skip")
            let with = step.pruning ? "without it" : "with it"
            print("  \(verb) \(step.name): int8 mIoU \(f(step.score.miou)) \(with), agreement \(f(step.score.agreement)) %")
        }
        let drop = floatMIoU - (chosen.score.miou ?? 0)
        print("auto precision: \(chosen.kept.count) layer(s) kept in float: \(chosen.kept.isEmpty ? "none" : chosen.kept.joined(separator: ", "))")
        print("int8 mIoU \(f(chosen.score.miou)) vs fp32 \(f(floatMIoU)): drop \(f(drop)) (target <= \(f(maxDrop)): \(drop <= maxDrop ? "met" : "NOT met: every helpful layer is kept"))")
        let image = try loadImage(path: dataset.samples[0].imagePath)
        let size = calibration.size ?? ImageSize(width: image.width, height: image.height)
        let plain = try medianFrameMilliseconds(try s.load([]), size: size, threads: sensitivity.threads)
        let mixed = try medianFrameMilliseconds(try s.load(Set(chosen.kept)), size: size, threads: sensitivity.threads)
        print("speed at \(size), \(sensitivity.threads) thread(s): all-int8 \(f(plain)) ms, mixed \(f(mixed)) ms per frame (\(String(format: "%.2f", mixed / plain))x)")
        return chosen.kept
    }
}

/// Quantizes the checkpoint with the calibrated activation ranges into an `.edgeseg` file (recording how
/// it was calibrated and from what) and prints a line about it.
func writeInt8Model(_ checkpoint: FloatCheckpoint, calibration result: CalibrationResult, source: String,
                    keepFloat: [String] = [], to output: String) throws(EdgeSegError) {
    let writer = try Int8Quantizer.quantize(checkpoint, activations: result.activationParameters, keepFloat: keepFloat, provenance: [
        JSONMember(key: "calibration", value: .object([
            JSONMember(key: "method", value: .string(result.method.name)),
            JSONMember(key: "images", value: .int(Int64(result.imageCount))),
            JSONMember(key: "size", value: .string(result.size.map { "\($0)" } ?? "native")),
        ])),
        JSONMember(key: "source", value: .string(source)),
    ])
    try writer.write(to: output)
    let file = try ModelFile(path: output, expecting: .int8)
    print("\(output): int8 SegFormer, \(file.tensors.count) tensors, \(file.mappedBytes.count) bytes "
          + "(float checkpoint: \(checkpoint.parameterCount * 4) bytes); scales: \(result.method.name) on \(result.imageCount) images"
          + (keepFloat.isEmpty ? "" : "; kept in float: \(keepFloat.joined(separator: ", "))"))
}
