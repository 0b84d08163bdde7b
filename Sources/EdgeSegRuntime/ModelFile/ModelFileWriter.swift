import CEdgeSeg

/// Builds a `.edgeseg` model file (layout in ModelFileFormat.swift) from named tensors and a JSON object of
/// metadata; `ModelFile` reads it back. Tensors keep the order they were added in.
public struct ModelFileWriter {
    public let kind: ModelKind
    /// Must be a JSON object when the file is encoded; its content is up to the writer.
    public var metadata: JSONValue

    private struct PendingTensor {
        let name: String
        let dtype: TensorDType
        let shape: [Int]
        let bytes: [UInt8]
    }

    private var tensors: [PendingTensor] = []
    private var names = Set<String>()

    public init(kind: ModelKind, metadata: JSONValue = .object([])) {
        self.kind = kind
        self.metadata = metadata
    }

    /// Adds a tensor, copying `values`; their count must be the product of `shape` (1 for a scalar `[]`).
    public mutating func add<E: TensorElement>(_ name: String, _ values: [E], shape: [Int]) throws(EdgeSegError) {
        func fail(_ problem: String) -> EdgeSegError { EdgeSegError(.usage, "model file tensor \(name): \(problem)") }
        guard !name.isEmpty else { throw EdgeSegError(.usage, "model file tensors need a non-empty name") }
        guard !names.contains(name) else { throw fail("added twice (tensor names must be unique)") }
        var count = 1
        for d in shape {
            guard d >= 0 else { throw fail("shape \(describeShape(shape)) has a negative dimension") }
            let (product, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow else { throw fail("shape \(describeShape(shape)) is too large") }
            count = product
        }
        guard count == values.count else {
            throw fail("shape \(describeShape(shape)) has \(count) elements, but \(values.count) values were given")
        }
        names.insert(name)
        tensors.append(PendingTensor(name: name, dtype: E.dtype, shape: shape, bytes: values.withUnsafeBytes { Array($0) }))
    }

    /// The complete file.
    public func encoded() throws(EdgeSegError) -> [UInt8] {
        guard metadata.members != nil else {
            throw EdgeSegError(.usage, "model file metadata must be a JSON object, not \(metadata.typeName)")
        }
        let metadataBytes = Array(try metadata.serialized().utf8)

        var dataOffsets: [Int] = []
        var dataLength = 0
        var tableLength = 0
        for t in tensors {
            let offset = ModelFileLayout.align(dataLength, to: ModelFileLayout.tensorAlignment)
            dataOffsets.append(offset)
            dataLength = offset + t.bytes.count
            tableLength += ModelFileLayout.tableEntryFixedSize + 8 * t.shape.count
                + ModelFileLayout.align(t.name.utf8.count, to: 8)
        }
        let metadataOffset = ModelFileLayout.headerSize
        let tableOffset = ModelFileLayout.align(metadataOffset + metadataBytes.count, to: ModelFileLayout.tableAlignment)
        let dataOffset = ModelFileLayout.align(tableOffset + tableLength, to: ModelFileLayout.tensorAlignment)
        let fileLength = dataOffset + dataLength

        var file = [UInt8](repeating: 0, count: fileLength)
        file.withUnsafeMutableBytes { out in
            func put32(_ value: UInt32, _ at: Int) { out.storeBytes(of: value.littleEndian, toByteOffset: at, as: UInt32.self) }
            func put64(_ value: Int, _ at: Int) { out.storeBytes(of: UInt64(value).littleEndian, toByteOffset: at, as: UInt64.self) }
            func copy(_ bytes: [UInt8], _ at: Int) {
                bytes.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: out[at..<at + $0.count]).copyMemory(from: $0) }
            }

            copy(ModelFileLayout.magic, 0)
            put32(ModelFileLayout.version, ModelFileLayout.versionField)
            put32(kind.rawValue, ModelFileLayout.kindField)
            put32(UInt32(ModelFileLayout.headerSize), ModelFileLayout.headerSizeField)
            put64(fileLength, ModelFileLayout.fileLengthField)
            put64(metadataOffset, ModelFileLayout.metadataOffsetField)
            put64(metadataBytes.count, ModelFileLayout.metadataLengthField)
            put64(tableOffset, ModelFileLayout.tableOffsetField)
            put64(tableLength, ModelFileLayout.tableLengthField)
            put64(tensors.count, ModelFileLayout.tensorCountField)
            put64(dataOffset, ModelFileLayout.dataOffsetField)
            put64(dataLength, ModelFileLayout.dataLengthField)
            copy(metadataBytes, metadataOffset)

            var entry = tableOffset
            for (t, offset) in zip(tensors, dataOffsets) {
                let name = Array(t.name.utf8)
                put64(offset, entry)
                put64(t.bytes.count, entry + 8)
                put32(UInt32(name.count), entry + 16)
                put32(UInt32(t.shape.count), entry + 20)
                put32(t.dtype.rawValue, entry + 24)
                entry += ModelFileLayout.tableEntryFixedSize
                for d in t.shape {
                    put64(d, entry)
                    entry += 8
                }
                copy(name, entry)
                entry += ModelFileLayout.align(name.count, to: 8)
                copy(t.bytes, dataOffset + offset)
            }

            let from = ModelFileLayout.checksummedFrom
            put32(es_crc32c(0, out.baseAddress! + from, fileLength - from), ModelFileLayout.checksumField)
        }
        return file
    }

    /// Encodes the file and writes it atomically (a reader never sees half a file).
    public func write(to path: String) throws(EdgeSegError) {
        try writeFileAtomically(path, try encoded())
    }
}
