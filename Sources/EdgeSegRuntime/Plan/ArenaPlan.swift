/// Where each buffer lives in one static arena: offsets[i] is request i's byte offset.
public struct ArenaPlan: Equatable, Sendable {
    public var offsets: [Int]
    public var arenaBytes: Int

    public init(offsets: [Int], arenaBytes: Int) {
        self.offsets = offsets
        self.arenaBytes = arenaBytes
    }
}

/// Checks `plan` by brute force: one offset per request, every buffer aligned and inside the arena, and every
/// two buffers live at a common step disjoint in memory, except a granted in-place alias (same offset, the
/// output written at the input's last step).
public func verify(_ plan: ArenaPlan, _ requests: [BufferRequest]) throws(EdgeSegError) {
    try validate(requests)
    guard plan.offsets.count == requests.count else {
        throw EdgeSegError(.usage, "arena plan has \(plan.offsets.count) offsets for \(requests.count) buffer requests")
    }
    for (i, r) in requests.enumerated() {
        let o = plan.offsets[i]
        guard o >= 0, o + r.size <= plan.arenaBytes else {
            throw EdgeSegError(.usage, "arena plan: buffer \(i) at \(o)..<\(o + r.size) is outside the \(plan.arenaBytes)-byte arena")
        }
        guard o % r.alignment == 0 else {
            throw EdgeSegError(.usage, "arena plan: buffer \(i) at offset \(o) is not aligned to \(r.alignment)")
        }
    }
    for j in requests.indices {
        for i in 0..<j where requests[i].livesWith(requests[j]) {
            let (a, b) = (requests[i], requests[j])
            let (oa, ob) = (plan.offsets[i], plan.offsets[j])
            guard oa + a.size <= ob || ob + b.size <= oa || isAlias(i, j, plan, requests) else {
                throw EdgeSegError(.usage, "arena plan: buffers \(i) (\(oa)..<\(oa + a.size), steps \(a.firstUse)...\(a.lastUse)) and \(j) (\(ob)..<\(ob + b.size), steps \(b.firstUse)...\(b.lastUse)) overlap while both are live")
            }
        }
    }
}

/// One of the two buffers overwrites the other in place, as the planner grants it.
private func isAlias(_ i: Int, _ j: Int, _ plan: ArenaPlan, _ requests: [BufferRequest]) -> Bool {
    guard plan.offsets[i] == plan.offsets[j] else { return false }
    if requests[j].aliasOf == i, AliasGroups.mayAlias(input: requests[i], output: requests[j]) { return true }
    return requests[i].aliasOf == j && AliasGroups.mayAlias(input: requests[j], output: requests[i])
}
