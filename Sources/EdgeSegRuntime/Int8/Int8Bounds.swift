import CEdgeSeg

/// The ranges the int8 kernels are proven for (`Sources/CEdgeSeg/kernels/int8/QUANTIZATION.md`): what the quantizer
/// writes, and what the reader accepts from a model file before any kernel sees it. Outside them a kernel could
/// overflow, divide by zero or loop (a zero context multiplier never normalises), so they are refused with the
/// tensor, the index and the range.
enum Int8Bounds {
    /// Requantization `m · 2^-shift`: m in [2^30, 2^31) normally, smaller when the shift is capped, 0 for a zero scale.
    static let multipliers: ClosedRange<Int64> = 0...Int64(Int32.max)
    static let shifts: ClosedRange<Int64> = 1...62
    /// The softmax exponent and the attention context divide by (or normalise) m: it must be positive.
    static let positiveMultipliers: ClosedRange<Int64> = 1...Int64(Int32.max)
    /// LayerNorm: γ may be negative, so m may be too; shift <= 50 keeps z·m + offset below 2^63.
    static let layerNormMultipliers: ClosedRange<Int64> = -Int64(Int32.max)...Int64(Int32.max)
    static let layerNormShifts: ClosedRange<Int64> = 1...50
    static let layerNormOffsets: ClosedRange<Int64> = -(1 << 61)...(1 << 61)
    /// eps_term <= 2^61 keeps (D + E)·2^22 below 2^62.
    static let layerNormEpsTerms: ClosedRange<Int64> = 0...(1 << 61)
    static let layerNormChannels = 4096
    /// The decoder's fused sum: shift <= 50 and |bias| < 2^62 keep the int64 sum in range.
    static let decoderShifts: ClosedRange<Int64> = 1...50
    static let decoderBiases: ClosedRange<Int64> = -((1 << 62) - 1)...((1 << 62) - 1)
    /// GEMM and convolution: K·255·127 + |bias| < 2^31 for K <= 32768 and |bias| <= 2^30; Q·Kᵀ over d <= 32768.
    static let maxReduction = 32768
    static let biases: ClosedRange<Int64> = -(1 << 30)...(1 << 30)
    /// P·V: |o| <= 255 · 255 · n stays below 2^31 for n <= 33,000 keys.
    static let maxKeys = 32768
    static let zeroPoints: ClosedRange<Int64> = -128...127

    /// Throws unless `value` lies in `range`; `what` names the file, tensor and element.
    static func check(_ value: Int64, in range: ClosedRange<Int64>, _ what: @autoclosure () -> String) throws(EdgeSegError) {
        guard range.contains(value) else {
            throw EdgeSegError(.checkpoint, "\(what()) = \(value) is outside \(range.lowerBound)...\(range.upperBound), the range the int8 kernels are proven for (QUANTIZATION.md)")
        }
    }

    /// Throws unless a reduction (a GEMM's or a convolution's K, a head's size) is within `maxReduction`.
    static func checkReduction(_ k: Int, _ what: @autoclosure () -> String) throws(EdgeSegError) {
        guard k <= maxReduction else {
            throw EdgeSegError(.checkpoint, "\(what()) sums over \(k) products, more than the \(maxReduction) the int8 kernels are proven for (QUANTIZATION.md)")
        }
    }
}
