import CEdgeSeg

/// The int8 model ready to run at one input size: the program (ops in order), its memory plan, one arena that
/// holds every activation and scratch buffer, and the worker threads. Everything is set up here; a frame
/// (`run(image:)` or `run(pixels:)`, then `writeClassMap`) allocates nothing. Results stay in the arena until
/// the next run. A mixed-precision model's float layers, and every layer of a float model
/// (`SegFormerModel(float:)`), run the same way.
public final class Session {
    public let model: SegFormerModel
    public let height: Int
    public let width: Int
    /// Threads in all, the caller included.
    public let threads: Int
    public let memory: MemoryPlan
    let program: Program
    /// The kernels chosen for this CPU (static storage in CEdgeSeg): the table that packed the model's weights.
    let kernels: Int8Kernels
    /// The arena's buffers by id, as the ops were bound to them.
    private let buffers: BoundArena
    private let allocation: UnsafeMutableRawPointer?   // the arena when the session allocated it
    private let pool: OpaquePointer?
    private let input: InputOp
    private let stageOutputs: [ArenaTensor]
    private let logitsTensor: ArenaTensor
    /// Nanoseconds per op group over the runs since `resetTimings`, when `timing` is on.
    public var timing = false
    public private(set) var groupNanoseconds = [UInt64](repeating: 0, count: OpGroup.allCases.count)

    /// Plans the arena and allocates it: the session's one allocation of activation memory. `observable` keeps
    /// the decoder's fused map whole instead of in bands, so `run(pixels:observe:)` sees every activation point
    /// (it costs the map's bytes in the arena).
    public convenience init(model: SegFormerModel, height: Int, width: Int, threads: Int = 1, observable: Bool = false)
        throws(EdgeSegError) {
        try self.init(model: model, height: height, width: width, threads: threads, observable: observable, arena: nil)
    }

    /// Runs in `arena`, memory the caller owns (a static buffer on a microcontroller-style deployment); it must
    /// outlive the session. Too small → an error that says how many bytes are needed.
    public convenience init(model: SegFormerModel, height: Int, width: Int, threads: Int = 1,
                            arena: UnsafeMutableRawBufferPointer) throws(EdgeSegError) {
        try self.init(model: model, height: height, width: width, threads: threads, observable: false, arena: Optional(arena))
    }

    private init(model: SegFormerModel, height: Int, width: Int, threads: Int, observable: Bool,
                 arena given: UnsafeMutableRawBufferPointer?) throws(EdgeSegError) {
        guard threads >= 1 else { throw EdgeSegError(.usage, "threads must be at least 1, not \(threads)") }
        let built = try model.program(height: height, width: width, workers: threads, observable: observable)
        program = built.program
        memory = try MemoryPlan(program: built.program)
        self.model = model
        self.height = height
        self.width = width
        self.threads = threads
        input = built.input
        stageOutputs = built.stages
        logitsTensor = built.logits
        kernels = model.packedWeights.kernels
        let alignment = MemoryPlan.alignment
        let arena: UnsafeMutableRawPointer
        if let given {
            let base = Int(bitPattern: given.baseAddress)
            let padding = (alignment - base % alignment) % alignment
            guard let start = given.baseAddress, given.count >= padding + memory.arenaBytes else {
                throw EdgeSegError(.usage, "the arena buffer has \(given.count) bytes; this model at \(height)x\(width) with \(threads) thread(s) needs \(memory.arenaBytes + padding) (\(memory.arenaBytes) from a \(alignment)-byte aligned address)")
            }
            arena = start + padding
            allocation = nil
        } else {
            allocation = UnsafeMutableRawPointer.allocate(byteCount: max(memory.arenaBytes, 1), alignment: alignment)
            arena = allocation!
        }
        if threads > 1 {
            guard let pool = es_thread_pool_create(threads) else {
                allocation?.deallocate()
                throw EdgeSegError(.usage, "could not start \(threads - 1) worker thread(s)")
            }
            self.pool = pool
        } else {
            pool = nil
        }
        buffers = BoundArena(base: arena, offsets: memory.plan.offsets, kernels: kernels)
        for op in program.ops { op.bind(buffers) }
    }

    deinit {
        if let pool { es_thread_pool_destroy(pool) }
        allocation?.deallocate()
    }

