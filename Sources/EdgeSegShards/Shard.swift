import EdgeSegRuntime

/// One of `count` shards of a job over a sorted list of images: shard `index` takes images `index`,
/// `index + count`, `index + 2·count`, ... Shards count from 0, as Kubernetes' `JOB_COMPLETION_INDEX` and a
/// Slurm array `--array=0-(N-1)` do, so `--shard $JOB_COMPLETION_INDEX/N` needs no arithmetic.
public struct Shard: Equatable, Hashable, Sendable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) throws(EdgeSegError) {
        guard count >= 1 else { throw EdgeSegError(.usage, "shard \(index)/\(count): the number of shards must be at least 1") }
        guard index >= 0 && index < count else {
            throw EdgeSegError(.usage, "shard \(index)/\(count): shards count from 0, so K/\(count) takes K = 0 to \(count - 1)")
        }
        self.index = index
        self.count = count
    }

    /// "K/N", as `--shard` takes it.
    public init(parsing text: String) throws(EdgeSegError) {
        let fields = text.split(separator: "/", omittingEmptySubsequences: false)
        guard fields.count == 2, let k = Int(fields[0]), let n = Int(fields[1]) else {
            throw EdgeSegError(.usage, "shard \"\(text)\": expected K/N, e.g. 0/4 for the first of 4 shards (K counts from 0)")
        }
        try self.init(index: k, count: n)
    }

    /// Whether image number `position` (0-based, in sorted order) belongs to this shard.
    public func contains(_ position: Int) -> Bool { position % count == index }

    /// The positions of this shard's images among `total`.
    public func positions(of total: Int) -> [Int] { Array(stride(from: index, to: total, by: count)) }

    public var description: String { "\(index)/\(count)" }
}
