import CEdgeSeg
import EdgeSegRuntime

/// `--source -` (standard input) or `--source PATH` (a FIFO or a file): frames of `--format` back to back,
/// raw at `--size` (what `rpicam-vid --codec yuv420 -o -` and `ffmpeg -f rawvideo` write) or, for mjpeg,
/// concatenated JPEG files. This thread only reads and converts; the model runs on the pipeline's thread.
/// A pipe is read as fast as it is written, the newest frame going to the model and the ones it had no time
/// for counted as drops, so the writer is never held up by the model. A file is a recording: every frame is
/// segmented, or with `--fps` it is played at that rate (newest wins). A frame cut short by the end of the
/// stream is reported, not segmented; an MJPEG frame that is not a whole JPEG is skipped and counted as an
/// error buffer, as a camera's flagged buffer is.
struct FrameStreamSource {
    let pipeline: CameraPipeline
    let path: String

    /// Bytes asked of one read (a pipe holds 64 KiB).
    private static let readSize = 65536
    /// MJPEG bytes held without finding a frame's end before they are given up as corrupt.
    private static let largestJPEG = 32 << 20

    private var options: CameraOptions { pipeline.options }
    private var label: String { path == "-" ? "standard input" : path }

    func run() -> Int32 {
        let status = readFrames()
        pipeline.finish()
        return status
    }

    private func readFrames() -> Int32 {
        var regularFile: Int32 = 0
        var errNo: Int32 = 0
        let fd = es_input_open(path, &regularFile, &errNo)
        guard fd >= 0 else {
            // opening a FIFO waits for its writer: Ctrl-C meanwhile is a stop, not a failure
            if es_stop_signal_received() != 0 { return CameraExitStatus.done }
            complain("edgeseg camera: error: --source \(path): cannot open: \(String(cString: es_strerror(errNo)))")
            return CameraExitStatus.failed
        }
        defer { es_input_close(fd) }
        do throws(EdgeSegError) { try pipeline.start() } catch {
            complain("edgeseg camera: error: \(error.message)")
            return CameraExitStatus.failed
        }
        var delivery = Delivery(pipeline: pipeline, recording: regularFile != 0)
        let size = options.captureSize
        let layout = options.format == .mjpeg ? "MJPEG (concatenated JPEG files)"
            : "\(options.format.rawValue) \(size), \(es_frame_size(options.format.fourcc, UInt32(size.width), UInt32(size.height))) bytes a frame"
        let pace = delivery.recording ? (options.fps.map { "played at \($0) fps, newest wins" } ?? "every frame")
            : "newest frame wins" + (options.fps != nil ? " (--fps ignored: a pipe runs at its writer's rate)" : "")
        pipeline.note("source: \(label), \(layout), \(pace)")
        return options.format == .mjpeg ? readJPEGs(fd, &delivery) : readRawFrames(fd, &delivery)
    }

    /// Fixed-size frames: one frame's buffer, filled read by read.
    private func readRawFrames(_ fd: Int32, _ delivery: inout Delivery) -> Int32 {
        let size = options.captureSize
        let frameBytes = es_frame_size(options.format.fourcc, UInt32(size.width), UInt32(size.height))
        var frame = [UInt8](repeating: 0, count: frameBytes)
        var filled = 0
        while delivery.wantsMore {
            let n = frame.withUnsafeMutableBytes { read(fd, into: UnsafeMutableRawBufferPointer(rebasing: $0[filled...])) }
            guard let n else { return CameraExitStatus.failed }
            if n == 0 {
                if filled > 0 { pipeline.note("source: \(label) ended inside a frame: \(filled) of \(frameBytes) bytes, not segmented") }
                break
            }
            filled += n
            if filled == frameBytes {
                filled = 0
                frame.withUnsafeBytes { delivery.deliver($0, source: label) }
            }
        }
        return CameraExitStatus.done
    }

