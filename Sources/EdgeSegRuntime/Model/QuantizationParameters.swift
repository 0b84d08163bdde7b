/// How one int8 activation tensor maps to real values: r = scale · (q − zeroPoint).
public struct QuantizationParameters: Equatable, Sendable {
    public var scale: Double
    public var zeroPoint: Int32

    public init(scale: Double, zeroPoint: Int32) {
        self.scale = scale
        self.zeroPoint = zeroPoint
    }

    /// The int8 parameters for a real range [min, max]: widened to include 0 so that zero (padding, ReLU)
    /// is exactly representable, 256 levels over it, zero point rounded onto the grid.
    public init(min: Double, max: Double) {
        let lo = Swift.min(min, 0), hi = Swift.max(max, 0)
        let scale = hi > lo ? (hi - lo) / 255 : 1
        let zero = (-128 - lo / scale).rounded()
        self.init(scale: scale, zeroPoint: Int32(Swift.max(-128, Swift.min(127, zero))))
    }
}
