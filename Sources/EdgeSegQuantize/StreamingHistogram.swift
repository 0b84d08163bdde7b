import CEdgeSeg

/// The distribution of one activation over any number of images, in constant memory: a fixed number of
/// equal bins over a range that widens when new values fall outside it, plus the exact minimum, maximum
/// and count. Non-finite values are not binned, only counted.
///
/// Widening keeps the counts exact: the new bin width is a whole multiple k of the old one and the new
/// lower edge lies a whole number of old bins below the old one, so every old bin falls entirely inside
/// one new bin (PyTorch's HistogramObserver instead interpolates counts across bin boundaries). The cost
/// is resolution: after widening, the data can occupy as few as about half of the bins; the spare room is
/// split between both ends so that later growth is absorbed.
public struct StreamingHistogram: Equatable, Sendable {
    public let binCount: Int
    public private(set) var counts: [UInt64]
    /// Left edge of bin 0; bin i covers [lowerEdge + i·binWidth, lowerEdge + (i+1)·binWidth).
    /// The largest value lands in the last bin even if rounding puts it on the upper edge.
    public private(set) var lowerEdge: Double = 0
    /// 0 until the first finite value arrives.
    public private(set) var binWidth: Double = 0
    /// Exact smallest and largest finite value seen (+∞ and −∞ while there is none).
    public private(set) var minimum: Float = .infinity
    public private(set) var maximum: Float = -.infinity
    /// Finite values seen.
    public private(set) var count: UInt64 = 0
    /// NaN and ±∞ seen (not in `counts`).
    public private(set) var nonFiniteCount: UInt64 = 0

    public init(binCount: Int = 2048) {
        precondition(binCount >= 1 && binCount < 1 << 31, "a histogram needs 1 to 2^31 - 1 bins")
        self.binCount = binCount
        counts = [UInt64](repeating: 0, count: binCount)
    }

    public var upperEdge: Double { lowerEdge + Double(binCount) * binWidth }
    public func edge(_ i: Int) -> Double { lowerEdge + Double(i) * binWidth }
    public func center(_ i: Int) -> Double { lowerEdge + (Double(i) + 0.5) * binWidth }

    public mutating func observe(_ values: [Float]) {
        values.withUnsafeBufferPointer { observe($0) }
    }

    public mutating func observe(_ values: UnsafeBufferPointer<Float>) {
        guard let base = values.baseAddress, values.count > 0 else { return }
        var lo = Float.infinity, hi = -Float.infinity
        let bad = es_f32_finite_range(base, values.count, &lo, &hi)
        nonFiniteCount += UInt64(bad)
        guard lo <= hi else { return }  // nothing finite
        if binWidth == 0 {
            start(lo, hi)
        } else if Double(lo) < lowerEdge || Double(hi) > upperEdge {
            widen(to: Double(lo), Double(hi))
        }
        counts.withUnsafeMutableBufferPointer { c in
            es_histogram_add_f32(base, values.count, lowerEdge, 1 / binWidth, c.baseAddress, binCount)
        }
        minimum = Swift.min(minimum, lo)
        maximum = Swift.max(maximum, hi)
        count += UInt64(values.count - bad)
    }

    /// The first range: exactly the first values' extent, or a narrow one around a single value.
    private mutating func start(_ lo: Float, _ hi: Float) {
        let span = Double(hi) - Double(lo)
        if span > 0 {
            lowerEdge = Double(lo)
            binWidth = span / Double(binCount)
        } else {
            let width = Swift.max(abs(Double(lo)), 1e-6) * 0x1p-20
            lowerEdge = Double(lo) - width / 2
            binWidth = width / Double(binCount)
        }
    }

    /// Widens the range to cover [lo, hi] and merges the old bins into the new ones (see the type's note).
    private mutating func widen(to lo: Double, _ hi: Double) {
        let below = lo < lowerEdge ? (lowerEdge - lo) / binWidth : 0  // old bins to add under the range
        let merged = (Swift.max(hi, upperEdge) - Swift.min(lo, lowerEdge)) / binWidth  // old bins to cover
        var k = (merged / Double(binCount)).rounded(.up)
        guard below.rounded(.up) + merged + k < 0x1p52 else {
            // A jump of more than 2^52 bins: the old range is a point at the new scale.
            let old = counts.reduce(0, +), oldCenter = (lowerEdge + upperEdge) / 2
            lowerEdge = Swift.min(lo, lowerEdge)
            binWidth = (Swift.max(hi, upperEdge) - lowerEdge) / Double(binCount)
            counts = [UInt64](repeating: 0, count: binCount)
            counts[Swift.min(Int((oldCenter - lowerEdge) / binWidth), binCount - 1)] = old
            return
        }
        // The spare room of the wider range goes half below, half above, so data that keeps spreading both
        // ways does not widen (and coarsen) the histogram at every batch.
        var m = 0
        while true {
            m = Int((below + (k * Double(binCount) - merged) / 2).rounded(.up))
            let newLower = lowerEdge - Double(m) * binWidth
            if m + binCount <= Int(k) * binCount && newLower <= lo && newLower + k * Double(binCount) * binWidth >= hi { break }
            k += 1
        }
        let factor = Int(k)
        var rebinned = [UInt64](repeating: 0, count: binCount)
        for (i, c) in counts.enumerated() where c > 0 { rebinned[(m + i) / factor] += c }
        counts = rebinned
        lowerEdge -= Double(m) * binWidth
        binWidth *= k
    }
}
