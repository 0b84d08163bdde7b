/// Writes an RGB image as an 8-bit RGB PNG.
public func savePNG(_ image: RGBImage, path: String) throws(EdgeSegError) {
    try writeFileAtomically(path, try encodePNG(image, source: path))
}

/// Writes one byte per pixel as an 8-bit grayscale PNG.
public func savePNG(gray values: [UInt8], width: Int, height: Int, path: String) throws(EdgeSegError) {
    try writeFileAtomically(path, try encodePNG(gray: values, width: width, height: height, source: path))
}

/// Writes a class mask as an 8-bit palette PNG (see `encodePNG(classIndices:...)`).
public func savePNG(classIndices: [UInt8], width: Int, height: Int, palette: Palette, path: String) throws(EdgeSegError) {
    try writeFileAtomically(path, try encodePNG(classIndices: classIndices, width: width, height: height, palette: palette, source: path))
}
