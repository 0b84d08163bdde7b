import ArgumentParser
import EdgeSegImport
import EdgeSegRuntime

struct SegmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segment",
        abstract: "Segment one image: a class-index mask at the image's size, and optionally an overlay.")

    @Option(help: "An int8 .edgeseg model, or a float Hugging Face SegFormer folder (config.json + model.safetensors).")
    var model: String

    @Option(help: "The image to segment (PNG or JPEG).")
    var input: String

    @Option(help: "Run the model at HxW (the image is resized first); default: the image's own size.")
    var size: ImageSizeArgument?

    @Option(help: "Where to write the mask: an 8-bit palette PNG holding the class index of every pixel.")
    var output: String

    @Option(help: "Where to write the classes blended over the image (PNG).")
    var overlay: String?

    @Option(help: "int8 models: also write the raw int8 logits (ESLG header + bytes, as the device binary's --logits) to this file.")
    var logits: String?

    @Option(help: "A board profile by name, e.g. pi5 (an unknown name lists them): its input size and threads apply when --size or --threads is not given.")
    var board: String?

    @Option(help: "int8 models: threads for the inference (default 1, or the board's).")
    var threads: Int?

    @Flag(help: "Float models: run the decode head folded (stage linears merged into the fuse), as int8 models do; about half the MACs.")
    var foldedDecoder = false

    func run() throws {
        try reportingErrors { () throws(EdgeSegError) in
            let network = try SegmentationModel.load(model, decoder: foldedDecoder ? .folded : .reference)
            let config = network.config
            guard config.numLabels <= 256 else {
                throw EdgeSegError(.usage, "\(model) has \(config.numLabels) classes; masks hold at most 256")
            }
            let profile = try board.map { name throws(EdgeSegError) in try BoardProfile.named(name) }
            let image = try loadImage(path: input)
            let modelSize = size.map { ($0.height, $0.width) } ?? profile.map { ($0.inputHeight, $0.inputWidth) }
            let labels: [UInt8]
            switch network {
            case .int8(let int8Model):
                // The picture goes straight into the session's arena (resized, normalised, quantized in one pass).
                let (height, width) = modelSize ?? (image.height, image.width)
                let session = try Session(model: int8Model, height: height, width: width,
                                              threads: threads ?? profile?.threads ?? 1)
                try session.run(image: image)
                labels = session.classMap(height: image.height, width: image.width)
                if let logits { try writeFileAtomically(logits, int8Model.logitsRecord(session.logits.copy()).encoded) }
            case .float(let floatModel):
                guard logits == nil else {
                    throw EdgeSegError(.usage, "--logits writes int8 logits: \(model) is a float model, give an .edgeseg file")
                }
                let pixels = try preprocess(image, size: modelSize)
                labels = classMap(logits: try floatModel.forward(pixels).logits, height: image.height, width: image.width)
            }
            let palette = Palette(classCount: config.numLabels)
            try savePNG(classIndices: labels, width: image.width, height: image.height, palette: palette, path: output)
            if let overlay {
                try savePNG(EdgeSegRuntime.overlay(image, classIndices: labels, palette: palette), path: overlay)
            }
            printClassShares(labels, names: config.labels, precision: network.precision)
        }
    }

    /// The files written, then one line per class present, largest first.
    private func printClassShares(_ labels: [UInt8], names: [String], precision: String) {
        print("\(input) -> \(output)\(overlay.map { " + \($0)" } ?? "") (\(precision))")
        for line in classShareLines(labels, names: names) { print(line) }
    }
}
