import CEdgeSeg
import Foundation
import TestSupport
import Testing

/// Integer LayerNorm against LayerNorm of the dequantized input in double.
/// Error bound (QUANTIZATION.md), with z the exact normalised value and g = γ / s_out:
///   1/sqrt(D + E): eps_term rounding <= 2^-24 relative, isqrt floor <= 2^-30, reciprocal rounding <= 2^-31
///   ⇒ z̃ = z (1 + ε) ± 2^-25 (Q24 rounding), |ε| <= 1.05 · 2^-24;
///   out = round(z̃ g̃ + b̃) ⇒ |out − exact| <= 1/2 + |g| (1.05 · 2^-24 |z| + 2^-25) + (|z| + 2^-20) |g̃ − g| + |b̃ − b|.
@Suite struct Int8LayerNormTests {
    func check(_ x: [Int8], channels: Int, sIn: Double, zIn: Int32, gamma: [Float], beta: [Float], eps: Double,
               sOut: Double, zOut: Int32, _ what: String) {
        let rows = x.count / channels, out = Int8Test.out(zeroPoint: zOut)
        var perChannel = [es_qs8_layernorm_channel](repeating: es_qs8_layernorm_channel(), count: channels)
        var epsTerm: UInt64 = 0
        #expect(es_qs8_layernorm_init(channels, eps, sIn, gamma, beta, sOut, &perChannel, &epsTerm) == 0)
        var y = [Int8](repeating: 0, count: x.count)
        es_qs8_layernorm_rndnu_scalar(rows, channels, x, epsTerm, perChannel, out, &y)
        var exact = [Double](), bound = [Double]()
        for r in 0..<rows {
            let v = (0..<channels).map { sIn * Double(Int32(x[r * channels + $0]) - zIn) }
            let mean = v.reduce(0, +) / Double(channels)
            let variance = v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(channels)
            for c in 0..<channels {
                let z = (v[c] - mean) / (variance + eps).squareRoot()
                let g = Double(gamma[c]) / sOut, b = Double(beta[c]) / sOut, ch = perChannel[c]
                let gError = abs(Double(ch.multiplier) * pow(2, 24 - Double(ch.shift)) - g)
                let bError = abs(Double(ch.offset) * pow(2, -Double(ch.shift)) - b)
                let real = z * g + b
                exact.append(Double(zOut) + real)
                bound.append(0.5 + abs(g) * (1.05 * 0x1p-24 * abs(z) + 0x1p-25) + (abs(z) + 0x1p-20) * gError + bError
                             + 1e-9 * (1 + abs(real)))
            }
        }
        Int8Test.expectWithin(y, exact, bound, out, what)
    }

    @Test(arguments: [1, 3, 32, 64, 160, 256, 4096])
    func randomRows(channels: Int) {
        var rng = SeededGenerator(seed: UInt64(channels))
        let gamma = (0..<channels).map { $0 == 0 ? 0 : Float.random(in: -2...2, using: &rng) }
        let beta = (0..<channels).map { _ in Float.random(in: -1...1, using: &rng) }
        for eps in [1e-6, 1e-5] {
            let sIn = Int8Test.scale(0.02, 0.5, &rng), zIn = Int32.random(in: -50...50, using: &rng)
            let x = Int8Test.codes(3 * channels, &rng)
            check(x, channels: channels, sIn: sIn, zIn: zIn, gamma: gamma, beta: beta, eps: eps,
                  sOut: Int8Test.scale(0.02, 0.08, &rng), zOut: Int32.random(in: -10...10, using: &rng), "layernorm C=\(channels)")
        }
    }

    @Test func edgeRows() {
        var rng = SeededGenerator(seed: 99)
        let c = 64
        let gamma = (0..<c).map { _ in Float.random(in: -2...2, using: &rng) }
        let beta = (0..<c).map { _ in Float.random(in: -1...1, using: &rng) }
        let constant = Int8.random(in: -128...127, using: &rng)
        let rows: [(String, [Int8])] = [
            ("all −128", [Int8](repeating: -128, count: c)),
            ("all 127", [Int8](repeating: 127, count: c)),
            ("constant", [Int8](repeating: constant, count: c)),
            ("one off by one", [Int8](repeating: 5, count: c - 1) + [6]),
            ("alternating extremes", (0..<c).map { $0 % 2 == 0 ? -128 : 127 }),
            ("one extreme", [Int8](repeating: -128, count: c - 1) + [127]),
        ]
        for (name, x) in rows {
            check(x, channels: c, sIn: 0.05, zIn: 3, gamma: gamma, beta: beta, eps: 1e-6, sOut: 0.03, zOut: 0, name)
            // eps dominating the variance (tiny input scale); eps = 0 where float LayerNorm is defined (variance > 0).
            check(x, channels: c, sIn: 1e-5, zIn: 3, gamma: gamma, beta: beta, eps: 1e-6, sOut: 0.03, zOut: 0, "\(name), tiny scale")
            if Set(x).count > 1 {
                check(x, channels: c, sIn: 0.05, zIn: 3, gamma: gamma, beta: beta, eps: 0, sOut: 0.03, zOut: 0, "\(name), eps 0")
            }
        }
        // Zero variance: z = 0, so the output is round(β / s_out) + zp exactly.
        var perChannel = [es_qs8_layernorm_channel](repeating: es_qs8_layernorm_channel(), count: c)
        var epsTerm: UInt64 = 0
        #expect(es_qs8_layernorm_init(c, 0, 0.05, gamma, beta, 0.03, &perChannel, &epsTerm) == 0)
        var y = [Int8](repeating: 0, count: c)
        es_qs8_layernorm_rndnu_scalar(1, c, [Int8](repeating: constant, count: c), epsTerm, perChannel, Int8Test.fullRange, &y)
        #expect(y == beta.map { Int8(min(max((Double($0) / 0.03).rounded(), -128), 127)) })
        #expect(es_qs8_layernorm_init(4097, 1e-6, 0.05, gamma, beta, 0.03, &perChannel, &epsTerm) == -1)
    }
}

/// The row statistics' integer square root against a digit-by-digit reference in integers only: perfect squares
/// and their neighbours up to 2^62 (where the double root rounds) and random values.
@Suite struct IntegerSquareRootTests {
    func reference(_ u: UInt64) -> UInt64 {
        var u = u, root: UInt64 = 0, bit: UInt64 = 1 << 62
        while bit > u { bit >>= 2 }
        while bit != 0 {
            if u >= root + bit {
                u -= root + bit
                root = (root >> 1) + bit
            } else {
                root >>= 1
            }
            bit >>= 2
        }
        return root
    }

    @Test func exactOnSquaresNeighboursAndRandomValues() {
        var values: [UInt64] = [0, 1, 2, 3, 4, (1 << 62) - 1, 1 << 60, (1 << 60) - 1]
        var rng = SeededGenerator(seed: 62)
        for _ in 0..<20_000 {
            let r = UInt64.random(in: 0..<(1 << 31), using: &rng)
            values += [r * r, r * r - min(r * r, 1), r * r + 1, (r + 1) * (r + 1) - 1]
            values.append(UInt64.random(in: 0..<(1 << 62), using: &rng))
        }
        for r: UInt64 in [(1 << 31) - 1, (1 << 30), (1 << 30) + 1, 3_037_000_499] where r * r < 1 << 62 {
            values += [r * r - 1, r * r, r * r + 1]
        }
        let wrong = values.filter { $0 < 1 << 62 && es_isqrt_u64($0) != reference($0) }
        #expect(wrong.isEmpty, "first wrong: \(wrong.prefix(3))")
    }
}
