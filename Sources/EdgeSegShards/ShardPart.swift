import CEdgeSeg
import EdgeSegRuntime

/// One shard's partial result of a job over images (`calibrate --shard`, `eval --shard`), as a JSON file:
///
///     {"format": "edgeseg-part", "version": 1, "job": "calibrate", "crc32c": "1c2d3e4f", "content": {
///       "command": ["edgeseg", "calibrate", ...], "shard": {"index": 0, "count": 4},
///       "models": [{"role": "model", "path": "...", "files": [{"name": "config.json", "bytes": .., "crc32c": ".."}, ..]}],
///       "options": {...}, "inputs": {"folder": "...", "count": 62, "names_crc32c": ".."},
///       "images": [{"position": 0, "name": "a.png", "size": {"width": 480, "height": 360}}, ...], "result": {...}}}
///
/// The CRC-32C covers the content as `JSONValue.serialized()` writes it, so reading checks it on the content
/// re-serialized (the writer is canonical: a value reads back equal, bit for bit). `options` is what must be
/// the same in every shard for the parts to merge; `result` is the job's own (histograms, per-image sums).
public struct ShardPart: Sendable {
    public static let format = "edgeseg-part"
    public static let version = 1

    /// One input image of the shard: its position among all the job's images (sorted by name) and its size
    /// (nil if it could not be read).
    public struct Image: Equatable, Sendable {
        public let position: Int
        public let name: String
        public let size: ImageSize?

        public init(position: Int, name: String, size: ImageSize?) {
            self.position = position
            self.name = name
            self.size = size
        }
    }

    /// The job's whole input: the folder and its images' sorted names (through their count and CRC-32C).
    public struct Inputs: Equatable, Sendable {
        public let folder: String
        public let count: Int
        public let namesCRC32C: UInt32

        public init(folder: String, names: [String]) {
            self.folder = folder
            count = names.count
            namesCRC32C = names.reduce(0) { crc, name in checksum(name + "\n", continuing: crc) }
        }

        init(folder: String, count: Int, namesCRC32C: UInt32) {
            self.folder = folder
            self.count = count
            self.namesCRC32C = namesCRC32C
        }
    }

    /// "calibrate" or "eval": which command made the part and can merge it.
    public var job: String
    public var command: [String]
    public var shard: Shard
    public var models: [ModelIdentity]
    public var options: JSONValue
    public var inputs: Inputs
    public var images: [Image]
    public var result: JSONValue

    public init(job: String, command: [String], shard: Shard, models: [ModelIdentity], options: JSONValue,
                inputs: Inputs, images: [Image], result: JSONValue) {
        self.job = job
        self.command = command
        self.shard = shard
        self.models = models
        self.options = options
        self.inputs = inputs
        self.images = images
        self.result = result
    }

    var content: JSONValue {
        .object([
            JSONMember(key: "command", value: .array(command.map { .string($0) })),
            JSONMember(key: "shard", value: .object([JSONMember(key: "index", value: .int(Int64(shard.index))),
                                                     JSONMember(key: "count", value: .int(Int64(shard.count)))])),
            JSONMember(key: "models", value: .array(models.map(\.json))),
            JSONMember(key: "options", value: options),
            JSONMember(key: "inputs", value: .object([
                JSONMember(key: "folder", value: .string(inputs.folder)),
                JSONMember(key: "count", value: .int(Int64(inputs.count))),
                JSONMember(key: "names_crc32c", value: .string(hex(inputs.namesCRC32C))),
            ])),
            JSONMember(key: "images", value: .array(images.map { image in
                .object([JSONMember(key: "position", value: .int(Int64(image.position))),
                         JSONMember(key: "name", value: .string(image.name)),
                         JSONMember(key: "size", value: sizeJSON(image.size))])
            })),
            JSONMember(key: "result", value: result),
        ])
    }

    /// The file's text: one line of compact JSON.
    public func serialized() throws(EdgeSegError) -> String {
        let body = try content.serialized()
        return "{\"format\":\"\(Self.format)\",\"version\":\(Self.version),\"job\":\(JSONValue.quoted(job)),"
            + "\"crc32c\":\"\(hex(checksum(body)))\",\"content\":\(body)}\n"
    }

    public func write(to path: String) throws(EdgeSegError) {
        try writeFileAtomically(path, Array(try serialized().utf8))
    }

    /// Reads and checks a part file made by `job`: intact (complete JSON, matching checksum), of this version.
    public static func read(path: String, job: String) throws(EdgeSegError) -> ShardPart {
        let file = try MappedFile(path: path)
        let json: JSONValue
        do {
            json = try JSONValue.parse(file.bytes, source: path)
        } catch {
            throw EdgeSegError(.json, "\(error.message) (a part file cut short, or not a part file?)")
        }
        let top = PartFields(json, source: path, location: "$")
        guard json["format"]?.string == format else {
            throw top.fail("not an EdgeSeg part file (\"format\" must be \"\(format)\")")
        }
        let version = try top.int("version")
        guard version == Self.version else { throw top.fail("part file version \(version); this edgeseg reads version \(Self.version)") }
        let madeBy = try top.string("job")
        guard madeBy == job else { throw top.fail("a part of `edgeseg \(madeBy) --shard`, not of `edgeseg \(job)`") }
        let stored = try top.checksum("crc32c")
        let content = try top.field("content")
        let computed = checksum(try content.value.serialized())
        guard computed == stored else {
            throw top.fail("damaged: the content's CRC-32C is \(hex(computed)), the file says \(hex(stored)) (changed after it was written?)")
        }
        let shard = try content.field("shard")
        var models: [ModelIdentity] = []
        for model in try content.array("models") { models.append(try ModelIdentity(model)) }
        let inputs = try content.field("inputs")
        var images: [Image] = []
        for image in try content.array("images") {
            images.append(Image(position: try image.count("position"), name: try image.string("name"), size: try image.size("size")))
        }
        var command: [String] = []
        for argument in try content.array("command") {
            guard let s = argument.value.string else { throw argument.fail("expected a string") }
            command.append(s)
        }
        let parsedShard: Shard
        do {
            parsedShard = try Shard(index: try shard.int("index"), count: try shard.int("count"))
        } catch {
            throw shard.fail(error.message)
        }
        return ShardPart(job: job, command: command, shard: parsedShard, models: models,
                         options: try content.field("options").value,
                         inputs: Inputs(folder: try inputs.string("folder"), count: try inputs.count("count"),
                                        namesCRC32C: try inputs.checksum("names_crc32c")),
                         images: images, result: try content.field("result").value)
    }
}

/// The CRC-32C of `text`'s UTF-8 bytes, continuing `crc` (0 to start).
private func checksum(_ text: String, continuing crc: UInt32 = 0) -> UInt32 {
    Array(text.utf8).withUnsafeBytes { es_crc32c(crc, $0.baseAddress!, $0.count) }
}
