import CEdgeSeg

/// A JSON value (RFC 8259). Objects keep their members in source order; integers without a fraction or
/// exponent that fit in Int64 stay exact (`.int`), every other number is a `.double`.
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([JSONMember])

    /// Parses UTF-8 JSON text. `source` (usually a file name) starts every error message, followed by
    /// the line and column (1-based, column in bytes) and what was expected there.
    public static func parse(_ bytes: UnsafeRawBufferPointer, source: String) throws(EdgeSegError) -> JSONValue {
        var parser = JSONParser(bytes: bytes, source: source)
        return try parser.parseDocument()
    }

    public static func parse(_ text: String, source: String) throws(EdgeSegError) -> JSONValue {
        var text = text
        // withUTF8 only rethrows untyped errors, so the typed error travels out in a Result.
        let result = text.withUTF8 { utf8 in
            Result { () throws(EdgeSegError) -> JSONValue in try parse(UnsafeRawBufferPointer(utf8), source: source) }
        }
        return try result.get()
    }

    /// The member `key` of an object (the first one if a key repeats, which the parser rejects anyway).
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        for m in members where m.key == key { return m.value }
        return nil
    }

    public var members: [JSONMember]? { if case .object(let m) = self { m } else { nil } }
    public var array: [JSONValue]? { if case .array(let a) = self { a } else { nil } }
    public var string: String? { if case .string(let s) = self { s } else { nil } }
    public var bool: Bool? { if case .bool(let b) = self { b } else { nil } }
    public var isNull: Bool { self == .null }

    /// An integer value; nil for fractions and for integers that do not fit in `Int`.
    public var int: Int? { if case .int(let i) = self { Int(exactly: i) } else { nil } }

    /// Any number as a Double (large integers round).
    public var double: Double? {
        switch self {
        case .int(let i): Double(i)
        case .double(let d): d
        default: nil
        }
    }

    /// The JSON type name, for error messages ("expected an array, found a string").
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int: "an integer"
        case .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// One `"key": value` member of a JSON object.
public struct JSONMember: Equatable, Sendable {
    public let key: String
    public let value: JSONValue

    public init(key: String, value: JSONValue) {
        self.key = key
        self.value = value
    }
}

/// Recursive descent over the bytes. Nesting deeper than `maxDepth` is an error, not a stack overflow.
struct JSONParser {
    static let maxDepth = 256

    let bytes: UnsafeRawBufferPointer
    let source: String
    var position = 0
    var depth = 0

    init(bytes: UnsafeRawBufferPointer, source: String) {
        self.bytes = bytes
        self.source = source
    }

    mutating func parseDocument() throws(EdgeSegError) -> JSONValue {
        // RFC 8259 §8.1: a parser may ignore a byte order mark; editors on Windows write one.
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { position = 3 }
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        if position < bytes.count { throw error("expected end of input after the top-level value") }
        return value
    }

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipWhitespace() {
        while let c = current, c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { position += 1 }
    }

    private mutating func parseValue() throws(EdgeSegError) -> JSONValue {
        guard let c = current else { throw error("expected a value") }
        switch c {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error("expected a value")
        }
    }

    private mutating func enterContainer() throws(EdgeSegError) {
        depth += 1
        if depth > JSONParser.maxDepth { throw error("nesting deeper than \(JSONParser.maxDepth) levels") }
        position += 1
        skipWhitespace()
    }

