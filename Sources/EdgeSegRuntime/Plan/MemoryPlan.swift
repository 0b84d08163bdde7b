/// Where every buffer of an int8 session lives: each activation and scratch buffer of the program (name, bytes,
/// lifetime in ops) and its offset in the one arena, as `planArena` placed them. Known before the first frame.
public struct MemoryPlan: Sendable {
    /// The arena's and every buffer's alignment (a cache line; what the SIMD kernels like).
    public static let alignment = 64

    public let plan: ArenaPlan
    public let requests: [BufferRequest]
    public let names: [String]

    init(program: Program) throws(EdgeSegError) {
        requests = program.requests
        names = program.names
        plan = try planArena(requests)
    }

    public var arenaBytes: Int { plan.arenaBytes }

    /// No placement can use fewer bytes (see `lowerBound(_:)`).
    public var lowerBound: Int { EdgeSegRuntime.lowerBound(requests) }

    /// The `count` largest buffers, biggest first (ties in program order).
    public func largest(_ count: Int) -> [(name: String, bytes: Int)] {
        let order = requests.indices.sorted { (requests[$0].size, -$0) > (requests[$1].size, -$1) }
        return order.prefix(count).map { (names[$0], requests[$0].size) }
    }
}
