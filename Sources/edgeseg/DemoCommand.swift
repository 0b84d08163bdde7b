import ArgumentParser
import EdgeSegEval
import EdgeSegImport
import EdgeSegQuantize
import EdgeSegRuntime
import Foundation

/// `edgeseg demo`: the main job in one command: calibrate, quantize, compare int8 with fp32, write the report.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Calibrate, quantize to int8, compare with fp32 on labeled images, and write the report.",
        discussion: """
            The defaults are the project's CamVid assets, relative to the current folder. A --model that is \
            not a path but looks like owner/name is downloaded from the Hugging Face hub first (as `edgeseg fetch`).
            """
    )

    static let defaultModel = "../shared/assets/models/segformer-b0-camvid"
    static let defaultCalib = "../shared/assets/camvid/calib"
    static let defaultData = "../shared/assets/camvid/eval"

    @Option(help: "A Hugging Face SegFormer folder or a hub id (owner/name). Default: \(defaultModel)")
    var model: String?

    @Option(help: "A folder of calibration images. Default: \(defaultCalib)")
    var calib: String?

    @Option(help: "A labeled folder (images/ + labels/) to evaluate on. Default: \(defaultData)")
    var data: String?

    @OptionGroup var calibration: CalibrationOptions

    @Option(help: "Where model.edgeseg, scales.json and report.json/md/html go.")
    var output: String = "edgeseg-demo"

    @OptionGroup var pixelBudget: PixelBudgetOption

    func run() throws {
        try reportingErrors { () throws(EdgeSegError) in
            try pixelBudget.apply()
            let modelFolder = try resolveModel()
            let calibFolder = try existing(calib, default: Self.defaultCalib, option: "--calib", what: "calibration images folder")
            let dataFolder = try existing(data, default: Self.defaultData, option: "--data", what: "labeled data folder")
            let dataset = try LabeledDataset(directory: dataFolder)
            try createDirectory(output)

            print("1/3 calibrate (\(calibration.calibrationMethod.name)) on \(calibFolder)")
            let checkpoint = try loadHuggingFaceCheckpoint(directory: modelFolder)
            let result = try calibration.calibrate(checkpoint, model: modelFolder, images: calibFolder).result
            try result.save(path: output + "/scales.json")

            print("2/3 quantize \(modelFolder)")
            let int8Path = output + "/model.edgeseg"
            try writeInt8Model(checkpoint, calibration: result, source: modelFolder, to: int8Path)

            print("3/3 compare int8 with fp32: \(dataset.summary)")
            try compare(float: try FloatSegFormer(checkpoint, decoder: .folded), int8: try SegFormerModel(path: int8Path), dataset: dataset,
                        size: calibration.size, report: output)
            print("report: \(output)/report.html")
        }
    }

    /// The model folder: the path given, the hub download for an owner/name that is not a path, or the default.
    private func resolveModel() throws(EdgeSegError) -> String {
        guard let model, !FileManager.default.fileExists(atPath: model) else {
            return try existing(model, default: Self.defaultModel, option: "--model", what: "model")
        }
        let parts = model.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts.contains(where: { $0.isEmpty || $0.hasPrefix(".") }) else {
            throw EdgeSegError(.io, "\(model): no such model folder (nor a hub id of the form owner/name)")
        }
        print("fetching \(model) from the hub")
        return try HubClient.fromEnvironment().fetch(repo: model)
    }
}

/// The path given, which must exist, or else the default, which must exist too: its absence names the
/// option that replaces it.
private func existing(_ given: String?, default path: String, option: String, what: String) throws(EdgeSegError) -> String {
    if let given {
        guard FileManager.default.fileExists(atPath: given) else {
            throw EdgeSegError(.io, "\(given): no such \(what)")
        }
        return given
    }
    guard FileManager.default.fileExists(atPath: path) else {
        throw EdgeSegError(.io, "\(path): the default \(what) is not there (run from the project folder, or pass \(option) PATH)")
    }
    return path
}
