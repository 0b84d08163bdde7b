import CEdgeSeg

/// A tensor of the forward at one input size: its buffer in the program and its geometry (channels last).
/// Int8 codes, or floats where a mixed-precision model keeps the activation point in float (or a float
/// layer needs its input or output as floats).
struct ArenaTensor {
    let id: Int
    let height: Int
    let width: Int
    let channels: Int
    let isFloat: Bool

    var tokens: Int { height * width }
    var count: Int { tokens * channels }
    var bytes: Int { count * (isFloat ? 4 : 1) }
}

/// The forward at one input size as data: the ops in order (Ops/) and every buffer they use (activations and
/// scratch) with its lifetime, which is what the memory planner takes. Built once per session by walking the
/// model; the session binds the ops to the planned arena and runs them, so the plan and the execution cannot
/// disagree.
struct Program {
    private(set) var ops: [Op] = []
    private(set) var requests: [BufferRequest] = []
    private(set) var names: [String] = []
    /// Threads the scratch is sized for (each gets its own).
    let workers: Int
    /// The model's activation points' quantization, and the points it keeps in float.
    let activations: [String: QuantizationParameters]
    let keepFloat: Set<String>

    init(workers: Int, activations: [String: QuantizationParameters], keepFloat: Set<String>) {
        self.workers = workers
        self.activations = activations
        self.keepFloat = keepFloat
    }

    /// Appends an op that reads `inputs` and writes what `make` returns; `make` creates the op's buffers.
    mutating func append(reading inputs: [Int], _ make: (inout Program) -> Op) {
        let step = ops.count
        for i in inputs { requests[i].lastUse = step }
        ops.append(make(&self))
    }

    /// A feature map written by the op being appended; `inPlaceOf` names an input it may overwrite (of the same
    /// element type).
    mutating func tensor(_ name: String, height: Int, width: Int, channels: Int, isFloat: Bool = false,
                         inPlaceOf input: Int? = nil) -> ArenaTensor {
        let t = ArenaTensor(id: requests.count, height: height, width: width, channels: channels, isFloat: isFloat)
        _ = buffer(name, bytes: t.bytes, aliasOf: input)
        return t
    }

    /// Scratch the op being appended uses while it runs: `bytesPerWorker` for each thread.
    mutating func scratch(_ name: String, bytesPerWorker: Int) -> Int {
        buffer(name, bytes: bytesPerWorker * workers, aliasOf: nil)
    }

    /// Keeps `buffers` alive to the end: the forward's results.
    mutating func keepToEnd(_ buffers: [Int]) {
        for i in buffers { requests[i].lastUse = ops.count }
    }

    private mutating func buffer(_ name: String, bytes: Int, aliasOf: Int?) -> Int {
        requests.append(BufferRequest(size: bytes, firstUse: ops.count, lastUse: ops.count, aliasOf: aliasOf))
        names.append(name)
        return requests.count - 1
    }
}
