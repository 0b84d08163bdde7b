import CEdgeSeg
import EdgeSegRuntime

/// `bench --model M.edgeseg IMAGE [--size HxW] [--board NAME] [--threads N] [--runs N]`: times a frame as the
/// camera loop does it (resize + quantize the picture, the int8 model, the class map) after one warm-up frame:
/// the device's counterpart of the host's `edgeseg bench`, on a real picture.
func runBenchCommand(_ arguments: [String]) throws(DeviceError) {
    let args = try ArgumentList(arguments, options: ["model", "size", "board", "threads", "runs"])
    let modelPath = try args.required("model")
    guard args.operands.count == 1 else { throw .usage("bench takes one IMAGE, got \(args.operands.count)") }
    let board = try args.board()
    let size = try args.size("size") ?? board.map { ($0.inputHeight, $0.inputWidth) }
    let threads = try args.count("threads") ?? board?.threads ?? 1
    let runs = try args.count("runs") ?? 5

    try running { () throws(EdgeSegError) in
        let model = try SegFormerModel(path: modelPath)
        let image = try loadImage(path: args.operands[0])
        let (height, width) = size ?? (image.height, image.width)
        let session = try Session(model: model, height: height, width: width, threads: threads)
        var labels = [UInt8](repeating: 0, count: image.width * image.height)
        func frame() throws(EdgeSegError) {
            try session.run(image: image)
            labels.withUnsafeMutableBufferPointer { session.writeClassMap(height: image.height, width: image.width, into: $0) }
        }
        try frame()
        var times: [UInt64] = []
        for _ in 0..<runs {
            let start = es_monotonic_ns()
            try frame()
            times.append(es_monotonic_ns() - start)
        }
        times.sort()
        print("isa:     \(int8KernelISA), \(threads) thread(s), \(height)x\(width), \(runs) runs after 1 warm-up")
        print("arena:   \(session.memory.arenaBytes) bytes")
        print("frame:   median \(milliseconds(times[runs / 2])) ms, min \(milliseconds(times[0])) ms")
    }
}

/// Nanoseconds as milliseconds with one decimal (Embedded Swift prints no floats).
private func milliseconds(_ nanoseconds: UInt64) -> String {
    let tenths = (nanoseconds + 50_000) / 100_000
    return "\(tenths / 10).\(tenths % 10)"
}
