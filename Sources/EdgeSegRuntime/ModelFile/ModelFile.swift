import CEdgeSeg

/// A `.edgeseg` model file (layout in ModelFileFormat.swift), mapped read-only. Opening it checks
/// everything once: magic, version, length, the checksum over the whole file (one pass, about a
/// millisecond per 4 MB), the kind, the section layout, the metadata and every tensor table entry. After
/// that a tensor that can be named can be read, in place.
///
/// Lifetime: the buffers that `elements(_:as:)`, `int8(_:)` etc. return point into the mapping, which is
/// unmapped when this object goes away. Keep a strong reference to the `ModelFile` (e.g. a stored property
/// of the model that uses the weights) for as long as any of its buffers is used.
public final class ModelFile {
    public let path: String
    public let kind: ModelKind
    public let version: UInt32
    /// The metadata JSON: always an object.
    public let metadata: JSONValue
    /// The tensor table, in file order.
    public let tensors: [ModelTensor]

    private let file: MappedFile
    private let index: [String: Int]

    /// Lets the kernel drop the pages that lie wholly inside `buffer` (part of this file's mapping) from memory:
    /// for tensors copied into another layout at load, whose file bytes are not read again. Touching them
    /// later reads them back from the file.
    func releasePages<T>(of buffer: UnsafeBufferPointer<T>) {
        guard let base = buffer.baseAddress else { return }
        es_file_release(UnsafeRawPointer(base).assumingMemoryBound(to: UInt8.self), buffer.count * MemoryLayout<T>.stride)
    }

    /// Opens and verifies `path`; a file of another kind than `expected` (when given) is an error that says so.
    public init(path: String, expecting expected: ModelKind? = nil) throws(EdgeSegError) {
        let file: MappedFile
        do {
            file = try MappedFile(path: path)
        } catch {
            throw folderError(path: path, expected: expected) ?? error
        }
        let header = HeaderFields(bytes: file.bytes, path: path)
        try header.checkIdentity(expected: expected)
        try header.checkIntegrity()
        let kind = try header.kind(expected: expected)
        let sections = try header.sections()

        let metadata = try JSONValue.parse(
            UnsafeRawBufferPointer(rebasing: file.bytes[sections.metadata]), source: "\(path) (metadata)")
        guard metadata.members != nil else {
            throw EdgeSegError(.checkpoint, "\(path): the metadata is \(metadata.typeName), expected a JSON object")
        }
        var table = TensorTableReader(
            bytes: file.bytes, range: sections.table, data: sections.data, path: path)
        let tensors = try table.read(count: sections.tensorCount)

        var index: [String: Int] = [:]
        for (i, t) in tensors.enumerated() {
            if index.updateValue(i, forKey: t.name) != nil {
                throw EdgeSegError(.checkpoint, "\(path): the tensor name \(t.name) appears twice in the tensor table")
            }
        }
        try Self.checkNoOverlap(tensors, path: path)

        self.path = path
        self.file = file
        self.kind = kind
        self.version = ModelFileLayout.version
        self.metadata = metadata
        self.tensors = tensors
        self.index = index
    }

    /// Whether `path` is a file that starts with the `.edgeseg` magic (its integrity is checked on open).
    public static func looksLikeModelFile(path: String) -> Bool {
        guard let file = try? MappedFile(path: path), file.count >= ModelFileLayout.magic.count else { return false }
        return file.bytes.prefix(ModelFileLayout.magic.count).elementsEqual(ModelFileLayout.magic)
    }

    /// Tensor names in file order.
    public var names: [String] { tensors.map { $0.name } }

    public func tensor(_ name: String) -> ModelTensor? {
        guard let i = index[name] else { return nil }
        return tensors[i]
    }

    /// The whole mapped file: every tensor buffer lies inside it.
    public var mappedBytes: UnsafeRawBufferPointer { file.bytes }

