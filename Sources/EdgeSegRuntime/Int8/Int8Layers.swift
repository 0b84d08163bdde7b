import CEdgeSeg

// The int8 layers: integer parameters viewed in place in the mapped model file, and the reference kernels
// that define the results. Every layer reads one activation point and writes the next; the zero points and
// clamps come from the file's activation table.

/// Where an activation lands: its zero point and the clamp (a ReLU clamps at the zero point).
func outputRange(_ zeroPoint: Int32, relu: Bool = false) -> es_qs8_out {
    es_qs8_out(zero_point: zeroPoint, min: relu ? zeroPoint : -128, max: 127)
}

/// y = requant(bias + Σ (x − z_x)·w): linear layers and 1×1 convolutions. Weights [out, in].
struct Int8Linear {
    let inFeatures: Int
    let outFeatures: Int
    let weight: UnsafeBufferPointer<Int8>
    let bias: UnsafeBufferPointer<Int32>?
    let requant: UnsafePointer<es_requant>
    let inputZeroPoint: Int32
    let output: es_qs8_out

    init(_ r: Int8ModelReader, _ name: String, input: String, output out: String, inFeatures: Int, outFeatures: Int,
         hasBias: Bool = true, relu: Bool = false) throws(EdgeSegError) {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        weight = try r.int8("\(name).weight", count: inFeatures * outFeatures)
        bias = hasBias ? try r.int32("\(name).bias", count: outFeatures) : nil
        requant = try r.requant("\(name).requant", count: outFeatures)
        inputZeroPoint = try r.zeroPoint(input)
        output = outputRange(try r.zeroPoint(out), relu: relu)
    }

    func callAsFunction(_ x: [Int8], rows: Int) -> [Int8] {
        var y = [Int8](repeating: 0, count: rows * outFeatures)
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                // The GEMM chosen for this CPU: bit-identical to es_qs8_qc8w_gemm_rndnu_scalar.
                es_int8_kernels().pointee.gemm!(rows, outFeatures, inFeatures, xp.baseAddress, inFeatures, inputZeroPoint,
                                                weight.baseAddress, bias?.baseAddress, requant, output,
                                                yp.baseAddress, outFeatures)
            }
        }
        return y
    }
}

/// A k×k convolution (patch embeddings, spatial reduction). Weights [out][k][k][in].
struct Int8Conv2d {
    let kernel: Int
    let stride: Int
    let padding: Int
    let inChannels: Int
    let outChannels: Int
    let weight: UnsafeBufferPointer<Int8>
    let bias: UnsafeBufferPointer<Int32>
    let requant: UnsafePointer<es_requant>
    let inputZeroPoint: Int32
    let output: es_qs8_out

    init(_ r: Int8ModelReader, _ name: String, input: String, output out: String, inChannels: Int, outChannels: Int,
         kernel: Int, stride: Int, padding: Int) throws(EdgeSegError) {
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.inChannels = inChannels
        self.outChannels = outChannels
        weight = try r.int8("\(name).weight", count: outChannels * kernel * kernel * inChannels)
        bias = try r.int32("\(name).bias", count: outChannels)
        requant = try r.requant("\(name).requant", count: outChannels)
        inputZeroPoint = try r.zeroPoint(input)
        output = outputRange(try r.zeroPoint(out))
    }

    func callAsFunction(_ x: Int8Map) -> Int8Map {
        let shape = es_conv2d_shape(in_h: x.height, in_w: x.width, in_c: inChannels, out_c: outChannels,
                                    kernel: kernel, stride: stride, pad: padding)
        var y = Int8Map(height: es_conv2d_out_size(x.height, kernel, stride, padding),
                        width: es_conv2d_out_size(x.width, kernel, stride, padding),
                        channels: outChannels, zeroPoint: output.zero_point)
        x.data.withUnsafeBufferPointer { xp in
            y.data.withUnsafeMutableBufferPointer { yp in
                es_qs8_qc8w_conv2d_nhwc_rndnu_scalar(shape, xp.baseAddress, inputZeroPoint, weight.baseAddress,
                                                     bias.baseAddress, requant, output, yp.baseAddress)
            }
        }
        return y
    }
}

