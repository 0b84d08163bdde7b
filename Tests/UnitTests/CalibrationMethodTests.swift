import EdgeSegQuantize
import EdgeSegRuntime
import Foundation
import TestSupport
import Testing

/// The streaming histogram and the four range methods on synthetic distributions whose answer is known.
@Suite struct CalibrationMethodTests {
    /// Deterministic samples (SplitMix64), so a failure reproduces.
    struct Samples {
        var state: UInt64
        mutating func uniform() -> Double {
            state &+= 0x9E3779B97F4A7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
            z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
        mutating func gaussian() -> Double {
            sqrt(-2 * log(1 - uniform())) * cos(2 * Double.pi * uniform())
        }
    }

    /// A million standard normal values and three far outliers.
    static func gaussianWithOutliers(count: Int = 1_000_000) -> [Float] {
        var r = Samples(state: 7)
        var values = (0..<count).map { _ in Float(r.gaussian()) }
        values += [60, -55, 48]
        return values
    }

    static func histogram(_ values: [Float], bins: Int = 2048, batch: Int = 10_000) -> StreamingHistogram {
        var h = StreamingHistogram(binCount: bins)
        for start in stride(from: 0, to: values.count, by: batch) {
            h.observe(Array(values[start..<min(start + batch, values.count)]))
        }
        return h
    }

    /// Mean squared error of actually quantizing `values` with the parameters for [min, max].
    static func empiricalError(_ values: [Float], _ range: (min: Float, max: Float)) -> Double {
        let q = QuantizationParameters(min: Double(range.min), max: Double(range.max))
        return values.reduce(0.0) { sum, x in
            let e = q.dequantize(q.quantize(Double(x))) - Double(x)
            return sum + e * e
        } / Double(values.count)
    }

    @Test func widenedHistogramEqualsBinningEverythingWithTheFinalEdges() {
        // Batches that keep pushing the range out on both sides, starting from a narrow first batch.
        var r = Samples(state: 1)
        var values: [Float] = []
        for b in 0..<40 { values += (0..<500).map { _ in Float((r.uniform() - 0.3) * Double(b * b + 1)) } }
        values += [.nan, .infinity, -.infinity]
        let h = Self.histogram(values, bins: 256, batch: 500)

        let finite = values.filter(\.isFinite)
        #expect(h.count == UInt64(finite.count))
        #expect(h.nonFiniteCount == 3)
        #expect(h.minimum == finite.min()! && h.maximum == finite.max()!)
        #expect(h.lowerEdge <= Double(h.minimum) && h.upperEdge >= Double(h.maximum))
        var expected = [UInt64](repeating: 0, count: 256)
        for v in finite { expected[min(max(Int(((Double(v) - h.lowerEdge) / h.binWidth).rounded(.down)), 0), 255)] += 1 }
        #expect(h.counts == expected)
        // The data keeps a useful share of the bins after all the widening.
        #expect(h.counts.filter { $0 > 0 }.count >= 100)
    }

    @Test func allEqualAndAllZeroDataHaveUsableScales() {
        for value: Float in [0, 3.5, -2] {
            let h = Self.histogram([Float](repeating: value, count: 1000))
            for method in [CalibrationMethod.minmax, .percentile(99.99), .entropy, .mse] {
                let range = h.clipRange(method)!
                #expect(range.min == value && range.max == value, "\(method) on constant \(value)")
                let q = QuantizationParameters(min: Double(range.min), max: Double(range.max))
                #expect(q.scale > 0 && q.scale.isFinite)
                #expect(abs(q.dequantize(q.quantize(Double(value))) - Double(value)) <= Double(abs(value)) / 254)
            }
        }
        #expect(StreamingHistogram().clipRange(.minmax) == nil)
    }

