import EdgeSegRuntime

/// A `.safetensors` file, mapped read-only: an 8-byte little-endian header length, a JSON header naming
/// each tensor's dtype, shape and byte range (`data_offsets`, relative to the data section after the
/// header), then the raw little-endian tensor data. The whole header is checked when the file is opened,
/// so a tensor that can be named can also be read.
public final class SafeTensorsFile {
    public let path: String
    /// The `__metadata__` string map (e.g. `format: pt`); empty when absent.
    public let metadata: [String: String]

    private struct Entry {
        let dtype: SafeTensorsDType
        let shape: [Int]
        let begin: Int  // absolute byte offsets in the file
        let end: Int
    }

    private let file: MappedFile
    private let order: [String]
    private let entries: [String: Entry]

    public init(path: String) throws(EdgeSegError) {
        self.path = path
        file = try MappedFile(path: path)
        let size = file.count
        guard size > 0 else { throw EdgeSegError(.checkpoint, "\(path): empty file, not a safetensors file") }
        guard size >= 8 else {
            throw EdgeSegError(.checkpoint, "\(path): \(size) bytes is too short for the 8-byte header length of a safetensors file")
        }
        let headerLength = file.bytes.loadUnaligned(as: UInt64.self).littleEndian
        guard headerLength <= UInt64(size - 8) else {
            throw EdgeSegError(.checkpoint, "\(path): header length \(headerLength) runs past the end of the file (\(size) bytes); truncated or not a safetensors file")
        }
        let dataStart = 8 + Int(headerLength)
        let header = try JSONValue.parse(
            UnsafeRawBufferPointer(rebasing: file.bytes[8..<dataStart]), source: "\(path) (safetensors header)")
        guard let members = header.members else {
            throw EdgeSegError(.checkpoint, "\(path): the safetensors header is \(header.typeName), expected an object")
        }

        var metadata: [String: String] = [:]
        var order: [String] = []
        var entries: [String: Entry] = [:]
        for member in members {
            if member.key == "__metadata__" {
                metadata = try Self.parseMetadata(member.value, path: path)
                continue
            }
            let entry = try Self.parseEntry(member.key, member.value, path: path, dataStart: dataStart, fileSize: size)
            order.append(member.key)
            entries[member.key] = entry
        }
        try Self.checkNoOverlap(order.map { ($0, entries[$0]!) }, path: path)
        self.metadata = metadata
        self.order = order
        self.entries = entries
    }

    /// Tensor names in header order.
    public var names: [String] { order }

    /// The dtype as the header spells it (`F32`, `I64`, ...) and the shape; nil if there is no such tensor.
    public func info(_ name: String) -> (dtype: String, shape: [Int])? {
        guard let e = entries[name] else { return nil }
        return (e.dtype.rawValue, e.shape)
    }

