import CEdgeSeg
import TestSupport
import Testing

/// The SIMD Q·Kᵀ, P·V, depthwise 3×3 and upsample-sum kernels against their scalar references, bit for bit,
/// on every ISA this CPU has (each table's kernels are called directly, so one process covers them all; an ISA
/// not run and a table entry that is the scalar function are recorded as not run, see KernelTables), and
/// the convolution through the table's GEMM against the scalar convolution. Outputs are compared whole,
/// including the gaps a stride leaves, which must keep their sentinel.
@Suite struct Int8SimdOpTests {
    static func expectSame<T: Equatable>(_ got: [T], _ expected: [T], _ what: String,
                                         sourceLocation: SourceLocation = #_sourceLocation) {
        guard got != expected else { return }
        let i = got.indices.first { got[$0] != expected[$0] }!
        Issue.record("\(what): [\(i)] = \(got[i]), scalar \(expected[i])", sourceLocation: sourceLocation)
    }

    /// Sizes around the vector widths (8, 16, 32, 64 lanes) and the kernels' blocks (128 and 256 columns,
    /// reduction chunks of 64).
    static let sizes = [1, 3, 8, 15, 16, 17, 31, 33, 64, 65, 129, 257]

    /// A zero point: random, or at an extreme.
    static func zeroPoint(_ extreme: Bool, _ rng: inout SeededGenerator) -> Int32 {
        extreme ? (Bool.random(using: &rng) ? -128 : 127) : Int32.random(in: -128...127, using: &rng)
    }

    /// Codes: random, or all −128 or all 127 (the largest products).
    static func codes(_ count: Int, _ fill: Int8?, _ rng: inout SeededGenerator) -> [Int8] {
        fill.map { [Int8](repeating: $0, count: count) } ?? Int8Test.codes(count, &rng)
    }

    static let fills: [Int8?] = [nil, -128, 127]

    /// Every (rows, columns, reduction) triple of `sizes` within a work budget, each with each fill.
    static func shapes() -> [(Int, Int, Int)] {
        var shapes: [(Int, Int, Int)] = []
        for a in sizes { for b in sizes { for c in sizes where a * b * c <= 300_000 { shapes.append((a, b, c)) } } }
        return shapes
    }

    @Test func qkMatchesScalar() {
        var rng = SeededGenerator(seed: 0x91C)
        for table in KernelTables.simd(\.qk, "qk") {
            let name = String(cString: table.name)
            for (nq, nk, d) in Self.shapes() {
                for fill in Self.fills {
                    let qStride = d + Int.random(in: 0...5, using: &rng), kStride = d + Int.random(in: 0...5, using: &rng)
                    let sStride = nk + Int.random(in: 0...3, using: &rng)
                    let kFill = fill.map { Bool.random(using: &rng) ? $0 : ~$0 }  // products of either sign at the extremes
                    let q = Self.codes(nq * qStride, fill, &rng), k = Self.codes(nk * kStride, kFill, &rng)
                    let zq = Self.zeroPoint(fill != nil, &rng), zk = Self.zeroPoint(fill != nil, &rng)
                    var expected = [Int32](repeating: 0x5A5A_5A5A, count: nq * sStride), got = expected
                    es_qs8_qk_scalar(nq, nk, d, q, qStride, zq, k, kStride, zk, &expected, sStride)
                    table.qk!(nq, nk, d, q, qStride, zq, k, kStride, zk, &got, sStride)
                    Self.expectSame(got, expected, "\(name) qk nq \(nq) nk \(nk) d \(d) zq \(zq) zk \(zk)")
                }
            }
        }
    }

