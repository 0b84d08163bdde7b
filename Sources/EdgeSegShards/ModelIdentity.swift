import CEdgeSeg
import EdgeSegRuntime

/// Which model a shard ran: the path as given and each of its files' name, size and CRC-32C, so that parts
/// made with other weights (or a model re-quantized in the same place) are refused by the merge.
public struct ModelIdentity: Equatable, Sendable {
    public struct File: Equatable, Sendable {
        public let name: String
        public let bytes: Int
        public let crc32c: UInt32

        public init(name: String, bytes: Int, crc32c: UInt32) {
            self.name = name
            self.bytes = bytes
            self.crc32c = crc32c
        }
    }

    /// What the model is to the job ("float", "int8"), as the error messages name it.
    public let role: String
    public let path: String
    public let files: [File]

    /// A Hugging Face folder (its config.json and model.safetensors), one of those two files (both are read),
    /// or a single model file (`.edgeseg`).
    public init(role: String, path: String) throws(EdgeSegError) {
        var paths: [String]
        switch pathKind(path) {
        case .directory: paths = ["config.json", "model.safetensors"].map { joinPath(path, $0) }
        case .file where path.hasSuffix(".safetensors") || path.hasSuffix(".json"):
            paths = ["config.json", "model.safetensors"].map { joinPath(parentDirectory(path), $0) }
        case .file: paths = [path]
        default: throw EdgeSegError(.io, "\(path): no such model")
        }
        var files: [File] = []
        for file in paths {
            let mapped = try MappedFile(path: file)
            let crc = mapped.bytes.isEmpty ? 0 : es_crc32c(0, mapped.bytes.baseAddress!, mapped.count)
            files.append(File(name: fileName(file), bytes: mapped.count, crc32c: crc))
        }
        self.init(role: role, path: path, files: files)
    }

    public init(role: String, path: String, files: [File]) {
        self.role = role
        self.path = path
        self.files = files
    }

    /// How `other` differs in content (not in path), or nil if it is the same model.
    public func difference(from other: ModelIdentity) -> String? {
        guard other.files.map(\.name) == files.map(\.name) else {
            return "the \(role) model's files \(files.map(\.name)) against \(other.files.map(\.name))"
        }
        for (a, b) in zip(files, other.files) where a != b {
            return "\(a.name) of the \(role) model: \(a.bytes) bytes, CRC-32C \(hex(a.crc32c)) against \(b.bytes) bytes, CRC-32C \(hex(b.crc32c))"
        }
        return nil
    }

    var json: JSONValue {
        .object([
            JSONMember(key: "role", value: .string(role)),
            JSONMember(key: "path", value: .string(path)),
            JSONMember(key: "files", value: .array(files.map {
                .object([JSONMember(key: "name", value: .string($0.name)), JSONMember(key: "bytes", value: .int(Int64($0.bytes))),
                         JSONMember(key: "crc32c", value: .string(hex($0.crc32c)))])
            })),
        ])
    }

    init(_ fields: PartFields) throws(EdgeSegError) {
        var files: [File] = []
        for file in try fields.array("files") {
            files.append(File(name: try file.string("name"), bytes: try file.int("bytes"), crc32c: try file.checksum("crc32c")))
        }
        self.init(role: try fields.string("role"), path: try fields.string("path"), files: files)
    }
}

/// Eight lowercase hex digits.
func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 8 - digits.count) + digits
}
