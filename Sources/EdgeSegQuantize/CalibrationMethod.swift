import EdgeSegRuntime

/// How a histogram becomes the clip range [min, max] that an int8 tensor covers. Every method returns a
/// range inside the observed [minimum, maximum]; `QuantizationParameters(min:max:)` then widens it to 0.
public enum CalibrationMethod: Equatable, Sendable {
    /// The exact observed minimum and maximum: nothing clipped, coarsest steps.
    case minmax
    /// Clips `(100 − p) %` of the values on each tail (p = 99.99 clips 1 in 10 000 at each end).
    case percentile(Double)
    /// TensorRT's entropy calibration: the range whose 256-level quantization loses the least
    /// information (KL divergence from the observed distribution). See `entropyRange`.
    case entropy
    /// The range with the least expected squared error, rounding plus clipping (`expectedSquaredError`).
    case mse

    public static let defaultPercentile = 99.99

    /// Fails for a percentile outside (50, 100].
    public func validate() throws(EdgeSegError) {
        if case .percentile(let p) = self, !(p > 50 && p <= 100) {
            throw EdgeSegError(.usage, "percentile \(p) is outside (50, 100]")
        }
    }

    /// "minmax", "percentile", "entropy", "mse": the names scales.json and the command line use.
    public var name: String {
        switch self {
        case .minmax: "minmax"
        case .percentile: "percentile"
        case .entropy: "entropy"
        case .mse: "mse"
        }
    }
}

/// Codes of an int8 tensor.
let quantizationLevels = 256

extension StreamingHistogram {
    /// The clip range `method` chooses for this distribution; nil if no finite value was observed.
    public func clipRange(_ method: CalibrationMethod) -> (min: Float, max: Float)? {
        guard count > 0 else { return nil }
        switch method {
        case .minmax: return (minimum, maximum)
        case .percentile(let p): return percentileRange(p)
        case .entropy: return entropyRange()
        case .mse: return mseRange()
        }
    }

    // MARK: percentile

    /// Each tail's `(100 − p) %` quantile, linear within a bin. p is clamped to [50, 100].
    func percentileRange(_ p: Double) -> (min: Float, max: Float) {
        let tail = Double(count) * (100 - Swift.min(Swift.max(p, 50), 100)) / 100
        return (clamped(quantile(fromBelow: tail)), clamped(quantile(fromAbove: tail)))
    }

    /// The value with `mass` counts below it.
    private func quantile(fromBelow mass: Double) -> Double {
        var seen = 0.0
        for i in 0..<binCount where counts[i] > 0 {
            let c = Double(counts[i])
            if seen + c >= mass { return edge(i) + (mass - seen) / c * binWidth }
            seen += c
        }
        return upperEdge
    }

    /// The value with `mass` counts above it.
    private func quantile(fromAbove mass: Double) -> Double {
        var seen = 0.0
        for i in stride(from: binCount - 1, through: 0, by: -1) where counts[i] > 0 {
            let c = Double(counts[i])
            if seen + c >= mass { return edge(i + 1) - (mass - seen) / c * binWidth }
            seen += c
        }
        return lowerEdge
    }

    private func clamped(_ x: Double) -> Float {
        Swift.min(Swift.max(Float(x), minimum), maximum)
    }

    // MARK: mse

    /// The mean squared error of quantizing this distribution to int8 over [min, max] (widened to 0, as
    /// `QuantizationParameters` does), with each bin's values taken at its centre: a value outside the range
    /// costs its squared distance to the range, one inside the rounding noise step²/12.
    public func expectedSquaredError(min a: Double, max b: Double) -> Double {
        let step = (Swift.max(b, 0) - Swift.min(a, 0)) / Double(quantizationLevels - 1)
        var sum = 0.0, total = 0.0
        for i in 0..<binCount where counts[i] > 0 {
            let x = center(i), c = Double(counts[i])
            total += c
            sum += x < a ? c * (x - a) * (x - a) : x > b ? c * (x - b) * (x - b) : c * step * step / 12
        }
        return total > 0 ? sum / total : 0
    }

    /// Minimises `expectedSquaredError` over pairs of candidate bounds (`mseCandidates`). The error splits
    /// into a part that depends only on the lower bound, one only on the upper bound and the rounding noise
    /// of what lies between, so each bound's clipping cost is summed once and every pair costs O(1).
    func mseRange() -> (min: Float, max: Float) {
        let lows = boundCandidates(lower: true), highs = boundCandidates(lower: false)
        let below = lows.map { a in clippingCost(a, lower: true) }
        let above = highs.map { b in clippingCost(b, lower: false) }
        let total = counts.reduce(0.0) { $0 + Double($1) }
        var best = (error: Double.infinity, min: minimum, max: maximum)
        for (i, a) in lows.enumerated() {
            for (j, b) in highs.enumerated() {
                let step = (Swift.max(b, 0) - Swift.min(a, 0)) / Double(quantizationLevels - 1)
                let inside = total - below[i].count - above[j].count
                let error = (below[i].cost + above[j].cost + inside * step * step / 12) / total
                if error < best.error { best = (error, Float(a), Float(b)) }
            }
        }
        return (best.min, best.max)
    }

    /// Candidates for one bound: the observed extreme, the bin edges between it and 0, and 0 itself when
    /// the data crosses 0; at most 257 (evenly thinned, the extreme and 0 always kept).
    func boundCandidates(lower: Bool) -> [Double] {
        let extreme = Double(lower ? minimum : maximum)
        let crossesZero = lower ? extreme < 0 : extreme > 0
        guard crossesZero else { return [extreme] }
        let inner = (0...binCount).map(edge).filter { lower ? $0 > extreme && $0 < 0 : $0 < extreme && $0 > 0 }
        let stride = Swift.max(1, (inner.count + 255) / 256)
        let thinned = inner.indices.filter { $0 % stride == 0 }.map { inner[$0] }
        return lower ? [extreme] + thinned + [0] : [0] + thinned + [extreme]
    }

    /// Squared distance to `bound` of the bins (centres) beyond it, and how many values they hold.
    private func clippingCost(_ bound: Double, lower: Bool) -> (cost: Double, count: Double) {
        var cost = 0.0, n = 0.0
        for i in 0..<binCount where counts[i] > 0 {
            let x = center(i)
            guard lower ? x < bound : x > bound else { continue }
            cost += Double(counts[i]) * (x - bound) * (x - bound)
            n += Double(counts[i])
        }
        return (cost, n)
    }

    // MARK: entropy

    /// TensorRT's entropy search (`EntropyHistogram.klRange`) on this distribution resampled to
    /// `EntropyHistogram.binCount` bins spanning exactly [minimum, maximum].
    func entropyRange() -> (min: Float, max: Float) {
        guard minimum < maximum else { return (minimum, maximum) }
        let range = EntropyHistogram(self).klRange()
        return (clamped(range.min), clamped(range.max))
    }
}