    /// Runs the model on preprocessed pixels ([3, height, width] as `preprocess` makes them): quantizes them
    /// into the arena (a float model takes them as they are), then the ops to the logits.
    public func run(pixels: FloatTensor) throws(EdgeSegError) {
        let start = timing ? es_monotonic_ns() : 0
        try writeInput(pixels)
        if timing { groupNanoseconds[OpGroup.input.rawValue] += es_monotonic_ns() - start }
        execute { _ in }
    }

    /// Like `run(pixels:)`, calling `observe` with each activation point's name and int8 values as soon as they
    /// exist (per-layer error measurements). The decoder's fused map is seen only in an `observable` session.
    public func run(pixels: FloatTensor, observe: (String, UnsafeBufferPointer<Int8>) -> Void) throws(EdgeSegError) {
        try writeInput(pixels)
        execute { op in
            if let fused = op.observedScratch {
                observe(memory.names[fused.buffer], UnsafeBufferPointer(start: buffers.int8(fused.buffer), count: fused.count))
            }
            let id = op.output, name = memory.names[id]
            if model.activations[name] != nil && !model.keepFloat.contains(name) {
                observe(name, UnsafeBufferPointer(start: buffers.int8(id), count: memory.requests[id].size))
            }
        }
    }

    private func writeInput(_ pixels: FloatTensor) throws(EdgeSegError) {
        guard pixels.shape == [model.config.numChannels, height, width] else {
            throw EdgeSegError(.usage, "input has shape \(describeShape(pixels.shape)), this session takes [\(model.config.numChannels), \(height), \(width)]")
        }
        input.write(pixels: pixels)
    }

    /// Runs the model on a picture of any size: resized to the session's size, normalised and quantized in one
    /// pass (the same bits as `preprocess` then `run(pixels:)`), then the integer ops.
    public func run(image: RGBImage) throws(EdgeSegError) {
        guard model.config.numChannels == 3, image.width > 0, image.height > 0 else {
            throw EdgeSegError(.usage, "a \(image.width)x\(image.height) RGB picture cannot feed a model with \(model.config.numChannels) input channels")
        }
        let start = timing ? es_monotonic_ns() : 0
        image.pixels.withUnsafeBufferPointer { rgb in
            dispatch(Job(.picture(rgb: rgb.baseAddress!, height: image.height, width: image.width),
                         .spread(height, threads: threads), session: self))
        }
        if timing { groupNanoseconds[OpGroup.input.rawValue] += es_monotonic_ns() - start }
        execute { _ in }
    }

    /// The int8 logits of the last run (1/4 of the input size), valid until the next run.
    public var logits: Int8MapView {
        precondition(!logitsTensor.isFloat, "a float model's logits are floatLogits")
        return view(logitsTensor)
    }

    /// A copy of the float logits of the last run of a float model (`SegFormerModel(float:)`), channels last at 1/4
    /// of the input size; nil for an int8 model.
    public var floatLogits: FeatureMap? {
        guard logitsTensor.isFloat else { return nil }
        let values = UnsafeBufferPointer(start: buffers.float(logitsTensor.id), count: logitsTensor.count)
        return FeatureMap(height: logitsTensor.height, width: logitsTensor.width, channels: logitsTensor.channels, data: Array(values))
    }

    /// Each encoder stage's output of the last run, valid until the next run (none when the model keeps a stage
    /// output in float).
    public var stages: [Int8MapView] { stageOutputs.contains { $0.isFloat } ? [] : stageOutputs.map(view) }

    /// The class map of the last run at `height`×`width` (exact integer bilinear interpolation of the logits,
    /// then argmax), into `labels` (height · width bytes).
    public func writeClassMap(height: Int, width: Int, into labels: UnsafeMutableBufferPointer<UInt8>) {
        precondition(labels.count >= height * width && logitsTensor.channels <= 256, "class map buffer too small")
        let start = timing ? es_monotonic_ns() : 0
        dispatch(Job(.classMap(labels: labels.baseAddress!, height: height, width: width), .spread(height, threads: threads),
                     session: self))
        if timing { groupNanoseconds[OpGroup.classMap.rawValue] += es_monotonic_ns() - start }
    }

