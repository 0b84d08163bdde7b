/// An 8-bit RGB picture: `height` rows of `width` pixels, each three bytes R, G, B (interleaved, no padding).
public struct RGBImage: Equatable, Sendable {
    public var width: Int
    public var height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0 && pixels.count == width * height * 3,
                     "\(pixels.count) bytes do not make a \(width)x\(height) RGB image")
        self.width = width
        self.height = height
        self.pixels = pixels
    }
}