    private mutating func parseObject() throws(EdgeSegError) -> JSONValue {
        try enterContainer()
        var members: [JSONMember] = []
        var keys = Set<String>()
        if current == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return .object(members)
        }
        while true {
            guard current == UInt8(ascii: "\"") else { throw error("expected a string key") }
            let keyStart = position
            let key = try parseString()
            guard keys.insert(key).inserted else {
                position = keyStart
                throw error("duplicate key \"\(key)\"")
            }
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw error("expected ':' after key \"\(key)\"") }
            position += 1
            skipWhitespace()
            members.append(JSONMember(key: key, value: try parseValue()))
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                position += 1
                skipWhitespace()
            } else if current == UInt8(ascii: "}") {
                position += 1
                depth -= 1
                return .object(members)
            } else {
                throw error("expected ',' or '}' after object member \"\(key)\"")
            }
        }
    }

    private mutating func parseArray() throws(EdgeSegError) -> JSONValue {
        try enterContainer()
        var elements: [JSONValue] = []
        if current == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            elements.append(try parseValue())
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                position += 1
                skipWhitespace()
            } else if current == UInt8(ascii: "]") {
                position += 1
                depth -= 1
                return .array(elements)
            } else {
                throw error("expected ',' or ']' after array element")
            }
        }
    }

    private mutating func expectLiteral(_ word: StaticString) throws(EdgeSegError) {
        let start = position
        let count = word.utf8CodeUnitCount
        let w = UnsafeRawBufferPointer(start: word.utf8Start, count: count)
        for i in 0..<count {
            guard start + i < bytes.count, bytes[start + i] == w[i] else {
                position = start + i
                throw error("expected '\(word)'")
            }
        }
        position += count
    }

    private mutating func parseNumber() throws(EdgeSegError) -> JSONValue {
        let start = position
        var isInteger = true
        if current == UInt8(ascii: "-") { position += 1 }
        guard let first = current, isDigit(first) else { throw error("expected a digit") }
        position += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        if current == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard let c = current, isDigit(c) else { throw error("expected a digit after '.'") }
            skipDigits()
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            guard let c = current, isDigit(c) else { throw error("expected a digit in the exponent") }
            skipDigits()
        }
        if isInteger, let exact = integerValue(from: start, to: position) { return .int(exact) }
        let value = es_parse_double(
            bytes.baseAddress!.assumingMemoryBound(to: UInt8.self) + start, position - start)
        guard value.isFinite else {
            position = start
            throw error("number out of the range of a 64-bit float")
        }
        return .double(value)
    }

    private mutating func skipDigits() {
        while let c = current, isDigit(c) { position += 1 }
    }

    private func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

    /// The integer in bytes[start..<end] (an optional '-' then digits), or nil if it overflows Int64.
    private func integerValue(from start: Int, to end: Int) -> Int64? {
        let negative = bytes[start] == UInt8(ascii: "-")
        var value: Int64 = 0
        for i in (negative ? start + 1 : start)..<end {
            let digit = Int64(bytes[i] - UInt8(ascii: "0"))
            // Accumulate negatively so Int64.min is representable.
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = times10.subtractingReportingOverflow(digit)
            if o1 || o2 { return nil }
            value = next
        }
        if negative { return value }
        return value == Int64.min ? nil : -value
    }

    private mutating func parseString() throws(EdgeSegError) -> String {
        let openQuote = position
        position += 1
        var utf8: [UInt8] = []
        while true {
            guard let c = current else {
                position = openQuote
                throw error("unterminated string")
            }
            if c == UInt8(ascii: "\"") {
                position += 1
                break
            }
            if c < 0x20 { throw error("expected '\"' or a character (control characters must be escaped)") }
            if c == UInt8(ascii: "\\") {
                try parseEscape(into: &utf8)
            } else {
                utf8.append(c)
                position += 1
            }
        }
        guard let text = String(validating: utf8, as: UTF8.self) else {
            position = openQuote
            throw error("invalid UTF-8 in string")
        }
        return text
    }

    private mutating func parseEscape(into utf8: inout [UInt8]) throws(EdgeSegError) {
        position += 1
        guard let c = current else { throw error("expected an escape character after '\\'") }
        let simple: UInt8? = switch c {
        case UInt8(ascii: "\""): 0x22
        case UInt8(ascii: "\\"): 0x5C
        case UInt8(ascii: "/"): 0x2F
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "f"): 0x0C
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "t"): 0x09
        default: nil
        }
        if let simple {
            utf8.append(simple)
            position += 1
            return
        }
        guard c == UInt8(ascii: "u") else { throw error("expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX") }
        let escapeStart = position - 1
        position += 1
        var scalar = try parseHex4()
        if scalar >= 0xD800 && scalar <= 0xDBFF {
            guard current == UInt8(ascii: "\\"), position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "u") else {
                position = escapeStart
                throw error("expected a \\uDC00-\\uDFFF low surrogate after the high surrogate")
            }
            position += 2
            let low = try parseHex4()
            guard low >= 0xDC00 && low <= 0xDFFF else {
                position = escapeStart
                throw error("expected a \\uDC00-\\uDFFF low surrogate after the high surrogate")
            }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
            position = escapeStart
            throw error("unpaired low surrogate")
        }
        appendUTF8(scalar, to: &utf8)
    }

    private mutating func parseHex4() throws(EdgeSegError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let c = current else { throw error("expected 4 hex digits after \\u") }
            let digit: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c - UInt8(ascii: "A") + 10
            default: throw error("expected 4 hex digits after \\u")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    private func appendUTF8(_ scalar: UInt32, to utf8: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            utf8.append(UInt8(scalar))
        case 0x80..<0x800:
            utf8.append(UInt8(0xC0 | scalar >> 6))
            utf8.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            utf8.append(UInt8(0xE0 | scalar >> 12))
            utf8.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            utf8.append(UInt8(0x80 | scalar & 0x3F))
        default:
            utf8.append(UInt8(0xF0 | scalar >> 18))
            utf8.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            utf8.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            utf8.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// "source:line:column: <expected>, found <what is at the position>".
    private func error(_ expected: String) -> EdgeSegError {
        var line = 1, lineStart = 0
        for i in 0..<min(position, bytes.count) where bytes[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        let column = position - lineStart + 1
        return EdgeSegError(.json, "\(source):\(line):\(column): \(expected), found \(describeFound())")
    }

    private func describeFound() -> String {
        guard let c = current else { return "end of input" }
        if c >= 0x20 && c < 0x7F { return "'\(String(decoding: [c], as: UTF8.self))'" }
        return "byte 0x\(hex(c))"
    }

    private func hex(_ byte: UInt8) -> String {
        let digits: [UInt8] = Array("0123456789ABCDEF".utf8)
        return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0xF)]], as: UTF8.self)
    }
}
