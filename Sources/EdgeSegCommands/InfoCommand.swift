import EdgeSegRuntime

/// `info [--model M.edgeseg] [--board NAME]` on the Pi binary: what the model is, which int8 kernels this CPU
/// runs, and the board profile with a note when the CPU did not select the kernels the board should have.
func runInfoCommand(_ arguments: [String]) throws(CommandError) {
    let args = try parsing { () throws(EdgeSegError) in try OptionList(arguments, options: ["model", "board"]) }
    let board = try parsing { () throws(EdgeSegError) in try args.board() }
    if let path = args.value("model") {
        try running { () throws(EdgeSegError) in
            let file = try ModelFile(path: path)
            let model = try SegFormerModel(opening: file)
            let c = model.config
            print("model:      \(path)")
            print("kind:       \(model.precision) SegFormer (.edgeseg version \(file.version), \(file.mappedBytes.count) bytes)")
            print("stages:     hidden \(list(c.hiddenSizes)), depths \(list(c.depths)), heads \(list(c.numAttentionHeads)), sr \(list(c.srRatios))")
            print("decoder:    \(c.decoderHiddenSize) channels")
            print("classes:    \(c.numLabels): \(c.labels.prefix(12).joined(separator: ", "))\(c.numLabels > 12 ? ", ..." : "")")
        }
    }
    print("isa:        \(int8KernelISA)")
    if let board {
        print("board:      \(board.name): \(board.title), \(board.cpu), \(board.memoryMB) MB")
        print("threads:    \(board.threads)")
        print("input:      \(board.inputSize)")
        let camera = board.camera
        print("camera:     \(camera.device) \(camera.width)x\(camera.height) \(camera.format) at \(camera.fps) fps")
        let note = int8KernelISA == board.expectedISA ? "" : " (this CPU or build runs \(int8KernelISA) instead)"
        print("expected:   isa \(board.expectedISA)\(note)")
    }
}

private func list(_ values: [Int]) -> String {
    "[" + values.map { String($0) }.joined(separator: ", ") + "]"
}