    /// Concatenated JPEG files: read in chunks, split where each JPEG ends (`es_jpeg_frame_length`).
    private func readJPEGs(_ fd: Int32, _ delivery: inout Delivery) -> Int32 {
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: Self.readSize)
        while delivery.wantsMore {
            let n = chunk.withUnsafeMutableBytes { read(fd, into: $0) }
            guard let n else { return CameraExitStatus.failed }
            if n == 0 {
                if !pending.isEmpty { pipeline.note("source: \(label) ended inside a JPEG: \(pending.count) bytes, not segmented") }
                break
            }
            pending += chunk[0..<n]
            var start = 0
            while delivery.wantsMore {
                let length = pending.withUnsafeBytes { bytes in
                    es_jpeg_frame_length(bytes.baseAddress!.assumingMemoryBound(to: UInt8.self) + start, bytes.count - start)
                }
                if length == 0 { break }
                if length < 0 {
                    complain("edgeseg camera: \(label): \(-length) bytes that are not a whole JPEG: skipped")
                    pipeline.stats.recordErrorBuffer()
                } else {
                    pending.withUnsafeBytes { delivery.deliver(UnsafeRawBufferPointer(rebasing: $0[start..<(start + length)]), source: label) }
                }
                start += abs(length)
            }
            pending.removeFirst(start)
            if pending.count > Self.largestJPEG {
                complain("edgeseg camera: \(label): no JPEG end in \(pending.count) bytes: skipped")
                pipeline.stats.recordErrorBuffer()
                pending.removeAll()
            }
        }
        return CameraExitStatus.done
    }

    /// One read of what is there, waiting up to 200 ms at a time (stats lines and stop signals go on meanwhile):
    /// the byte count, 0 at the end of the stream, nil (after saying why) on a read error.
    private func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        while !pipeline.shouldStop {
            pipeline.reportIfDue()
            var errNo: Int32 = 0
            let n = es_socket_read(fd, buffer.baseAddress, buffer.count, 200, &errNo)
            if n >= 0 { return n }
            if es_camera_error_kind(errNo) == ES_CAMERA_NO_FRAME { continue }
            complain("edgeseg camera: error: --source \(path): cannot read: \(String(cString: es_strerror(errNo)))")
            return nil
        }
        return 0
    }
}

/// Converts each whole frame and hands it to the pipeline as the source's kind wants: newest wins (a pipe),
/// none dropped (a file), or on a clock (a file with --fps).
private struct Delivery {
    let pipeline: CameraPipeline
    let recording: Bool
    private(set) var captured = 0
    private let started = monotonicNanoseconds()

    init(pipeline: CameraPipeline, recording: Bool) {
        self.pipeline = pipeline
        self.recording = recording
    }

    /// Whether to read on: not stopped, not failed, `--frames` not reached.
    var wantsMore: Bool {
        if let limit = pipeline.options.frames, captured >= limit { return false }
        return !pipeline.shouldStop
    }

    mutating func deliver(_ bytes: UnsafeRawBufferPointer, source: String) {
        let options = pipeline.options
        let image: RGBImage
        do throws(EdgeSegError) {
            image = try rgbImage(ofFrame: bytes, fourcc: options.format.fourcc, size: options.captureSize,
                                 swapRedBlue: options.swapRedBlue == .on, toward: options.modelSize,
                                 source: "\(source): frame \(captured + 1)")
        } catch {
            complain("edgeseg camera: \(error.message): skipped")
            pipeline.stats.recordErrorBuffer()
            return
        }
        captured += 1
        let frame = CapturedFrame(image: image, number: captured, name: "frame-" + zeroPadded(captured, 6),
                                  capturedAt: monotonicNanoseconds())
        guard recording else {
            pipeline.stats.recordCaptured()
            pipeline.offer(frame)
            return
        }
        if let fps = options.fps {
            let due = started + UInt64(captured - 1) * 1_000_000_000 / UInt64(fps)
            var now = monotonicNanoseconds()
            while now < due && !pipeline.shouldStop {
                pipeline.reportIfDue()
                es_sleep_ms(Int32(min(200, (due - now) / 1_000_000 + 1)))
                now = monotonicNanoseconds()
            }
            pipeline.stats.recordCaptured()
            pipeline.offer(frame)
        } else {
            _ = pipeline.offerWithoutDropping(frame)   // false: stopping, which wantsMore sees
        }
    }
}
