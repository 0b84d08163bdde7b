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
    private let arena: UnsafeMutableRawPointer
    private let allocation: UnsafeMutableRawPointer?   // the arena when the session allocated it
    private let pool: OpaquePointer?
    private let input: ArenaTensor
    private let stageOutputs: [ArenaTensor]
    private let logitsTensor: ArenaTensor
    /// What the workers are splitting, and how (rows or elements per unit).
    private var work = Work.op(0)
    private var chunk = 0
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
        execute { i in
            if case .decoderHead(let head, _, let bandRows, let scratch, let y) = program.ops[i], bandRows == y.height {
                observe(memory.names[scratch], UnsafeBufferPointer(start: tensor(scratch), count: y.tokens * head.channels))
            }
            let id = program.ops[i].output, name = memory.names[id]
            if model.activations[name] != nil && !model.keepFloat.contains(name) {
                observe(name, UnsafeBufferPointer(start: tensor(id), count: memory.requests[id].size))
            }
        }
    }

    private func writeInput(_ pixels: FloatTensor) throws(EdgeSegError) {
        guard pixels.shape == [model.config.numChannels, height, width] else {
            throw EdgeSegError(.usage, "input has shape \(describeShape(pixels.shape)), this session takes [\(model.config.numChannels), \(height), \(width)]")
        }
        let x = tensor(input.id), inverse = 1 / model.inputParameters.scale, zero = Double(model.inputParameters.zeroPoint)
        let (c, plane) = (input.channels, height * width)
        if input.isFloat {
            let y = floats(input.id)
            pixels.data.withUnsafeBufferPointer { p in
                for ch in 0..<c {
                    for i in 0..<plane { y[i * c + ch] = p[ch * plane + i] }
                }
            }
            return
        }
        pixels.data.withUnsafeBufferPointer { p in
            for ch in 0..<c {
                for i in 0..<plane {
                    let q = (Double(p[ch * plane + i]) * inverse).rounded() + zero
                    x[i * c + ch] = Int8(max(-128, min(127, q)))
                }
            }
        }
    }

    /// Runs the model on a picture of any size: resized to the session's size, normalised and quantized in one
    /// pass (the same bits as `preprocess` then `run(pixels:)`), then the integer ops.
    public func run(image: RGBImage) throws(EdgeSegError) {
        guard model.config.numChannels == 3, image.width > 0, image.height > 0 else {
            throw EdgeSegError(.usage, "a \(image.width)x\(image.height) RGB picture cannot feed a model with \(model.config.numChannels) input channels")
        }
        let start = timing ? es_monotonic_ns() : 0
        image.pixels.withUnsafeBufferPointer { rgb in
            work = .input(rgb: rgb.baseAddress!, height: image.height, width: image.width)
            splitRows(height)
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
        let values = UnsafeBufferPointer(start: floats(logitsTensor.id), count: logitsTensor.count)
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
        work = .classMap(labels: labels.baseAddress!, height: height, width: width)
        splitRows(height)
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
                    data: UnsafeBufferPointer(start: tensor(t.id), count: t.count))
    }

    private func tensor(_ id: Int) -> UnsafeMutablePointer<Int8> {
        (arena + memory.plan.offsets[id]).assumingMemoryBound(to: Int8.self)
    }

    /// A float buffer (a mixed-precision or float model's).
    private func floats(_ id: Int) -> UnsafeMutablePointer<Float> {
        (arena + memory.plan.offsets[id]).assumingMemoryBound(to: Float.self)
    }

    /// Runs every op in order; `after(op)` follows each.
    private func execute(after: (Int) -> Void) {
        for i in program.ops.indices {
            let start = timing ? es_monotonic_ns() : 0
            run(op: i)
            if timing { groupNanoseconds[program.ops[i].group.rawValue] += es_monotonic_ns() - start }
            after(i)
        }
    }

    private func run(op i: Int) {
        switch program.ops[i] {
        case .quantizeInput:
            break   // written by run(pixels:) or run(image:) before the ops run
        case .conv(let layer, let x, _, _):
            work = .op(i)
            chunk = 1
            dispatch(units: layer.tiles(height: x.height, width: x.width))
        case .depthwise(_, let x, _):
            work = .op(i)
            splitRows(x.height)
        case .decoderHead(_, _, let bandRows, _, let y), .floatDecoderHead(_, _, let bandRows, _, let y),
             .floatConv(_, _, let bandRows, _, let y):
            work = .op(i)
            chunk = bandRows
            dispatch(units: (y.height + bandRows - 1) / bandRows)
        case .linear(_, _, let rows, _), .layerNorm(_, _, let rows, _), .floatLinear(_, _, let rows, _),
             .floatLayerNorm(_, _, let rows, _), .floatAttention(_, _, _, _, let rows, _, _, _, _):
            parallel(op: i, items: rows, minimumChunk: 16)
        case .lookup(_, _, let count, _), .add(_, _, _, let count, _), .floatGELU(_, let count, _),
             .floatAdd(_, _, let count, _), .dequantize(_, _, let count, _), .quantize(_, _, let count, _):
            parallel(op: i, items: count, minimumChunk: 4096)
        case .floatDepthwise(_, let x, _):
            work = .op(i)
            splitRows(x.height)
        case .attention(let core, _, _, _, let n, _, _, _):
            work = .op(i)
            chunk = 1
            dispatch(units: core.units(queries: n))
        }
    }

    /// Splits `items` rows or elements of op `i` into work units for the pool (about four per thread).
    private func parallel(op i: Int, items: Int, minimumChunk: Int) {
        work = .op(i)
        chunk = max(minimumChunk, (items + 4 * threads - 1) / (4 * threads))
        dispatch(units: (items + chunk - 1) / chunk)
    }

    /// Splits the current work's `rows` output rows into bands, about four per thread.
    private func splitRows(_ rows: Int) {
        chunk = max(1, (rows + 4 * threads - 1) / (4 * threads))
        dispatch(units: (rows + chunk - 1) / chunk)
    }

    private func dispatch(units: Int) {
        guard let pool, units > 1 else {
            for u in 0..<units { run(unit: u, worker: 0) }
            return
        }
        es_thread_pool_run(pool, { context, unit, worker in
            Unmanaged<Session>.fromOpaque(context!).takeUnretainedValue().run(unit: Int(unit), worker: Int(worker))
        }, Unmanaged.passUnretained(self).toOpaque(), units)
    }

    /// Work unit `u` of the current work, on thread `worker`.
    private func run(unit u: Int, worker: Int) {
        let first = u * chunk
        switch work {
        case .input(let rgb, let h, let w):
            let p = model.inputParameters, rows = min(chunk, height - first), offset = first * width * input.channels
            imageNetMean.withUnsafeBufferPointer { mean in
                imageNetStd.withUnsafeBufferPointer { std in
                    if input.isFloat {
                        es_f32_normalize_rgb8(rgb, h, w, height, width, first, rows, mean.baseAddress, std.baseAddress,
                                              floats(input.id) + offset)
                    } else {
                        es_f32_quantize_rgb8(rgb, h, w, height, width, first, rows, mean.baseAddress, std.baseAddress, 1 / p.scale,
                                             p.zeroPoint, tensor(input.id) + offset)
                    }
                }
            }
        case .classMap(let labels, let h, let w):
            let (y, rows) = (logitsTensor, min(chunk, h - first))
            if y.isFloat {
                es_f32_bilinear_argmax(floats(y.id), y.height, y.width, y.channels, h, w, first, rows, labels + first * w)
            } else {
                kernels.classMap(y.height, y.width, y.channels, tensor(y.id), h, w, first, rows, labels + first * w)
            }
        case .op(let i):
            run(unit: u, first: first, worker: worker, op: i)
        }
    }

    /// Work unit `u` (its first row or element `first`) of op `i`.
    private func run(unit u: Int, first: Int, worker: Int, op i: Int) {
        switch program.ops[i] {
        case .linear(let layer, let x, let rows, let y):
            let count = min(chunk, rows - first)
            layer.run(tensor(x) + first * layer.inFeatures, rows: count, tensor(y) + first * layer.outFeatures, kernels)
        case .layerNorm(let layer, let x, let rows, let y):
            let count = min(chunk, rows - first)
            layer.run(tensor(x) + first * layer.channels, rows: count, tensor(y) + first * layer.channels, kernels)
        case .lookup(let layer, let x, let count, let y):
            layer.run(tensor(x) + first, count: min(chunk, count - first), tensor(y) + first, kernels)
        case .add(let layer, let a, let b, let count, let y):
            layer.run(tensor(a) + first, tensor(b) + first, count: min(chunk, count - first), tensor(y) + first, kernels)
        case .attention(let core, let q, let k, let v, let n, let m, let scratch, let y):
            core.run(unit: u, q: tensor(q), k: tensor(k), v: tensor(v), queries: n, keys: m,
                     scratch: UnsafeMutableRawPointer(tensor(scratch)) + worker * core.scratchBytes, y: tensor(y), kernels)
        case .conv(let layer, let x, let scratch, let y):
            let bytes = layer.scratchBytes(height: x.height, width: x.width)
            layer.run(tile: u, tensor(x.id), height: x.height, width: x.width, tensor(y), scratch: tensor(scratch) + worker * bytes,
                      kernels)
        case .decoderHead(let head, let inputs, let bandRows, let scratch, let y):
            head.run(band: u, bandRows: bandRows, inputs, { UnsafePointer(self.tensor($0)) }, y, tensor(y.id),
                     scratch: tensor(scratch) + worker * head.scratchBytes(bandRows: bandRows, width: y.width), kernels)
        case .depthwise(let layer, let x, let y):
            layer.run(tensor(x.id), height: x.height, width: x.width, rows: first..<min(first + chunk, x.height),
                      tensor(y) + first * x.width * layer.channels, kernels)
        case .floatLinear(let layer, let x, let rows, let y):
            layer.run(floats(x) + first * layer.inFeatures, rows: min(chunk, rows - first), floats(y) + first * layer.outFeatures)
        case .floatLayerNorm(let layer, let x, let rows, let y):
            let c = layer.gamma.count
            layer.run(floats(x) + first * c, rows: min(chunk, rows - first), floats(y) + first * c)
        case .floatGELU(let x, let count, let y):
            es_f32_gelu(floats(x) + first, min(chunk, count - first), floats(y) + first)
        case .floatAdd(let a, let b, let count, let y):
            precondition(memory.plan.offsets[a] == memory.plan.offsets[y], "a float add runs in place of a")
            es_f32_add_inplace(floats(y) + first, floats(b) + first, min(chunk, count - first))
        case .dequantize(let p, let x, let count, let y):
            es_f32_dequantize_qs8(min(chunk, count - first), tensor(x) + first, Float(p.scale), p.zeroPoint, floats(y) + first)
        case .quantize(let p, let x, let count, let y):
            es_f32_quantize_qs8(min(chunk, count - first), floats(x) + first, 1 / p.scale, p.zeroPoint, tensor(y) + first)
        case .floatConv(let layer, let x, let bandRows, let scratch, let y):
            let columns = layer.columnCount(rows: bandRows, outputWidth: y.width)
            layer.run(floats(x.id), height: x.height, width: x.width, rows: first..<min(first + bandRows, y.height),
                      columns: floats(scratch) + worker * columns, floats(y.id) + first * y.width * y.channels)
        case .floatDepthwise(let layer, let x, let y):
            layer.run(floats(x.id), height: x.height, width: x.width, rows: first..<min(first + chunk, x.height),
                      floats(y) + first * x.width * x.channels)
        case .floatAttention(let heads, let q, let k, let v, let n, let m, let c, let scratch, let y):
            es_f32_attention(floats(q) + first * c, floats(k), floats(v), min(chunk, n - first), m, c, heads,
                             floats(scratch) + worker * es_f32_attention_scratch(m, c), floats(y) + first * c)
        case .floatDecoderHead(let head, let inputs, let bandRows, let scratch, let y):
            head.run(band: u, bandRows: bandRows, inputs, { UnsafePointer(self.floats($0)) }, y, floats(y.id),
                     scratch: floats(scratch) + worker * bandRows * y.width * head.channels)
        case .quantizeInput:
            preconditionFailure("the input is written by run(image:) or run(pixels:), not split into units")
        }
    }
}

/// What a session's workers split into units: an op of the program, the picture's resize and quantization into
/// the input, or the class map into the caller's buffer.
private enum Work {
    case op(Int)
    case input(rgb: UnsafePointer<UInt8>, height: Int, width: Int)
    case classMap(labels: UnsafeMutablePointer<UInt8>, height: Int, width: Int)
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
