import CEdgeSeg
import Foundation
import TestSupport
import Testing

/// Q·Kᵀ, integer exp, softmax weights, P·V and its normalisation of the int8 reference kernels.
@Suite struct Int8AttentionTests {
    /// Every t in [-31·2^16 − 1000, 0]: table rounding 2^-31, Taylor remainder < 2^-29.5 and four
    /// rounded Q30 products give a relative error <= 2^-27 before the final shift, which adds <= 2^-31:
    /// |exp2(t) − 2^(t/2^16)| <= 2^(t/2^16) · 2^-27 + 2^-31 (in units of 1 = 2^30).
    @Test func exp2AllInputs() {
        #expect(es_q30_exp2(0) == 1 << 30)
        #expect(es_q30_exp2(-65536) == 1 << 29)
        var misses = 0
        for t in Int32(-31 * 65536 - 1000)...0 {
            let exact = exp2(Double(t) / 65536), got = Double(es_q30_exp2(t)) * 0x1p-30
            if abs(got - exact) > exact * 0x1p-27 + 0x1p-31 { misses += 1 }
        }
        #expect(misses == 0)
    }

    /// Softmax weights relative to the row maximum (QUANTIZATION.md): exponents in Q16 are within 1/2 + 2^-10
    /// of exact, so each term is within ρ = ln2 · (1/2 + 2^-10) · 2^-16 + 2^-27 relative and 2^-31 absolute
    /// (the maximum term is exactly 1); scaling by 255 and one rounding give |w − 255 e| <= 1/2 + 255 (ρ e + 2^-31).
    func checkSoftmaxWeights(_ scores: [Int32], rows: Int, scale: Double, _ what: String) {
        let n = scores.count / rows
        var rq = es_requant()
        #expect(es_qs32_softmax_init(scale, &rq) == 0)
        var w = [UInt8](repeating: 0, count: scores.count)
        var sums = [UInt32](repeating: 0, count: rows), maxima = [Int32](repeating: 0, count: rows)
        var o = [Int32](repeating: 99, count: rows)   // one accumulator per row, zeroed by the first tile
        es_qs32_softmax_online_rndnu_scalar(rows, n, scores, n, rq, 1, &maxima, &sums, &o, 1, 1, &w, n)
        #expect(o == [Int32](repeating: 0, count: rows), "\(what): the first tile zeroes the accumulators")
        let rho = M_LN2 * (0.5 + 0x1p-10) * 0x1p-16 + 0x1p-27
        var misses = 0
        for r in 0..<rows {
            let row = scores[(r * n)..<(r * n + n)].map(Double.init)
            let top = row.max()!
            let weights = w[(r * n)..<(r * n + n)]
            for j in 0..<n {
                let e = exp(scale * (row[j] - top))
                if abs(Double(weights[r * n + j]) - 255 * e) > 0.5 + 255 * (rho * e + 0x1p-31) + 1e-9 { misses += 1 }
            }
            #expect(weights.max() == 255, "\(what): the row maximum has weight 255")
            #expect(maxima[r] == scores[(r * n)..<(r * n + n)].max(), "\(what): running max")
            #expect(sums[r] == weights.reduce(0) { $0 + UInt32($1) }, "\(what): row sum")
        }
        #expect(misses == 0, "\(what): \(misses) weights out of bound")
    }

    @Test(arguments: [1, 2, 7, 64, 256, 1000])
    func softmaxWeightsRandom(n: Int) {
        var rng = SeededGenerator(seed: UInt64(n))
        for (spread, scale) in [(2000, 2e-3), (200_000, 1e-4), (50, 0.1)] {
            let scores = (0..<3 * n).map { _ in Int32.random(in: Int32(-spread)...Int32(spread), using: &rng) }
            checkSoftmaxWeights(scores, rows: 3, scale: scale, "n=\(n) spread \(spread)")
        }
    }

    @Test func softmaxWeightsEdges() {
        let n = 50
        checkSoftmaxWeights([Int32](repeating: 7, count: n), rows: 1, scale: 1e-3, "uniform")
        checkSoftmaxWeights([Int32.max] + [Int32](repeating: .min, count: n - 1), rows: 1, scale: 1e-3, "one dominant")
        checkSoftmaxWeights((0..<n).map { $0 % 2 == 0 ? .max : .min }, rows: 1, scale: 1e-9, "extremes, tiny scale")
        checkSoftmaxWeights((0..<n).map { Int32($0) * 1000 }, rows: 1, scale: 1e-3, "ramp")
        var rq = es_requant(), w = [UInt8](repeating: 0, count: n), sum: UInt32 = 0, max: Int32 = 0, o: Int32 = 0
        #expect(es_qs32_softmax_init(1e-3, &rq) == 0)
        es_qs32_softmax_online_rndnu_scalar(1, n, [Int32.max] + [Int32](repeating: .min, count: n - 1), n, rq, 1, &max, &sum,
                                            &o, 1, 1, &w, n)
        #expect(w == [255] + [UInt8](repeating: 0, count: n - 1))
        #expect(sum == 255)
        #expect(es_qs32_softmax_init(0, &rq) == -1)
    }