    /// The class map of the last run at `height`×`width` in a new array: `writeClassMap` for callers that keep the
    /// mask (the array is this call's one allocation).
    public func classMap(height: Int, width: Int) -> [UInt8] {
        var labels = [UInt8](repeating: 0, count: height * width)
        labels.withUnsafeMutableBufferPointer { writeClassMap(height: height, width: width, into: $0) }
        return labels
    }

    public func resetTimings() {
        for g in groupNanoseconds.indices { groupNanoseconds[g] = 0 }
    }

    private func view(_ t: ArenaTensor) -> Int8MapView {
        Int8MapView(height: t.height, width: t.width, channels: t.channels,
                    zeroPoint: model.activations[memory.names[t.id]]?.zeroPoint ?? 0,
                    data: UnsafeBufferPointer(start: buffers.int8(t.id), count: t.count))
    }

    /// Runs every op in order; `after(op)` follows each.
    private func execute(after: (Op) -> Void) {
        for op in program.ops {
            let start = timing ? es_monotonic_ns() : 0
            dispatch(Job(.op(op), op.split(threads: threads), session: self))
            if timing { groupNanoseconds[op.group.rawValue] += es_monotonic_ns() - start }
            after(op)
        }
    }

    /// Runs the job's units: on the pool's threads, or here when there is one thread or one unit. The job lives on
    /// this stack frame for the call: no state is left in the session between dispatches.
    private func dispatch(_ job: Job) {
        let units = job.split.units
        guard let pool, units > 1 else {
            for u in 0..<units { job.run(unit: u, worker: 0) }
            return
        }
        withUnsafePointer(to: job) { context in
            es_thread_pool_run(pool, { context, unit, worker in
                context!.assumingMemoryBound(to: Job.self).pointee.run(unit: Int(unit), worker: Int(worker))
            }, UnsafeMutableRawPointer(mutating: context), units)
        }
    }

    /// Rows `rows` of the class map at height × width from the logits of the last run.
    fileprivate func writeClassMap(rows: Range<Int>, height h: Int, width w: Int, into labels: UnsafeMutablePointer<UInt8>) {
        let y = logitsTensor, first = rows.lowerBound
        if y.isFloat {
            es_f32_bilinear_argmax(buffers.float(y.id), y.height, y.width, y.channels, h, w, first, rows.count, labels + first * w)
        } else {
            kernels.classMap(y.height, y.width, y.channels, buffers.int8(y.id), h, w, first, rows.count, labels + first * w)
        }
    }

    fileprivate func writeInput(rows: Range<Int>, rgb: UnsafePointer<UInt8>, height h: Int, width w: Int) {
        input.write(rgb: rgb, height: h, width: w, rows: rows)
    }
}

/// What a session's threads split into units: an op of the program, the picture's resize and quantization into
/// the input, or the class map into the caller's buffer.
private struct Job {
    enum Work {
        case op(Op)
        case picture(rgb: UnsafePointer<UInt8>, height: Int, width: Int)
        case classMap(labels: UnsafeMutablePointer<UInt8>, height: Int, width: Int)
    }

    let work: Work
    let split: WorkSplit
    unowned(unsafe) let session: Session

    init(_ work: Work, _ split: WorkSplit, session: Session) {
        (self.work, self.split, self.session) = (work, split, session)
    }

    /// Unit `unit` on thread `worker`.
    func run(unit: Int, worker: Int) {
        let items = split.range(of: unit)
        switch work {
        case .op(let op): op.run(unit: unit, items: items, worker: worker)
        case .picture(let rgb, let h, let w): session.writeInput(rows: items, rgb: rgb, height: h, width: w)
        case .classMap(let labels, let h, let w): session.writeClassMap(rows: items, height: h, width: w, into: labels)
        }
    }
}

/// An int8 feature map in a session's arena (channels last), valid until the session's next run.
public struct Int8MapView {
    public let height: Int
    public let width: Int
    public let channels: Int
    public let zeroPoint: Int32
    public let data: UnsafeBufferPointer<Int8>

    /// A copy that outlives the session's next run.
    public func copy() -> Int8Map {
        var map = Int8Map(height: height, width: width, channels: channels, zeroPoint: zeroPoint)
        map.data = Array(data)
        return map
    }
}
