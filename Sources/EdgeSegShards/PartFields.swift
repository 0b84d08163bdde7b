import EdgeSegRuntime

/// A JSON value of a part file, read field by field: a missing or ill-typed field is a `.json` error naming
/// the file and the field's place (`content.images[3].name`).
public struct PartFields {
    public let value: JSONValue
    public let source: String
    public let location: String

    public init(_ value: JSONValue, source: String, location: String) {
        self.value = value
        self.source = source
        self.location = location
    }

    public func fail(_ problem: String) -> EdgeSegError { EdgeSegError(.json, "\(source): \(location): \(problem)") }

    public func field(_ key: String) throws(EdgeSegError) -> PartFields {
        guard value.members != nil else { throw fail("expected an object, found \(value.typeName)") }
        guard let v = value[key] else { throw fail("missing \"\(key)\"") }
        return PartFields(v, source: source, location: location.isEmpty ? key : location + "." + key)
    }

    /// The field, or nil when it is null.
    public func optional(_ key: String) throws(EdgeSegError) -> PartFields? {
        let f = try field(key)
        return f.value.isNull ? nil : f
    }

    public func array(_ key: String) throws(EdgeSegError) -> [PartFields] {
        let f = try field(key)
        guard let elements = f.value.array else { throw f.fail("expected an array, found \(f.value.typeName)") }
        return elements.enumerated().map { PartFields($0.element, source: source, location: "\(f.location)[\($0.offset)]") }
    }

    public var int: Int {
        get throws(EdgeSegError) {
            guard let i = value.int else { throw fail("expected an integer, found \(value.typeName)") }
            return i
        }
    }

    public var double: Double {
        get throws(EdgeSegError) {
            guard let d = value.double else { throw fail("expected a number, found \(value.typeName)") }
            return d
        }
    }

    public func int(_ key: String) throws(EdgeSegError) -> Int { try field(key).int }
    public func double(_ key: String) throws(EdgeSegError) -> Double { try field(key).double }

    /// A count (an integer ≥ 0).
    public func count(_ key: String) throws(EdgeSegError) -> Int {
        let f = try field(key), n = try f.int
        guard n >= 0 else { throw f.fail("expected a count, found \(n)") }
        return n
    }

    public func string(_ key: String) throws(EdgeSegError) -> String {
        let f = try field(key)
        guard let s = f.value.string else { throw f.fail("expected a string, found \(f.value.typeName)") }
        return s
    }

    /// A CRC-32C as eight hex digits.
    public func checksum(_ key: String) throws(EdgeSegError) -> UInt32 {
        let f = try field(key), text = try string(key)
        guard text.utf8.count == 8, let v = UInt32(text, radix: 16) else { throw f.fail("expected 8 hex digits, found \"\(text)\"") }
        return v
    }

    public func counts(_ key: String) throws(EdgeSegError) -> [Int] {
        var out: [Int] = []
        for element in try array(key) {
            let n = try element.int
            guard n >= 0 else { throw element.fail("expected a count, found \(n)") }
            out.append(n)
        }
        return out
    }

    public func doubles(_ key: String) throws(EdgeSegError) -> [Double] {
        var out: [Double] = []
        for element in try array(key) { out.append(try element.double) }
        return out
    }
}

extension PartFields {
    /// {"width": W, "height": H} or null (nil).
    public func size(_ key: String) throws(EdgeSegError) -> ImageSize? {
        guard let f = try optional(key) else { return nil }
        let width = try f.int("width"), height = try f.int("height")
        guard (1...ImageSize.maximumSide).contains(width), (1...ImageSize.maximumSide).contains(height) else {
            throw f.fail("sides must be 1 to \(ImageSize.maximumSide), found \(width)x\(height)")
        }
        return ImageSize(width: width, height: height)
    }
}

/// {"width": W, "height": H}, or null for nil: how part files write sizes.
public func sizeJSON(_ size: ImageSize?) -> JSONValue {
    size.map { .object([JSONMember(key: "width", value: .int(Int64($0.width))), JSONMember(key: "height", value: .int(Int64($0.height)))]) } ?? .null
}