    /// y = z + round(o · M / sum): the row multiplier m_row = round(m · 2^u / sum) lies in [2^30, 2^31), so
    /// it is within 2^-31 relative of m/sum, and m within 2^-31 of M·2^shift: with one rounding,
    /// |y − (z + o·M/sum)| <= 1/2 + |o·M/sum| · 2^-29.
    @Test(arguments: [(1, 1, 255), (3, 17, 1000), (5, 32, 255 * 4096), (2, 8, 300)])
    func attentionNormalize(_ rows: Int, _ d: Int, _ maxSum: Int) {
        var rng = SeededGenerator(seed: UInt64(rows * 100 + d))
        for real in [1.0, 0.37, 3e-3, 40.0] {
            let sums = (0..<rows).map { _ in UInt32.random(in: 255...UInt32(maxSum), using: &rng) }
            let o = (0..<rows * d).map { i in Int32.random(in: -Int32(sums[i / d]) * 255...Int32(sums[i / d]) * 255, using: &rng) }
            let rq = Int8Test.requant(real), out = Int8Test.out(zeroPoint: 5)
            var y = [Int8](repeating: 0, count: rows * d)
            es_qs32_attention_normalize_rndnu_scalar(rows, d, o, d, sums, rq, out, &y, d)
            let exact = o.indices.map { 5 + Double(o[$0]) * real / Double(sums[$0 / d]) }
            let bound = exact.map { 0.5 + abs($0 - 5) * 0x1p-29 }
            Int8Test.expectWithin(y, exact, bound, out, "normalize rows \(rows) d \(d) M \(real)")
        }
    }

    /// Integer results, so exact: s = Σ (q − z_q)(k − z_k) on channel slices (one head of several).
    @Test func scoresAndValues() {
        var rng = SeededGenerator(seed: 5)
        let (nq, nk, d, channels, offset) = (7, 5, 17, 40, 11)  // the head is channels [11, 28)
        let q = Int8Test.codes(nq * channels, &rng), k = Int8Test.codes(nk * channels, &rng)
        let (zq, zk) = (Int32(-3), Int32(12))
        var s = [Int32](repeating: 0, count: nq * nk)
        q.withUnsafeBufferPointer { qp in
            k.withUnsafeBufferPointer { kp in
                es_qs8_qk_scalar(nq, nk, d, qp.baseAddress! + offset, channels, zq, kp.baseAddress! + offset, channels, zk, &s, nk)
            }
        }
        let expectedS = (0..<nq * nk).map { ij -> Int32 in
            let (i, j) = (ij / nk, ij % nk)
            return (0..<d).reduce(Int32(0)) { $0 + (Int32(q[i * channels + offset + $1]) - zq) * (Int32(k[j * channels + offset + $1]) - zk) }
        }
        #expect(s == expectedS)

        let p = (0..<nq * nk).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let v = Int8Test.codes(nk * channels, &rng), zv = Int32(-100)
        let start = (0..<nq * d).map { _ in Int32.random(in: -1000...1000, using: &rng) }
        var o = start
        v.withUnsafeBufferPointer { vp in es_qu8_pv_scalar(nq, nk, d, p, nk, vp.baseAddress! + offset, channels, zv, &o, d) }
        let expectedO = (0..<nq * d).map { ic -> Int32 in
            let (i, c) = (ic / d, ic % d)
            return (0..<nk).reduce(start[ic]) { $0 + Int32(p[i * nk + $1]) * (Int32(v[$1 * channels + offset + c]) - zv) }
        }
        #expect(o == expectedO)
    }

    /// The largest Q·Kᵀ the header allows: d = 32768 with every |code − zero point| = 255.
    @Test func scoresAtTheOverflowLimit() {
        let d = 32768
        var s: [Int32] = [0]
        es_qs8_qk_scalar(1, 1, d, [Int8](repeating: -128, count: d), d, 127, [Int8](repeating: 127, count: d), d, -128, &s, 1)
        #expect(s == [-255 * 255 * Int32(d)])
    }

