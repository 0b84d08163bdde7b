import CEdgeSeg

/// Reads an int8 `.edgeseg` file for the layers: tensors by name with their element counts checked, and the
/// activation table (scale and zero point of every activation point) from the metadata.
struct ModelFileReader {
    let file: ModelFile
    let config: SegFormerConfig
    let activations: [String: QuantizationParameters]
    /// The activation points kept in float (the metadata's "keep_float"); see MixedPrecision.swift.
    let keepFloat: Set<String>
    /// Where the linear layers' packed weights go (owned by the model).
    let packing = Int8PackedWeights()

    init(_ file: ModelFile, keepFloat override: Set<String>? = nil) throws(EdgeSegError) {
        guard file.kind == .int8 else {
            throw EdgeSegError(.checkpoint, "\(file.path): a float32 model file has no int8 layers; open it with SegFormerModel(path:)")
        }
        self.file = file
        let meta = file.metadata
        guard let configJSON = meta["config"] else {
            throw EdgeSegError(.checkpoint, "\(file.path): metadata has no config")
        }
        config = try SegFormerConfig(huggingFaceJSON: configJSON, source: "\(file.path) (metadata config)")
        guard let table = meta["activations"]?.members else {
            throw EdgeSegError(.checkpoint, "\(file.path): metadata has no activations table")
        }
        var activations: [String: QuantizationParameters] = [:]
        for member in table {
            guard let scale = member.value["scale"]?.double, let zero = member.value["zero_point"]?.int,
                  scale > 0, scale.isFinite, zero >= -128, zero <= 127 else {
                throw EdgeSegError(.checkpoint, "\(file.path): activation \(member.key) needs a positive finite scale and a zero point in -128...127")
            }
            activations[member.key] = QuantizationParameters(scale: scale, zeroPoint: Int32(zero))
        }
        self.activations = activations
        for name in ActivationPoint.all(config) where activations[name] == nil {
            throw EdgeSegError(.checkpoint, "\(file.path): activation \(name) has no quantization parameters")
        }
        var keepFloat = Set<String>()
        if let kept = meta["keep_float"] {
            guard let list = kept.array else {
                throw EdgeSegError(.checkpoint, "\(file.path): metadata keep_float must be an array of activation point names")
            }
            for entry in list {
                guard let name = entry.string else {
                    throw EdgeSegError(.checkpoint, "\(file.path): metadata keep_float holds \(entry.typeName), not an activation point name")
                }
                if let problem = ActivationPoint.cannotKeepFloat(name, config) {
                    throw EdgeSegError(.checkpoint, "\(file.path): metadata keep_float: \(problem)")
                }
                keepFloat.insert(name)
            }
        }
        if let override {
            for name in override {
                if let problem = ActivationPoint.cannotKeepFloat(name, config) { throw EdgeSegError(.usage, problem) }
            }
        }
        self.keepFloat = override ?? keepFloat
    }

    func parameters(_ point: String) throws(EdgeSegError) -> QuantizationParameters {
        guard let p = activations[point] else {
            throw EdgeSegError(.checkpoint, "\(file.path): activation \(point) has no quantization parameters")
        }
        return p
    }

    func zeroPoint(_ point: String) throws(EdgeSegError) -> Int32 { try parameters(point).zeroPoint }

    func int8(_ name: String, count: Int) throws(EdgeSegError) -> UnsafeBufferPointer<Int8> {
        try checked(name, try file.int8(name), count)
    }

    func int32(_ name: String, count: Int) throws(EdgeSegError) -> UnsafeBufferPointer<Int32> {
        try checked(name, try file.int32(name), count)
    }

    func int64(_ name: String, count: Int) throws(EdgeSegError) -> UnsafeBufferPointer<Int64> {
        try checked(name, try file.int64(name), count)
    }

    /// `count` (multiplier, shift) pairs, viewed in place as the kernels' `es_requant`, each checked against
    /// `Int8Bounds` (multipliers in `multipliers`).
    func requant(_ name: String, count: Int, multipliers: ClosedRange<Int64> = Int8Bounds.multipliers) throws(EdgeSegError)
        -> UnsafePointer<es_requant> {
        let pairs = try int32(name, count: 2 * count)
        for i in 0..<count {
            try Int8Bounds.check(Int64(pairs[2 * i]), in: multipliers, "\(file.path): tensor \(name)[\(i)] multiplier")
            try Int8Bounds.check(Int64(pairs[2 * i + 1]), in: Int8Bounds.shifts, "\(file.path): tensor \(name)[\(i)] shift")
        }
        return UnsafeRawPointer(pairs.baseAddress!).assumingMemoryBound(to: es_requant.self)
    }

    /// Throws unless every element of tensor `name` lies in `range` (`Int8Bounds`).
    func checkValues<T: BinaryInteger>(_ name: String, _ values: UnsafeBufferPointer<T>, in range: ClosedRange<Int64>) throws(EdgeSegError) {
        for (i, v) in values.enumerated() {
            try Int8Bounds.check(Int64(v), in: range, "\(file.path): tensor \(name)[\(i)]")
        }
    }

    private func checked<T>(_ name: String, _ buffer: UnsafeBufferPointer<T>, _ count: Int) throws(EdgeSegError) -> UnsafeBufferPointer<T> {
        guard buffer.count == count else {
            throw EdgeSegError(.checkpoint, "\(file.path): tensor \(name) has \(buffer.count) elements, expected \(count)")
        }
        return buffer
    }
}
