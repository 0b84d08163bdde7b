/// Each class's pixels in a mask, into `counts` (256 entries, one per possible label; zeroed first). Allocates
/// nothing: the C API counts every frame with it.
public func countClassPixels(_ labels: UnsafeBufferPointer<UInt8>, into counts: UnsafeMutableBufferPointer<Int>) {
    precondition(counts.count >= 256, "a class count per possible label")
    for c in counts.indices { counts[c] = 0 }
    for l in labels { counts[Int(l)] += 1 }
}

/// The classes present in a mask with their pixel counts, largest first (ties: lower index first).
public func classPixelCounts(_ labels: [UInt8]) -> [(index: Int, pixels: Int)] {
    var counts = [Int](repeating: 0, count: 256)
    labels.withUnsafeBufferPointer { l in counts.withUnsafeMutableBufferPointer { countClassPixels(l, into: $0) } }
    return counts.indices.filter { counts[$0] > 0 }.sorted { counts[$0] > counts[$1] || (counts[$0] == counts[$1] && $0 < $1) }
        .map { (index: $0, pixels: counts[$0]) }
}

/// What a person wants to know about a mask at a glance: one line per class present, largest share first, as
/// "  road           38.5 %". Tenths of a percent rounded in integers (Embedded Swift prints no floats), so the
/// host and the Pi binary print the same lines.
public func classShareLines(_ labels: [UInt8], names: [String]) -> [String] {
    classPixelCounts(labels).map { c in
        let tenths = (c.pixels * 1000 + labels.count / 2) / labels.count
        let name = c.index < names.count ? names[c.index] : "class \(c.index)"
        let padding = String(repeating: " ", count: max(0, 14 - name.count))
        return "  \(name)\(padding) \(tenths / 10).\(tenths % 10) %"
    }
}