    /// Softmax·V of one head over `keys` keys, normalised to int8: in one tile of all keys, or streamed in
    /// tiles of `tile` keys with the online rescaling.
    static func context(_ scores: [Int32], _ v: [Int8], rows: Int, keys: Int, d: Int, tile: Int, rq: es_requant,
                        normalize: es_requant, out: es_qs8_out) -> [Int8] {
        var maxima = [Int32](repeating: 0, count: rows), sums = [UInt32](repeating: 0, count: rows)
        var o = [Int32](repeating: 0, count: rows * d), w = [UInt8](repeating: 0, count: rows * tile)
        for start in stride(from: 0, to: keys, by: tile) {
            let cols = min(tile, keys - start)
            let block = (0..<rows).flatMap { r in scores[(r * keys + start)..<(r * keys + start + cols)] }
            es_qs32_softmax_online_rndnu_scalar(rows, cols, block, cols, rq, start == 0 ? 1 : 0, &maxima, &sums, &o, d, d, &w, cols)
            v.withUnsafeBufferPointer { vp in es_qu8_pv_scalar(rows, cols, d, w, cols, vp.baseAddress! + start * d, d, 3, &o, d) }
        }
        var y = [Int8](repeating: 0, count: rows * d)
        es_qs32_attention_normalize_rndnu_scalar(rows, d, o, d, sums, normalize, out, &y, d)
        return y
    }

    /// Streaming over key tiles (QUANTIZATION.md): rows whose maximum lies in the first tile are never rescaled
    /// and equal the one-pass result exactly; rows whose maximum comes later differ by at most one code.
    @Test(arguments: [(1000, 256), (1024, 256), (300, 7), (257, 256)])
    func streamedContextMatchesOnePass(keys: Int, tile: Int) {
        var rng = SeededGenerator(seed: UInt64(keys * 7 + tile))
        let (rows, d) = (16, 24)
        var rq = es_requant()
        #expect(es_qs32_softmax_init(2e-3, &rq) == 0)
        let normalize = Int8Test.requant(0.6), out = Int8Test.out(zeroPoint: -3)
        let v = Int8Test.codes(keys * d, &rng)
        // Rows 0..<8: the largest score in the first tile (no rescale); 8..<16: rising scores, rescaled often.
        var scores = [Int32](repeating: 0, count: rows * keys)
        for r in 0..<rows {
            for j in 0..<keys {
                let noise = Int32.random(in: -1500...1500, using: &rng)
                scores[r * keys + j] = r < 8 ? (j == 3 ? 4000 : noise) : noise + Int32(j) * 4
            }
        }
        let onePass = Self.context(scores, v, rows: rows, keys: keys, d: d, tile: keys, rq: rq, normalize: normalize, out: out)
        let streamed = Self.context(scores, v, rows: rows, keys: keys, d: d, tile: tile, rq: rq, normalize: normalize, out: out)
        #expect(Array(streamed[0..<(8 * d)]) == Array(onePass[0..<(8 * d)]))
        let worst = zip(streamed, onePass).map { abs(Int($0) - Int($1)) }.max() ?? 0
        #expect(worst <= 1, "streamed and one-pass contexts differ by \(worst) codes")
    }

    /// The runtime's table weights equal the reference's exp weights for every exponent, and so the whole online
    /// kernel does, tile after tile, on random scores.
    @Test func tableSoftmaxEqualsReference() {
        var misses = 0
        for t in Int32(-32 * 65536 - 10)...0 where es_qs32_softmax_weight_lut(t) != es_qs32_softmax_weight_scalar(t) {
            misses += 1
        }
        #expect(misses == 0)
        var rng = SeededGenerator(seed: 77)
        for (scale, spread) in [(2e-3, 3000), (1e-4, 200_000), (0.05, 100)] {
            var rq = es_requant()
            #expect(es_qs32_softmax_init(scale, &rq) == 0)
            let (rows, n, d) = (5, 300, 3)
            let scores = (0..<rows * n).map { _ in Int32.random(in: Int32(-spread)...Int32(spread), using: &rng) }
            func run(_ kernel: (Int, Int, UnsafePointer<Int32>?, Int, es_requant, Int32, UnsafeMutablePointer<Int32>?,
                                UnsafeMutablePointer<UInt32>?, UnsafeMutablePointer<Int32>?, Int, Int,
                                UnsafeMutablePointer<UInt8>?, Int) -> Void) -> ([UInt8], [UInt32], [Int32]) {
                var w = [UInt8](repeating: 0, count: rows * n), sums = [UInt32](repeating: 0, count: rows)
                var maxima = [Int32](repeating: 0, count: rows), o = [Int32](repeating: 1000, count: rows * d)
                scores.withUnsafeBufferPointer { sp in
                    w.withUnsafeMutableBufferPointer { wp in
                        for start in stride(from: 0, to: n, by: 128) {   // three tiles: 128, 128, 44 keys
                            kernel(rows, min(128, n - start), sp.baseAddress! + start, n, rq, start == 0 ? 1 : 0, &maxima,
                                   &sums, &o, d, d, wp.baseAddress! + start, n)
                        }
                    }
                }
                return (w, sums, o)
            }
            let reference = run(es_qs32_softmax_online_rndnu_scalar), table = run(es_qs32_softmax_online_rndnu_lut)
            #expect(table.0 == reference.0 && table.1 == reference.1 && table.2 == reference.2, "scale \(scale)")
        }
    }
}
