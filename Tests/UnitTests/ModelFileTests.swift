import CEdgeSeg
import EdgeSegRuntime
import Foundation
import TestSupport
import Testing

/// The `.edgeseg` container: round trips of every dtype, metadata, zero-copy alignment, and a clear
/// `EdgeSegError` for every kind of bad input.
@Suite struct ModelFileTests {
    static let floats: [Float] = [0, -0.0, .pi, -1e-38, .greatestFiniteMagnitude, .infinity, .nan, .leastNonzeroMagnitude, -2.5, 0x1.fffffep-1]

    /// A small int8 model: one tensor of every dtype with odd shapes (so padding is needed between them),
    /// a scalar and an empty tensor.
    static func sampleWriter(kind: ModelKind = .int8) throws -> ModelFileWriter {
        var w = ModelFileWriter(kind: kind, metadata: .object([
            JSONMember(key: "model", value: .string("sample")),
            JSONMember(key: "scales", value: .array([.double(0.1), .double(1.0 / 3.0)])),
        ]))
        try w.add("a.i8", (0..<105).map { Int8(truncatingIfNeeded: $0 * 37 - 128) }, shape: [3, 5, 7])
        try w.add("b.u8", [UInt8.min, 1, 254, UInt8.max, 7], shape: [5])
        try w.add("c.i16", (0..<33).map { Int16(truncatingIfNeeded: $0 * 2011 - 30000) }, shape: [3, 11])
        try w.add("d.i32", [Int32.min, -1, 0, 1, Int32.max, 123_456_789], shape: [2, 3, 1])
        try w.add("e.i64", [Int64.min, Int64.max, -9_007_199_254_740_993], shape: [3])
        try w.add("f.f32", floats, shape: [10])
        try w.add("scalar", [Float(42)], shape: [])
        try w.add("empty", [Int8](), shape: [0, 4])
        try w.add("名前/ünïcode", [Int8(1), 2, 3], shape: [1, 3])
        return w
    }

    /// Writes `bytes` to a model file in a fresh scratch folder.
    static func write(_ bytes: [UInt8], name: String = #function) -> String {
        let path = SharedAssets.scratchDirectory(name) + "/model.edgeseg"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        return path
    }

    /// Removes the scratch folder of a file.
    static func removeScratch(_ path: String) {
        try? FileManager.default.removeItem(at: URL(fileURLWithPath: path).deletingLastPathComponent())
    }

