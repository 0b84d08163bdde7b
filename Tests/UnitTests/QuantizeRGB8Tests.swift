import CEdgeSeg
import EdgeSegRuntime
import TestSupport
import Testing

/// The fused RGB → int8 input against preprocess() quantized in Swift, bit for bit, computed in bands of rows
/// as the thread pool runs it: shrinking (by 8, past what one 64-byte window of a row holds per vector),
/// enlarging, odd ratios, 1-pixel pictures and outputs, zero points at the extremes and a scale that saturates.
@Suite struct QuantizeRGB8Tests {
    @Test func bandsMatchPreprocessQuantized() throws {
        var rng = SeededGenerator(seed: 0x9B8)
        let sizes = [(1, 1, 1, 1), (1, 1, 5, 3), (4, 6, 4, 6), (9, 7, 4, 3), (5, 8, 17, 13), (31, 17, 12, 29),
                     (360, 480, 96, 128), (2, 3, 64, 1), (40, 300, 23, 301), (7, 1, 7, 1), (20, 400, 10, 50)]
        for (h, w, oh, ow) in sizes {
            for (scale, zeroPoint) in [(0.0187, Int32(-3)), (0.009, Int32(-128)), (0.05, Int32(127)), (0.004, Int32(20)),
                                       (0.001, Int32(5))] {
                let pixels = (0..<h * w * 3).map { _ in UInt8.random(in: 0...255, using: &rng) }
                let floats = try preprocess(RGBImage(width: w, height: h, pixels: pixels), size: ImageSize(width: ow, height: oh)).data
                let inverse = 1 / scale, plane = oh * ow
                var expected = [Int8](repeating: 0, count: plane * 3)
                for p in 0..<plane {
                    for c in 0..<3 {
                        let q = (Double(floats[c * plane + p]) * inverse).rounded() + Double(zeroPoint)
                        expected[p * 3 + c] = Int8(min(127, max(-128, q)))
                    }
                }
                let band = Int.random(in: 1...5, using: &rng)
                var got = [Int8](repeating: 0x5A, count: plane * 3)
                got.withUnsafeMutableBufferPointer { y in
                    for first in stride(from: 0, to: oh, by: band) {
                        es_f32_quantize_rgb8(pixels, h, w, oh, ow, first, min(band, oh - first), imageNetMean, imageNetStd,
                                             inverse, zeroPoint, y.baseAddress! + first * ow * 3)
                    }
                }
                if let i = got.indices.first(where: { got[$0] != expected[$0] }) {
                    Issue.record("\(h)x\(w) → \(oh)x\(ow) scale \(scale) z \(zeroPoint) band \(band): [\(i)] = \(got[i]), preprocess \(expected[i])")
                }
            }
        }
    }

    /// Exact halves round away from zero, as round() does: a white picture (1×1, and 1×2 for the vector path) with
    /// mean 0 or 2 and std 1 gives x = ±1 exactly, so x · (k + 0.5) is a tie; from tiny to saturating, with zero
    /// points at the extremes.
    @Test func halvesRoundAwayFromZero() {
        for width in [1, 2] {
            let white = [UInt8](repeating: 255, count: 3 * width)
            for mean: Float in [0, 2] {
                let x: Double = mean == 0 ? 1 : -1
                for k in [0, 1, 2, 63, 126, 127, 128, 255, 1023, 1024, 5000] {
                    for zeroPoint: Int32 in [-128, -1, 0, 7, 127] {
                        let inverse = Double(k) + 0.5
                        var y = [Int8](repeating: 0x5A, count: 3 * width)
                        es_f32_quantize_rgb8(white, 1, width, 1, width, 0, 1, [mean, mean, mean], [1, 1, 1], inverse, zeroPoint, &y)
                        let expected = Int8(min(127, max(-128, x * Double(k + 1) + Double(zeroPoint))))
                        #expect(y == [Int8](repeating: expected, count: 3 * width), "width \(width): x \(x) · \(inverse) + \(zeroPoint)")
                    }
                }
            }
        }
    }
}
