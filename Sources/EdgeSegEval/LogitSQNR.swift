#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import EdgeSegRuntime

/// Signal-to-quantization-noise ratio of test logits (int8) against reference logits (fp32), in dB:
/// 10·log10(Σ ref² / Σ (ref − test)²). The two sums run over every value of every image added, so the
/// result is the SQNR of the whole set, not a mean of per-image decibels (where one easy image would count
/// as much as a hard one, and a perfect one would make the mean infinite). `LayerSQNR` keeps one per
/// activation point.
public struct LogitSQNR: Equatable, Sendable {
    public private(set) var signalEnergy: Double = 0
    public private(set) var noiseEnergy: Double = 0

    public init() {}

    /// Sums made elsewhere (a shard's part file).
    public init(signalEnergy: Double, noiseEnergy: Double) {
        self.signalEnergy = signalEnergy
        self.noiseEnergy = noiseEnergy
    }

    /// Adds one image's logits, both in the same layout. `source` (the image, say) is named in errors.
    public mutating func add(reference: [Float], test: [Float], source: String = "image") throws(EdgeSegError) {
        guard reference.count == test.count else {
            throw EdgeSegError(.usage, "\(source): \(test.count) test logits for \(reference.count) reference logits")
        }
        var signal: Double = 0, noise: Double = 0
        reference.withUnsafeBufferPointer { r in
            test.withUnsafeBufferPointer { t in
                for i in 0..<r.count {
                    let ref = Double(r[i]), diff = ref - Double(t[i])
                    signal += ref * ref
                    noise += diff * diff
                }
            }
        }
        signalEnergy += signal
        noiseEnergy += noise
    }

    /// Adds one tensor's int8 values, real value = scale · (q − zero point), against its fp32 values in the
    /// same layout (the per-layer SQNR). `source` (the layer and image, say) is named in errors.
    public mutating func add(reference: UnsafeBufferPointer<Float>, quantized: UnsafeBufferPointer<Int8>,
                             _ parameters: QuantizationParameters, source: String) throws(EdgeSegError) {
        guard reference.count == quantized.count else {
            throw EdgeSegError(.usage, "\(source): \(quantized.count) int8 values for \(reference.count) fp32 values")
        }
        let scale = parameters.scale, zeroPoint = parameters.zeroPoint
        var signal: Double = 0, noise: Double = 0
        for i in 0..<reference.count {
            let ref = Double(reference[i]), diff = ref - scale * Double(Int32(quantized[i]) - zeroPoint)
            signal += ref * ref
            noise += diff * diff
        }
        signalEnergy += signal
        noiseEnergy += noise
    }

    /// Adds another accumulator's sums (per-image into a total).
    public mutating func merge(_ other: LogitSQNR) {
        signalEnergy += other.signalEnergy
        noiseEnergy += other.noiseEnergy
    }

    /// The SQNR in dB; +infinity when test equals reference, nil when there is no signal (nothing added,
    /// or all-zero reference logits).
    public var decibels: Double? {
        guard signalEnergy > 0 else { return nil }
        return noiseEnergy > 0 ? 10 * log10(signalEnergy / noiseEnergy) : .infinity
    }
}