    /// P·V adds onto accumulators that already hold a previous key tile's sums.
    @Test func pvAccumulatesLikeScalar() {
        var rng = SeededGenerator(seed: 0x9F)
        for table in KernelTables.simd(\.pv, "pv") {
            let name = String(cString: table.name)
            for (nq, nk, d) in Self.shapes() {
                for fill in Self.fills {
                    let pStride = nk + Int.random(in: 0...5, using: &rng), vStride = d + Int.random(in: 0...5, using: &rng)
                    let oStride = d + Int.random(in: 0...3, using: &rng)
                    let p = Self.codes(nq * pStride, fill.map { ~$0 }, &rng).map { UInt8(bitPattern: $0) }
                    let v = Self.codes(nk * vStride, fill, &rng), zv = Self.zeroPoint(fill != nil, &rng)
                    var expected = (0..<nq * oStride).map { _ in Int32.random(in: -(1 << 20)...(1 << 20), using: &rng) }
                    var got = expected
                    es_qu8_pv_scalar(nq, nk, d, p, pStride, v, vStride, zv, &expected, oStride)
                    table.pv!(nq, nk, d, p, pStride, v, vStride, zv, &got, oStride)
                    Self.expectSame(got, expected, "\(name) pv nq \(nq) nk \(nk) d \(d) zv \(zv)")
                }
            }
        }
    }

    /// Per-channel requantization from a multiplier list: tiny (shift capped) to saturating.
    static func requants(_ count: Int, _ rng: inout SeededGenerator) -> [es_requant] {
        (0..<count).map { _ in
            Int8Test.requant(Int8SimdKernelTests.multipliers.randomElement(using: &rng)! * Double.random(in: 1...1.99, using: &rng))
        }
    }

    /// Per-channel requantization as real layers have it, every shift 33 or more (AVX-512 then rounds in int32
    /// lanes): multipliers 2^-20 to 0.2.
    static func largeShiftRequants(_ count: Int, _ rng: inout SeededGenerator) -> [es_requant] {
        (0..<count).map { _ in Int8Test.requant(Int8Test.scale(0x1p-20, 0.2, &rng)) }
    }

    /// An output range: full, or a ReLU clamp from the zero point up.
    static func outputRange(_ rng: inout SeededGenerator) -> es_qs8_out {
        let zy = Int32.random(in: -128...127, using: &rng)
        return es_qs8_out(zero_point: zy, min: Bool.random(using: &rng) ? zy : -128, max: 127)
    }

    /// In bands of 1 to 4 rows (the scalar reference too), as the thread pool runs it, against one scalar call
    /// over the whole map: a band's taps above and below it read the real neighbouring rows.
    @Test func depthwiseConvMatchesScalar() {
        var rng = SeededGenerator(seed: 0xD3)
        let maps = [(1, 1), (1, 5), (2, 3), (3, 3), (5, 8), (9, 4)]
        let channels = [1, 7, 15, 16, 17, 32, 33, 48, 100, 256, 257, 300]
        for table in [KernelTables.scalar] + KernelTables.simd(\.dwconv3x3, "dwconv3x3") {
            let name = String(cString: table.name)
            for (h, w) in maps {
                for c in channels {
                    for fill in Self.fills {
                        let x = Self.codes(h * w * c, fill, &rng), weights = Self.codes(9 * c, fill, &rng)
                        let zx = Self.zeroPoint(fill != nil, &rng)
                        let bias = Bool.random(using: &rng) ? (0..<c).map { _ in Int32.random(in: -(1 << 24)...(1 << 24), using: &rng) } : nil
                        let requant = Bool.random(using: &rng) ? Self.requants(c, &rng) : Self.largeShiftRequants(c, &rng)
                        let out = Self.outputRange(&rng)
                        var expected = [Int8](repeating: 0, count: h * w * c), got = expected
                        es_qs8_qc8w_dwconv3x3p1_nhwc_rndnu_scalar(h, w, c, 0, h, x, zx, weights, bias, requant, out, &expected)
                        let band = Int.random(in: 1...4, using: &rng)
                        got.withUnsafeMutableBufferPointer { g in
                            for first in stride(from: 0, to: h, by: band) {
                                table.dwconv3x3!(h, w, c, first, min(band, h - first), x, zx, weights, bias, requant, out,
                                                 g.baseAddress! + first * w * c)
                            }
                        }
                        Self.expectSame(got, expected, "\(name) dwconv \(h)x\(w)x\(c) zx \(zx) bias \(bias != nil) band \(band)")
                    }
                }
            }
        }
    }

