import CEdgeSeg
import Foundation
import TestSupport
import Testing

/// GELU table, residual add and bilinear resize of the int8 reference kernels.
@Suite struct Int8PointwiseTests {
    /// The table is exactly clamp(round(gelu(s_in (q − z_in)) / s_out) + z_out) (erf GELU, half away from
    /// zero), and applying it is a lookup, for every one of the 256 codes.
    @Test(arguments: [(0.05, 0, 0.03, -100), (0.1, -20, 0.05, -120), (0.01, 100, 0.002, 0), (1.0, 0, 0.001, 0)])
    func geluTable(sIn: Double, zIn: Int32, sOut: Double, zOut: Int32) {
        var table = [Int8](repeating: 0, count: 256)
        es_qs8_gelu_table_init(sIn, zIn, sOut, zOut, &table)
        let codes = (-128...127).map { Int8($0) }
        let expected = codes.map { q -> Int8 in
            let x = sIn * Double(Int32(q) - zIn)
            let v = (0.5 * x * (1 + erf(x / 2.0.squareRoot())) / sOut).rounded() + Double(zOut)
            return Int8(min(max(v, -128), 127))
        }
        #expect(table == expected)
        var y = [Int8](repeating: 0, count: 256)
        es_qs8_lut_scalar(256, codes, table, &y)
        #expect(y == expected)
    }

    /// out = clamp(z_o + round((a − z_a) m_a 2^-s + (b − z_b) m_b 2^-s)): one rounding plus each
    /// multiplier's representation error times |code − zero point| <= 255.
    @Test(arguments: [(0.05, 0.05, 0.05), (0.02, 0.07, 0.1), (1.0, 1e-4, 0.5), (1e-9, 2e-9, 1.0), (0.1, 0.1, 1e-3)])
    func residualAdd(sa: Double, sb: Double, so: Double) {
        var rng = SeededGenerator(seed: UInt64(sa * 1e6 + sb * 1e3))
        let (za, zb, zo) = (Int32(-5), Int32(17), Int32(-2))
        var params = es_qs8_vadd_params()
        #expect(es_qs8_vadd_init(sa, za, sb, zb, so, &params) == 0)
        let n = 1000
        var a = Int8Test.codes(n, &rng), b = Int8Test.codes(n, &rng)
        a += [-128, 127, -128, 127]
        b += [-128, 127, 127, -128]
        let out = Int8Test.out(zeroPoint: zo)
        var y = [Int8](repeating: 0, count: a.count)
        es_qs8_vadd_rndnu_scalar(a.count, a, b, params, out, &y)
        let unit = pow(2, -Double(params.shift))
        let ea = abs(Double(params.a_multiplier) * unit - sa / so), eb = abs(Double(params.b_multiplier) * unit - sb / so)
        var exact = [Double](), bound = [Double]()
        for i in a.indices {
            let da = Double(Int32(a[i]) - za), db = Double(Int32(b[i]) - zb)
            let real = (sa * da + sb * db) / so
            exact.append(Double(zo) + real)
            bound.append(0.5 + abs(da) * ea + abs(db) * eb + 1e-9 * abs(real))
        }
        Int8Test.expectWithin(y, exact, bound, out, "vadd \(sa) \(sb) → \(so)")
        var bad = es_qs8_vadd_params()
        #expect(es_qs8_vadd_init(sa, za, 0, zb, so, &bad) == -1)
        #expect(es_qs8_vadd_init(0x1p31, za, sb, zb, 1, &bad) == -1)
    }

    /// Half-pixel bilinear in double vs Q11 weights: each 1-D weight is off by <= 2^-12 and moves the
    /// result by at most that times a code difference (<= 255), once per axis, plus one rounding:
    /// |out − exact| <= 1/2 + 2 · 255 · 2^-12.
    @Test(arguments: [(4, 5, 16, 20), (3, 3, 7, 5), (8, 8, 3, 5), (1, 1, 4, 4), (2, 7, 2, 7), (16, 16, 64, 64)])
    func bilinear(ih: Int, iw: Int, oh: Int, ow: Int) {
        var rng = SeededGenerator(seed: UInt64(ih * 1000 + iw * 100 + oh * 10 + ow))
        let c = 3
        for fill in [nil, Int8(-128), Int8(127)] {
            let x = fill.map { [Int8](repeating: $0, count: ih * iw * c) } ?? Int8Test.codes(ih * iw * c, &rng)
            var y = [Int8](repeating: 0, count: oh * ow * c)
            es_qs8_ibilinear_nhwc_scalar(ih, iw, c, x, oh, ow, &y)
            let exact = Int8Test.bilinear(x.map(Double.init), ih, iw, c, oh, ow)
            let bound = [Double](repeating: 0.5 + 2 * 255 * 0x1p-12, count: exact.count)
            Int8Test.expectWithin(y, exact, bound, Int8Test.fullRange, "bilinear \(ih)x\(iw)→\(oh)x\(ow)")
            if ih == oh && iw == ow { #expect(y == x) }
            if let fill { #expect(y.allSatisfy { $0 == fill }) }
        }
    }
}
