import CEdgeSeg

// The float layers of SegFormer, each holding its weights in the layout its kernel wants (prepared once at
// load) and applying itself to token-major feature maps.

/// y = x·Wᵀ + b. PyTorch stores W as [out, in] (or [out, in, 1, 1] for 1×1 convs); kept here as in × out.
struct FloatLinear {
    let inFeatures: Int
    let outFeatures: Int
    let weight: [Float]
    let bias: [Float]?

    init(weight w: FloatTensor, bias b: FloatTensor?) {
        outFeatures = w.shape[0]
        inFeatures = w.count / outFeatures
        weight = transposed(w.data, rows: outFeatures, cols: inFeatures)
        bias = b?.data
    }

    /// A linear layer from already-arranged in × out weights.
    init(inputMajorWeight: [Float], inFeatures: Int, outFeatures: Int, bias: [Float]?) {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        self.weight = inputMajorWeight
        self.bias = bias
    }

    func callAsFunction(_ x: [Float], rows: Int) -> [Float] {
        var y = [Float](repeating: 0, count: rows * outFeatures)
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { run(xp.baseAddress!, rows: rows, $0.baseAddress!) }
        }
        return y
    }

    /// `rows` rows of x into y (a mixed-precision int8 model's float layer runs it on its arena).
    func run(_ x: UnsafePointer<Float>, rows: Int, _ y: UnsafeMutablePointer<Float>) {
        weight.withUnsafeBufferPointer { wp in
            if let bias {
                bias.withUnsafeBufferPointer { es_f32_gemm(rows, outFeatures, inFeatures, x, wp.baseAddress, $0.baseAddress, y) }
            } else {
                es_f32_gemm(rows, outFeatures, inFeatures, x, wp.baseAddress, nil, y)
            }
        }
    }
}

/// A k×k convolution with stride and zero padding, as im2col + GEMM. PyTorch's [out, in, k, k] weights are
/// rearranged to ((ky, kx, in) × out) to match the im2col rows.
struct FloatConv2d {
    let kernel: Int
    let stride: Int
    let padding: Int
    let inChannels: Int
    let linear: FloatLinear

    init(weight w: FloatTensor, bias: FloatTensor, stride: Int, padding: Int) {
        let (out, cin, k) = (w.shape[0], w.shape[1], w.shape[2])
        var arranged = [Float](repeating: 0, count: w.count)
        for o in 0..<out {
            for i in 0..<cin {
                for ky in 0..<k {
                    for kx in 0..<k {
                        arranged[((ky * k + kx) * cin + i) * out + o] = w.data[((o * cin + i) * k + ky) * k + kx]
                    }
                }
            }
        }
        kernel = k
        self.stride = stride
        self.padding = padding
        inChannels = cin
        linear = FloatLinear(inputMajorWeight: arranged, inFeatures: k * k * cin, outFeatures: out, bias: bias.data)
    }

    func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        ((height + 2 * padding - kernel) / stride + 1, (width + 2 * padding - kernel) / stride + 1)
    }

    /// Floats of im2col columns for `rows` output rows of `outputWidth` pixels.
    func columnCount(rows: Int, outputWidth: Int) -> Int { rows * outputWidth * kernel * kernel * inChannels }

    func callAsFunction(_ x: FeatureMap) -> FeatureMap {
        let (oh, ow) = outputSize(height: x.height, width: x.width)
        var columns = [Float](repeating: 0, count: columnCount(rows: oh, outputWidth: ow))
        var y = FeatureMap(height: oh, width: ow, channels: linear.outFeatures)
        x.data.withUnsafeBufferPointer { xp in
            columns.withUnsafeMutableBufferPointer { cp in
                y.data.withUnsafeMutableBufferPointer {
                    run(xp.baseAddress!, height: x.height, width: x.width, rows: 0..<oh, columns: cp.baseAddress!, $0.baseAddress!)
                }
            }
        }
        return y
    }

    /// Output `rows` of the height × width map x into y (y at the first of them), with `columns`
    /// (columnCount floats) as scratch.
    func run(_ x: UnsafePointer<Float>, height: Int, width: Int, rows: Range<Int>, columns: UnsafeMutablePointer<Float>,
             _ y: UnsafeMutablePointer<Float>) {
        let ow = outputSize(height: height, width: width).width
        es_f32_im2col(x, height, width, inChannels, kernel, stride, padding, ow, rows.lowerBound, rows.count, columns)
        linear.run(columns, rows: rows.count * ow, y)
    }
}

