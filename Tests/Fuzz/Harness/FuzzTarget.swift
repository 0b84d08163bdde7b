import EdgeSegCapture
import EdgeSegImport
import EdgeSegQuantize
import EdgeSegRuntime
import Foundation
import FuzzDriver
import HostileInputs

/// One reader under fuzzing: what it runs on an input, and how an input is mutated with its structure in mind
/// (checksums and CRCs made valid again, JSON kept valid with hostile numbers, image headers with hostile
/// sizes), so most mutations get past the integrity checks to the code behind them.
enum FuzzTarget: String, CaseIterable {
    case model, config, safetensors, scales, png, jpeg, labels, http

    /// Inputs that need a path are written here (one file per process).
    static let scratch: String = {
        let directory = NSTemporaryDirectory() + "edgeseg-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory + "/input"
    }()

    /// The camvid model's config: what scales.json files are checked against.
    nonisolated(unsafe) static var camvidConfig: SegFormerConfig?

    /// Runs the reader; an EdgeSegError is a correct answer, only a crash, a hang or a big allocation is a finding.
    func run(_ bytes: [UInt8]) {
        if self == .http {
            _ = HTTPRequest.parse(bytes)
            return
        }
        if self == .config {
            guard let json = try? JSONValue.parse(String(decoding: bytes, as: UTF8.self), source: "config.json"),
                  let config = try? SegFormerConfig(huggingFaceJSON: json, source: "config.json") else { return }
            _ = expectedTensors(config)
            _ = config.stageSizes(height: 512, width: 512)
            _ = ActivationPoint.all(config)
            return
        }
        FileManager.default.createFile(atPath: Self.scratch, contents: Data(bytes))
        let path = Self.scratch
        do throws(EdgeSegError) {
            switch self {
            case .model:
                // Opening builds every layer; one small frame runs every kernel on the file's parameters.
                let model = try SegFormerModel(path: path)
                _ = try Segmenter(model: model, source: path).classMap(of: syntheticPicture(ImageSize(width: 64, height: 64)))
            case .safetensors:
                let file = try SafeTensorsFile(path: path)
                for name in file.names where file.info(name)?.dtype.hasPrefix("F") == true { _ = try file.floatTensor(name) }
            case .scales: _ = try CalibrationResult.load(path: path, config: Self.camvidConfig)
            case .png, .jpeg: _ = try loadImage(path: path)
            case .labels: _ = try loadLabelImage(path: path)
            case .config, .http: break
            }
        } catch {}
    }

    /// `bytes` mutated; `seed` picks the mutation.
    func mutate(_ bytes: [UInt8], maxSize: Int, seed: UInt32) -> [UInt8] {
        var random = seed
        func next() -> UInt64 {
            random = random &* 1_103_515_245 &+ 12345
            return UInt64(random >> 4)
        }
        let structured = next() % 3 != 0
        switch self {
        case .model:
            if structured, let rewritten = hostileModel(bytes, next) { return rewritten }
            var out = byteMutation(bytes, maxSize, UInt32(truncatingIfNeeded: next()))
            ModelFileRewrite.fixChecksum(&out)
            return out
        case .config, .scales:
            if structured, let json = try? JSONValue.parse(String(decoding: bytes, as: UTF8.self), source: "input") {
                let paths = numberPaths(json, [])
                if !paths.isEmpty, let text = try? json.setting(paths[Int(next() % UInt64(paths.count))], hostileNumber(next)).serialized() {
                    return Array(text.utf8)
                }
            }
            return byteMutation(bytes, maxSize, UInt32(truncatingIfNeeded: next()))
        case .safetensors:
            if structured, let header = safetensorsHeader(bytes) {
                let paths = numberPaths(header.json, [])
                if !paths.isEmpty, let text = try? header.json.setting(paths[Int(next() % UInt64(paths.count))], hostileNumber(next)).serialized() {
                    let head = Array(text.utf8)
                    return withUnsafeBytes(of: UInt64(head.count).littleEndian, Array.init) + head + bytes[header.dataStart...]
                }
            }
            return byteMutation(bytes, maxSize, UInt32(truncatingIfNeeded: next()))
        case .png, .labels:
            if structured, let sized = ImageHeaders.settingPNGSize(bytes, width: hostileSide(next), height: hostileSide(next)) { return sized }
            var out = byteMutation(bytes, maxSize, UInt32(truncatingIfNeeded: next()))
            ImageHeaders.fixPNGChunkCRCs(&out)
            return out
        case .jpeg:
            if structured, let sized = ImageHeaders.settingJPEGSize(bytes, width: UInt16(truncatingIfNeeded: hostileSide(next)),
                                                                     height: UInt16(truncatingIfNeeded: hostileSide(next))) { return sized }
            return byteMutation(bytes, maxSize, UInt32(truncatingIfNeeded: next()))
        case .http:
            if structured {
                let pieces = ["GET ", "POST ", "/stats.json", "/frame.png?", " HTTP/1.1", " HTTP/1.0", " HTTP/2.0", " HTTP/",
                              "\r\n", "\n", "\r\n\r\n", "Host: x\r\n", String(repeating: "A", count: 5000), " ", "\u{0}", "#", "?"]
                var out = bytes
                out.insert(contentsOf: Array(pieces[Int(next() % UInt64(pieces.count))].utf8), at: out.isEmpty ? 0 : Int(next() % UInt64(out.count + 1)))
                return Array(out.prefix(maxSize))
            }
            return byteMutation(bytes, maxSize, UInt32(truncatingIfNeeded: next()))
        }
    }