    /// The tensor `name` in place in the mapping (no copy), 64-byte aligned. Its dtype must be `E.dtype`.
    public func elements<E: TensorElement>(_ name: String, as type: E.Type) throws(EdgeSegError) -> UnsafeBufferPointer<E> {
        guard let t = tensor(name) else {
            throw EdgeSegError(.checkpoint, "\(path): no tensor \(name) in this model file (it has \(tensors.count) tensors)")
        }
        guard t.dtype == E.dtype else {
            throw EdgeSegError(.checkpoint, "\(path): tensor \(name) holds \(t.dtype.name) values, but \(E.dtype.name) were asked for")
        }
        let start = (file.bytes.baseAddress! + t.fileOffset).bindMemory(to: E.self, capacity: t.count)
        return UnsafeBufferPointer(start: start, count: t.count)
    }

    public func int8(_ name: String) throws(EdgeSegError) -> UnsafeBufferPointer<Int8> { try elements(name, as: Int8.self) }
    public func uint8(_ name: String) throws(EdgeSegError) -> UnsafeBufferPointer<UInt8> { try elements(name, as: UInt8.self) }
    public func int16(_ name: String) throws(EdgeSegError) -> UnsafeBufferPointer<Int16> { try elements(name, as: Int16.self) }
    public func int32(_ name: String) throws(EdgeSegError) -> UnsafeBufferPointer<Int32> { try elements(name, as: Int32.self) }
    public func int64(_ name: String) throws(EdgeSegError) -> UnsafeBufferPointer<Int64> { try elements(name, as: Int64.self) }
    public func float32(_ name: String) throws(EdgeSegError) -> UnsafeBufferPointer<Float> { try elements(name, as: Float.self) }

    private static func checkNoOverlap(_ tensors: [ModelTensor], path: String) throws(EdgeSegError) {
        let sorted = tensors.filter { $0.byteCount > 0 }.sorted { $0.fileOffset < $1.fileOffset }
        for i in sorted.indices.dropFirst() where sorted[i].fileOffset < sorted[i - 1].fileOffset + sorted[i - 1].byteCount {
            throw EdgeSegError(.checkpoint, "\(path): tensors \(sorted[i - 1].name) and \(sorted[i].name) overlap in the data section")
        }
    }
}

/// The header of a mapped file, checked step by step so that each problem gets its own message.
private struct HeaderFields {
    let bytes: UnsafeRawBufferPointer
    let path: String

    func fail(_ problem: String) -> EdgeSegError { EdgeSegError(.checkpoint, "\(path): \(problem)") }

    func u32(_ offset: Int) -> UInt32 { bytes.littleEndianU32(at: offset) }
    func u64(_ offset: Int) -> UInt64 { bytes.littleEndianU64(at: offset) }

    /// The magic, then the header's size and the format version: is this a model file this build reads?
    func checkIdentity(expected: ModelKind?) throws(EdgeSegError) {
        let magic = ModelFileLayout.magic
        guard bytes.count >= magic.count, bytes.prefix(magic.count).elementsEqual(magic) else {
            throw notAModelFileError(path: path, bytes: bytes, expected: expected)
        }
        guard bytes.count >= ModelFileLayout.headerSize else {
            throw fail("the file is truncated: it has \(bytes.count) bytes, fewer than the \(ModelFileLayout.headerSize)-byte header")
        }
        let version = u32(ModelFileLayout.versionField)
        guard version == ModelFileLayout.version else {
            throw fail("the file has format version \(version), but this build of EdgeSeg reads only version \(ModelFileLayout.version); re-create the file with this build (or, if it was written by a newer EdgeSeg, update this one)")
        }
    }

    /// The length the header records, then the checksum over everything after the checksum field.
    func checkIntegrity() throws(EdgeSegError) {
        let recorded = u64(ModelFileLayout.fileLengthField)
        if recorded > UInt64(bytes.count) {
            throw fail("the file is truncated: its header says \(recorded) bytes, but it has only \(bytes.count)")
        }
        if recorded < UInt64(bytes.count) {
            throw fail("the file has \(UInt64(bytes.count) - recorded) bytes of extra data after the \(recorded) bytes its header describes")
        }
        let from = ModelFileLayout.checksummedFrom
        let stored = u32(ModelFileLayout.checksumField)
        let computed = es_crc32c(0, bytes.baseAddress! + from, bytes.count - from)
        guard stored == computed else {
            throw fail("the file is corrupt: checksum mismatch (the header says 0x\(hex(stored)), the contents give 0x\(hex(computed))); copy or re-create it")
        }
    }

