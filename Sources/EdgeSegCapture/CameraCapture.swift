import CEdgeSeg
import EdgeSegRuntime

/// The exit statuses of `camera` (listed in `CameraOptions.usage`).
public enum CameraExitStatus {
    public static let done: Int32 = 0
    public static let failed: Int32 = 1
    public static let usage: Int32 = 2
    /// The camera vanished (ENODEV) or was never there, and `--reconnect` was not given.
    public static let cameraGone: Int32 = 3
}

/// The capture loop on the calling thread: dequeue, check, convert, requeue, offer to the pipeline; restart
/// the stream on EIO, wait for or give up on a vanished camera, stop on a signal or after `--frames`.
struct CameraCapture {
    let pipeline: CameraPipeline
    private var options: CameraOptions { pipeline.options }
    private var stats: PipelineStats { pipeline.stats }
    private var captured = 0
    private var lastSequence: UInt32?
    private var swapRedBlue = false

    /// A stream that fails this many times in a row, without a frame between, is given up.
    private static let restartLimit = 5
    /// No frame for this long: the stream is restarted.
    private static let stallNanoseconds: UInt64 = 10_000_000_000

    init(_ pipeline: CameraPipeline) { self.pipeline = pipeline }

    mutating func run() -> Int32 {
        let status = openAndStream()
        pipeline.finish()
        return status
    }

    private mutating func openAndStream() -> Int32 {
        var camera: V4L2Camera
        do {
            camera = try V4L2Camera(options)
        } catch {
            guard case .gone = error, options.reconnect else { return give(up: error) }
            pipeline.note("\(error.message): waiting for the camera (--reconnect; Ctrl-C stops)")
            guard let found = waitForCamera() else { return CameraExitStatus.done }
            camera = found
        }
        describe(camera)
        do throws(EdgeSegError) { try pipeline.start() } catch {
            complain("edgeseg camera: error: \(error.message)")
            return CameraExitStatus.failed
        }
        let status = stream(&camera)
        camera.close()
        return status
    }

    private mutating func stream(_ camera: inout V4L2Camera) -> Int32 {
        var failuresInARow = 0
        var lastFrameAt = monotonicNanoseconds()
        while es_stop_signal_received() == 0 && pipeline.inferenceFailure == nil {
            if let limit = options.frames, captured >= limit { break }
            pipeline.reportIfDue()
            do throws(V4L2Camera.Failure) {
                switch try camera.next(timeoutMs: 200) {
                case .nothing:
                    if monotonicNanoseconds() - lastFrameAt > Self.stallNanoseconds {
                        pipeline.note("\(camera.device): no frame for 10 s: restarting the stream")
                        stats.recordRestart()
                        try camera.restartStreaming()
                        lastFrameAt = monotonicNanoseconds()
                    }
                case .frame(let frame):
                    lastFrameAt = monotonicNanoseconds()
                    failuresInARow = 0
                    try take(frame, from: camera)
                }
            } catch .streamBroken(let message) {
                failuresInARow += 1
                guard failuresInARow <= Self.restartLimit else {
                    complain("edgeseg camera: error: \(message); the stream failed \(failuresInARow) times in a row, giving up")
                    return CameraExitStatus.failed
                }
                pipeline.note("\(message): restarting the stream")
                stats.recordRestart()
                lastSequence = nil
                do throws(V4L2Camera.Failure) {
                    try camera.restartStreaming()
                } catch {
                    // STREAMOFF/ON did not help: open the device afresh
                    camera.close()
                    guard let reopened = reopen() else { return CameraExitStatus.failed }
                    camera = reopened
                }
            } catch .gone(let message) {
                camera.close()
                guard options.reconnect else {
                    complain("edgeseg camera: error: \(message): the camera is gone (unplugged?); exit status 3 (--reconnect waits for it instead)")
                    return CameraExitStatus.cameraGone
                }
                pipeline.note("\(message): the camera is gone; waiting for it to come back (--reconnect; Ctrl-C stops)")
                guard let found = waitForCamera() else { return CameraExitStatus.done }
                camera = found
                lastSequence = nil
                stats.recordReconnect()
                describe(camera)
            } catch {
                complain("edgeseg camera: error: \(error.message)")
                return CameraExitStatus.failed
            }
        }
        let signal = es_stop_signal_received()
        if signal != 0 { pipeline.note("stopping (signal \(signal))") }
        return CameraExitStatus.done
    }

    /// Counts and checks one dequeued buffer, copies it out as RGB, gives it back, and offers the copy.
    private mutating func take(_ frame: es_camera_frame, from camera: V4L2Camera) throws(V4L2Camera.Failure) {
        if let last = lastSequence, frame.sequence > last &+ 1 {
            stats.recordDriverDrops(Int(frame.sequence &- last &- 1))
        }
        lastSequence = frame.sequence
        let now = monotonicNanoseconds()
        var image: RGBImage?
        if frame.error_flag != 0 {
            stats.recordErrorBuffer()
        } else {
            do throws(EdgeSegError) {
                image = try camera.image(of: frame, swapRedBlue: swapRedBlue, toward: options.modelSize)
            } catch {
                // a short or undecodable frame (a corrupt MJPEG, say) is skipped like a flagged one
                complain("edgeseg camera: \(error.message): skipped")
                stats.recordErrorBuffer()
            }
        }
        try camera.requeue(frame)
        guard let image else { return }
        captured += 1
        stats.recordCaptured()
        let stamp = frame.timestamp_ns > 0 && frame.timestamp_ns <= now ? frame.timestamp_ns : now
        pipeline.offer(CapturedFrame(image: image, number: captured, name: "frame-" + zeroPadded(captured, 6), capturedAt: stamp))
    }

    private mutating func describe(_ camera: V4L2Camera) {
        pipeline.note("camera: \(camera.description)")
        switch options.swapRedBlue {
        case .on: swapRedBlue = true
        case .off: swapRedBlue = false
        case .auto:
            swapRedBlue = camera.driverName == "libcamera" && camera.info.fourcc == ES_FOURCC_RGB24
            if swapRedBlue { pipeline.note("camera: libcamera's RGB24 arrives in BGR order: swapping R and B (--no-swap-rb keeps it)") }
        }
    }

    /// Opens the camera again after a failed restart; nil (after saying why) if that fails too.
    private func reopen() -> V4L2Camera? {
        do {
            let camera = try V4L2Camera(options)
            stats.recordReconnect()
            return camera
        } catch {
            complain("edgeseg camera: error: \(error.message)")
            return nil
        }
    }

    /// Tries to open the camera once a second until it is there; nil if a stop signal came first.
    private func waitForCamera() -> V4L2Camera? {
        while es_stop_signal_received() == 0 {
            do {
                return try V4L2Camera(options)
            } catch {
                es_sleep_ms(1000)
            }
        }
        return nil
    }

    private func give(up error: V4L2Camera.Failure) -> Int32 {
        if case .gone = error {
            complain("edgeseg camera: error: \(error.message): no camera there; exit status 3 (--reconnect waits for it)")
            return CameraExitStatus.cameraGone
        }
        complain("edgeseg camera: error: \(error.message)")
        return CameraExitStatus.failed
    }
}

/// `value` in decimal with leading zeros to `digits` digits.
func zeroPadded(_ value: Int, _ digits: Int) -> String {
    var text = "\(value)"
    while text.count < digits { text = "0" + text }
    return text
}
