/// A feature map in token-major layout (height × width rows of `channels` floats, i.e. HWC), the layout every
/// kernel uses. PyTorch prints the same data as CHW: `chw()` converts for comparisons.
public struct FeatureMap: Sendable {
    public var height: Int
    public var width: Int
    public var channels: Int
    public var data: [Float]

    public init(height: Int, width: Int, channels: Int, data: [Float]) {
        precondition(data.count == height * width * channels, "feature map size mismatch")
        self.height = height
        self.width = width
        self.channels = channels
        self.data = data
    }

    public init(height: Int, width: Int, channels: Int) {
        self.init(height: height, width: width, channels: channels,
                  data: [Float](repeating: 0, count: height * width * channels))
    }

    /// The same values as a [channels, height, width] tensor.
    public func chw() -> FloatTensor {
        var out = [Float](repeating: 0, count: data.count)
        let plane = height * width
        for p in 0..<plane {
            for c in 0..<channels { out[c * plane + p] = data[p * channels + c] }
        }
        return FloatTensor(shape: [channels, height, width], data: out)
    }

    /// A [channels, height, width] tensor (PyTorch layout) as a feature map.
    public init(chw t: FloatTensor) {
        precondition(t.shape.count == 3, "expected a [C, H, W] tensor")
        let (c, h, w) = (t.shape[0], t.shape[1], t.shape[2])
        var out = [Float](repeating: 0, count: t.count)
        let plane = h * w
        for ch in 0..<c {
            for p in 0..<plane { out[p * c + ch] = t.data[ch * plane + p] }
        }
        self.init(height: h, width: w, channels: c, data: out)
    }
}
