import CEdgeSeg
import EdgeSegRuntime

/// Everything downstream of the frame source: the slot, the inference thread (model, overlays, saved
/// files), the HTTP viewer and the stats. The source (camera or folder) runs on the calling thread and feeds
/// `slot`; `finish()` drains the slot and stops the threads.
final class CameraPipeline: @unchecked Sendable {
    let options: CameraOptions
    let slot = LatestFrameSlot()
    let stats = PipelineStats()
    private let segmenter: Segmenter
    private let palette: Palette
    private let overlay: LatestOverlay
    private var server: ViewerServer?
    private var inferenceThread: WorkerThread?
    private var serverThread: WorkerThread?
    private let failureLock = Lock()
    private var failure: EdgeSegError?
    /// The number of the last frame saved (inference thread only).
    private var lastSaved: Int?

    /// `open` reads `--model` as the front end does (the host CLI also opens Hugging Face folders).
    init(_ options: CameraOptions, open: (String) throws(EdgeSegError) -> SegFormerModel) throws(EdgeSegError) {
        self.options = options
        es_fatal_signals_context("camera", options.model)
        segmenter = try Segmenter(model: try open(options.model), source: options.model, threads: options.threads)
        palette = Palette(classCount: segmenter.config.numLabels)
        overlay = LatestOverlay(watched: options.http != nil)
        if let directory = options.saveDirectory {
            let rc = es_make_directories(directory)
            guard rc == 0 else {
                throw EdgeSegError(.io, "--save-dir \(directory): cannot create: \(String(cString: es_strerror(rc)))")
            }
        }
        if let address = options.http {
            let page = viewerPage(title: "\(fileName(options.model)) (\(segmenter.model.precision))",
                                  classNames: segmenter.config.labels, palette: palette)
            server = try ViewerServer(address, overlay: overlay, stats: stats, page: page)
        }
        let modelSize = options.modelSize.map { "\($0)" } ?? "each frame's size"
        note("model: \(options.model) (\(segmenter.model.precision), \(segmenter.config.numLabels) classes) at \(modelSize)")
    }

    /// Starts the inference and HTTP threads.
    func start() throws(EdgeSegError) {
        stats.startClock()
        inferenceThread = try WorkerThread { [self] in runInference() }
        if let server {
            serverThread = try WorkerThread { server.serve() }
            let host = options.http!.host.isEmpty ? "0.0.0.0" : options.http!.host
            note("view: http://\(host):\(server.port)/")
        }
    }

    /// The error that stopped the inference thread, if one did.
    var inferenceFailure: EdgeSegError? { failureLock.withLock { failure } }

    /// Lets the inference thread take the last frame, then stops everything and prints the summary.
    func finish() {
        slot.close()
        inferenceThread?.join()
        inferenceThread = nil
        server?.stop()
        serverThread?.join()
        serverThread = nil
        note(stats.wholeRun().summary)
    }

    /// Prints the stats line once a second has passed since the last one.
    func reportIfDue() {
        if let window = stats.closeWindowIfDue() { note(window.line) }
    }

    /// A progress or stats line for a person: on stdout, or on stderr with `--json` (stdout then carries
    /// nothing but the frames' JSON lines).
    func note(_ line: String) {
        if options.json { complain(line) } else { say(line) }
    }

    /// A stop signal came or the model failed: sources stop reading.
    var shouldStop: Bool { es_stop_signal_received() != 0 || inferenceFailure != nil }

    /// Hands a frame to the model: newest wins, the frame it replaces is counted as dropped.
    func offer(_ frame: CapturedFrame) {
        if slot.offer(frame) != nil { stats.recordPipelineDrop() }
    }

    /// Counts a frame as captured and hands it to the model once the one before it was taken, so none is
    /// dropped (recordings: a folder, a file of frames); stamped then, as a recording has no capture time of
    /// its own. False if the run is stopping instead.
    func offerWithoutDropping(_ frame: CapturedFrame) -> Bool {
        while !slot.waitUntilEmpty(timeoutMs: 200) && !shouldStop { reportIfDue() }
        guard !shouldStop else { return false }
        stats.recordCaptured()
        var stamped = frame
        stamped.capturedAt = monotonicNanoseconds()
        offer(stamped)
        return true
    }

    private func runInference() {
        while let frame = slot.take() {
            do throws(EdgeSegError) {
                try segment(frame)
                slot.finished()
            } catch {
                failureLock.withLock { failure = error }
                slot.close()
                return
            }
        }
    }

    private func segment(_ frame: CapturedFrame) throws(EdgeSegError) {
        let labels = try segmenter.classMap(of: frame.image, size: options.modelSize)
        let now = monotonicNanoseconds()
        let latency = now > frame.capturedAt ? now - frame.capturedAt : 0
        stats.recordSegmented(latencyNanoseconds: latency)
        let save = options.saveDirectory != nil && (lastSaved.map { frame.number - $0 >= options.saveEvery } ?? true)
        var maskFile: String?
        var picture: RGBImage?
        if save || overlay.isWatched { picture = try EdgeSegRuntime.overlay(frame.image, classIndices: labels, palette: palette) }
        if save, let directory = options.saveDirectory, let picture {
            // savePNG writes a temporary file and renames it: a viewer never sees half a PNG.
            try savePNG(picture, path: joinPath(directory, frame.name + ".overlay.png"))
            let mask = joinPath(directory, frame.name + ".mask.png")
            try savePNG(classIndices: labels, width: frame.image.width, height: frame.image.height, palette: palette, path: mask)
            maskFile = mask
            lastSaved = frame.number
            stats.recordSaved()
        }
        guard options.json || overlay.isWatched else { return }
        let result = FrameResult(number: frame.number, name: frame.name, capturedAt: frame.capturedAt, latencyNanoseconds: latency,
                                 size: ImageSize(width: frame.image.width, height: frame.image.height),
                                 classes: classPixelCounts(labels), maskFile: maskFile)
        let line = try result.json(classNames: segmenter.config.labels).serialized()
        if options.json { say(line) }
        if let picture { overlay.publish(picture, plain: frame.image, result: line, number: frame.number) }
    }
}

/// A line on stdout, flushed at once (the stats are watched live, often through a pipe).
func say(_ line: String) { es_print_line(line) }

/// A line on stderr.
func complain(_ line: String) { es_write_stderr(line + "\n") }
