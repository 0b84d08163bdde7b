import CEdgeSeg
import EdgeSegRuntime
import Foundation
import TestSupport
import Testing

/// The SIMD int8 kernels against the scalar reference (bit for bit), and the run-time choice between them.
/// Each ISA's kernels are called directly, so one process covers every ISA this CPU has; an ISA it lacks (or
/// that EDGESEG_ISA leaves out, see KernelTables) is skipped with the reason.
@Suite struct Int8SimdKernelTests {
    static func table(_ isa: es_int8_isa) -> es_int8_kernel_table? { KernelTables.table(isa) }
    static let hasAVX2 = table(ES_INT8_ISA_AVX2) != nil
    static let hasAVX512VNNI = table(ES_INT8_ISA_AVX512VNNI) != nil

    static let sizes = [1, 2, 3, 7, 15, 16, 17, 31, 32, 33, 64, 100, 1027]

    /// One GEMM problem; strides leave gaps after each row that neither kernel may write.
    struct Problem {
        var m: Int, n: Int, k: Int
        var a: [Int8], aStride: Int, aZeroPoint: Int32
        var w: [Int8], bias: [Int32]?, requant: [es_requant], out: es_qs8_out
        var yStride: Int

        func run(_ gemm: es_qs8_qc8w_gemm_fn) -> [Int8] {
            var y = [Int8](repeating: 0x5A, count: m * yStride)
            let biasPointer = bias.map { UnsafeMutablePointer<Int32>.allocate(capacity: $0.count) }
            defer { biasPointer?.deallocate() }
            if let bias, let biasPointer { biasPointer.initialize(from: bias, count: bias.count) }
            gemm(m, n, k, a, aStride, aZeroPoint, w, biasPointer, requant, out, &y, yStride)
            return y
        }
    }

    /// Expects `isa`'s GEMM to return the reference's bytes, output gaps included.
    static func expectMatchesScalar(_ isa: es_int8_isa, _ p: Problem, _ what: String,
                                    sourceLocation: SourceLocation = #_sourceLocation) {
        guard let kernels = table(isa) else {
            Issue.record("\(isa) is not available", sourceLocation: sourceLocation)
            return
        }
        let expected = p.run(es_qs8_qc8w_gemm_rndnu_scalar), got = p.run(kernels.gemm!)
        if got != expected {
            let i = got.indices.first { got[$0] != expected[$0] }!
            let place = "[\(i / p.yStride), \(i % p.yStride)]"
            Issue.record("\(String(cString: kernels.name)) \(what) m \(p.m) n \(p.n) k \(p.k): \(place) = \(got[i]), scalar \(expected[i])",
                         sourceLocation: sourceLocation)
        }
    }

    /// Multipliers from 2^-40 (shift capped at 62, multiplier shrunk) to 2^20 (every output saturates).
    static let multipliers: [Double] = [0x1p-40, 1e-9, 3e-6, 1e-4, 0.01, 1, 0x1p20]

    /// Every m, n, k from the size list (up to a work budget), random codes, random zero points, strides
    /// wider than the rows, bias on and off, multipliers tiny to huge, with and without a ReLU clamp.
    static func randomProblems() -> [Problem] {
        var rng = SeededGenerator(seed: 0x51AD)
        var problems: [Problem] = []
        for m in sizes {
            for n in sizes {
                for k in sizes where m * n * k <= 400_000 || (m == 1027 && n <= 3) || (n == 1027 && m <= 3) {
                    let aStride = k + Int.random(in: 0...9, using: &rng), yStride = n + Int.random(in: 0...5, using: &rng)
                    let zy = Int32.random(in: -128...127, using: &rng)
                    let relu = Bool.random(using: &rng)
                    problems.append(Problem(
                        m: m, n: n, k: k, a: Int8Test.codes(m * aStride, &rng), aStride: aStride,
                        aZeroPoint: Int32.random(in: -128...127, using: &rng), w: Int8Test.codes(n * k, &rng),
                        bias: Bool.random(using: &rng) ? (0..<n).map { _ in Int32.random(in: -(1 << 24)...(1 << 24), using: &rng) } : nil,
                        requant: (0..<n).map { _ in Int8Test.requant(multipliers.randomElement(using: &rng)! * Double.random(in: 1...1.99, using: &rng)) },
                        out: es_qs8_out(zero_point: zy, min: relu ? zy : -128, max: 127), yStride: yStride))
                }
            }
        }
        return problems
    }