    /// Residual adds of 1 to 1000 elements (vector tails), random and extreme codes with zero points at the
    /// other extreme, parameters from es_qs8_vadd_init and raw ones (multipliers up to 2^31 − 1, shifts 1 to 62).
    @Test func vaddMatchesScalar() {
        var rng = SeededGenerator(seed: 0xADD)
        for table in KernelTables.simd(\.vadd, "vadd") {
            let name = String(cString: table.name)
            for n in Self.sizes + [0, 1000] {
                for fill in Self.fills {
                    let a = Self.codes(n, fill, &rng), b = Self.codes(n, fill.map { Bool.random(using: &rng) ? $0 : ~$0 }, &rng)
                    let za = Self.zeroPoint(fill != nil, &rng), zb = Self.zeroPoint(fill != nil, &rng)
                    var params = es_qs8_vadd_params()
                    if Bool.random(using: &rng) {
                        let ok = es_qs8_vadd_init(Int8Test.scale(1e-4, 1, &rng), za, Int8Test.scale(1e-4, 1, &rng), zb,
                                                  Int8Test.scale(1e-3, 0.5, &rng), &params)
                        #expect(ok == 0)
                    } else {
                        params = es_qs8_vadd_params(a_zero_point: za, b_zero_point: zb,
                                                    a_multiplier: Int32.random(in: 0...Int32.max, using: &rng),
                                                    b_multiplier: Int32.random(in: 0...Int32.max, using: &rng),
                                                    shift: Int32.random(in: 1...62, using: &rng))
                    }
                    let out = Self.outputRange(&rng)
                    var expected = [Int8](repeating: 0x5A, count: n + 16), got = expected
                    es_qs8_vadd_rndnu_scalar(n, a, b, params, out, &expected)
                    table.vadd!(n, a, b, params, out, &got)
                    Self.expectSame(got, expected, "\(name) vadd n \(n) params \(params)")
                }
            }
        }
    }

    /// Class maps of 1 to 256 classes from 1×1 up, down and by odd ratios (and past the kernel's chunk of 128
    /// columns), random codes with planted ties, all-equal logits (every pixel class 0) and extremes, on every
    /// table in bands of 1 to 4 rows against one scalar call.
    @Test func classMapMatchesScalar() {
        var rng = SeededGenerator(seed: 0xA59)
        let maps = [(1, 1, 1, 1), (1, 1, 5, 3), (4, 4, 16, 16), (3, 5, 7, 11), (8, 8, 8, 8), (5, 7, 3, 4), (2, 3, 13, 9),
                    (3, 40, 5, 300), (2, 300, 2, 150)]   // the last: wider classes blend each pixel's four taps directly
        let classes = [1, 2, 11, 15, 16, 17, 19, 32, 33, 150, 256]
        for table in [KernelTables.scalar] + KernelTables.simd(\.class_map, "class_map") {
            let name = String(cString: table.name)
            for (h, w, oh, ow) in maps {
                for c in classes where h * w * c <= 40_000 {
                    for fill in Self.fills + [0] {
                        var x = Self.codes(h * w * c, fill, &rng)
                        if fill == nil { for i in stride(from: 0, to: x.count, by: 5 * c) { x[i + c - 1] = x[i] } }   // ties
                        var expected = [UInt8](repeating: 0xEE, count: oh * ow + 8), got = expected
                        es_qs8_ibilinear_argmax_scalar(h, w, c, x, oh, ow, 0, oh, &expected)
                        let band = Int.random(in: 1...4, using: &rng)
                        got.withUnsafeMutableBufferPointer { l in
                            for first in stride(from: 0, to: oh, by: band) {
                                table.class_map!(h, w, c, x, oh, ow, first, min(band, oh - first), l.baseAddress! + first * ow)
                            }
                        }
                        Self.expectSame(got, expected, "\(name) class map \(h)x\(w)x\(c) → \(oh)x\(ow) band \(band)")
                    }
                }
            }
        }
    }

