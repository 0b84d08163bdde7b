import CEdgeSeg

// The int8 layers: integer parameters viewed in place in the mapped model file, and the kernels that compute
// them on pointers into the session's arena. Every layer reads one activation point and writes the next; the
// zero points and clamps come from the file's activation table.

/// Where an activation lands: its zero point and the clamp (a ReLU clamps at the zero point).
func outputRange(_ zeroPoint: Int32, relu: Bool = false) -> es_qs8_out {
    es_qs8_out(zero_point: zeroPoint, min: relu ? zeroPoint : -128, max: 127)
}

/// y = requant(bias + Σ (x − z_x)·w): linear layers and 1×1 convolutions. Weights [out, in] in the file, packed at
/// load for this CPU's GEMM together with the bias, the input zero point and the requantization.
struct Int8Linear {
    let inFeatures: Int
    let outFeatures: Int
    let packed: UnsafeRawPointer
    let output: es_qs8_out

    init(_ r: ModelFileReader, _ name: String, input: String, output out: String, inFeatures: Int, outFeatures: Int,
         hasBias: Bool = true, relu: Bool = false) throws(EdgeSegError) {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        try Int8Bounds.checkReduction(inFeatures, "\(r.file.path): \(name)")
        let weight = try r.int8("\(name).weight", count: inFeatures * outFeatures)
        let bias = hasBias ? try r.int32("\(name).bias", count: outFeatures) : nil
        if let bias { try r.checkValues("\(name).bias", bias, in: Int8Bounds.biases) }
        packed = r.packing.pack(n: outFeatures, k: inFeatures, weight: weight.baseAddress!, bias: bias?.baseAddress,
                                inputZeroPoint: try r.zeroPoint(input), requant: try r.requant("\(name).requant", count: outFeatures))
        r.file.releasePages(of: weight)   // only the packed copy is read from now on
        output = outputRange(try r.zeroPoint(out), relu: relu)
    }

    /// Rows of x (inFeatures each) → rows of y (outFeatures each), with the packed GEMM of the table that packed
    /// the weights (the process's choice).
    func run(_ x: UnsafePointer<Int8>, rows: Int, _ y: UnsafeMutablePointer<Int8>, _ kernels: Int8Kernels) {
        kernels.gemmPacked(rows, outFeatures, inFeatures, x, inFeatures, packed, output, y, outFeatures)
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

    init(_ r: ModelFileReader, _ name: String, input: String, output out: String, inChannels: Int, outChannels: Int,
         kernel: Int, stride: Int, padding: Int) throws(EdgeSegError) {
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.inChannels = inChannels
        self.outChannels = outChannels
        try Int8Bounds.checkReduction(kernel * kernel * inChannels, "\(r.file.path): \(name)")
        weight = try r.int8("\(name).weight", count: outChannels * kernel * kernel * inChannels)
        bias = try r.int32("\(name).bias", count: outChannels)
        try r.checkValues("\(name).bias", bias, in: Int8Bounds.biases)
        requant = try r.requant("\(name).requant", count: outChannels)
        inputZeroPoint = try r.zeroPoint(input)
        output = outputRange(try r.zeroPoint(out))
    }

    func shape(height: Int, width: Int) -> es_conv2d_shape {
        es_conv2d_shape(in_h: height, in_w: width, in_c: inChannels, out_c: outChannels, kernel: kernel, stride: stride,
                        pad: padding)
    }

    /// The output size for a height × width input.
    func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        (es_conv2d_out_size(height, kernel, stride, padding), es_conv2d_out_size(width, kernel, stride, padding))
    }

    /// im2col scratch per thread for a height × width input.
    func scratchBytes(height: Int, width: Int) -> Int { es_qs8_conv2d_scratch_bytes(shape(height: height, width: width)) }

    /// Work items: tiles of output pixels, each one GEMM call (bit for bit the scalar reference convolution).
    func tiles(height: Int, width: Int) -> Int { es_qs8_conv2d_tiles(shape(height: height, width: width)) }

