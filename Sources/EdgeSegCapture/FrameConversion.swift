import CEdgeSeg
import EdgeSegRuntime

/// One captured frame's bytes as an RGB picture, for every source (a V4L2 buffer, a frame read from a pipe):
/// raw formats through `es_frame_to_rgb` at the frame's size; MJPEG (a JPEG file) through libjpeg, decoded
/// straight toward `modelSize` where its DCT scaling allows (nil: full size). `source` names the frame in errors.
func rgbImage(ofFrame bytes: UnsafeRawBufferPointer, fourcc: UInt32, size: ImageSize, bytesPerLine: Int = 0,
              swapRedBlue: Bool, toward modelSize: ImageSize?, source: String) throws(EdgeSegError) -> RGBImage {
    if fourcc == ES_FOURCC_MJPEG {
        var image = try decodeJPEG(bytes, toward: modelSize, source: source)
        if swapRedBlue { exchangeRedAndBlue(&image) }
        return image
    }
    var pixels = [UInt8](repeating: 0, count: size.width * size.height * 3)
    var message = [CChar](repeating: 0, count: 256)
    let rc = pixels.withUnsafeMutableBufferPointer { out in
        message.withUnsafeMutableBufferPointer { error in
            es_frame_to_rgb(fourcc, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count,
                            UInt32(size.width), UInt32(size.height), UInt32(bytesPerLine), swapRedBlue ? 1 : 0,
                            out.baseAddress, error.baseAddress)
        }
    }
    guard rc == 0 else {
        throw EdgeSegError(.image, "\(source): \(message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })")
    }
    return RGBImage(width: size.width, height: size.height, pixels: pixels)
}

private func exchangeRedAndBlue(_ image: inout RGBImage) {
    for i in stride(from: 0, to: image.pixels.count, by: 3) { image.pixels.swapAt(i, i + 2) }
}
