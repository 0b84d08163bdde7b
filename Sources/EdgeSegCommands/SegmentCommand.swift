import CEdgeSeg
import EdgeSegRuntime

/// `segment`, the same command line on the host CLI and on the Pi binary (one definition, this one): one
/// picture through a `Segmenter`, its class mask as an 8-bit palette PNG at the picture's size, optionally
/// the overlay and the int8 logits (an ESLG record, `cmp`-able across machines).
public let segmentUsage = """
    segment --model MODEL --input IMAGE --output MASK.png [options]
      Segments one PNG or JPEG picture: MASK.png holds the class index of every pixel (palette PNG).

      --model PATH        int8, mixed or float32 .edgeseg file (the host CLI: also a Hugging Face folder)
      --input IMAGE       the picture (PNG or JPEG)
      --output MASK.png   where to write the mask
      --overlay FILE      also write the classes blended over the picture (PNG)
      --size WxH          run the model at WIDTHxHEIGHT (the picture is resized); default: the board's, else
                          the picture's own size
      --threads N         threads for the inference (default 1, or the board's)
      --board NAME        a board profile's input size and threads (explicit options win)
      --logits FILE       int8 models: also write the int8 logits (an ESLG record)
      \(PixelBudget.optionHelp)
    """

public func runSegmentCommand(_ arguments: [String], open: ModelOpener) throws(CommandError) {
    let args = try parsing { () throws(EdgeSegError) in
        try OptionList(arguments, options: ["model", "input", "output", "overlay", "size", "threads", "board", "logits", "max-pixels"])
    }
    try parsing { () throws(EdgeSegError) in try args.applyMaxPixels() }
    let (modelPath, input, output) = try parsing { () throws(EdgeSegError) in
        (try args.required("model"), try args.required("input"), try args.required("output"))
    }
    let board = try parsing { () throws(EdgeSegError) in try args.board() }
    let size = try parsing { () throws(EdgeSegError) in try args.size("size") } ?? board?.inputSize
    let threads = try parsing { () throws(EdgeSegError) in try args.threads() } ?? board?.threads ?? 1
    let overlayPath = args.value("overlay"), logitsPath = args.value("logits")

    try running { () throws(EdgeSegError) in
        es_fatal_signals_context("segment", modelPath)   // what a crash report names (the Pi binary installs it)
        let segmenter = try Segmenter(model: try open(modelPath), source: modelPath, threads: threads)
        let model = segmenter.model
        if logitsPath != nil && model.precision == .float32 {
            throw EdgeSegError(.usage, "--logits writes int8 logits: \(modelPath) is a float model")
        }
        es_fatal_signals_context("segment", input)
        let image = try loadImage(path: input)
        let labels = try segmenter.classMap(of: image, size: size)
        let palette = Palette(classCount: model.config.numLabels)
        try savePNG(classIndices: labels, width: image.width, height: image.height, palette: palette, path: output)
        if let overlayPath { try savePNG(overlay(image, classIndices: labels, palette: palette), path: overlayPath) }
        if let logitsPath, let session = segmenter.session {
            try writeFileAtomically(logitsPath, model.logitsRecord(session.logits.copy()).encoded)
        }
        let at = size ?? ImageSize(width: image.width, height: image.height)
        print("\(input) -> \(output)\(overlayPath.map { " + " + $0 } ?? "") (\(model.precision) at \(at), \(threads) thread(s))")
        for line in classShareLines(labels, names: model.config.labels) { print(line) }
    }
}
