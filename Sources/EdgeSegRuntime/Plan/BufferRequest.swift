/// One buffer the arena must hold: its bytes, the op steps that write it and last read it (inclusive), the
/// alignment of its offset, and optionally an input it may overwrite in place.
public struct BufferRequest: Equatable, Sendable {
    public var size: Int
    public var firstUse: Int
    public var lastUse: Int
    /// A power of two.
    public var alignment: Int
    /// The index of an input this buffer may take the memory of: its op (step `firstUse`) is elementwise and
    /// reads that input for the last time. The planner grants it when the input's last use is that step, the
    /// input lives past the step that made it, no other buffer took it already, and this buffer is no larger.
    public var aliasOf: Int?

    public init(size: Int, firstUse: Int, lastUse: Int, alignment: Int = 64, aliasOf: Int? = nil) {
        self.size = size
        self.firstUse = firstUse
        self.lastUse = lastUse
        self.alignment = alignment
        self.aliasOf = aliasOf
    }

    /// Both buffers are live at some step.
    func livesWith(_ other: BufferRequest) -> Bool {
        firstUse <= other.lastUse && other.firstUse <= lastUse
    }
}

/// Throws unless every request has a size >= 0, firstUse <= lastUse, a power-of-two alignment and an alias
/// index of another request.
func validate(_ requests: [BufferRequest]) throws(EdgeSegError) {
    for (i, r) in requests.enumerated() {
        guard r.size >= 0 else { throw EdgeSegError(.usage, "buffer request \(i): size \(r.size) is negative") }
        guard r.firstUse <= r.lastUse else {
            throw EdgeSegError(.usage, "buffer request \(i): lastUse \(r.lastUse) is before firstUse \(r.firstUse)")
        }
        guard r.alignment > 0, r.alignment & (r.alignment - 1) == 0 else {
            throw EdgeSegError(.usage, "buffer request \(i): alignment \(r.alignment) is not a power of two")
        }
        if let a = r.aliasOf, a < 0 || a >= requests.count || a == i {
            throw EdgeSegError(.usage, "buffer request \(i): aliasOf \(a) is not another request (there are \(requests.count))")
        }
    }
}
