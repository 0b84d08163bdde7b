import CEdgeSeg
import EdgeSegRuntime

/// `bench --model MODEL [--image IMAGE] [--size WxH] [--board NAME] [--threads N] [--runs N]` on the Pi binary:
/// times a frame as the camera loop does it (resize and quantize the picture, the model, the class map) after
/// one warm-up frame, through the same `Segmenter` as `segment`. The host CLI's `bench` takes the same options
/// and adds op-group timings and JSON.
func runBenchCommand(_ arguments: [String], open: ModelOpener) throws(CommandError) {
    let args = try parsing { () throws(EdgeSegError) in
        try OptionList(arguments, options: ["model", "image", "size", "board", "threads", "runs", "max-pixels"])
    }
    try parsing { () throws(EdgeSegError) in try args.applyMaxPixels() }
    let modelPath = try parsing { () throws(EdgeSegError) in try args.required("model") }
    let board = try parsing { () throws(EdgeSegError) in try args.board() }
    let requested = try parsing { () throws(EdgeSegError) in try args.size("size") } ?? board?.inputSize
    let threads = try parsing { () throws(EdgeSegError) in try args.threads() } ?? board?.threads ?? 1
    let runs = try parsing { () throws(EdgeSegError) in try args.integer("runs", in: 1...100_000) } ?? 5

    try running { () throws(EdgeSegError) in
        es_fatal_signals_context("bench", modelPath)
        let segmenter = try Segmenter(model: try open(modelPath), source: modelPath, threads: threads)
        let image = try args.value("image").map { path throws(EdgeSegError) in try loadImage(path: path) }
        let size = requested ?? image.map { ImageSize(width: $0.width, height: $0.height) } ?? ImageSize(width: 512, height: 512)
        let picture = image ?? syntheticPicture(size)
        var labels = [UInt8](repeating: 0, count: picture.width * picture.height)
        func frame() throws(EdgeSegError) {
            try labels.withUnsafeMutableBufferPointer { (buffer) throws(EdgeSegError) in
                try segmenter.segment(picture, size: size, into: buffer)
            }
        }
        try frame()
        var times: [UInt64] = []
        for _ in 0..<runs {
            let start = es_monotonic_ns()
            try frame()
            times.append(es_monotonic_ns() - start)
        }
        times.sort()
        print("isa:     \(int8KernelISA), \(threads) thread(s), \(segmenter.model.precision) at \(size), \(runs) runs after 1 warm-up")
        print("arena:   \(segmenter.session!.memory.arenaBytes) bytes")
        print("frame:   median \(milliseconds(times[runs / 2])) ms, min \(milliseconds(times[0])) ms")
    }
}

/// Nanoseconds as milliseconds with one decimal (Embedded Swift prints no floats).
private func milliseconds(_ nanoseconds: UInt64) -> String {
    let tenths = (nanoseconds + 50_000) / 100_000
    return "\(tenths / 10).\(tenths % 10)"
}
