import CEdgeSeg

/// The frame format `--format` asks the camera for, or that a `--source` pipe sends. `auto` asks libv4l2 for
/// RGB24, which it converts from whatever the driver offers (MJPEG, YUYV, NV12...); the others ask the driver
/// for that format itself and convert it here (`FrameConversion`). i420 is V4L2's YU12 (planar 4:2:0, what
/// `rpicam-vid --codec yuv420` and ffmpeg's `yuv420p` write).
public enum PixelFormat: String, Equatable, Sendable, CaseIterable {
    case auto, yuyv, mjpeg, nv12, i420, rgb24, bgr24

    /// The V4L2 fourcc requested.
    var fourcc: UInt32 {
        switch self {
        case .auto, .rgb24: ES_FOURCC_RGB24
        case .bgr24: ES_FOURCC_BGR24
        case .yuyv: ES_FOURCC_YUYV
        case .mjpeg: ES_FOURCC_MJPEG
        case .nv12: ES_FOURCC_NV12
        case .i420: ES_FOURCC_I420
        }
    }

    /// A board profile's fourcc ("YUYV", "MJPG", "NV12", "YU12", "RGB3", "BGR3"), or nil if the camera path has no such format.
    init?(fourccName: String) {
        switch fourccName.uppercased() {
        case "YUYV": self = .yuyv
        case "MJPG": self = .mjpeg
        case "NV12": self = .nv12
        case "YU12": self = .i420
        case "RGB3": self = .rgb24
        case "BGR3": self = .bgr24
        default: return nil
        }
    }
}

/// "YUYV" for a fourcc code, as V4L2 tools print it.
func fourccName(_ code: UInt32) -> String {
    var text = ""
    for shift in stride(from: 0, to: 32, by: 8) {
        let byte = UInt8(truncatingIfNeeded: code >> UInt32(shift)) & 0x7f
        text.append(Character(Unicode.Scalar(byte >= 0x20 ? byte : UInt8(ascii: "?"))))
    }
    return text
}
