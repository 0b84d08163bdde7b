import EdgeSegRuntime

/// The parts of one sharded job, checked to belong together before they are merged.
public struct ShardSet: Sendable {
    /// In shard order, and the files they were read from.
    public let parts: [ShardPart]
    public let paths: [String]
    /// Every image of the job, in position order (sorted by name).
    public let images: [ShardPart.Image]

    /// Reads every part (made by `job`) and checks that they are all N shards of one run: the same models
    /// (file contents, not paths), the same options and inputs, each shard exactly once, each holding exactly
    /// its images. The errors name the part files and what differs or is missing.
    public init(paths: [String], job: String) throws(EdgeSegError) {
        guard let firstPath = paths.first else { throw EdgeSegError(.usage, "no part files to merge") }
        var parts: [ShardPart] = []
        for path in paths { parts.append(try ShardPart.read(path: path, job: job)) }
        let first = parts[0]
        var byIndex = [String?](repeating: nil, count: first.shard.count)
        for (path, part) in zip(paths, parts) {
            func mismatch(_ what: String) -> EdgeSegError {
                EdgeSegError(.usage, "\(path) does not belong with \(firstPath): \(what)")
            }
            guard part.shard.count == first.shard.count else {
                throw mismatch("it is shard \(part.shard) of \(part.shard.count) shards, \(firstPath) one of \(first.shard.count)")
            }
            guard part.models.count == first.models.count else { throw mismatch("other models (\(part.models.map(\.role)))") }
            for (a, b) in zip(first.models, part.models) {
                if let difference = a.difference(from: b) { throw mismatch("another model: \(difference)") }
            }
            guard part.options == first.options else {
                throw mismatch("other options: \(describe(part.options)) against \(describe(first.options))")
            }
            guard part.inputs == first.inputs else {
                throw mismatch("other input images: \(part.inputs.count) in \(part.inputs.folder) against \(first.inputs.count) in \(first.inputs.folder)"
                               + (part.inputs.count == first.inputs.count ? " (the names differ)" : ""))
            }
            if let earlier = byIndex[part.shard.index] {
                throw EdgeSegError(.usage, "shard \(part.shard) is given twice: \(earlier) and \(path)")
            }
            byIndex[part.shard.index] = path
            let expected = part.shard.positions(of: part.inputs.count)
            guard part.images.map(\.position) == expected else {
                throw EdgeSegError(.usage, "\(path): shard \(part.shard) of \(part.inputs.count) images must hold images \(describePositions(expected)), it holds \(describePositions(part.images.map(\.position)))")
            }
        }
        let missing = byIndex.indices.filter { byIndex[$0] == nil }
        guard missing.isEmpty else {
            let names = missing.map { "\($0)/\(first.shard.count)" }.joined(separator: ", ")
            throw EdgeSegError(.usage, "incomplete: shard\(missing.count > 1 ? "s" : "") \(names) missing (\(paths.count) of \(first.shard.count) parts given; every shard 0/\(first.shard.count) to \(first.shard.count - 1)/\(first.shard.count) is needed)")
        }
        let order = parts.indices.sorted { parts[$0].shard.index < parts[$1].shard.index }
        self.parts = order.map { parts[$0] }
        self.paths = order.map { paths[$0] }
        images = self.parts.flatMap(\.images).sorted { $0.position < $1.position }
    }
}

private func describe(_ options: JSONValue) -> String {
    (try? options.serialized()) ?? options.typeName
}

private func describePositions(_ positions: [Int]) -> String {
    positions.count <= 6 ? "\(positions)" : "\(Array(positions.prefix(4))) ... (\(positions.count))"
}
