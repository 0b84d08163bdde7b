import CEdgeSeg
import Foundation
import TestSupport
import Testing

/// Requantization, GEMM and convolutions of the int8 reference kernels against float references.
/// Bound for every op that ends in one requantization (derived in QUANTIZATION.md):
///   out = clamp(zp + round(acc · m̃)), m̃ = multiplier · 2^-shift, exact = zp + acc · M
///   ⇒ |out − clamp(exact)| <= 1/2 + |acc| · |m̃ − M|   (one rounding + the multiplier's representation error)
/// plus 1e-9 relative slack for the double-precision reference itself.
@Suite struct Int8KernelTests {
    @Test func requantizationRoundsHalfUpExactly() {
        // real 0.5: ties go toward +infinity, also for negative accumulators (rndnu).
        let acc: [Int32] = [1, -1, 3, -3, 5, -5, 0, 2, -2]
        var y = [Int8](repeating: 0, count: acc.count)
        es_qs32_requantize_rndnu_scalar(acc.count, acc, es_requant(multiplier: 1 << 30, shift: 31), Int8Test.fullRange, &y)
        #expect(y == [1, 0, 2, -1, 3, -2, 0, 1, -1])
    }

    @Test func multiplierRepresentation() {
        var rng = SeededGenerator(seed: 1)
        for _ in 0..<5000 {
            let real = (Bool.random(using: &rng) ? 1.0 : -1.0) * exp2(Double.random(in: -70...29.99, using: &rng))
            let rq = Int8Test.requant(real)
            #expect((1...62).contains(rq.shift))
            // Normalised: relative error <= 2^-31; with the shift capped at 62, absolute error <= 2^-63.
            #expect(abs(Int8Test.value(rq) - real) <= max(abs(real) * 0x1p-31, 0x1p-63))
            if rq.shift < 62 { #expect((1 << 30)..<(1 << 31) ~= abs(Int64(rq.multiplier))) }
        }
        var rq = es_requant()
        for bad in [0x1p30, -0x1p30, .nan, .infinity] { #expect(es_requant_init(bad, &rq) == -1) }
        #expect(es_requant_init(0, &rq) == 0 && rq.multiplier == 0)
    }

    /// Bit-exact against the rule written independently in Swift (Int64 >> is a floor shift), and
    /// within the bound of the real product, over accumulators up to ±2^31 and multipliers 2^-40..2^20.
    @Test func requantizeMatchesRuleAndBound() {
        var rng = SeededGenerator(seed: 2)
        var acc: [Int32] = [.min, .max, 0, 1, -1, 1 << 20, -(1 << 20)]
        acc += (0..<2000).map { _ in Int32.random(in: .min ... .max, using: &rng) >> Int32.random(in: 0...31, using: &rng) }
        for _ in 0..<200 {
            let real = exp2(Double.random(in: -40...20, using: &rng))
            let rq = Int8Test.requant(real)
            let out = es_qs8_out(zero_point: Int32.random(in: -128...127, using: &rng), min: -128, max: 127)
            var y = [Int8](repeating: 0, count: acc.count)
            es_qs32_requantize_rndnu_scalar(acc.count, acc, rq, out, &y)
            let rule = acc.map { a -> Int8 in
                let p = Int64(a) * Int64(rq.multiplier)
                let r = Int64(out.zero_point) + ((p + (Int64(1) << (rq.shift - 1))) >> rq.shift)
                return Int8(min(max(r, -128), 127))
            }
            #expect(y == rule)
            let exact = acc.map { Double(out.zero_point) + Double($0) * real }
            let bound = acc.map { 0.5 + abs(Double($0)) * abs(Int8Test.value(rq) - real) + 1e-9 * abs(Double($0) * real) }
            Int8Test.expectWithin(y, exact, bound, out, "requantize ×\(real)")
        }
    }

    /// GEMM against Σ s_a(a − z_a) · s_w w + s_a s_w bias in double, per output channel.
    func checkGemm(m: Int, n: Int, k: Int, a: [Int8], za: Int32, w: [Int8], bias: [Int32], sa: Double, sw: [Double],
                   sy: Double, out: es_qs8_out, _ what: String) {
        let rq = sw.map { Int8Test.requant(sa * $0 / sy) }
        var y = [Int8](repeating: 0, count: m * n)
        es_qs8_qc8w_gemm_rndnu_scalar(m, n, k, a, k, za, w, bias, rq, out, &y, n)
        var exact = [Double](), bound = [Double]()
        for i in 0..<m {
            for j in 0..<n {
                var real = sa * sw[j] * Double(bias[j]), acc = Int(bias[j])
                for t in 0..<k {
                    real += sa * Double(Int32(a[i * k + t]) - za) * sw[j] * Double(w[j * k + t])
                    acc += (Int(a[i * k + t]) - Int(za)) * Int(w[j * k + t])
                }
                exact.append(Double(out.zero_point) + real / sy)
                bound.append(0.5 + Double(abs(acc)) * abs(Int8Test.value(rq[j]) - sa * sw[j] / sy) + 1e-9 * abs(real / sy))
            }
        }
        Int8Test.expectWithin(y, exact, bound, out, what)
    }

    @Test(arguments: [(1, 1, 1), (1, 3, 3), (5, 7, 17), (3, 1, 64), (4, 16, 256), (2, 5, 1024)])
    func gemmRandom(m: Int, n: Int, k: Int) {
        var rng = SeededGenerator(seed: UInt64(m * 1_000_000 + n * 1000 + k))
        let sa = Int8Test.scale(0.01, 0.1, &rng), za = Int32.random(in: -30...30, using: &rng)
        let sw = (0..<n).map { _ in Int8Test.scale(0.001, 0.02, &rng) }
        let bias = sw.map { Int32((Double.random(in: -1...1, using: &rng) / (sa * $0)).rounded()) }
        let sy = sa * 0.01 * sqrt(Double(k)) * Int8Test.scale(0.2, 5, &rng)  // outputs span the int8 range
        let out = Int8Test.out(zeroPoint: Int32.random(in: -20...20, using: &rng))
        checkGemm(m: m, n: n, k: k, a: Int8Test.codes(m * k, &rng), za: za, w: Int8Test.codes(n * k, &rng, -127...127),
                  bias: bias, sa: sa, sw: sw, sy: sy, out: out, "gemm \(m)x\(n)x\(k)")
        // Fused ReLU: the clamp starts at the zero point.
        let relu = es_qs8_out(zero_point: out.zero_point, min: out.zero_point, max: 127)
        checkGemm(m: m, n: n, k: k, a: Int8Test.codes(m * k, &rng), za: za, w: Int8Test.codes(n * k, &rng, -127...127),
                  bias: bias, sa: sa, sw: sw, sy: sy, out: relu, "gemm+relu \(m)x\(n)x\(k)")
    }

    @Test func gemmExtremes() {
        let k = 4096, n = 4
        let w = (0..<n * k).map { $0 / k % 2 == 0 ? Int8(127) : Int8(-127) }
        let sw = [0.01, 0.01, 0.003, 0.003], bias: [Int32] = [0, 1 << 20, -(1 << 20), 7]
        // Largest |a − z_a| = 255 over a long K, every output saturated or near it; then tiny and huge multipliers.
        for (fill, za, sy) in [(Int8(-128), Int32(127), 1000.0), (127, -128, 500.0), (127, 0, 1e-9), (-128, 5, 1e9)] {
            checkGemm(m: 2, n: n, k: k, a: [Int8](repeating: fill, count: 2 * k), za: za, w: w, bias: bias, sa: 0.05,
                      sw: sw, sy: sy, out: Int8Test.out(zeroPoint: 3), "gemm fill \(fill) sy \(sy)")
        }
    }

    /// k×k convolution against a double reference that pads with real zeros (the kernel pads with z_x).
    func checkConv(_ s: es_conv2d_shape, seed: UInt64, fill: Int8? = nil) {
        var rng = SeededGenerator(seed: seed)
        let oh = es_conv2d_out_size(s.in_h, s.kernel, s.stride, s.pad), ow = es_conv2d_out_size(s.in_w, s.kernel, s.stride, s.pad)
        let (ih, iw, ic, oc, kk) = (s.in_h, s.in_w, s.in_c, s.out_c, s.kernel)
        let x = fill.map { [Int8](repeating: $0, count: ih * iw * ic) } ?? Int8Test.codes(ih * iw * ic, &rng)
        let w = Int8Test.codes(oc * kk * kk * ic, &rng, -127...127)
        let sx = 0.04, zx = Int32.random(in: -40...40, using: &rng)
        let sw = (0..<oc).map { _ in Int8Test.scale(0.002, 0.02, &rng) }
        let bias = (0..<oc).map { _ in Int32.random(in: -3000...3000, using: &rng) }
        let sy = sx * 0.01 * Double(kk) * sqrt(Double(ic)) * 0.5, out = Int8Test.out(zeroPoint: -7)
        let rq = sw.map { Int8Test.requant(sx * $0 / sy) }
        var y = [Int8](repeating: 0, count: oh * ow * oc)
        es_qs8_qc8w_conv2d_nhwc_rndnu_scalar(s, x, zx, w, bias, rq, out, &y)
        var exact = [Double](), bound = [Double]()
        for oy in 0..<oh {
            for ox in 0..<ow {
                for o in 0..<oc {
                    var real = sx * sw[o] * Double(bias[o]), acc = Int(bias[o])
                    for ky in 0..<kk {
                        for kx in 0..<kk {
                            let iy = oy * s.stride + ky - s.pad, ix = ox * s.stride + kx - s.pad
                            guard (0..<ih).contains(iy), (0..<iw).contains(ix) else { continue }  // real zero
                            for c in 0..<ic {
                                let xv = Int(x[(iy * iw + ix) * ic + c]) - Int(zx), wv = Int(w[((o * kk + ky) * kk + kx) * ic + c])
                                real += sx * Double(xv) * sw[o] * Double(wv)
                                acc += xv * wv
                            }
                        }
                    }
                    exact.append(Double(out.zero_point) + real / sy)
                    bound.append(0.5 + Double(abs(acc)) * abs(Int8Test.value(rq[o]) - sx * sw[o] / sy) + 1e-9 * abs(real / sy))
                }
            }
        }
        Int8Test.expectWithin(y, exact, bound, out, "conv \(s)")
    }

    @Test func convShapes() {
        // SegFormer's patch embeddings and spatial reduction at 512×512.
        #expect(es_conv2d_out_size(512, 7, 4, 3) == 128)
        #expect(es_conv2d_out_size(128, 3, 2, 1) == 64)
        #expect(es_conv2d_out_size(128, 8, 8, 0) == 16)
        #expect(es_conv2d_out_size(9, 4, 4, 0) == 2)
        func shape(_ h: Int, _ w: Int, _ ic: Int, _ oc: Int, _ k: Int, _ s: Int, _ p: Int) -> es_conv2d_shape {
            es_conv2d_shape(in_h: h, in_w: w, in_c: ic, out_c: oc, kernel: k, stride: s, pad: p)
        }
        checkConv(shape(13, 11, 3, 5, 7, 4, 3), seed: 10)  // patch embedding 1
        checkConv(shape(9, 8, 4, 6, 3, 2, 1), seed: 11)    // patch embeddings 2–4
        checkConv(shape(8, 6, 5, 3, 2, 2, 0), seed: 12)    // spatial reduction
        checkConv(shape(9, 9, 2, 2, 4, 4, 0), seed: 13)    // reduction with a ragged edge
        checkConv(shape(1, 1, 3, 2, 3, 1, 1), seed: 14)    // only the centre tap is inside
        checkConv(shape(5, 4, 17, 1, 1, 1, 0), seed: 15)   // 1×1, N = 1
        checkConv(shape(6, 5, 3, 4, 7, 4, 3), seed: 16, fill: -128)
        checkConv(shape(6, 5, 3, 4, 3, 2, 1), seed: 17, fill: 127)
    }

    @Test(arguments: [(5, 4, 7), (1, 1, 3), (3, 8, 1), (6, 6, 32)])
    func depthwiseConv(h: Int, w: Int, c: Int) {
        var rng = SeededGenerator(seed: UInt64(h * 100 + w * 10 + c))
        for fill in [nil, Int8(-128), Int8(127)] {
            let x = fill.map { [Int8](repeating: $0, count: h * w * c) } ?? Int8Test.codes(h * w * c, &rng)
            let weights = Int8Test.codes(9 * c, &rng, -127...127)
            let sx = 0.03, zx = fill.map(Int32.init) ?? Int32.random(in: -10...10, using: &rng)  // fills: all real zeros
            let sw = (0..<c).map { _ in Int8Test.scale(0.003, 0.03, &rng) }
            let bias = (0..<c).map { _ in Int32.random(in: -2000...2000, using: &rng) }
            let sy = 0.05, out = Int8Test.out(zeroPoint: 4)
            let rq = sw.map { Int8Test.requant(sx * $0 / sy) }
            var y = [Int8](repeating: 0, count: h * w * c)
            es_qs8_qc8w_dwconv3x3p1_nhwc_rndnu_scalar(h, w, c, 0, h, x, zx, weights, bias, rq, out, &y)
            var exact = [Double](), bound = [Double]()
            for oy in 0..<h {
                for ox in 0..<w {
                    for ch in 0..<c {
                        var real = sx * sw[ch] * Double(bias[ch]), acc = Int(bias[ch])
                        for ky in 0..<3 {
                            for kx in 0..<3 {
                                let iy = oy + ky - 1, ix = ox + kx - 1
                                guard (0..<h).contains(iy), (0..<w).contains(ix) else { continue }
                                let xv = Int(x[(iy * w + ix) * c + ch]) - Int(zx), wv = Int(weights[(ky * 3 + kx) * c + ch])
                                real += sx * Double(xv) * sw[ch] * Double(wv)
                                acc += xv * wv
                            }
                        }
                        exact.append(Double(out.zero_point) + real / sy)
                        bound.append(0.5 + Double(abs(acc)) * abs(Int8Test.value(rq[ch]) - sx * sw[ch] / sy) + 1e-9 * abs(real / sy))
                    }
                }
            }
            Int8Test.expectWithin(y, exact, bound, out, "dwconv \(h)x\(w)x\(c) fill \(String(describing: fill))")
        }
    }
}
