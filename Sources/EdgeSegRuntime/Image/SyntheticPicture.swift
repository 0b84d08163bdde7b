/// A deterministic street-like picture for timing without an image file: smooth gradients plus a fixed
/// pseudo-random texture, the same bytes on every machine.
public func syntheticPicture(_ size: ImageSize) -> RGBImage {
    let (height, width) = (size.height, size.width)
    var state: UInt32 = 0x2545_F491
    var pixels = [UInt8](repeating: 0, count: height * width * 3)
    for y in 0..<height {
        for x in 0..<width {
            state = state &* 1_664_525 &+ 1_013_904_223
            let noise = Int(state >> 27)
            let i = (y * width + x) * 3
            pixels[i] = UInt8(min(255, 40 + 180 * y / height + noise))
            pixels[i + 1] = UInt8(min(255, 60 + 120 * x / width + noise))
            pixels[i + 2] = UInt8(min(255, 200 - 150 * y / height + noise))
        }
    }
    return RGBImage(width: width, height: height, pixels: pixels)
}
