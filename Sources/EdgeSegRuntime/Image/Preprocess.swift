/// The per-channel mean and standard deviation of ImageNet (R, G, B) that SegFormer was trained with.
public let imageNetMean: [Float] = [0.485, 0.456, 0.406]
public let imageNetStd: [Float] = [0.229, 0.224, 0.225]

/// THE canonical preprocessing, used by every command: RGB → (only if a size is asked) bilinear resize with
/// half-pixel centres and no antialias, on the 0…255 values as floats (no rounding back to bytes) → /255 →
/// − mean → / std → a [3, H, W] float32 tensor, as `pixel_values` in the reference files.
public func preprocess(_ image: RGBImage, size: ImageSize? = nil) throws(EdgeSegError) -> FloatTensor {
    let (height, width) = size.map { ($0.height, $0.width) } ?? (image.height, image.width)
    guard height > 0, width > 0 else {
        throw EdgeSegError(.usage, "preprocess: cannot resize to \(width)x\(height)")
    }
    guard image.width > 0, image.height > 0 else {
        throw EdgeSegError(.usage, "preprocess: the image is empty (\(image.width)x\(image.height))")
    }
    var samples = [Float](repeating: 0, count: image.pixels.count)
    for i in 0..<samples.count { samples[i] = Float(image.pixels[i]) }
    var map = FeatureMap(height: image.height, width: image.width, channels: 3, data: samples)
    map = resizeBilinear(map, height: height, width: width)

    let plane = height * width
    var out = [Float](repeating: 0, count: 3 * plane)
    for c in 0..<3 {
        let mean = imageNetMean[c], std = imageNetStd[c]
        for p in 0..<plane { out[c * plane + p] = (map.data[3 * p + c] / 255 - mean) / std }
    }
    return FloatTensor(shape: [3, height, width], data: out)
}

/// Reads an image file and preprocesses it (see `preprocess`).
public func preprocessImage(path: String, size: ImageSize? = nil) throws(EdgeSegError) -> FloatTensor {
    try preprocess(loadImage(path: path), size: size)
}
