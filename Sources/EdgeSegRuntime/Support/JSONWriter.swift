extension JSONValue {
    /// Compact JSON text (no whitespace) that `JSONValue.parse` reads back as an equal value: member order
    /// kept, strings escaped per RFC 8259 (`"`, `\` and control characters; other characters as UTF-8),
    /// `.int` as decimal digits, and `.double` in Swift's shortest round-trip form, which always has a
    /// `.` or an exponent (`2.0`, `1e-07`), so it parses back as the same `.double`, bit for bit.
    ///
    /// JSON cannot express NaN or infinity, and the parser rejects repeated keys, so both are errors here
    /// (`.usage`) rather than text that could not be read back; the message gives the value's location
    /// (`$.scales[3]`).
    public func serialized() throws(EdgeSegError) -> String {
        var out: [UInt8] = []
        var location: [UInt8] = [UInt8(ascii: "$")]
        try write(to: &out, location: &location)
        return String(decoding: out, as: UTF8.self)
    }

    private func write(to out: inout [UInt8], location: inout [UInt8]) throws(EdgeSegError) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): out.append(contentsOf: "\(i)".utf8)
        case .double(let d):
            guard d.isFinite else {
                throw EdgeSegError(.usage, "JSON has no representation for \(d) (at \(String(decoding: location, as: UTF8.self)))")
            }
            out.append(contentsOf: "\(d)".utf8)
        case .string(let s): Self.writeString(s, to: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            let outer = location.count
            for (i, element) in elements.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                location.append(contentsOf: "[\(i)]".utf8)
                try element.write(to: &out, location: &location)
                location.removeSubrange(outer...)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            let outer = location.count
            var keys = Set<String>()
            for (i, member) in members.enumerated() {
                guard keys.insert(member.key).inserted else {
                    throw EdgeSegError(.usage, "JSON object at \(String(decoding: location, as: UTF8.self)) has the key \"\(member.key)\" twice")
                }
                if i > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(member.key, to: &out)
                out.append(UInt8(ascii: ":"))
                location.append(UInt8(ascii: "."))
                location.append(contentsOf: member.key.utf8)
                try member.value.write(to: &out, location: &location)
                location.removeSubrange(outer...)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func writeString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
            case 0x0A: out.append(contentsOf: #"\n"#.utf8)
            case 0x0D: out.append(contentsOf: #"\r"#.utf8)
            case 0x09: out.append(contentsOf: #"\t"#.utf8)
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

extension JSONValue {
    /// `s` as a JSON string literal, escaped as `serialized()` escapes strings: for writers that lay out their
    /// own lines (scales.json keeps a tensor per line for people to read).
    public static func quoted(_ s: String) -> String {
        var out: [UInt8] = []
        writeString(s, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
