import EdgeSegImport
import EdgeSegRuntime
import Foundation
import TestSupport
import Testing

@Suite struct SafeTensorsTests {
    /// Writes `fixture` (or raw bytes) to a scratch file and opens it; the error if opening fails.
    func open(_ bytes: [UInt8], name: String = #function) -> (path: String, result: Result<SafeTensorsFile, EdgeSegError>) {
        let path = SharedAssets.scratchDirectory(name) + "/model.safetensors"
        try! Data(bytes).write(to: URL(fileURLWithPath: path))
        return (path, Result { () throws(EdgeSegError) in try SafeTensorsFile(path: path) })
    }

    func openError(_ bytes: [UInt8], name: String = #function) -> (path: String, error: EdgeSegError?) {
        let (path, result) = open(bytes, name: name)
        guard case .failure(let error) = result else { return (path, nil) }
        return (path, error)
    }

    @Test(arguments: [SharedAssets.camvidModel, SharedAssets.adeLayoutModel])
    func readsSharedCheckpoints(model: String) throws {
        let path = model + "/model.safetensors"
        let file = try SafeTensorsFile(path: path)
        let reference = try SafeTensorsFixture(contentsOf: path)
        #expect(file.path == path)
        #expect(file.metadata == ["format": "pt"])
        #expect(Set(file.names) == Set(reference.tensors.map(\.name)))
        #expect(file.names.count == reference.tensors.count)
        for t in reference.tensors {
            let info = try #require(file.info(t.name))
            #expect(info.dtype == t.dtype && info.shape == t.shape, "\(t.name)")
        }
        #expect(file.info("decode_head.batch_norm.num_batches_tracked")! == ("I64", []))
        let bias = try file.floatTensor("decode_head.classifier.bias")
        let raw = try #require(reference["decode_head.classifier.bias"]).bytes
        let expected = stride(from: 0, to: raw.count, by: 4).map { i in
            Float(bitPattern: UInt32(raw[i]) | UInt32(raw[i + 1]) << 8 | UInt32(raw[i + 2]) << 16 | UInt32(raw[i + 3]) << 24)
        }
        #expect(bias.data == expected)
        #expect(file.info("no.such.tensor") == nil)
    }

    @Test func f16ConvertsExactlyIncludingSubnormalsInfinitiesAndNaN() throws {
        let bits: [UInt16] = [0x3C00, 0xC000, 0x3555, 0x7BFF, 0x0400, 0x0001, 0x03FF, 0x8001, 0x0000, 0x8000, 0x7C00, 0xFC00, 0x7E00]
        let expected: [Float] = [1, -2, 0.333251953125, 65504, 0x1p-14, 0x1p-24, 1023 * 0x1p-24, -0x1p-24, 0, -0.0, .infinity, -.infinity]
        let (_, result) = open(SafeTensorsFixture(tensors: [.bits16("h", dtype: "F16", bits)]).encoded())
        let t = try result.get().floatTensor("h")
        #expect(t.shape == [bits.count])
        #expect(Array(t.data.prefix(expected.count)) == expected)
        #expect(t.data[9].sign == .minus)
        #expect(t.data[12].isNaN)
    }

    @Test func bf16ConvertsExactly() throws {
        let bits: [UInt16] = [0x3F80, 0xC049, 0x0001, 0x7F7F, 0x7F80, 0xFF80, 0x8000]
        let expected: [Float] = [1, -3.140625, Float(bitPattern: 0x0001_0000), Float(bitPattern: 0x7F7F_0000), .infinity, -.infinity, -0.0]
        let (_, result) = open(SafeTensorsFixture(tensors: [.bits16("b", dtype: "BF16", bits)]).encoded())
        #expect(try result.get().floatTensor("b").data == expected)
    }

    @Test func nonFloatDTypesAreListedButNotConvertible() throws {
        let ints = SafeTensorsFixture.Tensor(name: "steps", dtype: "I64", shape: [], bytes: SafeTensorsFixture.littleEndianBytes(Int64(7)))
        let (path, result) = open(SafeTensorsFixture(tensors: [ints, .f32("w", [2], [1, 2])]).encoded())
        let file = try result.get()
        #expect(file.names == ["steps", "w"])
        #expect(file.info("steps")! == ("I64", []))
        #expect(try file.floatTensor("w").data == [1, 2])
        let error = #expect(throws: EdgeSegError.self) { try file.floatTensor("steps") }
        #expect(error?.kind == .checkpoint)
        #expect(error?.message.contains(path) == true)
        #expect(error?.message.contains("steps has dtype I64") == true)
    }

    @Test func emptyFile() {
        let (path, error) = openError([])
        #expect(error?.kind == .checkpoint)
        #expect(error?.message == "\(path): empty file, not a safetensors file")
    }

    @Test func headerLengthPastEndOfFile() {
        var bytes = SafeTensorsFixture(tensors: [.f32("w", [2], [1, 2])]).encoded()
        bytes.replaceSubrange(0..<8, with: SafeTensorsFixture.littleEndianBytes(UInt64.max))
        let (path, error) = openError(bytes)
        #expect(error?.kind == .checkpoint)
        #expect(error?.message.hasPrefix("\(path): header length 18446744073709551615 runs past the end of the file") == true)
    }

    @Test func invalidJSONHeader() {
        var bytes = SafeTensorsFixture(tensors: [.f32("w", [2], [1, 2])]).encoded()
        bytes[8 + 1] = UInt8(ascii: "#")  // the opening quote of the first key
        let (path, error) = openError(bytes)
        #expect(error?.kind == .json)
        #expect(error?.message.hasPrefix("\(path) (safetensors header):1:2: expected a string key") == true)
    }

    @Test func truncatedData() {
        let bytes = SafeTensorsFixture(tensors: [.f32("w", [4], [1, 2, 3, 4])]).encoded()
        let (path, error) = openError(Array(bytes.dropLast(3)))
        #expect(error?.kind == .checkpoint)
        #expect(error?.message == "\(path): tensor w: truncated data: data_offsets [0, 16] run past the end of the data section (13 bytes)")
    }

    @Test func offsetsNotMatchingShape() {
        var fixture = SafeTensorsFixture(tensors: [.f32("w", [4], [1, 2, 3, 4])])
        fixture.tensors[0].shape = [5]
        let (path, error) = openError(fixture.encoded())
        #expect(error?.kind == .checkpoint)
        #expect(error?.message == "\(path): tensor w: data_offsets [0, 16] hold 16 bytes but shape [5] of F32 needs 20")
    }

    @Test func overlappingTensors() {
        let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#
        let bytes = SafeTensorsFixture.littleEndianBytes(UInt64(header.utf8.count)) + Array(header.utf8) + [UInt8](repeating: 0, count: 12)
        let (path, error) = openError(bytes)
        #expect(error?.kind == .checkpoint)
        #expect(error?.message == "\(path): tensors a and b overlap in the data section")
    }

    @Test func unknownDType() {
        var fixture = SafeTensorsFixture(tensors: [.f32("w", [1], [1])])
        fixture.tensors[0].dtype = "F24"
        let (path, error) = openError(fixture.encoded())
        #expect(error?.kind == .checkpoint)
        #expect(error?.message == "\(path): tensor w: unknown dtype F24")
    }
}