    /// Four inputs upsampled to out_h×out_w: the same size (taps exact), about 2×, 4×, and an odd size
    /// (sometimes larger than the output), with scale ratios from 20 (extreme codes saturate) to 10^-4
    /// (multipliers from 2^30 down to about 2^17) and a bias.
    @Test func upsampleSumMatchesScalar() {
        var rng = SeededGenerator(seed: 0x0515)
        let outputs = [(1, 1), (4, 4), (7, 5), (8, 12), (13, 9)]
        let channels = [1, 5, 15, 16, 17, 33, 64, 100]
        for table in KernelTables.simd(\.upsample_sum, "upsample_sum") {
            let name = String(cString: table.name)
            for (oh, ow) in outputs {
                for c in channels {
                    for fill in Self.fills {
                        let sizes = [(oh, ow), ((oh + 1) / 2, (ow + 1) / 2), ((oh + 3) / 4, (ow + 3) / 4),
                                     (Int.random(in: 1...oh + 2, using: &rng), Int.random(in: 1...ow + 2, using: &rng))]
                        let maps = sizes.map { Self.codes($0.0 * $0.1 * c, fill, &rng) }
                        let zeroPoints = sizes.map { _ in Self.zeroPoint(fill != nil, &rng) }
                        let scales = sizes.map { _ in Int8Test.scale(1e-4, 1, &rng) }
                        let outScale = Int8Test.scale(0.05, 1, &rng)
                        let bias = (0..<c).map { _ in Float.random(in: -0.5...0.5, using: &rng) }
                        var multipliers = [Int32](repeating: 0, count: sizes.count), shift: Int32 = 0
                        var biasQ = [Int64](repeating: 0, count: c)
                        guard es_qs8_upsample_sum_init(sizes.count, scales, outScale, c, bias, &multipliers, &shift, &biasQ) == 0 else {
                            Issue.record("upsample_sum_init failed for scales \(scales) → \(outScale)")
                            continue
                        }
                        let out = Self.outputRange(&rng)
                        var expected = [Int8](repeating: 0, count: oh * ow * c), got = expected
                        maps.withUnsafeBufferPointers { pointers in
                            let inputs = sizes.indices.map { i in
                                es_qs8_upsample_input(x: pointers[i], first_row: 0, h: sizes[i].0, w: sizes[i].1,
                                                      zero_point: zeroPoints[i], multiplier: multipliers[i])
                            }
                            es_qs8_upsample_sum_rndnu_scalar(inputs.count, inputs, oh, ow, c, 0, oh, multipliers, shift, biasQ, out,
                                                             &expected)
                            // In bands of 2 rows, as the decoder runs it; the output-sized input given as just the band's
                            // rows (first_row), as the decoder's fused stage-1 projection is.
                            got.withUnsafeMutableBufferPointer { g in
                                for first in stride(from: 0, to: oh, by: 2) {
                                    var banded = inputs
                                    banded[0] = es_qs8_upsample_input(x: pointers[0] + first * ow * c, first_row: first, h: oh, w: ow,
                                                                      zero_point: zeroPoints[0], multiplier: multipliers[0])
                                    table.upsample_sum!(banded.count, banded, oh, ow, c, first, min(2, oh - first), multipliers, shift,
                                                        biasQ, out, g.baseAddress! + first * ow * c)
                                }
                            }
                        }
                        Self.expectSame(got, expected, "\(name) upsample-sum →\(oh)x\(ow)x\(c) inputs \(sizes) shift \(shift)")
                    }
                }
            }
        }
    }