/// Depthwise 3×3, stride 1, padding 1 (the Mix-FFN's positional mixing).
struct FloatDepthwiseConv3x3 {
    let channels: Int
    let weight: [Float]   // 9 × channels
    let bias: [Float]

    init(weight w: FloatTensor, bias b: FloatTensor) {
        channels = w.shape[0]
        weight = transposed(w.data, rows: channels, cols: 9)
        bias = b.data
    }

    func callAsFunction(_ x: [Float], height: Int, width: Int) -> [Float] {
        var y = [Float](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { run(xp.baseAddress!, height: height, width: width, rows: 0..<height, $0.baseAddress!) }
        }
        return y
    }

    /// Output `rows` of the height × width map x into y (y at the first of them).
    func run(_ x: UnsafePointer<Float>, height: Int, width: Int, rows: Range<Int>, _ y: UnsafeMutablePointer<Float>) {
        weight.withUnsafeBufferPointer { wp in
            bias.withUnsafeBufferPointer {
                es_f32_dwconv3x3(x, height, width, channels, rows.lowerBound, rows.count, wp.baseAddress, $0.baseAddress, y)
            }
        }
    }
}

/// LayerNorm over the channels of each token.
struct FloatLayerNorm {
    let gamma: [Float]
    let beta: [Float]
    let eps: Float

    func callAsFunction(_ x: [Float]) -> [Float] {
        var y = [Float](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { run(xp.baseAddress!, rows: x.count / gamma.count, $0.baseAddress!) }
        }
        return y
    }

    func run(_ x: UnsafePointer<Float>, rows: Int, _ y: UnsafeMutablePointer<Float>) {
        gamma.withUnsafeBufferPointer { gp in
            beta.withUnsafeBufferPointer { es_f32_layernorm(x, rows, gp.count, gp.baseAddress, $0.baseAddress, eps, y) }
        }
    }
}

func transposed(_ x: [Float], rows: Int, cols: Int) -> [Float] {
    var t = [Float](repeating: 0, count: x.count)
    for r in 0..<rows {
        for c in 0..<cols { t[c * rows + r] = x[r * cols + c] }
    }
    return t
}

func addInPlace(_ y: inout [Float], _ x: [Float]) {
    x.withUnsafeBufferPointer { xp in
        y.withUnsafeMutableBufferPointer { yp in es_f32_add_inplace(yp.baseAddress, xp.baseAddress, x.count) }
    }
}

func gelu(_ x: [Float]) -> [Float] {
    var y = [Float](repeating: 0, count: x.count)
    x.withUnsafeBufferPointer { xp in
        y.withUnsafeMutableBufferPointer { yp in es_f32_gelu(xp.baseAddress, x.count, yp.baseAddress) }
    }
    return y
}

/// Bilinear resize with half-pixel centres (align_corners = False), any channel count.
public func resizeBilinear(_ x: FeatureMap, height: Int, width: Int) -> FeatureMap {
    if x.height == height && x.width == width { return x }
    var y = FeatureMap(height: height, width: width, channels: x.channels)
    x.data.withUnsafeBufferPointer { xp in
        y.data.withUnsafeMutableBufferPointer { yp in
            es_f32_resize_bilinear(xp.baseAddress, x.height, x.width, x.channels, height, width, yp.baseAddress)
        }
    }
    return y
}
