import CEdgeSeg

// Mixed precision: an int8 model may keep some activation points in float (`edgeseg quantize --keep-float`,
// recorded as the metadata's "keep_float" list). A kept point is stored as floats in the arena, so every layer
// that writes or reads it runs in float, on the float weights the quantizer stored beside the int8 ones
// ("<layer>.weight_f32", ...). A float layer's other inputs are dequantized before it and its output is
// quantized after it unless that point is kept too; everything else stays integer.

/// A layer as the model file says to run it: integer, or float because it touches a kept point.
enum MixedLayer<Integer, Float32> {
    case int8(Integer)
    case float(Float32)
}

extension ModelFileReader {
    /// The layer that reads or writes `points`: `float()` when any of them is kept in float, else `int8()`.
    func layer<Integer, Float32>(touching points: [String], int8: () throws(EdgeSegError) -> Integer,
                                 float: () throws(EdgeSegError) -> Float32) throws(EdgeSegError) -> MixedLayer<Integer, Float32> {
        points.contains(where: keepFloat.contains) ? .float(try float()) : .int8(try int8())
    }

    /// A float layer's tensor "<name>_f32" with its shape.
    func float32(_ name: String) throws(EdgeSegError) -> FloatTensor {
        guard let t = file.tensor("\(name)_f32") else {
            throw EdgeSegError(.checkpoint, "\(file.path): no \(name)_f32: this layer runs in float (it touches a point kept in float), but the file has no float weights for it; quantize with those points in --keep-float")
        }
        let tensor = FloatTensor(shape: t.shape, data: Array(try file.float32(t.name)))
        try tensor.checkFinite("\(file.path): tensor \(t.name)")
        return tensor
    }

    func floatLinear(_ name: String, hasBias: Bool = true) throws(EdgeSegError) -> FloatLinear {
        FloatLinear(weight: try float32("\(name).weight"), bias: hasBias ? try float32("\(name).bias") : nil)
    }

    func floatLayerNorm(_ name: String) throws(EdgeSegError) -> FloatLayerNorm {
        FloatLayerNorm(gamma: try float32("\(name).weight").data, beta: try float32("\(name).bias").data,
                       eps: SegFormerConfig.layerNormEpsInModel)
    }
}

/// Emitting layers of either precision: the int8 op, or the float op with its boundaries (each op kind's file in
/// Ops/ has its `Program` function on top of `emit`).
extension Program {
    /// Appends `layer` reading `inputs` and writing activation point `name`: the int8 op and its output from
    /// `int8`, or the float op from `float` on the inputs as floats, its output quantized unless `name` is kept.
    mutating func emit<Integer, Float32>(
        _ layer: MixedLayer<Integer, Float32>, _ inputs: [ArenaTensor], _ name: String,
        int8: (Integer, [ArenaTensor], inout Program) -> (op: Op, output: ArenaTensor),
        float: (Float32, [ArenaTensor], inout Program) -> (op: Op, output: ArenaTensor)) -> ArenaTensor {
        switch layer {
        case .int8(let l):
            precondition(!inputs.contains { $0.isFloat }, "an int8 layer reads a float tensor before \(name)")
            var y = inputs[0]
            append(reading: inputs.map { $0.id }) { p in
                let made = int8(l, inputs, &p)
                y = made.output
                return made.op
            }
            return y
        case .float(let l):
            let floats = inputs.map { floatInput($0) }
            var y = inputs[0]
            append(reading: floats.map { $0.id }) { p in
                let made = float(l, floats, &p)
                y = made.output
                return made.op
            }
            return quantizeUnlessKept(y, name)
        }
    }

    /// Where a float layer writes activation point `name`: the point itself when it is kept in float, else a
    /// float buffer that `quantizeUnlessKept` turns into the point.
    mutating func floatOutput(_ name: String, height: Int, width: Int, channels: Int, inPlaceOf input: ArenaTensor? = nil) -> ArenaTensor {
        tensor(keepFloat.contains(name) ? name : "\(name).f32", height: height, width: width, channels: channels,
               isFloat: true, inPlaceOf: input?.id)
    }

