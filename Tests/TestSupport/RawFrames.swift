import CEdgeSeg
import EdgeSegRuntime
import Testing

// Raw video frames as a camera pipe (`camera --source -`) or a C API caller passes them, made from pictures by
// the tests, and the picture each one holds.

/// The picture a raw frame of `format` (i420, nv12, yuyv, rgb24, bgr24) holds, as the camera and the C API decode it.
public func rgbPicture(of frame: [UInt8], format: String, size: ImageSize) throws -> RGBImage {
    let fourcc = ["i420": ES_FOURCC_I420, "nv12": ES_FOURCC_NV12, "yuyv": ES_FOURCC_YUYV, "rgb24": ES_FOURCC_RGB24,
                  "bgr24": ES_FOURCC_BGR24][format]!
    try #require(frame.count == es_frame_size(fourcc, UInt32(size.width), UInt32(size.height)))
    var rgb = [UInt8](repeating: 0, count: size.width * size.height * 3)
    var message = [CChar](repeating: 0, count: 256)
    let rc = es_frame_to_rgb(fourcc, frame, frame.count, UInt32(size.width), UInt32(size.height), 0, 0, &rgb, &message)
    try #require(rc == 0, "\(message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })")
    return RGBImage(width: size.width, height: size.height, pixels: rgb)
}

/// A picture as one raw frame of `format`, as ffmpeg's rawvideo writes it: packed RGB or BGR, or BT.601
/// limited-range YUV with the chroma averaged over each 2x2 (I420, NV12) or 2x1 (YUYV) block.
public func rawFrame(_ picture: RGBImage, format: String) -> [UInt8] {
    let (w, h) = (picture.width, picture.height)
    func rgb(_ x: Int, _ y: Int) -> (Double, Double, Double) {
        let i = (y * w + x) * 3
        return (Double(picture.pixels[i]), Double(picture.pixels[i + 1]), Double(picture.pixels[i + 2]))
    }
    func byte(_ v: Double) -> UInt8 { UInt8(max(0, min(255, v.rounded()))) }
    func luma(_ x: Int, _ y: Int) -> UInt8 {
        let (r, g, b) = rgb(x, y)
        return byte(16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255)
    }
    /// U and V averaged over the pixels of a block.
    func chroma(_ xs: ClosedRange<Int>, _ ys: ClosedRange<Int>) -> (UInt8, UInt8) {
        var (u, v, n) = (0.0, 0.0, 0.0)
        for y in ys where y < h { for x in xs where x < w {
            let (r, g, b) = rgb(x, y)
            u += 128 + (-37.797 * r - 74.203 * g + 112 * b) / 255
            v += 128 + (112 * r - 93.786 * g - 18.214 * b) / 255
            n += 1
        } }
        return (byte(u / n), byte(v / n))
    }
    switch format {
    case "rgb24": return picture.pixels
    case "bgr24":
        var bgr = picture.pixels
        for i in stride(from: 0, to: bgr.count, by: 3) { bgr.swapAt(i, i + 2) }
        return bgr
    case "yuyv":
        var out: [UInt8] = []
        for y in 0..<h { for x in stride(from: 0, to: w, by: 2) {
            let (u, v) = chroma(x...(x + 1), y...y)
            out += [luma(x, y), u, luma(x + 1, y), v]
        } }
        return out
    default:   // i420, nv12
        var lumaPlane: [UInt8] = [], us: [UInt8] = [], vs: [UInt8] = [], interleaved: [UInt8] = []
        for y in 0..<h { for x in 0..<w { lumaPlane.append(luma(x, y)) } }
        for y in stride(from: 0, to: h, by: 2) { for x in stride(from: 0, to: w, by: 2) {
            let (u, v) = chroma(x...(x + 1), y...(y + 1))
            us.append(u); vs.append(v); interleaved += [u, v]
        } }
        return format == "i420" ? lumaPlane + us + vs : lumaPlane + interleaved
    }
}