    /// Every SegFormer convolution (patch embeddings 7×7 s4 p3 and 3×3 s2 p1, spatial reductions k = s = 8,
    /// 4, 2) at small sizes, plus odd ones: inputs not a multiple of the stride, smaller than the kernel
    /// (all but the padding), and output pixel counts around the tile of 32. On every table, scalar included,
    /// and with the scratch exactly es_qs8_conv2d_scratch_bytes: the guard bytes after it stay untouched.
    @Test func convThroughGemmMatchesScalarConv() {
        var rng = SeededGenerator(seed: 0xC0DE)
        // (kernel, stride, pad, in_c, out_c)
        let convs = [(7, 4, 3, 3, 32), (3, 2, 1, 32, 64), (3, 2, 1, 64, 160), (3, 2, 1, 160, 256),
                     (8, 8, 0, 32, 32), (4, 4, 0, 64, 64), (2, 2, 0, 160, 160), (3, 2, 1, 5, 7), (1, 1, 0, 3, 5)]
        let inputs = [(16, 16), (9, 13), (3, 2), (24, 40), (33, 17)]
        let tables = [KernelTables.scalar] + KernelTables.simd(\.gemm, "gemm")
        for (kernel, stride, pad, inC, outC) in convs {
            for (inH, inW) in inputs where inH + 2 * pad >= kernel && inW + 2 * pad >= kernel {
                let shape = es_conv2d_shape(in_h: inH, in_w: inW, in_c: inC, out_c: outC, kernel: kernel, stride: stride, pad: pad)
                let outCount = es_conv2d_out_size(inH, kernel, stride, pad) * es_conv2d_out_size(inW, kernel, stride, pad) * outC
                let x = Int8Test.codes(inH * inW * inC, &rng), w = Int8Test.codes(outC * kernel * kernel * inC, &rng)
                let zx = Int32.random(in: -128...127, using: &rng)
                let bias = (0..<outC).map { _ in Int32.random(in: -(1 << 20)...(1 << 20), using: &rng) }
                let requant = Self.requants(outC, &rng), out = Self.outputRange(&rng)
                var expected = [Int8](repeating: 0, count: outCount)
                es_qs8_qc8w_conv2d_nhwc_rndnu_scalar(shape, x, zx, w, bias, requant, out, &expected)
                let scratchBytes = es_qs8_conv2d_scratch_bytes(shape), guardBytes = 64
                for var table in tables {
                    var scratch = [Int8](repeating: 0x5A, count: scratchBytes + guardBytes)
                    var got = [Int8](repeating: 0, count: outCount)
                    es_qs8_qc8w_conv2d_nhwc_rndnu_gemm(&table, shape, x, zx, w, bias, requant, out, &got, &scratch)
                    let what = "\(String(cString: table.name)) conv \(inH)x\(inW)x\(inC) k\(kernel) s\(stride) p\(pad) → \(outC)"
                    Self.expectSame(got, expected, what)
                    #expect(scratch[scratchBytes...].allSatisfy { $0 == 0x5A }, "\(what): wrote past the scratch")
                }
            }
        }
    }

