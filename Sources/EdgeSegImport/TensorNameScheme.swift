import EdgeSegRuntime

/// Maps tensor names of the `transformers` 5 in-memory SegFormer layout to the hub (`transformers` 4)
/// names `expectedTensors` uses; hub names pass through unchanged.
///
/// The table is `HubNames.transformers5`; each rule rewrites one run of dot-separated components.
enum TensorNameScheme {
    private static let rules: [(v5: [Substring], hub: [Substring])] = HubNames.transformers5.map {
        ($0.v5.split(separator: "."), $0.hub.split(separator: "."))
    }

    /// The hub name for `name`. Rules apply in table order, each at most once.
    static func hubName(_ name: String) -> String {
        var parts = name.split(separator: ".", omittingEmptySubsequences: false)
        for rule in rules {
            guard let (start, captures) = firstMatch(of: rule.v5, in: parts) else { continue }
            let replacement = rule.hub.map { captures[$0] ?? $0 }
            parts.replaceSubrange(start..<start + rule.v5.count, with: replacement)
        }
        return parts.joined(separator: ".")
    }

    /// Where `pattern` first matches a run of `parts`, and what its `{x}` placeholders captured.
    private static func firstMatch(
        of pattern: [Substring], in parts: [Substring]
    ) -> (Int, [Substring: Substring])? {
        guard parts.count >= pattern.count else { return nil }
        for start in 0...(parts.count - pattern.count) {
            var captures: [Substring: Substring] = [:]
            var matched = true
            for (p, part) in zip(pattern, parts[start...]) {
                if p.hasPrefix("{") {
                    guard !part.isEmpty, part.allSatisfy(\.isASCIIDigit) else { matched = false; break }
                    captures[p] = part
                } else if p != part {
                    matched = false
                    break
                }
            }
            if matched { return (start, captures) }
        }
        return nil
    }
}

private extension Character {
    var isASCIIDigit: Bool { self >= "0" && self <= "9" }
}