    func kind(expected: ModelKind?) throws(EdgeSegError) -> ModelKind {
        let code = u32(ModelFileLayout.kindField)
        guard let kind = ModelKind(rawValue: code) else {
            throw fail("unknown model kind \(code) (this build knows 1 = float32 and 2 = int8)")
        }
        if let expected, kind != expected {
            switch expected {
            case .float32: throw fail("this is an int8 model file; a float32 model is needed here (use the int8 runtime for it, or the float model it was quantized from)")
            case .int8: throw fail("this is a float32 model file; an int8 model is needed here: quantize the float model with `edgeseg quantize` first")
            }
        }
        return kind
    }

    /// Byte ranges of the metadata, table and data sections, which must lie in the file in that order.
    func sections() throws(EdgeSegError) -> (metadata: Range<Int>, table: Range<Int>, tensorCount: Int, data: Range<Int>) {
        let headerSize = Int(u32(ModelFileLayout.headerSizeField))
        let metadata = try section("metadata", ModelFileLayout.metadataOffsetField, ModelFileLayout.metadataLengthField)
        let table = try section("tensor table", ModelFileLayout.tableOffsetField, ModelFileLayout.tableLengthField)
        let data = try section("data", ModelFileLayout.dataOffsetField, ModelFileLayout.dataLengthField)
        guard headerSize >= ModelFileLayout.headerSize, headerSize <= metadata.lowerBound,
              metadata.upperBound <= table.lowerBound, table.upperBound <= data.lowerBound, data.upperBound == bytes.count
        else {
            throw fail("the header's layout is inconsistent: header \(headerSize) bytes; metadata \(describeSection(metadata)); tensor table \(describeSection(table)); data \(describeSection(data)); file \(bytes.count) bytes (the sections must follow each other in this order, the data ending the file)")
        }
        guard table.lowerBound % ModelFileLayout.tableAlignment == 0, data.lowerBound % ModelFileLayout.tensorAlignment == 0 else {
            throw fail("the tensor table (offset \(table.lowerBound)) must start 8-aligned and the data section (offset \(data.lowerBound)) 64-aligned")
        }
        let count = u64(ModelFileLayout.tensorCountField)
        guard count <= UInt64(table.count / ModelFileLayout.tableEntryFixedSize) else {
            throw fail("the header says \(count) tensors, more than the \(table.count)-byte tensor table can hold")
        }
        return (metadata, table, Int(count), data)
    }

    private func section(_ name: String, _ offsetField: Int, _ lengthField: Int) throws(EdgeSegError) -> Range<Int> {
        let offset = u64(offsetField), length = u64(lengthField)
        let size = UInt64(bytes.count)
        guard offset <= size, length <= size - offset else {
            throw fail("the \(name) section (offset \(offset), \(length) bytes) lies outside the file (\(size) bytes)")
        }
        return Int(offset)..<Int(offset + length)
    }
}

/// Reads the tensor table entries one after the other, checking each against the data section.
private struct TensorTableReader {
    let bytes: UnsafeRawBufferPointer
    let range: Range<Int>
    let data: Range<Int>
    let path: String
    var position: Int

    init(bytes: UnsafeRawBufferPointer, range: Range<Int>, data: Range<Int>, path: String) {
        self.bytes = bytes
        self.range = range
        self.data = data
        self.path = path
        position = range.lowerBound
    }

    mutating func read(count: Int) throws(EdgeSegError) -> [ModelTensor] {
        var tensors: [ModelTensor] = []
        tensors.reserveCapacity(count)
        for entry in 0..<count { tensors.append(try readEntry(entry)) }
        guard position == range.upperBound else {
            throw EdgeSegError(.checkpoint, "\(path): the tensor table has \(range.upperBound - position) bytes after its \(count) entries")
        }
        return tensors
    }

