import CEdgeSeg
import EdgeSegRuntime

/// `bench --model M.edgeseg IMAGE [--size HxW] [--board NAME] [--threads N] [--frames N]`: times the frame loop's
/// work (resize + quantize the picture, the int8 model, the class map) on one image, as a board runs it.
func runBenchCommand(_ arguments: [String]) throws(DeviceError) {
    let args = try ArgumentList(arguments, options: ["model", "size", "board", "threads", "frames"])
    let modelPath = try args.required("model")
    guard args.operands.count == 1 else { throw .usage("bench takes one IMAGE, got \(args.operands.count)") }
    let board = try args.board()
    let size = try args.size("size") ?? board.map { ($0.inputHeight, $0.inputWidth) }
    let threads = try args.count("threads") ?? board?.threads ?? 1
    let frames = try args.count("frames") ?? 5

    try running { () throws(EdgeSegError) in
        let model = try Int8SegFormer(path: modelPath)
        let image = try loadImage(path: args.operands[0])
        let (height, width) = size ?? (image.height, image.width)
        let session = try Int8Session(model: model, height: height, width: width, threads: threads)
        var labels = [UInt8](repeating: 0, count: image.width * image.height)
        var total: UInt64 = 0
        for frame in 1...frames {
            let start = es_monotonic_ns()
            try session.run(image: image)
            labels.withUnsafeMutableBufferPointer { session.writeClassMap(height: image.height, width: image.width, into: $0) }
            let elapsed = es_monotonic_ns() - start
            total += elapsed
            print("frame \(frame): \(elapsed / 1_000_000) ms")
        }
        let mean = total / UInt64(frames) / 1000
        print("\(height)x\(width), isa \(int8KernelISA), \(threads) thread(s), arena \(session.memory.arenaBytes) bytes: \(mean / 1000).\(mean % 1000 / 100) ms per frame over \(frames)")
    }
}
