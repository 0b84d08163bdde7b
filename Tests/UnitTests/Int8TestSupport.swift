import CEdgeSeg
import Foundation
import TestSupport
import Testing

/// SplitMix64: a seeded generator, so every run of the int8 tests sees the same "random" data.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum Int8Test {
    static let fullRange = es_qs8_out(zero_point: 0, min: -128, max: 127)

    static func out(zeroPoint: Int32) -> es_qs8_out { es_qs8_out(zero_point: zeroPoint, min: -128, max: 127) }

    static func codes(_ count: Int, _ rng: inout SeededGenerator, _ range: ClosedRange<Int8> = -128...127) -> [Int8] {
        (0..<count).map { _ in Int8.random(in: range, using: &rng) }
    }

    /// A scale drawn log-uniformly from [low, high].
    static func scale(_ low: Double, _ high: Double, _ rng: inout SeededGenerator) -> Double {
        exp(Double.random(in: log(low)...log(high), using: &rng))
    }

    static func requant(_ real: Double) -> es_requant {
        var rq = es_requant()
        let status = es_requant_init(real, &rq)
        precondition(status == 0, "multiplier \(real) out of range")
        return rq
    }

    /// The real value an es_requant stands for (exact: a 31-bit integer times a power of two).
    static func value(_ rq: es_requant) -> Double { Double(rq.multiplier) * pow(2, -Double(rq.shift)) }

    static func clamp(_ v: Double, _ out: es_qs8_out) -> Double { min(max(v, Double(out.min)), Double(out.max)) }

    /// Expects |got − clamp(exact)| <= bound for each element; clamping is 1-Lipschitz, so a bound
    /// derived before the clamp still holds after it. Records the first miss and how many there were.
    static func expectWithin(_ got: [Int8], _ exact: [Double], _ bound: [Double], _ out: es_qs8_out, _ what: String,
                             sourceLocation: SourceLocation = #_sourceLocation) {
        let misses = got.indices.filter { abs(Double(got[$0]) - clamp(exact[$0], out)) > bound[$0] }
        if let i = misses.first {
            Issue.record("\(what): \(misses.count) misses; [\(i)] = \(got[i]), exact \(exact[i]), bound \(bound[i])",
                         sourceLocation: sourceLocation)
        }
    }

    /// Float bilinear resize with half-pixel centres (align_corners = false) of an ih×iw×c map, in double.
    static func bilinear(_ x: [Double], _ ih: Int, _ iw: Int, _ c: Int, _ oh: Int, _ ow: Int) -> [Double] {
        func tap(_ o: Int, _ n: Int, _ m: Int) -> (Int, Int, Double) {
            let src = max(0, (Double(o) + 0.5) * Double(n) / Double(m) - 0.5)
            let i0 = Int(src.rounded(.down))
            return (i0, min(i0 + 1, n - 1), src - Double(i0))
        }
        var exact = [Double]()
        for oy in 0..<oh {
            let (y0, y1, ty) = tap(oy, ih, oh)
            for ox in 0..<ow {
                let (x0, x1, tx) = tap(ox, iw, ow)
                for ch in 0..<c {
                    func v(_ yy: Int, _ xx: Int) -> Double { x[(yy * iw + xx) * c + ch] }
                    let top = v(y0, x0) * (1 - tx) + v(y0, x1) * tx, bottom = v(y1, x0) * (1 - tx) + v(y1, x1) * tx
                    exact.append(top * (1 - ty) + bottom * ty)
                }
            }
        }
        return exact
    }
}

/// The kernel tables the SIMD tests compare with the scalar reference: this architecture's SIMD ISAs that the CPU
/// runs. EDGESEG_ISA, when set, caps them: `EDGESEG_ISA=avx2 swift test` tests what an AVX2-only CPU tests.
/// Every ISA left out is recorded as not run, with the reason.
enum KernelTables {
    static let names = ["scalar", "avx2", "avx512vnni", "neon", "neondot"]   // indexed by es_int8_isa
    #if arch(x86_64)
    static let simdISAs = [ES_INT8_ISA_AVX2, ES_INT8_ISA_AVX512VNNI]
    #elseif arch(arm64)
    static let simdISAs = [ES_INT8_ISA_NEON, ES_INT8_ISA_NEONDOT]
    #else
    static let simdISAs: [es_int8_isa] = []
    #endif

    static func name(_ isa: es_int8_isa) -> String { names[Int(isa.rawValue)] }

    static var scalar: es_int8_kernel_table { es_int8_kernels_for_isa(ES_INT8_ISA_SCALAR)!.pointee }

    /// Why `isa` is not tested in this process, or nil if it is.
    static func whyNotRun(_ isa: es_int8_isa) -> String? {
        if es_int8_kernels_for_isa(isa) == nil { return "\(name(isa)): this CPU lacks it" }
        if let cap = ProcessInfo.processInfo.environment["EDGESEG_ISA"], let capIndex = names.firstIndex(of: cap),
           Int(isa.rawValue) > capIndex {
            return "\(name(isa)): EDGESEG_ISA=\(cap) leaves it out"
        }
        return nil
    }

    /// `isa`'s table if this process tests it.
    static func table(_ isa: es_int8_isa) -> es_int8_kernel_table? {
        whyNotRun(isa) == nil ? es_int8_kernels_for_isa(isa)!.pointee : nil
    }

    /// The SIMD tables to compare for the entry `kernel`: each tested ISA whose entry is not the scalar table's own
    /// function (the table holds no SIMD kernel for it yet: the comparison would be scalar against itself). Every
    /// ISA left out is recorded as not run.
    static func simd<F>(_ kernel: KeyPath<es_int8_kernel_table, F?>, _ what: String,
                        sourceLocation: SourceLocation = #_sourceLocation) -> [es_int8_kernel_table] {
        simdISAs.compactMap { isa in
            if let why = whyNotRun(isa) {
                recordNotRun("\(what) on \(why)", sourceLocation: sourceLocation)
                return nil
            }
            let table = es_int8_kernels_for_isa(isa)!.pointee
            if let entry = table[keyPath: kernel], let scalarEntry = scalar[keyPath: kernel],
               unsafeBitCast(entry, to: UnsafeRawPointer.self) == unsafeBitCast(scalarEntry, to: UnsafeRawPointer.self) {
                recordNotRun("\(name(isa))'s \(what) is the scalar table's function (no \(name(isa)) kernel): it would compare scalar with itself",
                             sourceLocation: sourceLocation)
                return nil
            }
            return table
        }
    }
}
