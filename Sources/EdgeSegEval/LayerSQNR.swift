import EdgeSegRuntime

/// int8 against fp32 at every activation point (`ActivationPoint.all`): the SQNR of the int8 values,
/// dequantized with the point's scale and zero point, against the fp32 model's values there, with both sums
/// over every image added (as `LogitSQNR`). Where quantization error enters shows as the layers whose SQNR
/// drops.
public struct LayerSQNR: Sendable {
    public struct Layer: Sendable {
        public let name: String
        public let parameters: QuantizationParameters
        public fileprivate(set) var sqnr = LogitSQNR()

        /// nil before any image (or for an all-zero fp32 tensor), +infinity when int8 is exact.
        public var decibels: Double? { sqnr.decibels }
    }

    /// In forward order.
    public private(set) var layers: [Layer]
    private let positions: [String: Int]
    /// The points a mixed-precision model keeps in float: not quantized, so not measured.
    private let keptFloat: Set<String>

    /// The int8 activation points of `model`, each with its calibrated parameters.
    public init(model: SegFormerModel) throws(EdgeSegError) {
        var layers: [Layer] = []
        for name in ActivationPoint.all(model.config) where !model.keepFloat.contains(name) {
            guard let parameters = model.activations[name] else {
                throw EdgeSegError(.usage, "int8 model: activation point \(name) has no scale and zero point")
            }
            layers.append(Layer(name: name, parameters: parameters))
        }
        self.init(layers: layers, keptFloat: model.keepFloat)
    }

    /// The points `layers` name, with their parameters, and nothing measured yet (for sums measured elsewhere,
    /// added with `add(_:)`).
    public init(points: [(name: String, parameters: QuantizationParameters)]) {
        self.init(layers: points.map { Layer(name: $0.name, parameters: $0.parameters) }, keptFloat: [])
    }

    private init(layers: [Layer], keptFloat: Set<String>) {
        self.layers = layers
        self.keptFloat = keptFloat
        positions = Dictionary(uniqueKeysWithValues: layers.enumerated().map { ($0.element.name, $0.offset) })
    }

    /// Layers by SQNR, lowest first (exact ones and those without a value last), ties in forward order.
    public var worstFirst: [Layer] {
        layers.enumerated().sorted { a, b in
            (a.element.decibels ?? .infinity, a.offset) < (b.element.decibels ?? .infinity, b.offset)
        }.map(\.element)
    }

    /// Runs one image through both models, `session` (the int8 model at the pixels' size) first, keeping each
    /// point's int8 values, then `float`, comparing each point as it is computed. Both must report every point
    /// once, with the same element count (both are channels last): make the session `observable` (else the
    /// decoder's fused map exists only in bands) and the float model with `decoder: .folded` (the reference
    /// decoder has no projection points). Nothing is added here: `add(_:)` takes the image's sums.
    /// Returns the fp32 output and each layer's sums on this image; the int8 results are in `session`.
    /// `source` (the image) is named in errors.
    public func measure(float: FloatSegFormer, int8 session: Session, pixels: FloatTensor,
                        source: String) throws(EdgeSegError) -> (output: FloatSegFormer.Output, layers: [LogitSQNR]) {
        let positions = positions, layers = layers, keptFloat = keptFloat
        var quantized = [[Int8]?](repeating: nil, count: layers.count)
        try session.run(pixels: pixels) { name, values in
            if let i = positions[name] { quantized[i] = Array(values) }
        }
        if let missing = layers.indices.first(where: { quantized[$0] == nil }) {
            throw EdgeSegError(.usage, "\(source): the int8 session did not report activation point \(layers[missing].name)")
        }
        var image = layers.map { Layer(name: $0.name, parameters: $0.parameters) }
        var compared = [Bool](repeating: false, count: layers.count)
        var failure: EdgeSegError?
        let output = try float.forward(pixels) { name, values in
            guard failure == nil, !keptFloat.contains(name) else { return }
            guard let i = positions[name], !compared[i] else {
                failure = EdgeSegError(.usage, "\(source): the fp32 forward reported \(name), which is not an int8 activation point or came twice")
                return
            }
            compared[i] = true
            quantized[i]!.withUnsafeBufferPointer { q in
                do throws(EdgeSegError) {
                    try image[i].sqnr.add(reference: values, quantized: q, layers[i].parameters, source: "\(source): \(name)")
                } catch {
                    failure = error
                }
            }
        }
        if let failure { throw failure }
        if let missing = layers.indices.first(where: { !compared[$0] }) {
            throw EdgeSegError(.usage, "\(source): the fp32 forward did not report activation point \(layers[missing].name) (decoder points need FloatSegFormer(_, decoder: .folded))")
        }
        return (output, image.map(\.sqnr))
    }

    /// Adds one image's sums (from `measure`), a value per layer in `layers` order.
    public mutating func add(_ image: [LogitSQNR]) {
        precondition(image.count == layers.count, "one SQNR per layer")
        for i in layers.indices { layers[i].sqnr.merge(image[i]) }
    }
}
