import ArgumentParser
import EdgeSegImport
import EdgeSegRuntime
import Foundation

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time a model per frame after a warm-up: median and min, in total and by op group.",
        discussion: """
            A frame is what the camera loop does: an RGB picture resized, normalised and quantized into the arena, \
            the int8 forward, and the class map at the input size. A benchmark, not a test: compare runtimes in \
            the same run on the same machine (see README for the table against ONNX Runtime).
            """)

    @Option(help: "An int8, mixed or float32 .edgeseg file, or a float Hugging Face SegFormer folder (run as the planned fp32 model).")
    var model: String

    @Option(help: "Input size WIDTHxHEIGHT (default: the board's, else 512x512).")
    var size: ImageSize?

    @Option(help: "Threads in all, the caller included (default 1, or the board's).")
    var threads: Int?

    @Option(help: "A board profile by name, e.g. pi5: its input size and threads apply when --size or --threads is not given.")
    var board: String?

    @Option(help: "Timed frames.")
    var runs = 20

    @Option(help: "Untimed frames first.")
    var warmup = 3

    @Option(help: "A picture to run (PNG or JPEG); default: a fixed synthetic one at the input size.")
    var image: String?

    @Flag(help: "Print one JSON object (median_ms, min_ms, mean_ms, isa, precision, threads, width, height, runs, arena_bytes, groups_ms).")
    var json = false

    @OptionGroup var pixelBudget: PixelBudgetOption

    func run() throws {
        try reportingErrors { () throws(EdgeSegError) in
            try pixelBudget.apply()
            guard runs >= 1, warmup >= 0 else { throw EdgeSegError(.usage, "--runs must be at least 1 and --warmup at least 0") }
            let profile = try board.map { name throws(EdgeSegError) in try BoardProfile.named(name) }
            let size = size ?? profile?.inputSize ?? ImageSize(width: 512, height: 512)
            let segmenter = try Segmenter(model: try loadModel(model), source: model, threads: threads ?? profile?.threads ?? 1)
            let picture = try image.map { path throws(EdgeSegError) in try loadImage(path: path) } ?? syntheticPicture(size)
            let times = try frameMilliseconds(segmenter, picture: picture, size: size, warmup: warmup, runs: runs, timing: true)
            let session = segmenter.session!
            let groups = OpGroup.allCases.map { ($0.name, Double(session.groupNanoseconds[$0.rawValue]) / 1e6 / Double(runs)) }
            let result = Result(median: median(times), min: times.min()!, mean: times.reduce(0, +) / Double(runs), groups: groups,
                                arenaBytes: session.memory.arenaBytes, size: size, threads: segmenter.threads,
                                precision: segmenter.model.precision)
            print(json ? try result.json(self) : result.text(self))
        }
    }

    struct Result {
        var median: Double
        var min: Double
        var mean: Double
        var groups: [(String, Double)]
        var arenaBytes: Int
        var size: ImageSize
        var threads: Int
        var precision: SegFormerModel.Precision

        func text(_ c: BenchCommand) -> String {
            var lines = [
                "model:   \(c.model)",
                "isa:     \(int8KernelISA), \(threads) thread(s), \(precision) at \(size), \(c.runs) runs after \(c.warmup) warm-up",
                "arena:   \(arenaBytes) bytes",
                "frame:   median \(format(median)) ms, min \(format(min)) ms, mean \(format(mean)) ms",
                "by op group (ms per frame, mean):",
            ]
            let total = groups.reduce(0) { $0 + $1.1 }
            for (name, ms) in groups {
                lines.append("  \(name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(format(ms).leftPadded(9))  \(format(100 * ms / max(total, 1e-9)).leftPadded(5)) %")
            }
            return lines.joined(separator: "\n")
        }

        func json(_ c: BenchCommand) throws(EdgeSegError) -> String {
            try JSONValue.object([
                JSONMember(key: "model", value: .string(c.model)),
                JSONMember(key: "isa", value: .string(int8KernelISA)),
                JSONMember(key: "precision", value: .string(precision.description)),
                JSONMember(key: "threads", value: .int(Int64(threads))),
                JSONMember(key: "width", value: .int(Int64(size.width))),
                JSONMember(key: "height", value: .int(Int64(size.height))),
                JSONMember(key: "runs", value: .int(Int64(c.runs))),
                JSONMember(key: "median_ms", value: .double(median)),
                JSONMember(key: "min_ms", value: .double(min)),
                JSONMember(key: "mean_ms", value: .double(mean)),
                JSONMember(key: "arena_bytes", value: .int(Int64(arenaBytes))),
                JSONMember(key: "groups_ms", value: .object(groups.map { JSONMember(key: $0.0, value: .double($0.1)) })),
            ]).serialized()
        }

        private func format(_ x: Double) -> String { String(format: "%.2f", x) }
    }
}

private extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