    /// Codes and zero points at the extremes (the largest products, vpmaddubsw's saturation cases), bias
    /// near ±2^30, on shapes with every kind of tail.
    static func extremeProblems() -> [Problem] {
        var problems: [Problem] = []
        for (m, n, k) in [(1, 1, 1), (3, 17, 33), (7, 15, 64), (17, 33, 100), (2, 5, 1027), (33, 31, 1027)] {
            for aFill: Int8 in [-128, 127] {
                for wFill: Int8 in [-128, 127] {
                    for za: Int32 in [-128, 127] {
                        for bias: Int32? in [nil, 1 << 30, -(1 << 30)] {
                            let aStride = k + 3
                            problems.append(Problem(
                                m: m, n: n, k: k, a: [Int8](repeating: aFill, count: m * aStride), aStride: aStride,
                                aZeroPoint: za, w: [Int8](repeating: wFill, count: n * k),
                                bias: bias.map { [Int32](repeating: $0, count: n) },
                                requant: (0..<n).map { Int8Test.requant(multipliers[$0 % multipliers.count]) },
                                out: es_qs8_out(zero_point: za == -128 ? 127 : -128, min: -128, max: 127), yStride: n + 1))
                        }
                    }
                }
            }
        }
        return problems
    }

    @Test func avx2GemmMatchesScalarOnRandomData() {
        guard Self.hasAVX2 else { return recordNotRun("the avx2 GEMM: this CPU has no AVX2, or EDGESEG_ISA leaves it out") }
        for p in Self.randomProblems() { Self.expectMatchesScalar(ES_INT8_ISA_AVX2, p, "random") }
    }

    @Test func avx2GemmMatchesScalarAtTheExtremes() {
        guard Self.hasAVX2 else { return recordNotRun("the avx2 GEMM: this CPU has no AVX2, or EDGESEG_ISA leaves it out") }
        for p in Self.extremeProblems() { Self.expectMatchesScalar(ES_INT8_ISA_AVX2, p, "extremes") }
    }

    @Test func avx512vnniGemmMatchesScalarOnRandomData() {
        guard Self.hasAVX512VNNI else { return recordNotRun("the avx512vnni GEMM: this CPU has no AVX-512 VNNI (avx512f+bw+vl+vnni), or EDGESEG_ISA leaves it out") }
        for p in Self.randomProblems() { Self.expectMatchesScalar(ES_INT8_ISA_AVX512VNNI, p, "random") }
    }

    @Test func avx512vnniGemmMatchesScalarAtTheExtremes() {
        guard Self.hasAVX512VNNI else { return recordNotRun("the avx512vnni GEMM: this CPU has no AVX-512 VNNI (avx512f+bw+vl+vnni), or EDGESEG_ISA leaves it out") }
        for p in Self.extremeProblems() { Self.expectMatchesScalar(ES_INT8_ISA_AVX512VNNI, p, "extremes") }
    }

