import EdgeSegRuntime

/// The pipeline's counters, shared by the capture, inference and HTTP threads (under a lock): what the
/// stats line, `/stats.json` and the summary report.
final class PipelineStats: @unchecked Sendable {
    /// A consistent copy of the counters.
    struct Snapshot: Sendable {
        var captured = 0
        var segmented = 0
        var saved = 0
        /// Frames replaced in the slot before the model took them (newest wins).
        var pipelineDrops = 0
        /// Frames the driver dropped: gaps in v4l2_buffer.sequence.
        var driverDrops = 0
        /// Buffers flagged V4L2_BUF_FLAG_ERROR, skipped.
        var errorBuffers = 0
        /// Streaming restarted after EIO (or a stall).
        var restarts = 0
        var reconnects = 0
        var seconds = 0.0
        /// Over the last reporting interval (the whole run, in the summary).
        var captureFPS = 0.0
        var inferenceFPS = 0.0
        var latencyP50Ms = 0.0
        var latencyP99Ms = 0.0

        var drops: Int { pipelineDrops + driverDrops }
    }

    private let lock = Lock()
    private var totals = Snapshot()
    private var started = monotonicNanoseconds()
    private var runLatency = LatencyHistogram()
    private var windowLatency = LatencyHistogram()
    private var windowStart: UInt64
    private var windowCaptured = 0
    private var windowSegmented = 0
    private var lastWindow = Snapshot()

    init() { windowStart = started }

    /// Times from now on: the frames start flowing (the model has loaded, the camera is streaming).
    func startClock() {
        lock.withLock {
            started = monotonicNanoseconds()
            windowStart = started
        }
    }

    func recordCaptured() { lock.withLock { totals.captured += 1; windowCaptured += 1 } }
    func recordPipelineDrop() { lock.withLock { totals.pipelineDrops += 1 } }
    func recordDriverDrops(_ n: Int) { lock.withLock { totals.driverDrops += n } }
    func recordErrorBuffer() { lock.withLock { totals.errorBuffers += 1 } }
    func recordRestart() { lock.withLock { totals.restarts += 1 } }
    func recordReconnect() { lock.withLock { totals.reconnects += 1 } }
    func recordSaved() { lock.withLock { totals.saved += 1 } }

    /// A frame's mask is ready; `latency` from its capture.
    func recordSegmented(latencyNanoseconds latency: UInt64) {
        lock.withLock {
            totals.segmented += 1
            windowSegmented += 1
            runLatency.record(microseconds: latency / 1000)
            windowLatency.record(microseconds: latency / 1000)
        }
    }

    /// Closes the current interval if at least a second has passed, returning its figures (nil otherwise).
    func closeWindowIfDue(now: UInt64 = monotonicNanoseconds()) -> Snapshot? {
        lock.withLock {
            let elapsed = Double(now - windowStart) / 1e9
            guard elapsed >= 1 else { return nil }
            var s = totals
            s.seconds = Double(now - started) / 1e9
            s.captureFPS = Double(windowCaptured) / elapsed
            s.inferenceFPS = Double(windowSegmented) / elapsed
            s.latencyP50Ms = Double(windowLatency.percentile(50)) / 1000
            s.latencyP99Ms = Double(windowLatency.percentile(99)) / 1000
            windowStart = now
            windowCaptured = 0
            windowSegmented = 0
            windowLatency = LatencyHistogram()
            lastWindow = s
            return s
        }
    }

    /// The counters now, with the rates and latencies of the last closed interval (for /stats.json).
    func current() -> Snapshot {
        lock.withLock {
            var s = totals
            s.seconds = Double(monotonicNanoseconds() - started) / 1e9
            s.captureFPS = lastWindow.captureFPS
            s.inferenceFPS = lastWindow.inferenceFPS
            s.latencyP50Ms = lastWindow.latencyP50Ms
            s.latencyP99Ms = lastWindow.latencyP99Ms
            return s
        }
    }

    /// The counters with rates and latency percentiles over the whole run.
    func wholeRun() -> Snapshot {
        lock.withLock {
            var s = totals
            s.seconds = Double(monotonicNanoseconds() - started) / 1e9
            if s.seconds > 0 {
                s.captureFPS = Double(s.captured) / s.seconds
                s.inferenceFPS = Double(s.segmented) / s.seconds
            }
            s.latencyP50Ms = Double(runLatency.percentile(50)) / 1000
            s.latencyP99Ms = Double(runLatency.percentile(99)) / 1000
            return s
        }
    }
}

extension PipelineStats.Snapshot {
    /// The once-a-second line.
    var line: String {
        "[\(fixed(seconds, 1)) s] capture \(fixed(captureFPS, 1)) fps | inference \(fixed(inferenceFPS, 1)) fps | "
            + "latency p50 \(fixed(latencyP50Ms, 1)) ms p99 \(fixed(latencyP99Ms, 1)) ms | "
            + "drops \(drops) (newest-wins \(pipelineDrops), driver \(driverDrops)) | error buffers \(errorBuffers)"
            + (restarts > 0 ? " | restarts \(restarts)" : "")
    }

    /// The closing summary.
    var summary: String {
        "summary: \(captured) frames captured, \(segmented) segmented, \(saved) saved in \(fixed(seconds, 1)) s; "
            + "capture \(fixed(captureFPS, 1)) fps, inference \(fixed(inferenceFPS, 1)) fps; "
            + "latency p50 \(fixed(latencyP50Ms, 1)) ms p99 \(fixed(latencyP99Ms, 1)) ms; "
            + "drops \(drops) (newest-wins \(pipelineDrops), driver \(driverDrops)); error buffers \(errorBuffers); "
            + "stream restarts \(restarts); reconnects \(reconnects)"
    }

    var json: JSONValue {
        func member(_ key: String, _ value: JSONValue) -> JSONMember { JSONMember(key: key, value: value) }
        func int(_ n: Int) -> JSONValue { .int(Int64(n)) }
        return .object([
            member("seconds", .double(rounded(seconds, 3))),
            member("frames_captured", int(captured)),
            member("frames_segmented", int(segmented)),
            member("frames_saved", int(saved)),
            member("capture_fps", .double(rounded(captureFPS, 2))),
            member("inference_fps", .double(rounded(inferenceFPS, 2))),
            member("latency_ms", .object([member("p50", .double(rounded(latencyP50Ms, 2))),
                                          member("p99", .double(rounded(latencyP99Ms, 2)))])),
            member("drops", .object([member("total", int(drops)), member("newest_wins", int(pipelineDrops)),
                                     member("driver", int(driverDrops))])),
            member("error_buffers", int(errorBuffers)),
            member("stream_restarts", int(restarts)),
            member("reconnects", int(reconnects)),
        ])
    }
}

/// `value` with `decimals` digits after the point ("12.3"), without Foundation's formatting.
func fixed(_ value: Double, _ decimals: Int) -> String {
    var scale = 1
    for _ in 0..<decimals { scale *= 10 }
    let scaled = Int((abs(value) * Double(scale)).rounded())
    let whole = "\(value < 0 && scaled > 0 ? "-" : "")\(scaled / scale)"
    guard decimals > 0 else { return whole }
    var fraction = "\(scaled % scale)"
    while fraction.count < decimals { fraction = "0" + fraction }
    return whole + "." + fraction
}

/// `value` rounded to `decimals` digits after the point (for JSON).
func rounded(_ value: Double, _ decimals: Int) -> Double {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    return (value * scale).rounded() / scale
}
