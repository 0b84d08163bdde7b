import ArgumentParser
import EdgeSegImport
import EdgeSegRuntime

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show a model's configuration, parameter count and tensors.")

    @Option(help: "An int8 .edgeseg model, or a float Hugging Face SegFormer folder (config.json + model.safetensors).")
    var model: String

    @Option(help: "Also show each stage's feature-map size for an input of HxW.")
    var size: ImageSizeArgument?

    func run() throws {
        try reportingErrors { () throws(EdgeSegError) in
            if ModelFile.looksLikeModelFile(path: model) {
                let file = try ModelFile(path: model, expecting: .int8)
                let config = try Int8SegFormer(file: file).config
                printConfig(config, kind: "int8 SegFormer (.edgeseg version \(file.version), \(file.mappedBytes.count) bytes)")
                print("tensors:    \(file.tensors.count), \(file.tensors.reduce(0) { $0 + $1.byteCount }) bytes of data")
                print("isa:        \(int8KernelISA)")
                printTable(file.tensors.map { ($0.name, "\($0.dtype.name) \(describeShape($0.shape))") })
            } else {
                let checkpoint = try loadHuggingFaceCheckpoint(directory: model)
                printConfig(checkpoint.config, kind: "float SegFormer (Hugging Face checkpoint)")
                print("parameters: \(checkpoint.parameterCount)")
                printTable(expectedTensors(checkpoint.config).map { ($0.name, "f32 \(describeShape($0.shape))") })
            }
        }
    }

    private func printConfig(_ c: SegFormerConfig, kind: String) {
        print("model:      \(model)")
        print("kind:       \(kind)")
        print("stages:     hidden \(c.hiddenSizes), depths \(c.depths), heads \(c.numAttentionHeads)")
        print("            sr \(c.srRatios), patch \(c.patchSizes), stride \(c.strides), mlp ratio \(c.mlpRatios)")
        print("decoder:    \(c.decoderHiddenSize) channels; layer_norm_eps \(c.layerNormEps) in config.json (the layers use \(SegFormerConfig.layerNormEpsInModel), as transformers does)")
        print("classes:    \(c.numLabels): \(c.labels.prefix(12).joined(separator: ", "))\(c.numLabels > 12 ? ", ..." : "")")
        if let size {
            let sizes = c.stageSizes(height: size.height, width: size.width)
            print("at \(size): " + sizes.enumerated().map { "stage \($0.offset + 1) \($0.element.height)x\($0.element.width)" }
                .joined(separator: ", ") + "; logits \(sizes[0].height)x\(sizes[0].width)")
        }
    }

    private func printTable(_ rows: [(String, String)]) {
        print("")
        print("tensor".padding(toLength: 62, withPad: " ", startingAt: 0) + "type and shape")
        for (name, type) in rows { print(name.padding(toLength: 62, withPad: " ", startingAt: 0) + type) }
    }
}