    private mutating func readEntry(_ entry: Int) throws(EdgeSegError) -> ModelTensor {
        func fail(_ problem: String) -> EdgeSegError {
            EdgeSegError(.checkpoint, "\(path): tensor table entry \(entry): \(problem)")
        }
        guard range.upperBound - position >= ModelFileLayout.tableEntryFixedSize else {
            throw fail("runs past the end of the tensor table")
        }
        let offset = u64(position), byteLength = u64(position + 8)
        let nameLength = Int(u32(position + 16)), rank = Int(u32(position + 20)), dtypeCode = u32(position + 24)
        let shapeStart = position + ModelFileLayout.tableEntryFixedSize
        let nameStart = shapeStart + 8 * rank
        let end = nameStart + ModelFileLayout.align(nameLength, to: 8)
        guard end <= range.upperBound else { throw fail("its shape and name run past the end of the tensor table") }
        position = end

        guard nameLength > 0, let name = String(validating: UnsafeRawBufferPointer(rebasing: bytes[nameStart..<nameStart + nameLength]), as: UTF8.self)
        else { throw fail("the tensor name is empty or not valid UTF-8") }
        func failTensor(_ problem: String) -> EdgeSegError { EdgeSegError(.checkpoint, "\(path): tensor \(name): \(problem)") }

        guard let dtype = TensorDType(rawValue: dtypeCode) else { throw failTensor("unknown dtype code \(dtypeCode)") }
        var shape: [Int] = []
        var elementCount = 1
        for d in 0..<rank {
            let dim = u64(shapeStart + 8 * d)
            guard let dimension = Int(exactly: dim) else { throw failTensor("dimension \(d) (\(dim)) is too large") }
            let (product, overflow) = elementCount.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw failTensor("shape \(describeShape(shape + [dimension])) is too large") }
            shape.append(dimension)
            elementCount = product
        }
        let (needed, overflow) = elementCount.multipliedReportingOverflow(by: dtype.byteSize)
        guard !overflow, UInt64(needed) == byteLength else {
            throw failTensor("holds \(byteLength) bytes, but shape \(describeShape(shape)) of \(dtype.name) needs \(overflow ? "more" : "\(needed)")")
        }
        guard offset <= UInt64(data.count), byteLength <= UInt64(data.count) - offset else {
            throw failTensor("its bytes (offset \(offset), \(byteLength) bytes) lie outside the \(data.count)-byte data section")
        }
        guard offset % UInt64(ModelFileLayout.tensorAlignment) == 0 else {
            throw failTensor("its data offset \(offset) is not a multiple of \(ModelFileLayout.tensorAlignment) (misaligned)")
        }
        return ModelTensor(name: name, dtype: dtype, shape: shape, fileOffset: data.lowerBound + Int(offset), byteCount: needed)
    }

    private func u32(_ offset: Int) -> UInt32 { bytes.littleEndianU32(at: offset) }
    private func u64(_ offset: Int) -> UInt64 { bytes.littleEndianU64(at: offset) }
}

extension UnsafeRawBufferPointer {
    fileprivate func littleEndianU32(at offset: Int) -> UInt32 { UInt32(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
    fileprivate func littleEndianU64(at offset: Int) -> UInt64 { UInt64(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
}

/// "offset 88, 120 bytes"
private func describeSection(_ range: Range<Int>) -> String { "offset \(range.lowerBound), \(range.count) bytes" }

/// Eight uppercase hex digits.
private func hex(_ value: UInt32) -> String {
    let digits: [UInt8] = Array("0123456789ABCDEF".utf8)
    var text: [UInt8] = []
    for shift in stride(from: 28, through: 0, by: -4) { text.append(digits[Int(value >> UInt32(shift) & 0xF)]) }
    return String(decoding: text, as: UTF8.self)
}
