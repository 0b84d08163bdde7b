import CEdgeSeg
import Foundation
import TestSupport
import Testing

/// The folded decoder's kernels against float references in double.
@Suite struct Int8DecoderKernelTests {
    /// Σ_i s_i/s_y · up(x_i − z_i) + bias/s_y, ReLU. Bound: one rounding (1/2), each interpolated value kept
    /// in Q11 (≤ 2^-12 of an input step, times its ratio r_i), the Q11 weights (≤ 2·255·2^-12 input steps,
    /// times r_i), the multipliers' representation (≤ 255·2^-shift each), the bias rounding (2^-(shift+12)).
    @Test(arguments: [(5, 7, 20, 28, 3), (1, 1, 4, 4, 1), (3, 2, 12, 8, 17), (8, 8, 8, 8, 5)])
    func upsampleSumMatchesFloat(_ h: Int, _ w: Int, _ oh: Int, _ ow: Int, _ c: Int) {
        var rng = SeededGenerator(seed: UInt64(h * 1000 + w * 100 + c))
        let sizes = [(oh, ow), (h, w), ((h + 1) / 2, (w + 1) / 2), (1, 1)]
        let scales = sizes.indices.map { _ in Int8Test.scale(0.005, 0.2, &rng) }
        let zeroPoints = sizes.indices.map { _ in Int32.random(in: -20...20, using: &rng) }
        let outScale = Int8Test.scale(0.05, 0.3, &rng)
        let bias = (0..<c).map { _ in Float.random(in: -2...2, using: &rng) }
        let maps = sizes.map { Int8Test.codes($0.0 * $0.1 * c, &rng) }
        var multipliers = [Int32](repeating: 0, count: sizes.count), shift: Int32 = 0
        var biasQ = [Int64](repeating: 0, count: c)
        #expect(es_qs8_upsample_sum_init(sizes.count, scales, outScale, c, bias, &multipliers, &shift, &biasQ) == 0)
        let out = es_qs8_out(zero_point: -100, min: -100, max: 127)   // ReLU: clamp at the zero point
        var y = [Int8](repeating: 0, count: oh * ow * c)
        maps.withUnsafeBufferPointers { pointers in
            let inputs = sizes.indices.map { i in
                es_qs8_upsample_input(x: pointers[i], first_row: 0, h: sizes[i].0, w: sizes[i].1, zero_point: zeroPoints[i],
                                      multiplier: multipliers[i])
            }
            es_qs8_upsample_sum_rndnu_scalar(inputs.count, inputs, oh, ow, c, 0, oh, multipliers, shift, biasQ, out, &y)
            // In bands of 3 rows (as the decoder runs it): the same bytes.
            var banded = [Int8](repeating: 0, count: y.count)
            banded.withUnsafeMutableBufferPointer { b in
                for first in stride(from: 0, to: oh, by: 3) {
                    es_qs8_upsample_sum_rndnu_scalar(inputs.count, inputs, oh, ow, c, first, min(3, oh - first), multipliers,
                                                     shift, biasQ, out, b.baseAddress! + first * ow * c)
                }
            }
            #expect(banded == y)
        }
        var exact = [Double](repeating: 0, count: y.count)
        var bound = [Double](repeating: 0.5 + pow(2, -Double(shift) - 12), count: y.count)
        for (i, size) in sizes.enumerated() {
            let r = scales[i] / outScale
            let up = Int8Test.bilinear(maps[i].map { Double(Int32($0) - zeroPoints[i]) }, size.0, size.1, c, oh, ow)
            for j in exact.indices {
                exact[j] += r * up[j]
                bound[j] += r * (0x1p-12 + 2 * 255 * 0x1p-12) + 255 * pow(2, -Double(shift))
            }
        }
        for j in exact.indices { exact[j] += Double(bias[j % c]) / outScale + Double(out.zero_point) }
        Int8Test.expectWithin(y, exact, bound, out, "upsample-sum \(h)x\(w)→\(oh)x\(ow)")
        #expect(y.allSatisfy { Int32($0) >= out.zero_point })
    }

    /// The class of the largest exactly interpolated logit, the first on ties, as torch.argmax after
    /// interpolate(align_corners = false). The reference interpolates in double, which is exact here: codes
    /// are integers and the Q11 weights are the kernel's own, recomputed independently.
    @Test(arguments: [(4, 5, 16, 20, 11), (3, 3, 7, 9, 150), (2, 2, 2, 2, 3), (1, 6, 4, 24, 2)])
    func bilinearArgmaxMatchesExactInterpolation(_ h: Int, _ w: Int, _ oh: Int, _ ow: Int, _ c: Int) {
        var rng = SeededGenerator(seed: UInt64(h * 31 + c))
        var x = Int8Test.codes(h * w * c, &rng)
        for i in stride(from: 0, to: x.count, by: 7 * c) { x[i] = x[i + c - 1] }   // plant ties
        var labels = [UInt8](repeating: 0, count: oh * ow)
        labels.withUnsafeMutableBufferPointer { l in   // in bands of 3 rows, as the thread pool runs it
            for first in stride(from: 0, to: oh, by: 3) {
                es_qs8_ibilinear_argmax_scalar(h, w, c, x, oh, ow, first, min(3, oh - first), l.baseAddress! + first * ow)
            }
        }
        func tap(_ o: Int, _ n: Int, _ m: Int) -> (Int, Int, Int) {
            let num = max(0, (2 * o + 1) * n - m), den = 2 * m
            let i0 = num / den
            return (i0, min(i0 + 1, n - 1), ((num % den) * 4096 + den) / (2 * den))
        }
        var expected = [UInt8]()
        for oy in 0..<oh {
            let (y0, y1, fy) = tap(oy, h, oh)
            for ox in 0..<ow {
                let (x0, x1, fx) = tap(ox, w, ow)
                var best = Int.min, bestClass = 0
                for ch in 0..<c {
                    func v(_ yy: Int, _ xx: Int) -> Int { Int(x[(yy * w + xx) * c + ch]) }
                    let top = v(y0, x0) * (2048 - fx) + v(y0, x1) * fx, bottom = v(y1, x0) * (2048 - fx) + v(y1, x1) * fx
                    let value = top * (2048 - fy) + bottom * fy
                    if value > best { best = value; bestClass = ch }
                }
                expected.append(UInt8(bestClass))
            }
        }
        #expect(labels == expected)
    }
}

extension Array where Element == [Int8] {
    /// Base addresses of every inner array, valid inside `body`.
    func withUnsafeBufferPointers<R>(_ body: ([UnsafePointer<Int8>]) -> R) -> R {
        func pin(_ i: Int, _ acc: [UnsafePointer<Int8>]) -> R {
            if i == count { return body(acc) }
            return self[i].withUnsafeBufferPointer { pin(i + 1, acc + [$0.baseAddress!]) }
        }
        return pin(0, [])
    }
}
