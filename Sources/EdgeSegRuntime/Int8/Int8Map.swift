/// An int8 feature map in token-major layout (HWC), with the zero point of its activation point.
/// The scale lives in the model file's metadata; run time needs only integers.
public struct Int8Map: Sendable {
    public var height: Int
    public var width: Int
    public var channels: Int
    public var zeroPoint: Int32
    public var data: [Int8]

    public init(height: Int, width: Int, channels: Int, zeroPoint: Int32) {
        self.height = height
        self.width = width
        self.channels = channels
        self.zeroPoint = zeroPoint
        self.data = [Int8](repeating: Int8(truncatingIfNeeded: zeroPoint), count: height * width * channels)
    }

    public var tokens: Int { height * width }

    /// The real values, given the map's scale (for error measurements; not on the int8 path).
    public func dequantized(scale: Double) -> FeatureMap {
        FeatureMap(height: height, width: width, channels: channels,
                   data: data.map { Float(scale * Double(Int32($0) - zeroPoint)) })
    }
}