    /// LayerNorm rows of 1 to 4096 channels (vector tails included), random and extreme codes, constant rows
    /// (variance 0), gamma and beta from tiny to saturating, ReLU-style clamps; and the one row statistic where
    /// 1/sqrt is exactly 2^31 (x = [0, 1] with eps_term = 2^24 − 2^22), which the SIMD kernel takes as a shift.
    @Test func layerNormMatchesScalar() {
        var rng = SeededGenerator(seed: 0x1A7E)
        for table in KernelTables.simd(\.layernorm, "layernorm") {
            let name = String(cString: table.name)
            for channels in [1, 2, 7, 8, 9, 15, 16, 17, 32, 64, 160, 256, 1024, 4096] {
                for fill in Self.fills + [0] {
                    let rows = channels >= 1024 ? 2 : 5
                    var x = Self.codes(rows * channels, fill, &rng)
                    if channels > 1 { for c in 0..<channels { x[c] = 9 } }   // row 0 constant
                    let gamma = (0..<channels).map { _ in Float.random(in: -3...3, using: &rng) * (Bool.random(using: &rng) ? 1 : 1e-3) }
                    let beta = (0..<channels).map { _ in Float.random(in: -2...2, using: &rng) }
                    var perChannel = [es_qs8_layernorm_channel](repeating: es_qs8_layernorm_channel(), count: channels)
                    var epsTerm: UInt64 = 0
                    let inScale = Double.random(in: 0.001...0.2, using: &rng), outScale = Double.random(in: 0.002...0.1, using: &rng)
                    #expect(es_qs8_layernorm_init(channels, 1e-5, inScale, gamma, beta, outScale, &perChannel, &epsTerm) == 0)
                    let out = Self.outputRange(&rng)
                    var expected = [Int8](repeating: 0, count: x.count), got = expected
                    es_qs8_layernorm_rndnu_scalar(rows, channels, x, epsTerm, perChannel, out, &expected)
                    table.layernorm!(rows, channels, x, epsTerm, perChannel, out, &got)
                    Self.expectSame(got, expected, "\(name) layernorm \(rows)x\(channels) fill \(String(describing: fill))")
                }
            }
            // Shifts of 32 and more (AVX2 rounds in int32 lanes then) and below (it falls back to scalar).
            for shifts: ClosedRange<Int32> in [20...50, 32...50, 32...50, 20...31] {
                let perChannel = (0..<2).map { _ in
                    es_qs8_layernorm_channel(multiplier: Int32.random(in: 1 << 20...Int32.max, using: &rng),
                                             shift: Int32.random(in: shifts, using: &rng), offset: Int64.random(in: -(1 << 40)...(1 << 40), using: &rng))
                }
                let x: [Int8] = [0, 1, 1, 0], out = es_qs8_out(zero_point: 3, min: -128, max: 127)
                var expected = [Int8](repeating: 0, count: 4), got = expected
                es_qs8_layernorm_rndnu_scalar(2, 2, x, (1 << 24) - (1 << 22), perChannel, out, &expected)
                table.layernorm!(2, 2, x, (1 << 24) - (1 << 22), perChannel, out, &got)
                Self.expectSame(got, expected, "\(name) layernorm with 1/sqrt = 2^31, shifts \(shifts)")
            }
        }
    }

    /// The online softmax entry against the exp reference, tile after tile (rescales included), with key counts
    /// around the vector width, scores from flat to ±2^31 (differences past −2^31), and score scales from one
    /// where the SIMD exponent applies to one so small that the kernel must fall back.
    @Test func softmaxOnlineMatchesScalar() {
        var rng = SeededGenerator(seed: 0x50F7)
        let all = [KernelTables.scalar] + KernelTables.simd(\.softmax_online, "softmax_online")
        for table in all {
            let name = String(cString: table.name)
            for (scale, spread) in [(2e-3, 3000), (1e-4, 300_000), (0.3, 40), (1e-9, Int(Int32.max)), (1e-3, Int(Int32.max))] {
                var rq = es_requant()
                #expect(es_qs32_softmax_init(scale, &rq) == 0)
                for n in [1, 15, 16, 17, 33, 256, 300] {
                    let (rows, d, tile) = (3, 5, 64)
                    let scores = (0..<rows * n).map { _ in Int32(truncatingIfNeeded: Int.random(in: -spread...spread, using: &rng)) }
                    func run(_ kernel: es_qs32_softmax_online_fn) -> ([UInt8], [UInt32], [Int32], [Int32]) {
                        var w = [UInt8](repeating: 0xEE, count: rows * n), sums = [UInt32](repeating: 0, count: rows)
                        var maxima = [Int32](repeating: 0, count: rows)
                        var o = (0..<rows * d).map { Int32($0 * 37 - 200) }
                        scores.withUnsafeBufferPointer { sp in
                            w.withUnsafeMutableBufferPointer { wp in
                                for start in stride(from: 0, to: n, by: tile) {
                                    kernel(rows, min(tile, n - start), sp.baseAddress! + start, n, rq, start == 0 ? 1 : 0, &maxima,
                                           &sums, &o, d, d, wp.baseAddress! + start, n)
                                }
                            }
                        }
                        return (w, sums, o, maxima)
                    }
                    let expected = run(es_qs32_softmax_online_rndnu_scalar), got = run(table.softmax_online!)
                    let what = "\(name) softmax n \(n) scale \(scale) spread \(spread)"
                    Self.expectSame(got.0, expected.0, what + " weights")
                    Self.expectSame(got.1, expected.1, what + " sums")
                    Self.expectSame(got.2, expected.2, what + " accumulators")
                    Self.expectSame(got.3, expected.3, what + " maxima")
                }
            }
        }
    }

