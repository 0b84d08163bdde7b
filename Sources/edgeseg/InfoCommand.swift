import ArgumentParser
import EdgeSegImport
import EdgeSegRuntime

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show a model's configuration, parameter count and tensors.")

    @Option(help: "A Hugging Face SegFormer folder (config.json + model.safetensors) or one of its files.")
    var model: String

    @Option(help: "Also show each stage's feature-map size for an input of HxW.")
    var size: ImageSizeArgument?

    func run() throws {
        let checkpoint = try reportingErrors { () throws(EdgeSegError) in try loadHuggingFaceCheckpoint(directory: model) }
        let c = checkpoint.config
        print("model:      \(model)")
        print("kind:       float SegFormer (Hugging Face checkpoint)")
        print("stages:     hidden \(c.hiddenSizes), depths \(c.depths), heads \(c.numAttentionHeads)")
        print("            sr \(c.srRatios), patch \(c.patchSizes), stride \(c.strides), mlp ratio \(c.mlpRatios)")
        print("decoder:    \(c.decoderHiddenSize) channels, layer_norm_eps \(c.layerNormEps) in config.json (the layers use \(SegFormerConfig.layerNormEpsInModel), as transformers does)")
        print("classes:    \(c.numLabels): \(c.labels.prefix(12).joined(separator: ", "))\(c.numLabels > 12 ? ", ..." : "")")
        print("parameters: \(checkpoint.parameterCount)")
        if let size {
            let sizes = c.stageSizes(height: size.height, width: size.width)
            print("at \(size): " + sizes.enumerated().map { "stage \($0.offset + 1) \($0.element.height)x\($0.element.width)" }
                .joined(separator: ", ") + "; logits \(sizes[0].height)x\(sizes[0].width)")
        }
        print("")
        print("tensor".padding(toLength: 62, withPad: " ", startingAt: 0) + "shape")
        for (name, shape) in expectedTensors(c) {
            print(name.padding(toLength: 62, withPad: " ", startingAt: 0) + describeShape(shape))
        }
    }
}
