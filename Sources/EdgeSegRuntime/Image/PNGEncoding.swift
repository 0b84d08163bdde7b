import CEdgeSeg

/// An RGB image as the bytes of an 8-bit RGB PNG file. `source` (a path, say) is named in errors.
public func encodePNG(_ image: RGBImage, source: String = "image") throws(EdgeSegError) -> [UInt8] {
    try encodePNG(image.pixels, width: image.width, height: image.height, format: ES_PNG_RGB8, palette: [], source: source)
}

/// One byte per pixel as the bytes of an 8-bit grayscale PNG file.
public func encodePNG(gray values: [UInt8], width: Int, height: Int, source: String = "image") throws(EdgeSegError) -> [UInt8] {
    try encodePNG(values, width: width, height: height, format: ES_PNG_GRAY8, palette: [], source: source)
}

/// A class mask as the bytes of an 8-bit palette PNG file: each pixel stores its class index (what
/// `loadLabelImage` reads back), and the palette colours it for a viewer. Indices without a palette
/// colour (an ignore label, say) are drawn black.
public func encodePNG(classIndices: [UInt8], width: Int, height: Int, palette: Palette,
                      source: String = "image") throws(EdgeSegError) -> [UInt8] {
    guard palette.colors.count <= 256 else {
        throw EdgeSegError(.usage, "\(source): a PNG palette holds at most 256 colours, this one has \(palette.colors.count)")
    }
    let highest = Int(classIndices.max() ?? 0)
    var table: [UInt8] = []
    for i in 0...max(highest, palette.colors.count - 1) {
        let c = palette.color(of: i) ?? RGBColor(r: 0, g: 0, b: 0)
        table += [c.r, c.g, c.b]
    }
    return try encodePNG(classIndices, width: width, height: height, format: ES_PNG_PALETTE8, palette: table, source: source)
}

private func encodePNG(_ pixels: [UInt8], width: Int, height: Int, format: es_png_format, palette: [UInt8],
                       source: String) throws(EdgeSegError) -> [UInt8] {
    let channels = format == ES_PNG_RGB8 ? 3 : 1
    guard width > 0, height > 0, width <= Int(Int32.max), height <= Int(Int32.max),
          pixels.count == width * height * channels else {
        throw EdgeSegError(.usage, "\(source): \(pixels.count) bytes do not make a \(width)x\(height) image of \(channels) byte(s) per pixel")
    }
    var encoded = es_encoded()
    var message = [CChar](repeating: 0, count: Int(ES_IMAGE_ERROR_SIZE))
    let rc = pixels.withUnsafeBufferPointer { px in
        palette.withUnsafeBufferPointer { pal in
            message.withUnsafeMutableBufferPointer { err in
                es_png_encode(px.baseAddress, Int32(width), Int32(height), format, pal.baseAddress,
                              Int32(palette.count / 3), &encoded, err.baseAddress)
            }
        }
    }
    guard rc == 0, let bytes = encoded.bytes else {
        let text = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        throw EdgeSegError(.image, "\(source): cannot encode PNG: \(text)")
    }
    defer { es_image_free(bytes) }
    return Array(UnsafeBufferPointer(start: bytes, count: encoded.size))
}
