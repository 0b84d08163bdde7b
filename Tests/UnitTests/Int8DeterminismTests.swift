import CEdgeSeg
import TestSupport
import Testing

/// Every kernel gives the same bits twice, into output buffers prefilled differently (so a result never
/// depends on what was in memory before).
@Suite struct Int8DeterminismTests {
    func twice<T: FixedWidthInteger>(_ count: Int, _ run: (inout [T]) -> Void) -> Bool {
        var first = [T](repeating: 0, count: count), second = [T](repeating: T.max, count: count)
        run(&first)
        run(&second)
        return first == second
    }

    @Test func sameBitsTwice() {
        var rng = SeededGenerator(seed: 42)
        let x = Int8Test.codes(8 * 8 * 16, &rng), w = Int8Test.codes(16 * 16 * 9, &rng, -127...127)
        let rq = (0..<16).map { _ in Int8Test.requant(Int8Test.scale(1e-4, 1e-2, &rng)) }
        let bias = (0..<16).map { _ in Int32.random(in: -5000...5000, using: &rng) }
        let out = Int8Test.out(zeroPoint: 3)
        #expect(twice(8 * 8 * 16) { y in es_qs8_qc8w_gemm_rndnu_scalar(64, 16, 16, x, 16, -4, w, bias, rq, out, &y, 16) })
        let conv = es_conv2d_shape(in_h: 8, in_w: 8, in_c: 16, out_c: 16, kernel: 3, stride: 2, pad: 1)
        #expect(twice(4 * 4 * 16) { y in es_qs8_qc8w_conv2d_nhwc_rndnu_scalar(conv, x, 9, w, bias, rq, out, &y) })
        #expect(twice(8 * 8 * 16) { y in es_qs8_qc8w_dwconv3x3p1_nhwc_rndnu_scalar(8, 8, 16, 0, 8, x, 9, w, bias, rq, out, &y) })
        #expect(twice(8 * 8 * 16) { y in es_qs8_ibilinear_nhwc_scalar(4, 4, 16, x, 8, 8, &y) })

        var params = es_qs8_vadd_params()
        _ = es_qs8_vadd_init(0.03, 1, 0.05, -2, 0.04, &params)
        #expect(twice(x.count) { y in es_qs8_vadd_rndnu_scalar(x.count, x, x.reversed(), params, out, &y) })

        let gamma = (0..<16).map { _ in Float.random(in: -2...2, using: &rng) }, beta = gamma.map { $0 / 3 }
        var perChannel = [es_qs8_layernorm_channel](repeating: es_qs8_layernorm_channel(), count: 16)
        var epsTerm: UInt64 = 0
        _ = es_qs8_layernorm_init(16, 1e-6, 0.05, gamma, beta, 0.03, &perChannel, &epsTerm)
        #expect(twice(x.count) { y in es_qs8_layernorm_rndnu_scalar(64, 16, x, epsTerm, perChannel, out, &y) })

        var scores = [Int32](repeating: 0, count: 64 * 64)
        es_qs8_qk_scalar(64, 64, 16, x, 16, 5, x, 16, -5, &scores, 64)
        var softmax = es_requant()
        _ = es_qs32_softmax_init(1e-3, &softmax)
        #expect(twice(64 * 64) { (p: inout [UInt8]) in
            var sums = [UInt32](repeating: 0, count: 64), maxima = [Int32](repeating: 0, count: 64)
            var o = [Int32](repeating: 0, count: 64)
            scores.withUnsafeBufferPointer { sp in
                p.withUnsafeMutableBufferPointer { pp in   // two key tiles of 32
                    es_qs32_softmax_online_rndnu_scalar(64, 32, sp.baseAddress, 64, softmax, 1, &maxima, &sums, &o, 1, 1,
                                                        pp.baseAddress, 64)
                    es_qs32_softmax_online_rndnu_scalar(64, 32, sp.baseAddress! + 32, 64, softmax, 0, &maxima, &sums, &o, 1, 1,
                                                        pp.baseAddress! + 32, 64)
                }
            }
        })
    }
}
