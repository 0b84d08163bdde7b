import CEdgeSeg
import TestSupport
import Testing

/// The packed GEMM of every table this CPU has (scalar included) against the scalar reference, bit for bit, on
/// the GEMM problems of Int8SimdKernelTests (random and extreme codes, zero points, every kind of tail, strided
/// gaps, bias nil, multipliers 2^-40 to 2^20, ReLU clamps). An ISA not run is recorded (KernelTables).
@Suite struct Int8PackedGemmTests {
    /// Packs p's weights with `kernels` into a buffer with a guard after gemm_packed_bytes, then runs
    /// gemm_packed on it; nil (and an issue) if pack wrote past its size.
    static func runPacked(_ kernels: es_int8_kernel_table, _ p: Int8SimdKernelTests.Problem) -> [Int8]? {
        let bytes = kernels.gemm_packed_bytes!(p.n, p.k), guardBytes = 64
        let packed = UnsafeMutableRawPointer.allocate(byteCount: bytes + guardBytes, alignment: 64)
        defer { packed.deallocate() }
        packed.initializeMemory(as: UInt8.self, repeating: 0xA5, count: bytes + guardBytes)
        if let bias = p.bias {
            kernels.gemm_pack!(p.n, p.k, p.w, bias, p.aZeroPoint, p.requant, packed)
        } else {
            kernels.gemm_pack!(p.n, p.k, p.w, nil, p.aZeroPoint, p.requant, packed)
        }
        let guardArea = UnsafeRawBufferPointer(start: packed + bytes, count: guardBytes)
        guard guardArea.allSatisfy({ $0 == 0xA5 }) else {
            Issue.record("\(String(cString: kernels.name)) gemm_pack n \(p.n) k \(p.k) wrote past gemm_packed_bytes \(bytes)")
            return nil
        }
        var y = [Int8](repeating: 0x5A, count: p.m * p.yStride)
        kernels.gemm_packed!(p.m, p.n, p.k, p.a, p.aStride, packed, p.out, &y, p.yStride)
        return y
    }

    static func expectPackedMatchesScalar(_ problems: [Int8SimdKernelTests.Problem], _ what: String,
                                          sourceLocation: SourceLocation = #_sourceLocation) {
        let tables = [KernelTables.scalar] + KernelTables.simd(\.gemm_packed, "gemm_packed", sourceLocation: sourceLocation)
        for p in problems {
            let expected = p.run(es_qs8_qc8w_gemm_rndnu_scalar)
            for kernels in tables {
                guard let got = runPacked(kernels, p), got != expected else { continue }
                let i = got.indices.first { got[$0] != expected[$0] }!
                Issue.record("\(String(cString: kernels.name)) packed \(what) m \(p.m) n \(p.n) k \(p.k) za \(p.aZeroPoint): [\(i / p.yStride), \(i % p.yStride)] = \(got[i]), scalar \(expected[i])")
            }
        }
    }

    @Test func packedGemmMatchesScalarOnRandomData() {
        Self.expectPackedMatchesScalar(Int8SimdKernelTests.randomProblems(), "random")
    }

    @Test func packedGemmMatchesScalarAtTheExtremes() {
        Self.expectPackedMatchesScalar(Int8SimdKernelTests.extremeProblems(), "extremes")
    }

    /// SegFormer's own shapes (k 32 to 1024, n 11 to 1024, whole 8- and 16-row tiles and a ragged last one),
    /// with multipliers that are not normalised (odd, small, negative) and every shift from 1 to 62.
    @Test func packedGemmMatchesScalarOnModelShapesAndRawRequant() {
        var rng = SeededGenerator(seed: 0x9AC4)
        var problems: [Int8SimdKernelTests.Problem] = []
        for (m, k, n) in [(67, 32, 32), (33, 32, 128), (41, 128, 32), (19, 64, 256), (9, 160, 640), (5, 256, 1024),
                          (70, 256, 11), (3, 1024, 256), (2, 640, 160), (11, 1030, 47)] {
            let zy = Int32.random(in: -128...127, using: &rng)
            problems.append(Int8SimdKernelTests.Problem(
                m: m, n: n, k: k, a: Int8Test.codes(m * (k + 1), &rng), aStride: k + 1,
                aZeroPoint: Int32.random(in: -128...127, using: &rng), w: Int8Test.codes(n * k, &rng),
                bias: (0..<n).map { _ in Int32.random(in: -(1 << 20)...(1 << 20), using: &rng) },
                requant: (0..<n).map { j in
                    es_requant(multiplier: Int32.random(in: Int32.min + 1...Int32.max, using: &rng) >> Int32(j % 31),
                               shift: Int32(1 + j % 62))
                },
                out: es_qs8_out(zero_point: zy, min: Bool.random(using: &rng) ? zy : -128, max: 127), yStride: n + 2))
        }
        Self.expectPackedMatchesScalar(problems, "model shapes")
    }

    /// Realistic requantization (multipliers 2^-16 to 0.2, so every shift is 33 or more and whole blocks of
    /// channels take AVX-512's 32-bit rounding) on SegFormer's shapes, outputs mostly inside the int8 range.
    @Test func packedGemmMatchesScalarWithLargeShifts() {
        var rng = SeededGenerator(seed: 0x33F7)
        var problems: [Int8SimdKernelTests.Problem] = []
        for (m, k, n) in [(67, 32, 32), (33, 32, 128), (41, 128, 32), (19, 64, 256), (9, 160, 640), (3, 1024, 256)] {
            let zy = Int32.random(in: -128...127, using: &rng)
            problems.append(Int8SimdKernelTests.Problem(
                m: m, n: n, k: k, a: Int8Test.codes(m * k, &rng), aStride: k,
                aZeroPoint: Int32.random(in: -128...127, using: &rng), w: Int8Test.codes(n * k, &rng),
                bias: (0..<n).map { _ in Int32.random(in: -(1 << 16)...(1 << 16), using: &rng) },
                requant: (0..<n).map { _ in Int8Test.requant(Int8Test.scale(0x1p-16 / Double(k), 0.2 / Double(k), &rng)) },
                out: es_qs8_out(zero_point: zy, min: Bool.random(using: &rng) ? zy : -128, max: 127), yStride: n))
        }
        Self.expectPackedMatchesScalar(problems, "large shifts")
    }
}