    /// The probe and the tables agree, and without EDGESEG_ISA the process runs the best ISA it has.
    @Test func dispatchPicksTheBestAvailableISA() throws {
        let features = es_int8_cpu_probe()
        let avx2 = es_int8_kernels_for_isa(ES_INT8_ISA_AVX2) != nil, avx512vnni = es_int8_kernels_for_isa(ES_INT8_ISA_AVX512VNNI) != nil
        #expect(avx2 == (features.avx2 != 0))
        #expect(avx512vnni == (features.avx512vnni != 0))
        #expect(es_int8_kernels_for_isa(ES_INT8_ISA_SCALAR) != nil)
        if features.avx512vnni != 0 { #expect(features.avx2 != 0) }
        guard ProcessInfo.processInfo.environment["EDGESEG_ISA"] == nil else {
            return recordNotRun("the default choice: EDGESEG_ISA is set for the test run")
        }
        #expect(int8KernelISA == (avx512vnni ? "avx512vnni" : avx2 ? "avx2" : "scalar"))
    }

    /// The whole int8 model under EDGESEG_ISA=scalar and each SIMD ISA this process tests, in child processes: the
    /// same int8 logits and mask bytes, and `edgeseg info` names the ISA that ran. An ISA not tested here is
    /// recorded, not run again as its fallback (which would compare avx2 with scalar twice).
    @Test func modelGivesTheSameLogitsAndMaskOnEveryISA() throws {
        let model = try SmallModel.path
        let dir = SharedAssets.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var masks: [String: Data] = [:], logits: [String: Data] = [:]
        for isa in [ES_INT8_ISA_SCALAR] + KernelTables.simdISAs {
            let name = KernelTables.name(isa)
            if let why = KernelTables.whyNotRun(isa) {
                recordNotRun("the whole model on \(why)")
                continue
            }
            let env = ["EDGESEG_ISA": name]
            let info = try runEdgeSeg(["info", "--model", model], environment: env)
            #expect(info.status == 0, "\(info.stderr)")
            #expect(info.stdout.split(separator: "\n").contains { $0.split(separator: " ", omittingEmptySubsequences: true) == ["isa:", Substring(name)] },
                    "EDGESEG_ISA=\(name): \(info.stdout.prefix(600))")
            let mask = dir + "/mask-\(name).png", logitsFile = dir + "/logits-\(name).bin"
            let result = try runEdgeSeg(["segment", "--model", model, "--input", SmallModel.image, "--size", "128x96",
                                         "--output", mask, "--logits", logitsFile], environment: env)
            #expect(result.status == 0 && result.stderr.isEmpty, "EDGESEG_ISA=\(name): \(result.stderr)")
            masks[name] = try Data(contentsOf: URL(fileURLWithPath: mask))
            logits[name] = try Data(contentsOf: URL(fileURLWithPath: logitsFile))
        }
        #expect((logits["scalar"]?.count ?? 0) > 24 * 32 * 11)
        for name in logits.keys.sorted() where name != "scalar" {
            #expect(masks[name] == masks["scalar"], "\(name) mask")
            #expect(logits[name] == logits["scalar"], "\(name) int8 logits, byte for byte")
        }
    }

    /// An unknown EDGESEG_ISA runs the reference kernels and says so on stderr; one this build lacks (the other
    /// architecture's) runs the best one there is and says so.
    @Test func unknownISANameFallsBackToScalar() throws {
        let result = try runEdgeSeg(["info", "--model", try SmallModel.path], environment: ["EDGESEG_ISA": "sse9"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("isa:        scalar"))
        #expect(result.stderr.contains("EDGESEG_ISA=sse9"))
        #if arch(x86_64)
        let foreign = "neon"
        #else
        let foreign = "avx2"
        #endif
        let best = try runEdgeSeg(["info", "--model", try SmallModel.path], environment: ["EDGESEG_ISA": foreign])
        #expect(best.status == 0, "\(best.stderr)")
        let bestName = KernelTables.name(([ES_INT8_ISA_SCALAR] + KernelTables.simdISAs).last { es_int8_kernels_for_isa($0) != nil }!)
        #expect(best.stdout.contains("isa:        \(bestName)"), "\(best.stdout.prefix(600))")
        #expect(best.stderr.contains("EDGESEG_ISA=\(foreign): this CPU or build lacks it"), "\(best.stderr)")
    }
}