    /// The tensor converted to float32. F32, F16 and BF16 are accepted; any other dtype is an error.
    public func floatTensor(_ name: String) throws(EdgeSegError) -> FloatTensor {
        guard let e = entries[name] else { throw EdgeSegError(.checkpoint, "\(path): no tensor \(name)") }
        let raw = UnsafeRawBufferPointer(rebasing: file.bytes[e.begin..<e.end])
        let count = (e.end - e.begin) / e.dtype.byteSize
        var data = [Float](repeating: 0, count: count)
        switch e.dtype {
        case .f32:
            for i in 0..<count {
                data[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
            }
        case .f16:
            for i in 0..<count {
                data[i] = floatFromHalf(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
            }
        case .bf16:
            for i in 0..<count {
                data[i] = floatFromBFloat16(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
            }
        default:
            throw EdgeSegError(.checkpoint, "\(path): tensor \(name) has dtype \(e.dtype.rawValue), expected a float type (F32, F16 or BF16)")
        }
        return FloatTensor(shape: e.shape, data: data)
    }

    private static func parseMetadata(_ value: JSONValue, path: String) throws(EdgeSegError) -> [String: String] {
        guard let members = value.members else {
            throw EdgeSegError(.checkpoint, "\(path): __metadata__ is \(value.typeName), expected an object of strings")
        }
        var metadata: [String: String] = [:]
        for m in members {
            guard let s = m.value.string else {
                throw EdgeSegError(.checkpoint, "\(path): __metadata__ entry \(m.key) is \(m.value.typeName), expected a string")
            }
            metadata[m.key] = s
        }
        return metadata
    }

    private static func parseEntry(
        _ name: String, _ value: JSONValue, path: String, dataStart: Int, fileSize: Int
    ) throws(EdgeSegError) -> Entry {
        func fail(_ problem: String) -> EdgeSegError { EdgeSegError(.checkpoint, "\(path): tensor \(name): \(problem)") }

        guard value.members != nil else { throw fail("header entry is \(value.typeName), expected an object") }
        guard let dtypeName = value["dtype"]?.string else { throw fail("dtype is missing or not a string") }
        guard let dtype = SafeTensorsDType(rawValue: dtypeName) else { throw fail("unknown dtype \(dtypeName)") }
        guard let shapeValues = value["shape"]?.array else { throw fail("shape is missing or not an array") }
        var shape: [Int] = []
        var elementCount = 1
        for v in shapeValues {
            guard let d = v.int, d >= 0 else { throw fail("shape has an entry that is not a non-negative integer") }
            let (product, overflow) = elementCount.multipliedReportingOverflow(by: d)
            guard !overflow else { throw fail("shape \(describeShape(shape + [d])) is too large") }
            shape.append(d)
            elementCount = product
        }
        guard let offsets = value["data_offsets"]?.array, offsets.count == 2,
              let begin = offsets[0].int, let end = offsets[1].int, begin >= 0, begin <= end
        else { throw fail("data_offsets must be two integers [begin, end] with 0 <= begin <= end") }

        let dataSize = fileSize - dataStart
        guard end <= dataSize else {
            throw fail("truncated data: data_offsets [\(begin), \(end)] run past the end of the data section (\(dataSize) bytes)")
        }
        let (needed, overflow) = elementCount.multipliedReportingOverflow(by: dtype.byteSize)
        guard !overflow, needed == end - begin else {
            throw fail("data_offsets [\(begin), \(end)] hold \(end - begin) bytes but shape \(describeShape(shape)) of \(dtypeName) needs \(overflow ? "more" : "\(needed)")")
        }
        return Entry(dtype: dtype, shape: shape, begin: dataStart + begin, end: dataStart + end)
    }

    private static func checkNoOverlap(_ tensors: [(String, Entry)], path: String) throws(EdgeSegError) {
        let sorted = tensors.filter { $0.1.end > $0.1.begin }.sorted { $0.1.begin < $1.1.begin }
        for i in sorted.indices.dropFirst() where sorted[i].1.begin < sorted[i - 1].1.end {
            throw EdgeSegError(.checkpoint, "\(path): tensors \(sorted[i - 1].0) and \(sorted[i].0) overlap in the data section")
        }
    }
}

/// The element types safetensors defines, with their sizes.
enum SafeTensorsDType: String {
    case bool = "BOOL", u8 = "U8", i8 = "I8", f8e5m2 = "F8_E5M2", f8e4m3 = "F8_E4M3"
    case i16 = "I16", u16 = "U16", f16 = "F16", bf16 = "BF16"
    case i32 = "I32", u32 = "U32", f32 = "F32"
    case i64 = "I64", u64 = "U64", f64 = "F64"

    var byteSize: Int {
        switch self {
        case .bool, .u8, .i8, .f8e5m2, .f8e4m3: 1
        case .i16, .u16, .f16, .bf16: 2
        case .i32, .u32, .f32: 4
        case .i64, .u64, .f64: 8
        }
    }
}

/// IEEE 754 binary16 to binary32, exact for every value: subnormals, infinities and NaN payloads included.
func floatFromHalf(_ h: UInt16) -> Float {
    let sign = UInt32(h >> 15) << 31
    let exponent = UInt32(h >> 10) & 0x1F
    let mantissa = UInt32(h) & 0x3FF
    switch exponent {
    case 0:
        // Zero or subnormal: mantissa × 2^-24, exact in binary32.
        let magnitude = Float(mantissa) * 0x1p-24
        return sign != 0 ? -magnitude : magnitude
    case 0x1F:
        return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)
    default:
        return Float(bitPattern: sign | (exponent + 112) << 23 | mantissa << 13)
    }
}

/// bfloat16 is the top half of a binary32.
func floatFromBFloat16(_ b: UInt16) -> Float { Float(bitPattern: UInt32(b) << 16) }
