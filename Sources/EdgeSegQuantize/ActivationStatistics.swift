import EdgeSegRuntime

/// One histogram per activation point, filled from the fp32 forward's observer. Memory is
/// O(bins × points) however many images pass through.
public final class ActivationStatistics {
    public let names: [String]
    public private(set) var histograms: [StreamingHistogram]
    private let index: [String: Int]

    public init(names: [String], binCount: Int = 2048) {
        self.names = names
        histograms = Array(repeating: StreamingHistogram(binCount: binCount), count: names.count)
        index = Dictionary(names.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { a, _ in a })
    }

    /// Statistics already gathered (read from a shard's part file): one histogram per name.
    public init(names: [String], histograms: [StreamingHistogram]) {
        precondition(names.count == histograms.count, "one histogram per activation point")
        self.names = names
        self.histograms = histograms
        index = Dictionary(names.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { a, _ in a })
    }

    /// Adds another run's histograms, point by point (the same points in the same order, the same bins):
    /// the result is exactly what one run over both runs' images gives.
    public func merge(_ other: ActivationStatistics) {
        precondition(other.names == names, "merging statistics of other activation points")
        for i in histograms.indices { histograms[i].merge(other.histograms[i]) }
    }

    public func histogram(_ name: String) -> StreamingHistogram? {
        index[name].map { histograms[$0] }
    }

    /// Adds one tensor's values to the histogram of `name`; names that are not points are ignored.
    public func observe(_ name: String, _ values: UnsafeBufferPointer<Float>) {
        guard let i = index[name] else { return }
        histograms[i].observe(values)
    }

    /// For `FloatSegFormer.forward(_:observer:)`.
    public var observer: ActivationObserver {
        { [self] name, values in observe(name, values) }
    }

    /// Every point's clip range and quantization by `method`. Fails if a point was never observed or saw
    /// NaN or infinity (the fp32 model itself is then broken for these inputs).
    public func tensorCalibrations(_ method: CalibrationMethod) throws(EdgeSegError) -> [String: TensorCalibration] {
        var tensors: [String: TensorCalibration] = [:]
        for (name, h) in zip(names, histograms) {
            guard h.nonFiniteCount == 0 else {
                throw EdgeSegError(.usage, "activation \(name): \(h.nonFiniteCount) of \(h.count + h.nonFiniteCount) values are NaN or infinite in the fp32 model")
            }
            guard let range = h.clipRange(method) else {
                throw EdgeSegError(.usage, "activation \(name): no values were observed")
            }
            tensors[name] = TensorCalibration(observedMin: h.minimum, observedMax: h.maximum, min: range.min, max: range.max,
                                              parameters: QuantizationParameters(min: Double(range.min), max: Double(range.max)))
        }
        return tensors
    }
}