    func run(tile: Int, _ x: UnsafePointer<Int8>, height: Int, width: Int, _ y: UnsafeMutablePointer<Int8>,
             scratch: UnsafeMutablePointer<Int8>, _ kernels: Int8Kernels) {
        es_qs8_qc8w_conv2d_nhwc_rndnu_gemm_tile(kernels.table, shape(height: height, width: width), tile, x, inputZeroPoint,
                                                weight.baseAddress, bias.baseAddress, requant, output, y, scratch)
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

    init(_ r: ModelFileReader, _ name: String, input: String, output out: String, channels: Int) throws(EdgeSegError) {
        self.channels = channels
        weight = try r.int8("\(name).weight", count: 9 * channels)
        bias = try r.int32("\(name).bias", count: channels)
        try r.checkValues("\(name).bias", bias, in: Int8Bounds.biases)
        requant = try r.requant("\(name).requant", count: channels)
        inputZeroPoint = try r.zeroPoint(input)
        output = outputRange(try r.zeroPoint(out))
    }

    /// Output `rows` of the height × width map x into y (y at the first of them).
    func run(_ x: UnsafePointer<Int8>, height: Int, width: Int, rows: Range<Int>, _ y: UnsafeMutablePointer<Int8>,
             _ kernels: Int8Kernels) {
        kernels.dwconv3x3(height, width, channels, rows.lowerBound, rows.count, x, inputZeroPoint, weight.baseAddress,
                           bias.baseAddress, requant, output, y)
    }
}

/// LayerNorm in integers: exact mean and variance, integer reciprocal square root, γ and β folded into
/// per-channel multipliers and offsets.
struct Int8LayerNorm {
    let channels: Int
    let epsTerm: UInt64
    let perChannel: [es_qs8_layernorm_channel]
    let output: es_qs8_out

    init(_ r: ModelFileReader, _ name: String, output out: String, channels: Int) throws(EdgeSegError) {
        self.channels = channels
        guard channels <= Int8Bounds.layerNormChannels else {
            throw EdgeSegError(.checkpoint, "\(r.file.path): \(name) normalises \(channels) channels, more than the \(Int8Bounds.layerNormChannels) the int8 LayerNorm is proven for (QUANTIZATION.md)")
        }
        let multipliers = try r.int32("\(name).ln_multiplier", count: channels)
        let shifts = try r.int32("\(name).ln_shift", count: channels)
        let offsets = try r.int64("\(name).ln_offset", count: channels)
        let eps = try r.int64("\(name).ln_eps_term", count: 1)
        try r.checkValues("\(name).ln_multiplier", multipliers, in: Int8Bounds.layerNormMultipliers)
        try r.checkValues("\(name).ln_shift", shifts, in: Int8Bounds.layerNormShifts)
        try r.checkValues("\(name).ln_offset", offsets, in: Int8Bounds.layerNormOffsets)
        try r.checkValues("\(name).ln_eps_term", eps, in: Int8Bounds.layerNormEpsTerms)
        epsTerm = UInt64(eps[0])
        var params: [es_qs8_layernorm_channel] = []
        for c in 0..<channels {
            params.append(es_qs8_layernorm_channel(multiplier: multipliers[c], shift: shifts[c], offset: offsets[c]))
        }
        perChannel = params
        output = outputRange(try r.zeroPoint(out))
    }

    func run(_ x: UnsafePointer<Int8>, rows: Int, _ y: UnsafeMutablePointer<Int8>, _ kernels: Int8Kernels) {
        perChannel.withUnsafeBufferPointer { kernels.layerNorm(rows, channels, x, epsTerm, $0.baseAddress, output, y) }
    }
}

/// An int8 → int8 function as a 256-entry table (GELU).
struct Int8Lookup {
    let table: UnsafeBufferPointer<Int8>

    init(_ r: ModelFileReader, _ name: String) throws(EdgeSegError) {
        table = try r.int8(name, count: 256)
    }

    func run(_ x: UnsafePointer<Int8>, count: Int, _ y: UnsafeMutablePointer<Int8>, _ kernels: Int8Kernels) {
        kernels.lookup(count, x, table.baseAddress, y)
    }
}

/// A residual connection: y = a + b, each in its own scale.
struct Int8Add {
    let params: es_qs8_vadd_params
    let output: es_qs8_out

    init(_ r: ModelFileReader, _ name: String, output out: String) throws(EdgeSegError) {
        let p = try r.int32(name, count: 5)
        let ranges = [Int8Bounds.zeroPoints, Int8Bounds.zeroPoints, Int8Bounds.multipliers, Int8Bounds.multipliers, Int8Bounds.shifts]
        for (i, range) in ranges.enumerated() { try Int8Bounds.check(Int64(p[i]), in: range, "\(r.file.path): tensor \(name)[\(i)]") }
        params = es_qs8_vadd_params(a_zero_point: p[0], b_zero_point: p[1], a_multiplier: p[2], b_multiplier: p[3], shift: p[4])
        output = outputRange(try r.zeroPoint(out))
    }

    func run(_ a: UnsafePointer<Int8>, _ b: UnsafePointer<Int8>, count: Int, _ y: UnsafeMutablePointer<Int8>,
             _ kernels: Int8Kernels) {
        kernels.add(count, a, b, params, output, y)
    }
}