    /// The context normalisation on every table: weight sums from 1 to 2^24 (powers of two and their neighbours,
    /// where the row shift u changes), context multipliers from tiny (shift capped at 62) to near 2^30, d around
    /// the vector width, accumulators random and extreme, ReLU-style clamps, a strided output.
    @Test func attentionNormalizeMatchesScalar() {
        var rng = SeededGenerator(seed: 0x40F3)
        var sums: [UInt32] = [1, 2, 3, 255, 256, 257, 65_535, 65_536, 1 << 24]
        for b in 0..<25 { sums += [UInt32(1) << b, (UInt32(1) << b) + 1, max(1, (UInt32(1) << b) - 1)] }
        sums += (0..<64).map { _ in UInt32.random(in: 1...(1 << 24), using: &rng) }
        for table in KernelTables.simd(\.attention_normalize, "attention_normalize") {
            let name = String(cString: table.name)
            for real in [1e-15, 3e-9, 0.0007, 0.6, 1.0, 57.0, 5e5, 3e8] {
                let rq = Int8Test.requant(real * Double.random(in: 1...1.99, using: &rng))
                for d in [1, 15, 16, 17, 32, 64, 100] {
                    let rows = sums.count, yStride = d + 3, out = Self.outputRange(&rng)
                    let o = (0..<rows * d).map { i in
                        i % 7 == 0 ? (Bool.random(using: &rng) ? Int32.max : Int32.min) : Int32.random(in: -(1 << 24)...(1 << 24), using: &rng)
                    }
                    let shuffled = sums.shuffled(using: &rng)
                    var expected = [Int8](repeating: 0x55, count: rows * yStride), got = expected
                    es_qs32_attention_normalize_rndnu_scalar(rows, d, o, d, shuffled, rq, out, &expected, yStride)
                    table.attention_normalize!(rows, d, o, d, shuffled, rq, out, &got, yStride)
                    Self.expectSame(got, expected, "\(name) attention normalize d \(d) M \(real)")
                }
            }
        }
    }

    /// The lookup (GELU) on every table: all 256 codes, lengths around the 64-byte vector, a random table.
    @Test func lookupMatchesScalar() {
        var rng = SeededGenerator(seed: 0x1077)
        let lut = Int8Test.codes(256, &rng)
        for table in KernelTables.simd(\.lut, "lut") {
            for n in [0, 1, 63, 64, 65, 256, 1000] {
                let x = n >= 256 ? (0..<n).map { Int8(truncatingIfNeeded: $0 * 37) } : Int8Test.codes(n, &rng)
                var expected = [Int8](repeating: 0x55, count: n + 8), got = expected
                es_qs8_lut_scalar(n, x, lut, &expected)
                table.lut!(n, x, lut, &got)
                Self.expectSame(got, expected, "\(String(cString: table.name)) lookup n \(n)")
            }
        }
    }

