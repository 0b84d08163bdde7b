import ArgumentParser
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

    func validate() throws {
        guard (scales == nil) != (images == nil) else {
            throw ValidationError("give exactly one of --scales (from `edgeseg calibrate`) or --images (calibrate now)")
        }
    }

    func run() throws {
        try reportingErrors { () throws(EdgeSegError) in
            let checkpoint = try loadHuggingFaceCheckpoint(directory: model)
            let result: CalibrationResult
            if let scales {
                result = try CalibrationResult.load(path: scales, config: checkpoint.config)
            } else {
                result = try calibration.calibrate(checkpoint, model: model, images: images!).result
            }
            try writeInt8Model(checkpoint, calibration: result, source: model, to: output)
        }
    }
}

/// Quantizes the checkpoint with the calibrated activation ranges into an `.edgeseg` file (recording how
/// it was calibrated and from what) and prints a line about it.
func writeInt8Model(_ checkpoint: FloatCheckpoint, calibration result: CalibrationResult, source: String,
                    to output: String) throws(EdgeSegError) {
    let writer = try Int8Quantizer.quantize(checkpoint, activations: result.activationParameters, provenance: [
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
          + "(float checkpoint: \(checkpoint.parameterCount * 4) bytes); scales: \(result.method.name) on \(result.imageCount) images")
}
