import CEdgeSeg
import EdgeSegRuntime

/// The distribution of one activation over any number of images, in constant memory: `binCount` equal bins on
/// a fixed grid, plus the exact minimum, maximum and count. Non-finite values are not binned, only counted.
///
/// The grid depends only on the observed minimum and maximum, never on the order or grouping of the values,
/// so histograms of disjoint sets of images `merge` into exactly the histogram of all of them (sharded
/// calibration relies on it). Bins are [k·2^e, (k+1)·2^e) for integers k; e is the smallest exponent (from
/// `lowestExponent`) at which [minimum, maximum] spans at most `binCount` bins and |k| stays below 2^40 (a
/// bound that matters only for a nearly constant tensor); bin 0 is the one holding the minimum. When values
/// widen the range, e grows and every old bin falls entirely into one new bin, so counts stay exact. The
/// data occupies between about half and all of the bins.
public struct StreamingHistogram: Equatable, Sendable {
    public let binCount: Int
    public private(set) var counts: [UInt64]
    /// Bin i covers [(firstBin + i)·2^exponent, (firstBin + i + 1)·2^exponent).
    public private(set) var exponent = lowestExponent
    public private(set) var firstBin: Int64 = 0
    /// Exact smallest and largest finite value seen (+∞ and −∞ while there is none).
    public private(set) var minimum: Float = .infinity
    public private(set) var maximum: Float = -.infinity
    /// Finite values seen.
    public private(set) var count: UInt64 = 0
    /// NaN and ±∞ seen (not in `counts`).
    public private(set) var nonFiniteCount: UInt64 = 0

    /// The finest grid: all-zero tensors get bins 2^-200 wide, which costs nothing.
    public static let lowestExponent = -200

    public init(binCount: Int = 2048) {
        precondition(binCount >= 1 && binCount < 1 << 31, "a histogram needs 1 to 2^31 - 1 bins")
        self.binCount = binCount
        counts = [UInt64](repeating: 0, count: binCount)
    }

    /// 0 until the first finite value arrives.
    public var binWidth: Double { count > 0 ? Self.power(exponent) : 0 }
    /// Left edge of bin 0.
    public var lowerEdge: Double { Double(firstBin) * binWidth }
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
        regrid(minimum: Swift.min(minimum, lo), maximum: Swift.max(maximum, hi))
        counts.withUnsafeMutableBufferPointer { c in
            es_histogram_add_f32(base, values.count, Self.power(-exponent), firstBin, c.baseAddress, binCount)
        }
        count += UInt64(values.count - bad)
    }

    /// Adds another histogram's values: the result equals one histogram that saw both sets of values.
    public mutating func merge(_ other: StreamingHistogram) {
        precondition(other.binCount == binCount, "merging histograms of \(other.binCount) and \(binCount) bins")
        nonFiniteCount += other.nonFiniteCount
        guard other.count > 0 else { return }
        regrid(minimum: Swift.min(minimum, other.minimum), maximum: Swift.max(maximum, other.maximum))
        let shift = Int64(exponent - other.exponent)  // ≥ 0: this grid covers a wider range
        for (i, c) in other.counts.enumerated() where c > 0 {
            counts[Int(((other.firstBin + Int64(i)) >> shift) - firstBin)] += c
        }
        count += other.count
    }

    /// A histogram as `parts` stores it: its grid must be the one its minimum and maximum give, and its
    /// counts (from bin 0 through the maximum's bin) must add up to `count`; the error names the first problem.
    public init(binCount: Int, exponent: Int, firstBin: Int64, occupied: [UInt64], minimum: Float, maximum: Float,
                count: UInt64, nonFiniteCount: UInt64) throws(EdgeSegError) {
        self.init(binCount: binCount)
        self.nonFiniteCount = nonFiniteCount
        guard count > 0 || !occupied.isEmpty || minimum.isFinite || maximum.isFinite else { return }
        guard minimum.isFinite, maximum.isFinite, minimum <= maximum else {
            throw EdgeSegError(.json, "minimum \(minimum) and maximum \(maximum) are not a finite range")
        }
        let grid = Self.grid(minimum: minimum, maximum: maximum, binCount: binCount)
        guard grid.exponent == exponent, grid.firstBin == firstBin else {
            throw EdgeSegError(.json, "grid 2^\(exponent) from bin \(firstBin) is not the one of [\(minimum), \(maximum)] (2^\(grid.exponent) from bin \(grid.firstBin))")
        }
        let lastBin = Int(Self.bin(maximum, exponent) - firstBin)
        guard occupied.count == lastBin + 1 else {
            throw EdgeSegError(.json, "\(occupied.count) counts for the \(lastBin + 1) bins from the minimum's to the maximum's")
        }
        guard occupied.first! > 0, occupied.last! > 0 else {
            throw EdgeSegError(.json, "the minimum's and the maximum's bins must not be empty")
        }
        guard occupied.reduce(0, { $0 &+ $1 }) == count else {
            throw EdgeSegError(.json, "the counts add up to \(occupied.reduce(0, { $0 &+ $1 })), not \(count)")
        }
        self.exponent = exponent
        self.firstBin = firstBin
        self.minimum = minimum
        self.maximum = maximum
        self.count = count
        counts.replaceSubrange(0..<occupied.count, with: occupied)
    }

    /// The counts from bin 0 through the maximum's bin (what `init(binCount:exponent:...)` takes back).
    public var occupiedCounts: [UInt64] {
        count > 0 ? Array(counts[...Int(Self.bin(maximum, exponent) - firstBin)]) : []
    }

    /// Moves the counts onto the grid of [lo, hi], a range holding the current one.
    private mutating func regrid(minimum lo: Float, maximum hi: Float) {
        let grid = Self.grid(minimum: lo, maximum: hi, binCount: binCount)
        defer { (minimum, maximum, exponent, firstBin) = (lo, hi, grid.exponent, grid.firstBin) }
        guard count > 0, grid.exponent != exponent || grid.firstBin != firstBin else { return }
        let shift = Int64(grid.exponent - exponent)
        var rebinned = [UInt64](repeating: 0, count: binCount)
        for (i, c) in counts.enumerated() where c > 0 {
            rebinned[Int(((firstBin + Int64(i)) >> shift) - grid.firstBin)] += c
        }
        counts = rebinned
    }

    /// The grid of [lo, hi]: the smallest exponent e ≥ `lowestExponent` at which the range spans at most
    /// `binCount` bins and max(|lo|, |hi|) < 2^(e+40), and the bin holding lo.
    static func grid(minimum lo: Float, maximum hi: Float, binCount: Int) -> (exponent: Int, firstBin: Int64) {
        let magnitude = Double(Swift.max(abs(lo), abs(hi)))
        let span = Double(hi) - Double(lo)
        var e = Swift.max(lowestExponent, magnitude > 0 ? Int(magnitude.exponent) - 39 : lowestExponent)
        // A start at or below the answer: at e the span needs at least span/2^e − 1 bins.
        if span > 0 { e = Swift.max(e, Int(span.exponent) - (Int.bitWidth - binCount.leadingZeroBitCount) - 2) }
        while bin(hi, e) - bin(lo, e) >= Int64(binCount) { e += 1 }
        return (e, bin(lo, e))
    }

    /// floor(x / 2^e), exact (a float times a power of two is exact in a double for these exponents).
    static func bin(_ x: Float, _ e: Int) -> Int64 {
        Int64((Double(x) * power(-e)).rounded(.down))
    }

    static func power(_ e: Int) -> Double { Double(sign: .plus, exponent: e, significand: 1) }
}
