import CEdgeSeg
import Foundation
import Testing

/// Q·Kᵀ, integer exp, softmax and P·V of the int8 reference kernels.
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

    /// Softmax bound (QUANTIZATION.md): exponents in Q16 are within 1/2 + 2^-10 of exact, so each term is
    /// within ρ = ln2 · (1/2 + 2^-10) · 2^-16 + 2^-27 relative, ± 2^-31 absolute (max term = 1); then
    /// |q − 255 p| <= 1/2 + 255 · (2ρ p + (n + 1) · 2^-31 + 2^-28 p).
    func checkSoftmax(_ scores: [Int32], rows: Int, scale: Double, _ what: String) {
        let n = scores.count / rows
        var rq = es_requant()
        #expect(es_qs32_softmax_init(scale, &rq) == 0)
        var p = [UInt8](repeating: 0, count: scores.count)
        es_qs32_softmax_rndnu_scalar(rows, n, scores, n, rq, &p, n)
        let rho = M_LN2 * (0.5 + 0x1p-10) * 0x1p-16 + 0x1p-27
        var misses = 0
        for r in 0..<rows {
            let row = scores[(r * n)..<(r * n + n)].map(Double.init)
            let top = row.max()!
            let e = row.map { exp(scale * ($0 - top)) }
            let sum = e.reduce(0, +)
            for j in 0..<n {
                let prob = e[j] / sum
                let bound = 0.5 + 255 * (2 * rho * prob + Double(n + 1) * 0x1p-31 + 0x1p-28 * prob) + 1e-9
                if abs(Double(p[r * n + j]) - 255 * prob) > bound { misses += 1 }
            }
        }
        #expect(misses == 0, "\(what): \(misses) probabilities out of bound")
    }

    @Test(arguments: [1, 2, 7, 64, 256, 1000])
    func softmaxRandom(n: Int) {
        var rng = SeededGenerator(seed: UInt64(n))
        for (spread, scale) in [(2000, 2e-3), (200_000, 1e-4), (50, 0.1)] {
            let scores = (0..<3 * n).map { _ in Int32.random(in: Int32(-spread)...Int32(spread), using: &rng) }
            checkSoftmax(scores, rows: 3, scale: scale, "n=\(n) spread \(spread)")
        }
    }

    @Test func softmaxEdges() {
        let n = 50
        checkSoftmax([Int32](repeating: 7, count: n), rows: 1, scale: 1e-3, "uniform")
        checkSoftmax([Int32.max] + [Int32](repeating: .min, count: n - 1), rows: 1, scale: 1e-3, "one dominant")
        checkSoftmax((0..<n).map { $0 % 2 == 0 ? .max : .min }, rows: 1, scale: 1e-9, "extremes, tiny scale")
        checkSoftmax((0..<n).map { Int32($0) * 1000 }, rows: 1, scale: 1e-3, "ramp")
        var rq = es_requant(), p = [UInt8](repeating: 0, count: n)
        #expect(es_qs32_softmax_init(1e-3, &rq) == 0)
        es_qs32_softmax_rndnu_scalar(1, n, [Int32.max] + [Int32](repeating: .min, count: n - 1), n, rq, &p, n)
        #expect(p == [255] + [UInt8](repeating: 0, count: n - 1))
        #expect(es_qs32_softmax_init(0, &rq) == -1)
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
        var o = [Int32](repeating: 0, count: nq * d)
        v.withUnsafeBufferPointer { vp in es_qu8_pv_scalar(nq, nk, d, p, nk, vp.baseAddress! + offset, channels, zv, &o, d) }
        let expectedO = (0..<nq * d).map { ic -> Int32 in
            let (i, c) = (ic / d, ic % d)
            return (0..<nk).reduce(Int32(0)) { $0 + Int32(p[i * nk + $1]) * (Int32(v[$1 * channels + offset + c]) - zv) }
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
}
