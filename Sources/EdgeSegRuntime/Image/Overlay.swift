/// The image with each pixel tinted by its class colour: image × (1 − alpha) + colour × alpha, rounded.
/// Pixels whose class has no palette colour (an ignore label, say) keep the image's colour.
public func overlay(_ image: RGBImage, classIndices: [UInt8], palette: Palette, alpha: Float = 0.5)
    throws(EdgeSegError) -> RGBImage
{
    guard classIndices.count == image.width * image.height else {
        throw EdgeSegError(.usage, "overlay: \(classIndices.count) class indices for a \(image.width)x\(image.height) image")
    }
    guard alpha >= 0 && alpha <= 1 else {
        throw EdgeSegError(.usage, "overlay: alpha \(alpha) is outside [0, 1]")
    }
    var out = image
    out.pixels.withUnsafeMutableBufferPointer { px in
        for (i, index) in classIndices.enumerated() {
            guard let c = palette.color(of: Int(index)) else { continue }
            let colour = [c.r, c.g, c.b]
            for k in 0..<3 {
                let blended = Float(px[3 * i + k]) * (1 - alpha) + Float(colour[k]) * alpha
                px[3 * i + k] = UInt8(blended + 0.5)
            }
        }
    }
    return out
}