    /// The message of the `EdgeSegError` that opening `path` throws (recording an issue if it opens).
    static func openFailure(_ path: String, expecting kind: ModelKind = .int8, sourceLocation: SourceLocation = #_sourceLocation) -> EdgeSegError? {
        do {
            _ = try ModelFile(path: path, expecting: kind)
            Issue.record("\(path) opened without error", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }

    /// The message of the error that opening a file of `bytes` throws, which must be of `errorKind`.
    static func openFailure(
        bytes: [UInt8], expecting kind: ModelKind = .int8, errorKind: EdgeSegError.Kind = .checkpoint,
        name: String = #function, sourceLocation: SourceLocation = #_sourceLocation
    ) -> String {
        let path = write(bytes, name: name)
        defer { removeScratch(path) }
        let error = openFailure(path, expecting: kind, sourceLocation: sourceLocation)
        #expect(error?.kind == errorKind, sourceLocation: sourceLocation)
        #expect(error?.message.hasPrefix(path) == true, "\(error?.message ?? "")", sourceLocation: sourceLocation)
        return error?.message ?? ""
    }

    @Test func everyDTypeRoundTripsAlignedAndInPlace() throws {
        let writer = try Self.sampleWriter()
        let path = SharedAssets.scratchDirectory() + "/model.edgeseg"
        defer { Self.removeScratch(path) }
        try writer.write(to: path)
        let file = try ModelFile(path: path, expecting: .int8)

        #expect(file.kind == .int8)
        #expect(file.version == 1)
        #expect(file.names == ["a.i8", "b.u8", "c.i16", "d.i32", "e.i64", "f.f32", "scalar", "empty", "名前/ünïcode"])
        #expect(try Array(file.int8("a.i8")) == (0..<105).map { Int8(truncatingIfNeeded: $0 * 37 - 128) })
        #expect(try Array(file.uint8("b.u8")) == [UInt8.min, 1, 254, UInt8.max, 7])
        #expect(try Array(file.int16("c.i16")) == (0..<33).map { Int16(truncatingIfNeeded: $0 * 2011 - 30000) })
        #expect(try Array(file.int32("d.i32")) == [Int32.min, -1, 0, 1, Int32.max, 123_456_789])
        #expect(try Array(file.int64("e.i64")) == [Int64.min, Int64.max, -9_007_199_254_740_993])
        #expect(try file.float32("f.f32").map(\.bitPattern) == Self.floats.map(\.bitPattern))
        #expect(try Array(file.float32("scalar")) == [42])
        #expect(try file.int8("empty").count == 0)
        #expect(try Array(file.int8("名前/ünïcode")) == [1, 2, 3])

        let expected: [(String, TensorDType, [Int])] = [
            ("a.i8", .int8, [3, 5, 7]), ("b.u8", .uint8, [5]), ("c.i16", .int16, [3, 11]), ("d.i32", .int32, [2, 3, 1]),
            ("e.i64", .int64, [3]), ("f.f32", .float32, [10]), ("scalar", .float32, []), ("empty", .int8, [0, 4]),
        ]
        for (name, dtype, shape) in expected {
            let t = try #require(file.tensor(name))
            #expect(t.dtype == dtype && t.shape == shape && t.count == shape.reduce(1, *), "\(name)")
        }
        #expect(file.tensor("missing") == nil)

        // Zero copy: every buffer is the mapping itself at the tensor's offset, 64-byte aligned.
        let mapping = file.mappedBytes
        let base = UInt(bitPattern: mapping.baseAddress)
        for t in file.tensors {
            let raw = try Self.rawBuffer(file, t)
            let address = UInt(bitPattern: raw.baseAddress)
            #expect(address % 64 == 0, "\(t.name) at \(address)")
            #expect(address == base + UInt(t.fileOffset), "\(t.name)")
            #expect(address >= base && address + UInt(raw.count) <= base + UInt(mapping.count), "\(t.name) outside the mapping")
            #expect(raw.count == t.byteCount)
        }
        #expect(try file.int8("a.i8").baseAddress == file.int8("a.i8").baseAddress)
    }

    /// The tensor's bytes through the typed accessor of its dtype.
    static func rawBuffer(_ file: ModelFile, _ t: ModelTensor) throws -> UnsafeRawBufferPointer {
        switch t.dtype {
        case .int8: UnsafeRawBufferPointer(try file.int8(t.name))
        case .uint8: UnsafeRawBufferPointer(try file.uint8(t.name))
        case .int16: UnsafeRawBufferPointer(try file.int16(t.name))
        case .int32: UnsafeRawBufferPointer(try file.int32(t.name))
        case .int64: UnsafeRawBufferPointer(try file.int64(t.name))
        case .float32: UnsafeRawBufferPointer(try file.float32(t.name))
        }
    }

    @Test func metadataRoundTripsExactly() throws {
        var generator = SystemRandomNumberGenerator()
        var randomDoubles: [JSONValue] = []
        while randomDoubles.count < 2000 {
            let d = Double(bitPattern: generator.next())
            if d.isFinite { randomDoubles.append(.double(d)) }
        }
        let special: [Double] = [0.1, 1.0 / 3.0, -0.0, .leastNonzeroMagnitude, 2.2250738585072014e-308, .greatestFiniteMagnitude, 2.0, 1e16, 0x1p53 + 2, 1e-7, .pi]
        let metadata = JSONValue.object([
            JSONMember(key: "config", value: .object([
                JSONMember(key: "hidden_sizes", value: .array([.int(32), .int(64), .int(160), .int(256)])),
                JSONMember(key: "nested", value: .object([JSONMember(key: "deeper", value: .array([.array([]), .object([]), .null, .bool(true), .bool(false)]))])),
            ])),
            JSONMember(key: "class_names", value: .array(["sky", "Straße", "中文", "😀 emoji", "quote \" backslash \\ slash /", "control \u{0} \u{1} \u{8} \u{c} \n \r \t \u{1f}", "\u{7f}\u{2028}"].map { .string($0) })),
            JSONMember(key: "ints", value: .array([.int(Int64.max), .int(Int64.min), .int(0), .int(-1), .int(9_007_199_254_740_993)])),
            JSONMember(key: "special", value: .array(special.map { .double($0) })),
            JSONMember(key: "random", value: .array(randomDoubles)),
            JSONMember(key: "ключ \"with\" escapes\n", value: .string("")),
        ])
        let path = SharedAssets.scratchDirectory() + "/meta.edgeseg"
        defer { Self.removeScratch(path) }
        try ModelFileWriter(kind: .float32, metadata: metadata).write(to: path)
        let file = try ModelFile(path: path, expecting: .float32)

        #expect(file.metadata == metadata)
        #expect(file.tensors.isEmpty)
        // == says -0.0 == 0.0: compare the bits of every double too.
        func doubleBits(_ v: JSONValue?) -> [UInt64] { v?.array?.map { $0.double!.bitPattern } ?? [] }
        #expect(doubleBits(file.metadata["special"]) == special.map(\.bitPattern))
        #expect(doubleBits(file.metadata["random"]) == randomDoubles.map { $0.double!.bitPattern })
        #expect(file.metadata["special"]?.array?.allSatisfy { if case .double = $0 { true } else { false } } == true)
    }

    @Test func writerRejectsWhatCannotBeReadBack() throws {
        func usageError(_ body: () throws -> Void) -> String {
            let error = #expect(throws: EdgeSegError.self) { try body() }
            #expect(error?.kind == .usage)
            return error?.message ?? ""
        }
        var w = ModelFileWriter(kind: .int8)
        try w.add("w", [Int8(1), 2], shape: [2])
        #expect(usageError { try w.add("w", [Int8(1)], shape: [1]) }.contains("added twice"))
        #expect(usageError { try w.add("x", [Int8(1), 2, 3], shape: [2, 2]) }.contains("has 4 elements, but 3 values"))
        #expect(usageError { try w.add("x", [Int8](), shape: [-1, 0]) }.contains("negative"))
        #expect(usageError { try w.add("", [Int8(1)], shape: [1]) }.contains("non-empty name"))
        w.metadata = .array([])
        #expect(usageError { _ = try w.encoded() }.contains("must be a JSON object, not an array"))
        w.metadata = .object([JSONMember(key: "s", value: .array([.int(1), .double(.nan)]))])
        #expect(usageError { _ = try w.encoded() }.contains("no representation for nan (at $.s[1])"))
        w.metadata = .object([JSONMember(key: "k", value: .null), JSONMember(key: "k", value: .null)])
        #expect(usageError { _ = try w.encoded() }.contains("key \"k\" twice"))
    }

    @Test func tensorsAreAskedForByNameAndDType() throws {
        let path = SharedAssets.scratchDirectory() + "/model.edgeseg"
        defer { Self.removeScratch(path) }
        try Self.sampleWriter().write(to: path)
        let file = try ModelFile(path: path, expecting: .int8)
        let wrongType = #expect(throws: EdgeSegError.self) { try file.float32("a.i8") }
        #expect(wrongType?.message == "\(path): tensor a.i8 holds i8 values, but f32 were asked for")
        let missing = #expect(throws: EdgeSegError.self) { try file.int8("nope") }
        #expect(missing?.message == "\(path): no tensor nope in this model file (it has 9 tensors)")
    }

    @Test func wrongKindSaysWhichKindTheFileIs() throws {
        let int8Bytes = try Self.sampleWriter(kind: .int8).encoded()
        let asFloat = Self.openFailure(bytes: int8Bytes, expecting: .float32)
        #expect(asFloat.contains("this is an int8 model file; a float32 model is needed here"))
        let floatBytes = try Self.sampleWriter(kind: .float32).encoded()
        let asInt8 = Self.openFailure(bytes: floatBytes, expecting: .int8)
        #expect(asInt8.contains("this is a float32 model file; an int8 model is needed here: quantize"))
    }

    @Test func otherVersionsAreRefusedByNumber() throws {
        var bytes = try Self.sampleWriter().encoded()
        bytes[8] = 2
        #expect(Self.openFailure(bytes: bytes).contains("format version 2, but this build of EdgeSeg reads only version 1"))
    }

    @Test func truncatedFilesSaySo() throws {
        let bytes = try Self.sampleWriter().encoded()
        let metadataEnd = 88 + Int(Self.u64(bytes, 40))
        let tableOffset = Int(Self.u64(bytes, 48))
        for length in [1, 7] {
            #expect(Self.openFailure(bytes: Array(bytes.prefix(length))).contains("not an EdgeSeg model file"))
        }
        for length in [8, 20, 87, 88, 100, metadataEnd, tableOffset + 10, bytes.count - 64, bytes.count - 1] {
            let message = Self.openFailure(bytes: Array(bytes.prefix(length)))
            #expect(message.contains("the file is truncated"), "\(length): \(message)")
        }
        let longer = Self.openFailure(bytes: bytes + [0])
        #expect(longer.contains("1 bytes of extra data after the \(bytes.count) bytes its header describes"))
    }

    /// CRC-32C detects every single-byte change: flip each byte of the file in turn (header, metadata,
    /// table, padding, data) and every one must be refused, with the reason that fits where it was.
    @Test func everyFlippedByteIsDetected() throws {
        let bytes = try Self.sampleWriter().encoded()
        let dir = SharedAssets.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/flipped.edgeseg"
        for position in bytes.indices {
            var damaged = bytes
            damaged[position] ^= 0x5A
            #expect(FileManager.default.createFile(atPath: path, contents: Data(damaged)))
            guard let error = Self.openFailure(path) else { continue }
            let reasons = switch position {
            case 0..<8: ["not an EdgeSeg model file"]
            case 8..<12: ["format version"]
            case 24..<32: ["the file is truncated", "extra data"]  // the recorded file length grew or shrank
            default: ["the file is corrupt: checksum mismatch"]
            }
            #expect(reasons.contains { error.message.contains($0) }, "byte \(position): \(error.message)")
        }
    }

    @Test func checksumIsCRC32C() {
        let check = Array("123456789".utf8)
        #expect(es_crc32c(0, check, check.count) == 0xE306_9283)
        // The 8-byte-at-a-time loop and the byte tail against a bitwise reference, at every alignment.
        var generator = SystemRandomNumberGenerator()
        let data = (0..<300).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for start in 0..<9 {
            for length in [0, 1, 7, 8, 9, 15, 16, 17, 64, 255, 291 - start] {
                let slice = Array(data[start..<start + length])
                #expect(es_crc32c(0, slice, slice.count) == Self.bitwiseCRC32C(slice), "start \(start) length \(length)")
            }
        }
        // Continuing from a previous value equals one pass.
        let first = es_crc32c(0, Array(data[0..<100]), 100)
        #expect(es_crc32c(first, Array(data[100...]), 200) == Self.bitwiseCRC32C(data))
    }

    /// Damage that keeps the checksum valid (as a buggy writer would produce): the table checks.
    @Test func inconsistentTablesAreRefused() throws {
        var w = ModelFileWriter(kind: .int8)
        try w.add("w1", [Int8](repeating: 1, count: 100), shape: [100])
        try w.add("w2", [Int8](repeating: 2, count: 10), shape: [10])
        let bytes = try w.encoded()
        let table = Int(Self.u64(bytes, 48))
        let second = table + 32 + 8 + 8  // second entry: fixed part, 1 dim, name "w1" padded to 8
        #expect(Self.u64(bytes, second) == 128)

        func damaged(_ edit: (inout [UInt8]) -> Void) -> [UInt8] {
            var copy = bytes
            edit(&copy)
            Self.resealChecksum(&copy)
            return copy
        }
        #expect(Self.openFailure(bytes: damaged { Self.put64(&$0, second, 72) })
            .contains("tensor w2: its data offset 72 is not a multiple of 64 (misaligned)"))
        #expect(Self.openFailure(bytes: damaged { Self.put64(&$0, second, 192) })
            .contains("tensor w2: its bytes (offset 192, 10 bytes) lie outside the 138-byte data section"))
        #expect(Self.openFailure(bytes: damaged { Self.put64(&$0, second, 64) })
            .contains("tensors w1 and w2 overlap in the data section"))
        #expect(Self.openFailure(bytes: damaged { $0[second + 32 + 8 + 1] = UInt8(ascii: "1") })
            .contains("the tensor name w1 appears twice"))
        #expect(Self.openFailure(bytes: damaged { Self.put64(&$0, second + 8, 11) })
            .contains("tensor w2: holds 11 bytes, but shape [10] of i8 needs 10"))
        #expect(Self.openFailure(bytes: damaged { $0[second + 24] = 9 })
            .contains("tensor w2: unknown dtype code 9"))
        #expect(Self.openFailure(bytes: damaged { $0[second + 20] = 200 })
            .contains("tensor table entry 1: its shape and name run past the end of the tensor table"))
        #expect(Self.openFailure(bytes: damaged { $0[64] = 3 })
            .contains("tensor table entry 2: runs past the end of the tensor table"))
        #expect(Self.openFailure(bytes: damaged { $0[64] = 1 })
            .contains("the tensor table has 48 bytes after its 1 entries"))
        #expect(Self.openFailure(bytes: damaged { $0[16] = 7 })
            .contains("unknown model kind 7"))
        #expect(Self.openFailure(bytes: damaged { Self.put64(&$0, 40, 3) }, errorKind: .json)
            .contains("(metadata):1:3: expected end of input"))
        #expect(Self.openFailure(bytes: damaged { Self.put64(&$0, 80, 1000) })
            .contains("the data section (offset 192, 1000 bytes) lies outside the file (330 bytes)"))
    }

    @Test func otherFilesAreNamedForWhatTheyAre() throws {
        let dir = SharedAssets.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }

        let safetensors = dir + "/model.safetensors"
        try SafeTensorsFixture(tensors: [.f32("w", [2], [1, 2])]).write(to: safetensors)
        let asInt8 = try #require(Self.openFailure(safetensors, expecting: .int8))
        #expect(asInt8.message == "\(safetensors): this is a safetensors file (a float Hugging Face checkpoint), not an EdgeSeg model file; quantize it with `edgeseg quantize` first")
        let asFloat = try #require(Self.openFailure(safetensors, expecting: .float32))
        #expect(asFloat.message.contains("this is a safetensors file"))

        #expect(Self.openFailure(bytes: []) .contains("the file is empty (0 bytes), not an EdgeSeg model file"))
        #expect(Self.openFailure(bytes: Array("{\"not\": \"a model\"}".utf8)).hasSuffix("not an EdgeSeg model file (it does not start with \"EDGESEG\")"))

        let folder = try #require(Self.openFailure(dir, expecting: .int8))
        #expect(folder.kind == .checkpoint && folder.message == "\(dir): this is a folder, not an EdgeSeg model file")
        #expect(FileManager.default.createFile(atPath: dir + "/config.json", contents: Data("{}".utf8)))
        let checkpoint = try #require(Self.openFailure(dir + "/", expecting: .int8))
        #expect(checkpoint.message == "\(dir)/: this is a folder with a config.json (a float Hugging Face checkpoint), not an EdgeSeg model file; quantize it with `edgeseg quantize` first")

        let missing = try #require(Self.openFailure(dir + "/absent.edgeseg"))
        #expect(missing.kind == .io && missing.message.contains("No such file"))
    }

    /// ~4 MB, the size of an int8 SegFormer-B0: encode + atomic write, then open (which verifies the checksum
    /// over the whole file and reads the table). The times are printed, not limited: 2 busy cores make any limit flaky.
    @Test func fourMegabyteFileWritesAndVerifies() throws {
        var w = ModelFileWriter(kind: .int8, metadata: .object([JSONMember(key: "note", value: .string("timing"))]))
        var generator = SystemRandomNumberGenerator()
        for i in 0..<200 {
            let count = 20_000 + i
            try w.add("layer\(i).weight", (0..<count).map { _ in Int8.random(in: .min ... .max, using: &generator) }, shape: [count])
            try w.add("layer\(i).bias", [Int32](repeating: Int32(i), count: 7), shape: [7])
        }
        let path = SharedAssets.scratchDirectory() + "/big.edgeseg"
        defer { Self.removeScratch(path) }
        let clock = ContinuousClock()
        let writeTime = try clock.measure { try w.write(to: path) }
        var file: ModelFile? = nil
        let openTime = try clock.measure { file = try ModelFile(path: path, expecting: .int8) }
        let size = file!.mappedBytes.count
        #expect(size > 4_000_000)
        #expect(file!.tensors.count == 400)
        #expect(try file!.int32("layer199.bias").allSatisfy { $0 == 199 })
        print("ModelFile: \(size) bytes, encode+write \(writeTime), open+verify \(openTime)")
    }

    // MARK: - Test-only byte helpers, independent of the code under test

    static func u64(_ bytes: [UInt8], _ at: Int) -> UInt64 {
        (0..<8).reduce(0) { $0 | UInt64(bytes[at + $1]) << (8 * $1) }
    }

    static func put64(_ bytes: inout [UInt8], _ at: Int, _ value: UInt64) {
        for i in 0..<8 { bytes[at + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
    }

    static func bitwiseCRC32C(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        }
        return ~crc
    }

    static func resealChecksum(_ bytes: inout [UInt8]) {
        let crc = bitwiseCRC32C(Array(bytes[16...]))
        for i in 0..<4 { bytes[12 + i] = UInt8(truncatingIfNeeded: crc >> (8 * i)) }
    }
}