    /// The score differences where the reference weight steps from k − 1 to k (k = 1 … 255), each with its
    /// neighbours: there the exact weight 255·e is closest to a half-integer, so a kernel that estimates weights
    /// (AVX-512: in float) must know when it is unsure. Score scales of real layers and extremes, rows at
    /// random offsets.
    @Test func softmaxOnlineAtWeightSteps() {
        var rng = SeededGenerator(seed: 0x57E9)
        for table in [KernelTables.scalar] + KernelTables.simd(\.softmax_online, "softmax_online") {
            let name = String(cString: table.name)
            for scale in [2e-3, 1.7e-3, 4.1e-4, 1e-4, 0.05, 0.3, 2.5, 1e-7] {
                var rq = es_requant()
                #expect(es_qs32_softmax_init(scale, &rq) == 0)
                func weight(_ diff: Int64) -> UInt8 {
                    let t = (diff * Int64(rq.multiplier) + (Int64(1) << (rq.shift - 1))) >> rq.shift
                    return es_qs32_softmax_weight_scalar(Int32(max(t, -32 * 65536)))
                }
                // D_k: the smallest difference with weight k or more (weights fall as the difference does).
                var diffs: [Int64] = []
                for k in 1...255 {
                    var (lo, hi) = (-Int64(Int32.max), Int64(0))   // weight(hi) >= k
                    guard weight(lo) < k else { continue }
                    while hi - lo > 1 {
                        let mid = (lo + hi) / 2
                        if weight(mid) >= k { hi = mid } else { lo = mid }
                    }
                    diffs += [hi - 1, hi, hi + 1].filter { $0 <= 0 && $0 > -Int64(Int32.max) }
                }
                let deepest = diffs.min() ?? 0
                let top = Int64.random(in: (Int64(Int32.min) - deepest)...Int64(Int32.max), using: &rng)
                let scores = [Int32(top)] + diffs.shuffled(using: &rng).map { Int32(top + $0) }
                func run(_ kernel: es_qs32_softmax_online_fn) -> ([UInt8], [UInt32]) {
                    var w = [UInt8](repeating: 0xEE, count: scores.count), sums: [UInt32] = [0], maxima: [Int32] = [0]
                    var o: [Int32] = [7]
                    kernel(1, scores.count, scores, scores.count, rq, 1, &maxima, &sums, &o, 1, 1, &w, scores.count)
                    return (w, sums)
                }
                let expected = run(es_qs32_softmax_online_rndnu_scalar), got = run(table.softmax_online!)
                Self.expectSame(got.0, expected.0, "\(name) softmax weight steps, scale \(scale)")
                Self.expectSame(got.1, expected.1, "\(name) softmax weight steps, scale \(scale) sums")
            }
        }
    }

    /// Every exponent t from 0 down to the floor (−32·2^16) and past it: with the multiplier 2^30 / 2^30 the exponent
    /// is the score difference itself, so one row of scores max − i meets each weight's whole neighbourhood of the
    /// half-integer, however close the exact value comes to it.
    @Test func softmaxOnlineEveryExponent() {
        let n = 32 * 65536 + 100, rq = es_requant(multiplier: 1 << 30, shift: 30)
        let scores = (0..<n).map { Int32(1000 - $0) }
        for table in [KernelTables.scalar] + KernelTables.simd(\.softmax_online, "softmax_online") {
            func run(_ kernel: es_qs32_softmax_online_fn) -> ([UInt8], [UInt32]) {
                var w = [UInt8](repeating: 0xEE, count: n), sums: [UInt32] = [0], maxima: [Int32] = [0], o: [Int32] = [7]
                kernel(1, n, scores, n, rq, 1, &maxima, &sums, &o, 1, 1, &w, n)
                return (w, sums)
            }
            let expected = run(es_qs32_softmax_online_rndnu_scalar), got = run(table.softmax_online!)
            Self.expectSame(got.0, expected.0, "\(String(cString: table.name)) softmax every exponent")
            Self.expectSame(got.1, expected.1, "\(String(cString: table.name)) softmax every exponent sums")
        }
    }
}
