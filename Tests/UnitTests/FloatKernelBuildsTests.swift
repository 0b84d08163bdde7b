import CEdgeSeg
import TestSupport
import Testing

/// The fp32 kernels' AVX2 and AVX-512 builds (kernels/f32/f32-multiversion.h) against the baseline build, bit for
/// bit: same sums in the same order, no contraction, so the derived bound is zero. Odd sizes reach every tile edge.
@Suite struct FloatKernelBuildsTests {
    static var builds: [es_f32_build] {
        var pointer: UnsafePointer<es_f32_build>?
        let count = es_f32_builds(&pointer)
        return Array(UnsafeBufferPointer(start: pointer, count: count))
    }

    /// Values with many significant bits and mixed signs, so any change of order or rounding shows.
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 2_000_003) / 300_007 - 3.3
        }
    }

    static func name(_ build: es_f32_build) -> String { String(cString: build.name) }

    static func recordMissingBuilds() {
        if builds.count < 3 {
            recordNotRun("fp32 builds above \(name(builds[builds.count - 1])): this CPU lacks the ISA")
        }
    }

    @Test(arguments: [(1, 1, 1), (3, 17, 5), (4, 16, 64), (37, 33, 70), (64, 256, 32), (19, 150, 1024)])
    func gemmBuildsMatchBaseline(shape: (Int, Int, Int)) {
        let (m, n, k) = shape
        let a = Self.values(m * k, seed: 1), b = Self.values(k * n, seed: 2), bias = Self.values(n, seed: 3)
        func run(_ build: es_f32_build, bias: [Float]?) -> [Float] {
            var c = [Float](repeating: .nan, count: m * n)
            if let bias { build.gemm(m, n, k, a, b, bias, &c) } else { build.gemm(m, n, k, a, b, nil, &c) }
            return c
        }
        for withBias in [true, false] {
            let expected = run(Self.builds[0], bias: withBias ? bias : nil)
            for build in Self.builds.dropFirst() {
                #expect(run(build, bias: withBias ? bias : nil).map(\.bitPattern) == expected.map(\.bitPattern),
                        "\(Self.name(build)) gemm \(m)x\(n)x\(k) bias \(withBias)")
            }
        }
        Self.recordMissingBuilds()
    }

    /// Query counts around the 16-query block, key counts around the 16-wide tile, 1 to 5 heads.
    @Test(arguments: [(1, 1, 8, 1), (15, 7, 16, 1), (17, 33, 64, 2), (33, 256, 160, 5), (256, 64, 32, 1)])
    func attentionBuildsMatchBaseline(shape: (Int, Int, Int, Int)) {
        let (n, m, c, heads) = shape
        let q = Self.values(n * c, seed: 4), k = Self.values(m * c, seed: 5), v = Self.values(m * c, seed: 6)
        func run(_ build: es_f32_build) -> [Float] {
            var scratch = [Float](repeating: .nan, count: es_f32_attention_scratch(m, c))
            var out = [Float](repeating: .nan, count: n * c)
            build.attention(q, k, v, n, m, c, heads, &scratch, &out)
            return out
        }
        let expected = run(Self.builds[0])
        #expect(!expected.contains { $0.isNaN })
        for build in Self.builds.dropFirst() {
            #expect(run(build).map(\.bitPattern) == expected.map(\.bitPattern), "\(Self.name(build)) attention \(shape)")
        }
        Self.recordMissingBuilds()
    }

    @Test(arguments: [(1, 1, 1), (5, 7, 32), (9, 4, 67), (16, 16, 256)])
    func depthwiseLayerNormAndUpsampleBuildsMatchBaseline(shape: (Int, Int, Int)) {
        let (h, w, c) = shape
        let x = Self.values(h * w * c, seed: 7), weights = Self.values(9 * c, seed: 8), bias = Self.values(c, seed: 9)
        let gamma = Self.values(c, seed: 10), beta = Self.values(c, seed: 11)
        func run(_ build: es_f32_build) -> [UInt32] {
            var conv = [Float](repeating: .nan, count: h * w * c)
            build.dwconv3x3(x, h, w, c, 0, h, weights, bias, &conv)
            var norm = [Float](repeating: .nan, count: h * w * c)
            build.layernorm(x, h * w, c, gamma, beta, 1e-6, &norm)
            let (oh, ow) = (2 * h + 1, 3 * w)
            var up = Self.values(oh * ow * c, seed: 12)
            build.upsample_add_rows(x, h, w, c, oh, ow, 1, oh - 1, &up)
            return (conv + norm + up).map(\.bitPattern)
        }
        let expected = run(Self.builds[0])
        for build in Self.builds.dropFirst() {
            #expect(run(build) == expected, "\(Self.name(build)) depthwise/layernorm/upsample \(shape)")
        }
        Self.recordMissingBuilds()
    }
}
