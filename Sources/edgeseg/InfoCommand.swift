import ArgumentParser
import EdgeSegImport
import EdgeSegRuntime

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show a model's configuration, parameter count and tensors.")

    @Option(help: "An int8, mixed or float32 .edgeseg file, or a float Hugging Face SegFormer folder (config.json + model.safetensors).")
    var model: String

    @Option(help: "Also show each stage's feature-map size for an input of WIDTHxHEIGHT, and the memory plan of a session at that size (a float model's: the fp32 forward on the planned arena).")
    var size: ImageSize?

    @Option(help: "With --size: plan the arena for this many threads (each has its own scratch).")
    var threads = 1

    func run() throws {
        try reportingErrors { () throws(EdgeSegError) in
            if ModelFile.looksLikeModelFile(path: model) {
                let file = try ModelFile(path: model)
                let network = try SegFormerModel(opening: file)
                printConfig(network.config, kind: "\(network.precision) SegFormer (.edgeseg version \(file.version), \(file.mappedBytes.count) bytes)")
                print("tensors:    \(file.tensors.count), \(file.tensors.reduce(0) { $0 + $1.byteCount }) bytes of data")
                print("isa:        \(int8KernelISA)")
                if let size { printMemoryPlan(try network.memoryPlan(height: size.height, width: size.width, threads: threads)) }
                printTable(file.tensors.map { ($0.name, "\($0.dtype.name) \(describeShape($0.shape))") })
            } else {
                let checkpoint = try loadHuggingFaceCheckpoint(directory: model)
                printConfig(checkpoint.config, kind: "float SegFormer (Hugging Face checkpoint)")
                print("parameters: \(checkpoint.parameterCount)")
                if let size {
                    let planned = try SegFormerModel(float: try FloatSegFormer(checkpoint, decoder: .folded))
                    printMemoryPlan(try planned.memoryPlan(height: size.height, width: size.width, threads: threads))
                }
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
            print("at \(size): " + sizes.enumerated().map { "stage \($0.offset + 1) \($0.element.width)x\($0.element.height)" }
                .joined(separator: ", ") + "; logits \(sizes[0].width)x\(sizes[0].height)")
        }
    }

    /// The arena a session at --size needs (one allocation, made before the first frame) and what fills it.
    private func printMemoryPlan(_ memory: MemoryPlan) {
        print("arena:      \(memory.arenaBytes) bytes at \(size!) with \(threads) thread(s) (lower bound \(memory.lowerBound); \(memory.requests.count) buffers, \(memory.requests.reduce(0) { $0 + $1.size }) bytes if none shared memory)")
        print("largest buffers:")
        for (name, bytes) in memory.largest(8) {
            print("  " + name.padding(toLength: 46, withPad: " ", startingAt: 0) + "\(bytes) bytes")
        }
    }

    private func printTable(_ rows: [(String, String)]) {
        print("")
        print("tensor".padding(toLength: 62, withPad: " ", startingAt: 0) + "type and shape")
        for (name, type) in rows { print(name.padding(toLength: 62, withPad: " ", startingAt: 0) + type) }
    }
}