    /// A CRC-valid model file with one hostile metadata number or tensor element; nil if `bytes` is no model file.
    private func hostileModel(_ bytes: [UInt8], _ next: () -> UInt64) -> [UInt8]? {
        FileManager.default.createFile(atPath: Self.scratch, contents: Data(bytes))
        guard let file = try? ModelFile(path: Self.scratch) else { return nil }
        var rewrite = ModelFileRewrite(file)
        let integers = rewrite.tensors.filter { ($0.dtype == .int32 || $0.dtype == .int64) && !$0.bytes.isEmpty }
        if next() % 2 == 0 || integers.isEmpty {
            let paths = numberPaths(rewrite.metadata, [])
            guard !paths.isEmpty else { return nil }
            rewrite.setMetadata(paths[Int(next() % UInt64(paths.count))], hostileNumber(next))
        } else {
            let t = integers[Int(next() % UInt64(integers.count))]
            rewrite.setInteger(t.name, index: Int(next() % UInt64(t.bytes.count / t.dtype.byteSize)), HostileValues.integer(next()))
        }
        return try? rewrite.encoded()
    }
}

private func byteMutation(_ bytes: [UInt8], _ maxSize: Int, _ seed: UInt32) -> [UInt8] {
    var buffer = bytes + [UInt8](repeating: 0, count: max(0, maxSize - bytes.count))
    let size = buffer.withUnsafeMutableBufferPointer { es_fuzz_mutate_bytes($0.baseAddress, bytes.count, maxSize, seed) }
    return Array(buffer.prefix(size))
}

/// The paths of every number in `json` (object keys and array indices).
private func numberPaths(_ json: JSONValue, _ prefix: [String]) -> [[String]] {
    switch json {
    case .int, .double: return [prefix]
    case .array(let items): return items.indices.flatMap { numberPaths(items[$0], prefix + ["\($0)"]) }
    case .object(let members): return members.flatMap { numberPaths($0.value, prefix + [$0.key]) }
    default: return []
    }
}

private func hostileNumber(_ next: () -> UInt64) -> JSONValue {
    switch next() % 4 {
    case 0: .double([1e300, -1e300, 1e-300, -0.0, 0.5, 1e38, 3.4e39][Int(next() % 7)])
    default: .int(HostileValues.integer(next()))
    }
}

private func hostileSide(_ next: () -> UInt64) -> UInt32 {
    [0, 1, 2, 8191, 8192, 8193, 16384, 20000, 30000, 65535, 65536, 1 << 24, 1 << 31, UInt32.max][Int(next() % 14)]
}

/// A safetensors file's JSON header and where its data starts.
private func safetensorsHeader(_ bytes: [UInt8]) -> (json: JSONValue, dataStart: Int)? {
    guard bytes.count >= 8 else { return nil }
    let length = bytes[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
    guard length <= UInt64(bytes.count - 8),
          let json = try? JSONValue.parse(String(decoding: bytes[8..<(8 + Int(length))], as: UTF8.self), source: "header") else { return nil }
    return (json, 8 + Int(length))
}