    /// `x` as floats: itself when float, else dequantized into a new buffer.
    private mutating func floatInput(_ x: ArenaTensor) -> ArenaTensor {
        if x.isFloat { return x }
        let name = names[x.id]
        var y = x
        append(reading: [x.id]) { p in
            y = p.tensor("\(name).f32", height: x.height, width: x.width, channels: x.channels, isFloat: true)
            return DequantizeOp(p.activations[name]!, input: x.id, count: x.count, output: y.id)
        }
        return y
    }

    private mutating func quantizeUnlessKept(_ y: ArenaTensor, _ name: String) -> ArenaTensor {
        if keepFloat.contains(name) { return y }
        var q = y
        append(reading: [y.id]) { p in
            q = p.tensor(name, height: y.height, width: y.width, channels: y.channels)
            return QuantizeOp(p.activations[name]!, input: y.id, count: y.count, output: q.id)
        }
        return q
    }
}

/// Each layer kind read in the precision the model file asks for.
extension ModelFileReader {
    func linear(_ name: String, input: String, output: String, inFeatures: Int, outFeatures: Int,
                hasBias: Bool = true) throws(EdgeSegError) -> MixedLayer<Int8Linear, FloatLinear> {
        try layer(touching: [input, output], int8: { () throws(EdgeSegError) in
            try Int8Linear(self, name, input: input, output: output, inFeatures: inFeatures, outFeatures: outFeatures,
                           hasBias: hasBias)
        }, float: { () throws(EdgeSegError) in try floatLinear(name, hasBias: hasBias) })
    }

    func conv(_ name: String, input: String, output: String, inChannels: Int, outChannels: Int, kernel: Int, stride: Int,
              padding: Int) throws(EdgeSegError) -> MixedLayer<Int8Conv2d, FloatConv2d> {
        try layer(touching: [input, output], int8: { () throws(EdgeSegError) in
            try Int8Conv2d(self, name, input: input, output: output, inChannels: inChannels, outChannels: outChannels,
                           kernel: kernel, stride: stride, padding: padding)
        }, float: { () throws(EdgeSegError) in
            FloatConv2d(weight: try float32("\(name).weight"), bias: try float32("\(name).bias"), stride: stride, padding: padding)
        })
    }

    func layerNorm(_ name: String, input: String, output: String, channels: Int) throws(EdgeSegError)
        -> MixedLayer<Int8LayerNorm, FloatLayerNorm> {
        try layer(touching: [input, output], int8: { () throws(EdgeSegError) in
            try Int8LayerNorm(self, name, output: output, channels: channels)
        }, float: { () throws(EdgeSegError) in try floatLayerNorm(name) })
    }

    func depthwise(_ name: String, input: String, output: String, channels: Int) throws(EdgeSegError)
        -> MixedLayer<Int8DepthwiseConv3x3, FloatDepthwiseConv3x3> {
        try layer(touching: [input, output], int8: { () throws(EdgeSegError) in
            try Int8DepthwiseConv3x3(self, name, input: input, output: output, channels: channels)
        }, float: { () throws(EdgeSegError) in
            FloatDepthwiseConv3x3(weight: try float32("\(name).weight"), bias: try float32("\(name).bias"))
        })
    }

    func gelu(_ name: String, input: String, output: String) throws(EdgeSegError) -> MixedLayer<Int8Lookup, Void> {
        try layer(touching: [input, output], int8: { () throws(EdgeSegError) in try Int8Lookup(self, name) },
                  float: { () throws(EdgeSegError) in () })
    }

    func add(_ name: String, _ a: String, _ b: String, output: String) throws(EdgeSegError) -> MixedLayer<Int8Add, Void> {
        try layer(touching: [a, b, output], int8: { () throws(EdgeSegError) in try Int8Add(self, name, output: output) },
                  float: { () throws(EdgeSegError) in () })
    }
}
