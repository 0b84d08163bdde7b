import Foundation
import TestSupport

/// An independent, test-only safetensors reader/writer, so tests can build small files and corrupted
/// copies of real checkpoints without going through the code under test.
struct SafeTensorsFixture {
    struct Tensor {
        var name: String
        var dtype: String
        var shape: [Int]
        var bytes: [UInt8]

        static func f32(_ name: String, _ shape: [Int], _ values: [Float]) -> Tensor {
            Tensor(name: name, dtype: "F32", shape: shape, bytes: values.flatMap { SafeTensorsFixture.littleEndianBytes($0.bitPattern) })
        }

        static func bits16(_ name: String, dtype: String, _ values: [UInt16]) -> Tensor {
            Tensor(name: name, dtype: dtype, shape: [values.count], bytes: values.flatMap { SafeTensorsFixture.littleEndianBytes($0) })
        }
    }

    var tensors: [Tensor] = []
    var metadata: [String: String] = ["format": "pt"]

    init(tensors: [Tensor] = []) { self.tensors = tensors }

    /// Reads a safetensors file (header parsed with JSONSerialization).
    init(contentsOf path: String) throws {
        let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let headerLength = data[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let header = try JSONSerialization.jsonObject(with: Data(data[8..<8 + headerLength])) as! [String: Any]
        metadata = header["__metadata__"] as? [String: String] ?? [:]
        for (name, value) in header where name != "__metadata__" {
            let entry = value as! [String: Any]
            let offsets = entry["data_offsets"] as! [Int]
            tensors.append(Tensor(
                name: name, dtype: entry["dtype"] as! String, shape: entry["shape"] as! [Int],
                bytes: Array(data[8 + headerLength + offsets[0]..<8 + headerLength + offsets[1]])))
        }
        tensors.sort { $0.name < $1.name }
    }

    static func littleEndianBytes<T: FixedWidthInteger>(_ v: T) -> [UInt8] {
        (0..<T.bitWidth / 8).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) }
    }

    subscript(name: String) -> Tensor? {
        get { tensors.first { $0.name == name } }
        set {
            tensors.removeAll { $0.name == name }
            if let newValue { tensors.append(newValue) }
        }
    }

    /// The file bytes: header padded with spaces to 8 bytes, then the tensors back to back.
    func encoded() -> [UInt8] {
        var entries: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\($0.value)\"" }
            entries.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        var body: [UInt8] = []
        for t in tensors {
            let shape = t.shape.map(String.init).joined(separator: ",")
            entries.append("\"\(t.name)\":{\"dtype\":\"\(t.dtype)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + t.bytes.count)]}")
            offset += t.bytes.count
            body += t.bytes
        }
        var header = Array("{\(entries.joined(separator: ","))}".utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        return Self.littleEndianBytes(UInt64(header.count)) + header + body
    }

    func write(to path: String) throws {
        try Data(encoded()).write(to: URL(fileURLWithPath: path))
    }
}

/// Test helpers for model directories in a scratch folder.
enum ModelDirectory {
    /// A scratch copy of a model directory's config.json (safetensors written by the caller).
    static func withConfig(from model: String, name: String = #function) throws -> String {
        let dir = SharedAssets.scratchDirectory(name)
        try FileManager.default.copyItem(atPath: model + "/config.json", toPath: dir + "/config.json")
        return dir
    }

    /// A scratch copy of the CamVid model whose weights went through `edit` (corrupt them there).
    static func camvidCopy(name: String = #function, edit: (inout SafeTensorsFixture) -> Void) throws -> String {
        let dir = try withConfig(from: SharedAssets.camvidModel, name: name)
        var weights = try SafeTensorsFixture(contentsOf: SharedAssets.camvidModel + "/model.safetensors")
        edit(&weights)
        try weights.write(to: dir + "/model.safetensors")
        return dir
    }

    /// A scratch CamVid model directory whose config.json is a copy (to corrupt) and weights a symlink.
    static func camvidWithLinkedWeights(name: String = #function) throws -> String {
        let dir = try withConfig(from: SharedAssets.camvidModel, name: name)
        try FileManager.default.createSymbolicLink(
            atPath: dir + "/model.safetensors", withDestinationPath: SharedAssets.camvidModel + "/model.safetensors")
        return dir
    }

    /// Scratch copies of a model are 15 MB: remove them when the test is done.
    static func remove(_ dir: String) {
        try? FileManager.default.removeItem(atPath: dir)
    }

    static func writeText(_ text: String, to path: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
