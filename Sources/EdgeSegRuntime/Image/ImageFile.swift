import CEdgeSeg

/// Reads a PNG or JPEG file, told apart by content (not by name), as 8-bit RGB. Alpha is dropped,
/// gray is replicated, 16-bit samples are rounded to 8 bits. An image beyond `PixelBudget` is refused unread.
public func loadImage(path: String) throws(EdgeSegError) -> RGBImage {
    let file = try MappedFile(path: path)
    let decoded: (width: Int, height: Int, values: [UInt8])
    switch try sniffImageFormat(file) {
    case .png: decoded = try decode(file.bytes, source: file.path, format: "PNG", es_png_decode_rgb)
    case .jpeg: decoded = try decode(file.bytes, source: file.path, format: "JPEG", es_jpeg_decode_rgb)
    }
    return RGBImage(width: decoded.width, height: decoded.height, pixels: decoded.values)
}

/// Decodes a JPEG held in memory (an MJPEG camera frame), at full size or, given `toward`, at the smallest of
/// libjpeg's DCT scales (n/8) that still covers that size: a 1280x720 frame for a 320x240 model decodes at
/// 480x270 (3/8), the first scale at least 320 wide and 240 high. `source` names the frame in errors.
public func decodeJPEG(_ bytes: UnsafeRawBufferPointer, toward size: ImageSize?, source: String) throws(EdgeSegError) -> RGBImage {
    let (width, height) = (UInt32(size?.width ?? 0), UInt32(size?.height ?? 0))
    let decoded = try decode(bytes, source: source, format: "JPEG") { es_jpeg_decode_rgb_scaled($0, $1, width, height, $2, $3, $4) }
    return RGBImage(width: decoded.width, height: decoded.height, pixels: decoded.values)
}

/// Reads a label image: one raw 8-bit value per pixel (the gray value, or the palette index of a palette
/// PNG), never colour-converted. Labels must be lossless, so only grayscale or palette PNG is accepted.
public func loadLabelImage(path: String) throws(EdgeSegError) -> (width: Int, height: Int, values: [UInt8]) {
    let file = try MappedFile(path: path)
    switch try sniffImageFormat(file) {
    case .png: return try decode(file.bytes, source: file.path, format: "PNG", es_png_decode_values)
    case .jpeg:
        throw EdgeSegError(.image, "\(path): JPEG label image: class indices need a lossless grayscale or palette PNG")
    }
}

enum ImageFormat { case png, jpeg }

/// PNG's 8-byte signature or JPEG's SOI marker. A PNG cut short inside its signature still counts as PNG,
/// so that libpng can say it is truncated.
func sniffImageFormat(_ file: MappedFile) throws(EdgeSegError) -> ImageFormat {
    let bytes = file.bytes
    if bytes.isEmpty { throw EdgeSegError(.image, "\(file.path): empty file, not a PNG or JPEG image") }
    let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    if bytes.count >= 4 && zip(bytes, png).allSatisfy({ $0 == $1 }) { return .png }
    if bytes.count >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF { return .jpeg }
    throw EdgeSegError(.image, "\(file.path): not a PNG or JPEG image")
}

private typealias Decoder = (UnsafePointer<UInt8>?, Int, UInt64, UnsafeMutablePointer<es_image>?, UnsafeMutablePointer<CChar>?) -> Int32

/// Runs a C decoder on encoded bytes (a mapped file, a camera frame) and copies its pixels out.
private func decode(_ bytes: UnsafeRawBufferPointer, source: String, format: String, _ decoder: Decoder) throws(EdgeSegError)
    -> (width: Int, height: Int, values: [UInt8])
{
    var image = es_image()
    var message = [CChar](repeating: 0, count: Int(ES_IMAGE_ERROR_SIZE))
    let rc = message.withUnsafeMutableBufferPointer { err in
        decoder(bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count, UInt64(PixelBudget.maxPixels), &image,
                err.baseAddress)
    }
    guard rc == 0, let pixels = image.pixels else {
        let text = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        throw EdgeSegError(.image, "\(source): cannot decode \(format): \(text)")
    }
    defer { es_image_free(pixels) }
    let count = Int(image.width) * Int(image.height) * Int(image.channels)
    return (Int(image.width), Int(image.height), Array(UnsafeBufferPointer(start: pixels, count: count)))
}
