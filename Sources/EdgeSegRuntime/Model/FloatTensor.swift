/// A dense float32 tensor in row-major order. Owns its storage.
public struct FloatTensor: Equatable, Sendable {
    public var shape: [Int]
    public var data: [Float]

    public init(shape: [Int], data: [Float]) {
        precondition(shape.reduce(1, *) == data.count, "shape \(shape) does not match \(data.count) values")
        self.shape = shape
        self.data = data
    }

    public init(zeros shape: [Int]) {
        self.shape = shape
        self.data = [Float](repeating: 0, count: shape.reduce(1, *))
    }

    public var count: Int { data.count }

    /// Throws unless every value is finite: a NaN or infinite weight would silently poison every result.
    /// `name` says which tensor of which file.
    public func checkFinite(_ name: String) throws(EdgeSegError) {
        guard let i = data.firstIndex(where: { !$0.isFinite }) else { return }
        throw EdgeSegError(.checkpoint, "\(name): element \(i) is \(data[i]), weights must be finite")
    }
}

/// Formats a shape as PyTorch prints it: `[256, 32, 1, 1]`.
public func describeShape(_ shape: [Int]) -> String {
    var s = "["
    for (i, d) in shape.enumerated() { s += (i > 0 ? ", " : "") + "\(d)" }
    return s + "]"
}
