import EdgeSegRuntime
#if canImport(Glibc)
import Glibc  // log
#elseif canImport(Darwin)
import Darwin
#endif

/// The histogram entropy calibration searches: `binCount` equal bins spanning exactly the observed
/// [minimum, maximum], each grid bin's count spread evenly over the part of its width inside that range
/// (a share to each bin it straddles). It is a function of the merged counts alone, so shards still merge
/// exactly.
///
/// KL's search is discrete, and its bins decide how far it clips: a candidate needs one bin per int8 level
/// (256), and a range's KL measures how uneven the data is inside its levels, which narrower ranges
/// reduce; on SegFormer's GELU outputs, whose long tails are few values that carry features, it clips as far
/// as the bins allow. On the grid, where the data spans half to all of the bins depending on where its range
/// falls, that limit moved with the grid. 512 bins (two per level) keep at least half of the span: on the
/// CamVid eval int8 mIoU 39.04 against 36.39 with 2048 bins (Calibration/README.md has the measurements).
struct EntropyHistogram {
    static let binCount = 2 * quantizationLevels
    /// The least probability Q gives a bin where P has mass (MXNet's smoothing epsilon).
    static let klFloor = 1e-4

    let counts: [Double]
    /// The observed minimum and maximum, exactly.
    let lowerEdge: Double, upperEdge: Double
    let binWidth: Double

    /// Needs `histogram.minimum < histogram.maximum`.
    init(_ histogram: StreamingHistogram) {
        let lo = Double(histogram.minimum), hi = Double(histogram.maximum)
        let n = Self.binCount
        let width = (hi - lo) / Double(n)
        var counts = [Double](repeating: 0, count: n)
        for i in 0..<histogram.binCount where histogram.counts[i] > 0 {
            let c = Double(histogram.counts[i])
            // The values of grid bin i lie in [a, b]: its width, cut to the observed range.
            let a = Swift.max(histogram.edge(i), lo), b = Swift.min(histogram.edge(i + 1), hi)
            let first = Self.index(a, lo, width), last = Self.index(b, lo, width)
            guard b > a, first < last else {
                counts[first] += c
                continue
            }
            for j in first...last {
                let overlap = Swift.min(b, lo + Double(j + 1) * width) - Swift.max(a, lo + Double(j) * width)
                counts[j] += c * Swift.max(overlap, 0) / (b - a)
            }
        }
        self.counts = counts
        (lowerEdge, upperEdge, binWidth) = (lo, hi, width)
    }

    private static func index(_ x: Double, _ lo: Double, _ width: Double) -> Int {
        Swift.min(Swift.max(Int(((x - lo) / width).rounded(.down)), 0), binCount - 1)
    }

    func edge(_ i: Int) -> Double { i == counts.count ? upperEdge : lowerEdge + Double(i) * binWidth }

    /// TensorRT's KL search (Migacz, "8-bit Inference with TensorRT", 2017) on bin-edge thresholds. For a
    /// candidate range of bins [l, r): the reference P is those bins with everything below l added to the
    /// first and everything from r on added to the last; Q merges the bins (without the outliers) into 256
    /// levels and spreads each level's count evenly over its bins where P is nonzero. The range minimising
    /// KL(P‖Q) wins; a range narrower than 256 bins is not a candidate.
    ///
    /// Signed data: first TensorRT's own symmetric search, thresholds ±T (128 of them up to the largest
    /// magnitude, clipped to the data), then coordinate descent for asymmetric data: the best upper bound
    /// with the lower one fixed, then the best lower bound with that upper one, repeated until neither moves
    /// (at most 4 rounds). Bounds stay on their side of 0 (the range must hold 0), so data of one sign only
    /// moves its far tail. Each one-sided search tries at most 128 evenly spaced edges.
    func klRange() -> (min: Double, max: Double) {
        let n = counts.count
        let zeroBin = Swift.min(Swift.max(Int(((0 - lowerEdge) / binWidth).rounded(.down)), 0), n)
        let lowBounds = lowerEdge < 0 ? Array(0...zeroBin) : [0]
        let highBounds = upperEdge > 0 ? Array(Swift.min(zeroBin + 1, n)...n) : [n]

        var l = 0, r = n
        var best = klDivergence(l, r)
        let extent = Swift.max(abs(lowerEdge), abs(upperEdge))
        for k in 1..<128 {
            let t = extent * Double(k) / 128
            let lk = Swift.max(0, Swift.min(lowBounds.last!, Int(((-t - lowerEdge) / binWidth).rounded(.down))))
            let rk = Swift.min(n, Swift.max(highBounds.first!, Int(((t - lowerEdge) / binWidth).rounded(.up))))
            let d = klDivergence(lk, rk)
            if d < best { (best, l, r) = (d, lk, rk) }
        }
        for _ in 0..<4 {
            let newR = bestBound(highBounds, keeping: r) { klDivergence(l, $0) }
            let newL = bestBound(lowBounds, keeping: l) { klDivergence($0, newR) }
            if newR == r && newL == l { break }
            (l, r) = (newL, newR)
        }
        return (edge(l), edge(r))
    }

    /// The candidate with the smallest divergence, trying at most 128 of them and `current`; ties keep `current`.
    private func bestBound(_ candidates: [Int], keeping current: Int, _ divergence: (Int) -> Double) -> Int {
        let stride = Swift.max(1, (candidates.count + 127) / 128)
        var best = (value: divergence(current), bound: current)
        for (k, bound) in candidates.enumerated() where k % stride == 0 && bound != current {
            let d = divergence(bound)
            if d < best.value { best = (d, bound) }
        }
        return best.bound
    }

    /// KL(P‖Q) for the bins [l, r) (see `klRange`); +∞ when the range is too narrow or holds no values.
    func klDivergence(_ l: Int, _ r: Int) -> Double {
        let n = r - l
        guard n >= quantizationLevels || (l == 0 && r == counts.count && n > 0) else { return .infinity }
        let levels = Swift.min(quantizationLevels, n)
        var p = Array(counts[l..<r])
        let inside = p.reduce(0, +)
        guard inside > 0 else { return .infinity }
        p[0] += counts[..<l].reduce(0, +)
        p[n - 1] += counts[r...].reduce(0, +)
        let totalP = p.reduce(0, +)

        var levelMass = [Double](repeating: 0, count: levels), levelNonzero = [Double](repeating: 0, count: levels)
        for j in 0..<n {
            let g = j * levels / n
            levelMass[g] += counts[l + j]
            if p[j] > 0 { levelNonzero[g] += 1 }
        }
        // Where P has mass that Q lacks (outliers folded into an empty edge level), Q gets a small floor,
        // as MXNet's and TensorRT's smoothing does; without it every range ending in a gap would be +∞.
        var q = [Double](repeating: 0, count: n)
        for j in 0..<n where p[j] > 0 {
            let g = j * levels / n
            q[j] = Swift.max(levelMass[g] / levelNonzero[g] / inside, Self.klFloor)
        }
        let totalQ = q.reduce(0, +)
        var kl = 0.0
        for j in 0..<n where p[j] > 0 {
            let pj = p[j] / totalP
            kl += pj * log(pj / (q[j] / totalQ))
        }
        return kl
    }
}
