import CEdgeSeg
import EdgeSegRuntime

/// A `.edgeseg` file rewritten through `ModelFileWriter` with metadata or tensor values changed: the layout and
/// the checksum are valid again, so what a reader sees is exactly the hostile values, never a bad checksum.
public struct ModelFileRewrite {
    public let kind: ModelKind
    public var metadata: JSONValue
    /// The tensors in file order, their values as stored (little-endian).
    public var tensors: [(name: String, dtype: TensorDType, shape: [Int], bytes: [UInt8])]

    public init(_ file: ModelFile) {
        kind = file.kind
        metadata = file.metadata
        tensors = file.tensors.map { t in
            (t.name, t.dtype, t.shape, Array(UnsafeRawBufferPointer(rebasing: file.mappedBytes[t.fileOffset..<(t.fileOffset + t.byteCount)])))
        }
    }

    /// Sets the metadata member at `path` (see `JSONValue.setting`).
    public mutating func setMetadata(_ path: [String], _ value: JSONValue) { metadata = metadata.setting(path, value) }

    /// Overwrites element `index` of an int32 or int64 tensor (truncating `value` to int32 for the former).
    public mutating func setInteger(_ tensor: String, index: Int, _ value: Int64) {
        guard let t = tensors.firstIndex(where: { $0.name == tensor }) else { preconditionFailure("no tensor \(tensor)") }
        let size = tensors[t].dtype.byteSize
        precondition(tensors[t].dtype == .int32 || tensors[t].dtype == .int64, "\(tensor) is not an integer tensor")
        precondition((index + 1) * size <= tensors[t].bytes.count, "\(tensor) has no element \(index)")
        let bits = UInt64(bitPattern: value)
        for b in 0..<size { tensors[t].bytes[index * size + b] = UInt8(truncatingIfNeeded: bits >> (8 * b)) }
    }

    /// Overwrites element `index` of a float32 tensor.
    public mutating func setFloat(_ tensor: String, index: Int, _ value: Float) {
        guard let t = tensors.firstIndex(where: { $0.name == tensor && $0.dtype == .float32 }) else {
            preconditionFailure("no float32 tensor \(tensor)")
        }
        let bits = value.bitPattern
        for b in 0..<4 { tensors[t].bytes[index * 4 + b] = UInt8(truncatingIfNeeded: bits >> (8 * b)) }
    }

    /// The whole file, as `ModelFileWriter` lays it out.
    public func encoded() throws(EdgeSegError) -> [UInt8] {
        var writer = ModelFileWriter(kind: kind, metadata: metadata)
        for t in tensors {
            func values<E: TensorElement>(_: E.Type) -> [E] {
                t.bytes.withUnsafeBytes { Array($0.bindMemory(to: E.self)) }
            }
            switch t.dtype {
            case .int8: try writer.add(t.name, values(Int8.self), shape: t.shape)
            case .uint8: try writer.add(t.name, values(UInt8.self), shape: t.shape)
            case .int16: try writer.add(t.name, values(Int16.self), shape: t.shape)
            case .int32: try writer.add(t.name, values(Int32.self), shape: t.shape)
            case .int64: try writer.add(t.name, values(Int64.self), shape: t.shape)
            case .float32: try writer.add(t.name, values(Float.self), shape: t.shape)
            }
        }
        return try writer.encoded()
    }

    /// Makes a byte-mutated model file's checksum right again (CRC-32C from offset 16, stored at offset 12), so
    /// a mutation reaches the parsers behind the checksum.
    public static func fixChecksum(_ bytes: inout [UInt8]) {
        guard bytes.count >= 16 else { return }
        let crc = bytes.withUnsafeBytes { es_crc32c(0, $0.baseAddress! + 16, $0.count - 16) }
        for b in 0..<4 { bytes[12 + b] = UInt8(truncatingIfNeeded: crc >> (8 * b)) }
    }
}
