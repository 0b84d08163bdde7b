/// Latencies in microseconds, counted in log-linear buckets (exact below 128 µs, then 64 buckets per
/// doubling: within 1.6 %), so percentiles over a whole run need no list of every frame.
struct LatencyHistogram: Sendable {
    private var counts = [Int](repeating: 0, count: LatencyHistogram.bucketCount)
    private(set) var count = 0

    private static let linear = 128
    private static let perDoubling = 64
    private static let bucketCount = linear + 40 * perDoubling

    mutating func record(microseconds: UInt64) {
        counts[Self.bucket(of: microseconds)] += 1
        count += 1
    }

    /// The `percent` percentile (nearest rank), in microseconds; 0 when empty.
    func percentile(_ percent: Int) -> UInt64 {
        guard count > 0 else { return 0 }
        let rank = max(1, (count * percent + 99) / 100)
        var seen = 0
        for (bucket, n) in counts.enumerated() where n > 0 {
            seen += n
            if seen >= rank { return Self.value(of: bucket) }
        }
        return Self.value(of: counts.count - 1)
    }

    private static func bucket(of value: UInt64) -> Int {
        if value < UInt64(linear) { return Int(value) }
        let shift = (64 - value.leadingZeroBitCount) - 7          // value >> shift lies in 64..127
        let index = linear + (shift - 1) * perDoubling + Int(value >> UInt64(shift)) - perDoubling
        return min(index, bucketCount - 1)
    }

    /// The middle of a bucket.
    private static func value(of bucket: Int) -> UInt64 {
        if bucket < linear { return UInt64(bucket) }
        let shift = (bucket - linear) / perDoubling + 1
        let mantissa = UInt64((bucket - linear) % perDoubling + perDoubling)
        return (mantissa << UInt64(shift)) + (UInt64(1) << UInt64(shift)) / 2
    }
}
