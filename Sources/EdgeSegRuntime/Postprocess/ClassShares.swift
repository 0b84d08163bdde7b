/// What a person wants to know about a mask at a glance: one line per class present, largest share first, as
/// "  road           38.5 %". Tenths of a percent rounded in integers (Embedded Swift prints no floats), so the
/// host and the Pi binary print the same lines.
public func classShareLines(_ labels: [UInt8], names: [String]) -> [String] {
    guard !labels.isEmpty else { return [] }
    var counts = [Int](repeating: 0, count: 256)
    for l in labels { counts[Int(l)] += 1 }
    let present = counts.indices.filter { counts[$0] > 0 }.sorted { counts[$0] > counts[$1] }
    return present.map { c in
        let tenths = (counts[c] * 1000 + labels.count / 2) / labels.count
        let name = c < names.count ? names[c] : "class \(c)"
        let padding = String(repeating: " ", count: max(0, 14 - name.count))
        return "  \(name)\(padding) \(tenths / 10).\(tenths % 10) %"
    }
}