    @Test(arguments: [(-1.0, 3.0), (0.5, 7.25), (-9.0, -0.01), (-2.117, 2.64), (-1e-4, 5e3), (0, 0)] as [(Double, Double)])
    func zeroPointRepresentsRealZeroExactly(_ lo: Double, _ hi: Double) {
        let q = QuantizationParameters(min: lo, max: hi)
        #expect(q.zeroPoint >= -128 && q.zeroPoint <= 127)
        #expect(q.quantize(0) == Int8(q.zeroPoint))
        #expect(q.dequantize(q.quantize(0)) == 0)
        // The range is covered to within half a step at each end.
        #expect(q.dequantize(-128) <= min(lo, 0) + q.scale / 2)
        #expect(q.dequantize(127) >= max(hi, 0) - q.scale / 2)
        if lo >= 0 { #expect(q.zeroPoint == -128) }
        if hi <= 0 && lo < 0 { #expect(q.zeroPoint == 127) }
    }

    @Test func uniformDataKeepsNearlyTheWholeRangeWithEveryMethod() {
        var r = Samples(state: 3)
        let values = (0..<200_000).map { _ in Float(r.uniform() * 6 - 2) }
        let h = Self.histogram(values)
        let span = h.maximum - h.minimum
        for method in [CalibrationMethod.percentile(99.99), .entropy, .mse] {
            let range = h.clipRange(method)!
            #expect(range.min >= h.minimum && range.max <= h.maximum)
            #expect(range.min - h.minimum <= 0.02 * span && h.maximum - range.max <= 0.02 * span, "\(method): \(range)")
        }
        let p = h.clipRange(.percentile(99.99))!
        #expect(p.min - h.minimum <= 0.001 * span && h.maximum - p.max <= 0.001 * span)
    }

    @Test func outliersAreClippedByPercentileEntropyAndMSE() {
        let values = Self.gaussianWithOutliers()
        let h = Self.histogram(values)
        #expect(h.clipRange(.minmax)! == (-55, 60))
        let p = h.clipRange(.percentile(99.99))!
        #expect(p.max < 10 && p.min > -10, "percentile: \(p)")
        // Entropy's narrowest candidate is 256 of its 512 bins: half the observed span, 57.5 here.
        let entropy = h.clipRange(.entropy)!
        #expect(entropy.max < h.maximum && entropy.min > h.minimum, "entropy: \(entropy) clips nothing")
        #expect(entropy.max - entropy.min >= 57.5 * 0.999, "entropy: \(entropy) is narrower than its narrowest candidate")
        // The 99.99th percentile of a standard normal is 3.72.
        #expect(abs(p.max - 3.72) < 0.2 && abs(p.min + 3.72) < 0.2, "\(p)")
        // MSE weighs each outlier's squared clipping error against the rounding error of all the rest, so it
        // clips less far than the others, but it clips, and its real quantization error is the smaller one.
        let mse = h.clipRange(.mse)!
        #expect(mse.max < h.maximum && mse.min > h.minimum && mse.max > 3 && mse.min < -3, "mse: \(mse)")
        #expect(Self.empiricalError(values, mse) < 0.7 * Self.empiricalError(values, h.clipRange(.minmax)!))
    }

    /// With 64 bins every bin edge is a candidate, so the decomposed search must find the minimum of a plain
    /// evaluation of every pair of bounds.
    @Test(arguments: [UInt64(11), 12, 13])
    func mseEqualsBruteForceOverAllBoundPairs(_ seed: UInt64) {
        var r = Samples(state: seed)
        let values = (0..<20_000).map { _ in Float(r.gaussian() * (r.uniform() < 0.02 ? 6 : 1) + 0.7) }
        let h = Self.histogram(values, bins: 64)
        let edges = (0...64).map { h.edge($0) }
        let lows = [Double(h.minimum)] + edges.filter { $0 > Double(h.minimum) && $0 < 0 } + [0]
        let highs = [0] + edges.filter { $0 < Double(h.maximum) && $0 > 0 } + [Double(h.maximum)]
        var best = (error: Double.infinity, min: 0.0, max: 0.0)
        for a in lows {
            for b in highs {
                // Own formula: bin centres, clipped distance², or step²/12 inside.
                let step = (b - a) / 255
                var sum = 0.0
                for i in 0..<64 {
                    let x = h.center(i), c = Double(h.counts[i])
                    sum += c * (x < a ? (x - a) * (x - a) : x > b ? (x - b) * (x - b) : step * step / 12)
                }
                let error = sum / Double(h.count)
                #expect(abs(error - h.expectedSquaredError(min: a, max: b)) <= 1e-12 * max(error, 1e-30))
                if error < best.error { best = (error, a, b) }
            }
        }
        let chosen = h.clipRange(.mse)!
        let chosenError = h.expectedSquaredError(min: Double(chosen.min), max: Double(chosen.max))
        // The chosen bounds come back as Float, which moves the error a little.
        #expect(abs(chosenError - best.error) <= 1e-6 * best.error, "mse chose \(chosen), brute force \(best)")
        #expect(chosen.max < h.maximum, "the 6σ tail should be clipped: \(chosen) of [\(h.minimum), \(h.maximum)]")
    }

    @Test func entropyOnOneSidedDataMovesOnlyTheUpperBound() {
        // ReLU-like: half zeros, half exponential, plus a far outlier.
        var r = Samples(state: 5)
        var values = (0..<100_000).map { _ in r.uniform() < 0.5 ? 0 : Float(-log(1 - r.uniform())) }
        values.append(80)
        let h = Self.histogram(values)
        let range = h.clipRange(.entropy)!
        #expect(range.min == 0)
        // It clips the outlier, and keeps at least half of the span (256 of its 512 bins).
        #expect(range.max >= 40 * 0.999 && range.max < 80, "\(range)")
    }

    /// Entropy's range must follow the data, not where its range falls on the histogram's power-of-two grid:
    /// scaled by 1.02, this data's span crosses 2048 · 2^-8, so the grid's bins double in width and the data
    /// occupies half of them instead of nearly all; the range must scale with the data, to within 1 % of the
    /// span (KL's minimum is flat, so the resampled counts' small differences move it by a few bins).
    @Test func entropyDoesNotMoveWithTheGrid() {
        var r = Samples(state: 9)
        let values = (0..<200_000).map { _ in Float(min(-log(1 - r.uniform()) * 0.8 - 0.1, 7.85)) } + [7.85]
        let h = Self.histogram(values), scaled = Self.histogram(values.map { $0 * 1.02 })
        #expect(h.occupiedCounts.count > 1900 && scaled.occupiedCounts.count < 1100,
                "the data spans \(h.occupiedCounts.count) and \(scaled.occupiedCounts.count) bins")
        let a = h.clipRange(.entropy)!, b = scaled.clipRange(.entropy)!
        let tolerance = 0.01 * Double(scaled.maximum - scaled.minimum)
        #expect(abs(Double(b.max) - 1.02 * Double(a.max)) <= tolerance, "\(a) scaled by 1.02 against \(b)")
        #expect(abs(Double(b.min) - 1.02 * Double(a.min)) <= tolerance, "\(a) scaled by 1.02 against \(b)")
    }

    @Test func percentileIsMonotoneInP() {
        let h = Self.histogram(Self.gaussianWithOutliers())
        let ranges = [99.0, 99.9, 99.99, 99.999, 100].map { h.clipRange(.percentile($0))! }
        for (a, b) in zip(ranges, ranges.dropFirst()) { #expect(a.max <= b.max && a.min >= b.min) }
        #expect(ranges.last! == (h.minimum, h.maximum))
    }
}

extension QuantizationParameters {
    /// The nearest code (half away from zero), saturated to int8.
    func quantize(_ x: Double) -> Int8 {
        Int8(min(max((x / scale).rounded() + Double(zeroPoint), -128), 127))
    }

    func dequantize(_ q: Int8) -> Double {
        scale * Double(Int32(q) - zeroPoint)
    }
}
