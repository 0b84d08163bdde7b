import EdgeSegRuntime

/// How often two predictions of the same images (int8 and fp32, say) give a pixel the same class. Needs no
/// labels: every pixel counts, ignore labels do not exist here.
public struct Agreement: Equatable, Sendable {
    public private(set) var agreeingPixels = 0
    public private(set) var totalPixels = 0

    public init() {}

    /// Counts made elsewhere (a shard's part file).
    public init(agreeingPixels: Int, totalPixels: Int) {
        self.agreeingPixels = agreeingPixels
        self.totalPixels = totalPixels
    }

    /// Compares one image's two class maps. `source` (the image, say) is named in errors.
    public mutating func add(_ first: [UInt8], _ second: [UInt8], source: String = "image") throws(EdgeSegError) {
        guard first.count == second.count else {
            throw EdgeSegError(.usage, "\(source): class maps of \(first.count) and \(second.count) pixels cannot be compared")
        }
        var same = 0
        first.withUnsafeBufferPointer { a in
            second.withUnsafeBufferPointer { b in
                for i in 0..<a.count where a[i] == b[i] { same += 1 }
            }
        }
        agreeingPixels += same
        totalPixels += first.count
    }

    /// Adds another accumulator's counts (per-image into a total).
    public mutating func merge(_ other: Agreement) {
        agreeingPixels += other.agreeingPixels
        totalPixels += other.totalPixels
    }

    /// Agreeing pixels in percent of all compared; nil if nothing was compared.
    public var percent: Double? { EdgeSegEval.percent(agreeingPixels, of: totalPixels) }
}
