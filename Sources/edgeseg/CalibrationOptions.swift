import ArgumentParser
import EdgeSegImport
import EdgeSegQuantize
import EdgeSegRuntime
import EdgeSegShards

/// How activation ranges are calibrated: shared by `calibrate` and `quantize --images`.
struct CalibrationOptions: ParsableArguments {
    enum Method: String, ExpressibleByArgument, CaseIterable {
        case minmax, percentile, entropy, mse
    }

    @Option(help: "How each activation's range is chosen: minmax (no clipping), percentile, entropy (KL) or mse.")
    var method: Method = .percentile

    @Option(help: "For --method percentile: the share of values kept on each tail, in percent.")
    var percentile: Double = CalibrationMethod.defaultPercentile

    @Option(help: "Resize every image to WIDTHxHEIGHT first, as `segment --size` does; default: each image's own size.")
    var size: ImageSize?

    func validate() throws {
        guard percentile > 50 && percentile <= 100 else {
            throw ValidationError("--percentile must be in (50, 100], e.g. 99.99")
        }
    }

    var calibrationMethod: CalibrationMethod {
        switch method {
        case .minmax: .minmax
        case .percentile: .percentile(percentile)
        case .entropy: .entropy
        case .mse: .mse
        }
    }

    /// Runs the calibration with a progress bar on stderr (a bar on a terminal, plain lines otherwise);
    /// unreadable images are warned about and skipped.
    func calibrate(_ checkpoint: FloatCheckpoint, model: String, images: String) throws(EdgeSegError)
        -> (result: CalibrationResult, seconds: Double) {
        try withProgress { progress throws(EdgeSegError) in
            try EdgeSegQuantize.calibrate(checkpoint, model: model, imagesDirectory: images, method: calibrationMethod,
                                          size: size, progress: progress)
        }
    }

    /// One shard's histograms (`calibrate --shard`), with the same progress display.
    func run(_ checkpoint: FloatCheckpoint, images: String, shard: Shard) throws(EdgeSegError) -> (run: CalibrationRun, seconds: Double) {
        try withProgress { progress throws(EdgeSegError) in
            try CalibrationRun(checkpoint, imagesDirectory: images, size: size, shard: shard, progress: progress)
        }
    }

    private func withProgress<T>(_ work: ((CalibrationEvent) -> Void) throws(EdgeSegError) -> T) throws(EdgeSegError) -> (T, Double) {
        var bar: ProgressBar?
        let result = try work { event in
            switch event {
            case .started(let total):
                bar = ProgressBar(label: "calibrate", total: Int64(total), unit: .items("images"))
            case .imageDone(let index, _, _):
                bar?.advance(to: Int64(index + 1))
            case .imageSkipped(let index, _, let path, let reason):
                // Most messages already start with the file's path.
                bar?.note("warning: skipping " + (reason.hasPrefix(path) ? reason : "\(path): \(reason)"))
                bar?.advance(to: Int64(index + 1))
            }
        }
        bar?.finish(completed: true)
        return (result, bar?.elapsedSeconds ?? 0)
    }
}
