import CEdgeSeg
import EdgeSegRuntime

/// `segment --model M.edgeseg IMAGE... [--size HxW] [--board NAME] [--threads N] [--out DIR] [--logits FILE]`:
/// per image a class mask and an overlay, as the host's `edgeseg segment` writes them, and optionally the raw
/// int8 logits. Runs an `Session` (one arena, the board's worker threads) per input size.
func runSegmentCommand(_ arguments: [String]) throws(DeviceError) {
    let args = try ArgumentList(arguments, options: ["model", "size", "board", "threads", "out", "logits"])
    let modelPath = try args.required("model")
    let images = args.operands
    guard !images.isEmpty else { throw .usage("segment needs at least one IMAGE") }
    let stems = images.map(outputStem)
    for (i, stem) in stems.enumerated() where stems[..<i].contains(stem) {
        throw .usage("\(images[i]): another image also writes \(stem).mask.png; segment them in separate runs")
    }
    let board = try args.board()
    let size = try args.size("size") ?? board.map { ($0.inputHeight, $0.inputWidth) }
    let threads = try args.count("threads") ?? board?.threads ?? 1
    let outDirectory = args.value("out") ?? "."
    let logitsPath = args.value("logits")

    try running { () throws(EdgeSegError) in
        let model = try SegFormerModel(path: modelPath)
        let config = model.config
        guard config.numLabels <= 256 else {
            throw EdgeSegError(.usage, "\(modelPath) has \(config.numLabels) classes; masks hold at most 256")
        }
        let status = es_make_directories(outDirectory)
        guard status == 0 else {
            throw EdgeSegError(.io, "\(outDirectory): cannot create the output folder: \(String(cString: es_strerror(status)))")
        }
        let palette = Palette(classCount: config.numLabels)
        var session: Session?
        var logitsBytes: [UInt8] = []
        for (path, stem) in zip(images, stems) {
            let image = try loadImage(path: path)
            let (height, width) = size ?? (image.height, image.width)
            if session == nil || session!.height != height || session!.width != width {
                session = try Session(model: model, height: height, width: width, threads: threads)
            }
            let start = es_monotonic_ns()
            try session!.run(image: image)
            let labels = session!.classMap(height: image.height, width: image.width)
            let milliseconds = (es_monotonic_ns() - start) / 1_000_000
            let maskPath = joinPath(outDirectory, stem + ".mask.png")
            let overlayPath = joinPath(outDirectory, stem + ".overlay.png")
            try savePNG(classIndices: labels, width: image.width, height: image.height, palette: palette, path: maskPath)
            try savePNG(overlay(image, classIndices: labels, palette: palette), path: overlayPath)
            if logitsPath != nil { logitsBytes += model.logitsRecord(session!.logits.copy()).encoded }
            print("\(path) -> \(maskPath) + \(overlayPath) (int8 at \(height)x\(width), isa \(int8KernelISA), \(threads) thread(s), \(milliseconds) ms)")
            for line in classShareLines(labels, names: config.labels) { print(line) }
        }
        if let logitsPath { try writeFileAtomically(logitsPath, logitsBytes) }
    }
}

/// The file name without folder and extension: "a/b/0001TP_008550.png" → "0001TP_008550".
private func outputStem(_ path: String) -> String {
    let name = fileName(path)
    guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
    return String(name[..<dot])
}
