/// Requests merged by the aliases the planner grants: each group is one block of memory, the size of its first
/// (and largest) buffer, live from the first buffer's firstUse to the last one's lastUse, aligned for all of them.
/// A group is a chain in which each buffer is written over the previous one at the step that reads it last.
struct AliasGroups {
    /// The group of each request.
    var groupOf: [Int]
    /// Each group's block as one request.
    var blocks: [BufferRequest] = []

    init(_ requests: [BufferRequest]) {
        groupOf = [Int](repeating: -1, count: requests.count)
        var tail: [Int] = []   // each group's latest buffer: the only one a new buffer may alias
        // An aliased input starts before its successor, so visiting by firstUse settles it first.
        let order = requests.indices.sorted { (requests[$0].firstUse, $0) < (requests[$1].firstUse, $1) }
        for j in order {
            let r = requests[j]
            if let i = r.aliasOf, i >= 0, i < requests.count, i != j, groupOf[i] >= 0,
               Self.mayAlias(input: requests[i], output: r), tail[groupOf[i]] == i {
                let g = groupOf[i]
                groupOf[j] = g
                tail[g] = j
                blocks[g].lastUse = max(blocks[g].lastUse, r.lastUse)
                blocks[g].alignment = max(blocks[g].alignment, r.alignment)
            } else {
                groupOf[j] = blocks.count
                tail.append(j)
                blocks.append(BufferRequest(size: r.size, firstUse: r.firstUse, lastUse: r.lastUse, alignment: r.alignment))
            }
        }
    }

    /// `output` may overwrite `input`: it fits, and they meet only at the step that reads the input last and writes
    /// the output. An input living one step only is refused, so a chain's non-neighbours never meet.
    static func mayAlias(input: BufferRequest, output: BufferRequest) -> Bool {
        output.size <= input.size && input.lastUse == output.firstUse && input.firstUse < input.lastUse
    }
}
