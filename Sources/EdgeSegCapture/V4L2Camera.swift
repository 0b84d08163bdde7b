import CEdgeSeg
import EdgeSegRuntime

/// An open, streaming V4L2 camera (through libv4l2), as the capture loop uses it.
final class V4L2Camera {
    /// Why a camera call failed, by what the caller does about it.
    enum Failure: Error {
        /// ENODEV/ENOENT/ENXIO: the device is not there (unplugged).
        case gone(String)
        /// EIO: the stream broke; restarting it may help.
        case streamBroken(String)
        case other(String)

        var message: String {
            switch self {
            case .gone(let m), .streamBroken(let m), .other(let m): m
            }
        }

        init(errno code: Int32, _ message: String) {
            switch es_camera_error_kind(code) {
            case ES_CAMERA_GONE: self = .gone(message)
            case ES_CAMERA_BROKEN: self = .streamBroken(message)
            default: self = .other(message)
            }
        }
    }

    /// What a wait for the next frame gave.
    enum Next {
        case frame(es_camera_frame)
        /// Nothing within the timeout, or a signal interrupted the wait.
        case nothing
    }

    let device: String
    let info: es_camera_info
    private let fpsRequested: Bool
    private var handle: OpaquePointer?

    init(_ options: CameraOptions) throws(Failure) {
        device = options.device
        fpsRequested = options.fps != nil
        var camera: OpaquePointer?
        var info = es_camera_info()
        var message = [CChar](repeating: 0, count: Int(ES_CAMERA_ERROR_SIZE))
        let rc = message.withUnsafeMutableBufferPointer { error in
            es_camera_open(options.device, Int32(options.input ?? -1), options.format.fourcc,
                           UInt32(options.captureSize.width), UInt32(options.captureSize.height), UInt32(options.fps ?? 0),
                           4, &camera, &info, error.baseAddress)
        }
        guard rc == 0, let camera else {
            throw Failure(errno: rc, message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
        }
        self.handle = camera
        self.info = info
        // The driver may pick a size other than the one asked for: the budget applies to what it streams.
        do {
            try PixelBudget.check(ImageSize(width: Int(info.width), height: Int(info.height)),
                                  source: "\(options.device): the frame size the driver chose")
        } catch {
            close()
            throw .other(error.message)
        }
    }

    deinit { close() }

    /// Stops streaming, unmaps and closes (also on deinit).
    func close() {
        es_camera_close(handle)
        handle = nil
    }

    func next(timeoutMs: Int) throws(Failure) -> Next {
        var frame = es_camera_frame()
        let rc = es_camera_dequeue(handle, Int32(timeoutMs), &frame)
        if rc == 0 { return .frame(frame) }
        if es_camera_error_kind(rc) == ES_CAMERA_NO_FRAME { return .nothing }
        throw failure(rc, "VIDIOC_DQBUF")
    }

    func requeue(_ frame: es_camera_frame) throws(Failure) {
        let rc = es_camera_requeue(handle, frame.index)
        if rc != 0 { throw failure(rc, "VIDIOC_QBUF") }
    }

    func restartStreaming() throws(Failure) {
        let rc = es_camera_restart(handle)
        if rc != 0 { throw failure(rc, "restarting the stream") }
    }

    private func failure(_ code: Int32, _ what: String) -> Failure {
        Failure(errno: code, "\(device): \(what): \(String(cString: es_strerror(code)))")
    }

    /// One line on what was negotiated: driver, card, input, format, size, rate, buffers.
    var description: String {
        var i = info
        let driver = withUnsafeBytes(of: &i.driver) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let card = withUnsafeBytes(of: &i.card) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let input = withUnsafeBytes(of: &i.input_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let rate = info.fps_denominator > 0
            ? fixed(Double(info.fps_numerator) / Double(info.fps_denominator), 1) + " fps" + (fpsRequested && info.fps_was_set == 0 ? " (the requested rate was refused: VIDIOC_S_PARM failed)" : "")
            : "rate unknown (no VIDIOC_G_PARM)"
        return "\(device): \(driver) '\(card)'" + (info.input >= 0 ? ", input \(info.input) '\(input)'" : "")
            + ", \(fourccName(info.fourcc)) \(info.width)x\(info.height), \(rate), \(info.buffer_count) buffers"
    }

    var driverName: String {
        var i = info
        return withUnsafeBytes(of: &i.driver) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}

extension V4L2Camera {
    /// The frame's pixels as RGB (converted from the negotiated format; MJPEG decoded toward `modelSize`), R and B
    /// exchanged if asked.
    func image(of frame: es_camera_frame, swapRedBlue: Bool, toward modelSize: ImageSize?) throws(EdgeSegError) -> RGBImage {
        try rgbImage(ofFrame: UnsafeRawBufferPointer(start: frame.data, count: Int(frame.bytes_used)), fourcc: info.fourcc,
                     size: ImageSize(width: Int(info.width), height: Int(info.height)), bytesPerLine: Int(info.bytes_per_line),
                     swapRedBlue: swapRedBlue, toward: modelSize, source: "\(device): frame \(frame.sequence)")
    }
}
