import CEdgeSeg

/// Writes an RGB image as an 8-bit RGB PNG.
public func savePNG(_ image: RGBImage, path: String) throws(EdgeSegError) {
    try encodeAndWrite(image.pixels, width: image.width, height: image.height, format: ES_PNG_RGB8, palette: [], path: path)
}

/// Writes one byte per pixel as an 8-bit grayscale PNG.
public func savePNG(gray values: [UInt8], width: Int, height: Int, path: String) throws(EdgeSegError) {
    try encodeAndWrite(values, width: width, height: height, format: ES_PNG_GRAY8, palette: [], path: path)
}

/// Writes a class mask as an 8-bit palette PNG: each pixel stores its class index (what `loadLabelImage`
/// reads back), and the palette colours it for a viewer. Indices without a palette colour (an ignore
/// label, say) are drawn black.
public func savePNG(classIndices: [UInt8], width: Int, height: Int, palette: Palette, path: String) throws(EdgeSegError) {
    guard palette.colors.count <= 256 else {
        throw EdgeSegError(.usage, "\(path): a PNG palette holds at most 256 colours, this one has \(palette.colors.count)")
    }
    let highest = Int(classIndices.max() ?? 0)
    var table: [UInt8] = []
    for i in 0...max(highest, palette.colors.count - 1) {
        let c = palette.color(of: i) ?? RGBColor(r: 0, g: 0, b: 0)
        table += [c.r, c.g, c.b]
    }
    try encodeAndWrite(classIndices, width: width, height: height, format: ES_PNG_PALETTE8, palette: table, path: path)
}

private func encodeAndWrite(_ pixels: [UInt8], width: Int, height: Int, format: es_png_format, palette: [UInt8],
                            path: String) throws(EdgeSegError) {
    let channels = format == ES_PNG_RGB8 ? 3 : 1
    guard width > 0, height > 0, width <= Int(Int32.max), height <= Int(Int32.max),
          pixels.count == width * height * channels else {
        throw EdgeSegError(.usage, "\(path): \(pixels.count) bytes do not make a \(width)x\(height) image of \(channels) byte(s) per pixel")
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
        throw EdgeSegError(.image, "\(path): cannot encode PNG: \(text)")
    }
    defer { es_image_free(bytes) }
    try writeFileAtomically(path, UnsafeRawBufferPointer(start: bytes, count: encoded.size))
}