/// Depthwise 3×3, stride 1, padding 1. Weights [3][3][channels].
struct Int8DepthwiseConv3x3 {
    let channels: Int
    let weight: UnsafeBufferPointer<Int8>
    let bias: UnsafeBufferPointer<Int32>
    let requant: UnsafePointer<es_requant>
    let inputZeroPoint: Int32
    let output: es_qs8_out

    init(_ r: Int8ModelReader, _ name: String, input: String, output out: String, channels: Int) throws(EdgeSegError) {
        self.channels = channels
        weight = try r.int8("\(name).weight", count: 9 * channels)
        bias = try r.int32("\(name).bias", count: channels)
        requant = try r.requant("\(name).requant", count: channels)
        inputZeroPoint = try r.zeroPoint(input)
        output = outputRange(try r.zeroPoint(out))
    }

    func callAsFunction(_ x: [Int8], height: Int, width: Int) -> [Int8] {
        var y = [Int8](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                es_qs8_qc8w_dwconv3x3p1_nhwc_rndnu_scalar(height, width, channels, xp.baseAddress, inputZeroPoint,
                                                          weight.baseAddress, bias.baseAddress, requant, output, yp.baseAddress)
            }
        }
        return y
    }
}

/// LayerNorm in integers: exact mean and variance, integer reciprocal square root, γ and β folded into
/// per-channel multipliers and offsets.
struct Int8LayerNorm {
    let channels: Int
    let epsTerm: UInt64
    let perChannel: [es_qs8_layernorm_channel]
    let output: es_qs8_out

    init(_ r: Int8ModelReader, _ name: String, output out: String, channels: Int) throws(EdgeSegError) {
        self.channels = channels
        let multipliers = try r.int32("\(name).ln_multiplier", count: channels)
        let shifts = try r.int32("\(name).ln_shift", count: channels)
        let offsets = try r.int64("\(name).ln_offset", count: channels)
        epsTerm = UInt64(bitPattern: try r.int64("\(name).ln_eps_term", count: 1)[0])
        var params: [es_qs8_layernorm_channel] = []
        for c in 0..<channels {
            params.append(es_qs8_layernorm_channel(multiplier: multipliers[c], shift: shifts[c], offset: offsets[c]))
        }
        perChannel = params
        output = outputRange(try r.zeroPoint(out))
    }

    func callAsFunction(_ x: [Int8]) -> [Int8] {
        var y = [Int8](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { xp in
            perChannel.withUnsafeBufferPointer { pp in
                y.withUnsafeMutableBufferPointer { yp in
                    es_qs8_layernorm_rndnu_scalar(x.count / channels, channels, xp.baseAddress, epsTerm, pp.baseAddress,
                                                  output, yp.baseAddress)
                }
            }
        }
        return y
    }
}

/// An int8 → int8 function as a 256-entry table (GELU).
struct Int8Lookup {
    let table: UnsafeBufferPointer<Int8>

    init(_ r: Int8ModelReader, _ name: String) throws(EdgeSegError) {
        table = try r.int8(name, count: 256)
    }

    func callAsFunction(_ x: [Int8]) -> [Int8] {
        var y = [Int8](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in es_qs8_lut_scalar(x.count, xp.baseAddress, table.baseAddress, yp.baseAddress) }
        }
        return y
    }
}

/// A residual connection: y = a + b, each in its own scale.
struct Int8Add {
    let params: es_qs8_vadd_params
    let output: es_qs8_out

    init(_ r: Int8ModelReader, _ name: String, output out: String) throws(EdgeSegError) {
        let p = try r.int32(name, count: 5)
        params = es_qs8_vadd_params(a_zero_point: p[0], b_zero_point: p[1], a_multiplier: p[2], b_multiplier: p[3], shift: p[4])
        output = outputRange(try r.zeroPoint(out))
    }

    func callAsFunction(_ a: [Int8], _ b: [Int8]) -> [Int8] {
        var y = [Int8](repeating: 0, count: a.count)
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                y.withUnsafeMutableBufferPointer { yp in
                    es_qs8_vadd_rndnu_scalar(a.count, ap.baseAddress, bp.baseAddress, params, output, yp.baseAddress)
                }
            }
        }
        return y
    }
}
