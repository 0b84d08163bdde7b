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
            weight.withUnsafeBufferPointer { wp in
                y.withUnsafeMutableBufferPointer { yp in
                    if let bias {
                        bias.withUnsafeBufferPointer { bp in
                            es_f32_gemm(rows, outFeatures, inFeatures, xp.baseAddress, wp.baseAddress, bp.baseAddress, yp.baseAddress)
                        }
                    } else {
                        es_f32_gemm(rows, outFeatures, inFeatures, xp.baseAddress, wp.baseAddress, nil, yp.baseAddress)
                    }
                }
            }
        }
        return y
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

    func callAsFunction(_ x: FeatureMap) -> FeatureMap {
        let (oh, ow) = outputSize(height: x.height, width: x.width)
        var columns = [Float](repeating: 0, count: oh * ow * kernel * kernel * inChannels)
        x.data.withUnsafeBufferPointer { xp in
            columns.withUnsafeMutableBufferPointer { cp in
                es_f32_im2col(xp.baseAddress, x.height, x.width, inChannels, kernel, stride, padding, oh, ow, cp.baseAddress)
            }
        }
        return FeatureMap(height: oh, width: ow, channels: linear.outFeatures, data: linear(columns, rows: oh * ow))
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
            weight.withUnsafeBufferPointer { wp in
                bias.withUnsafeBufferPointer { bp in
                    y.withUnsafeMutableBufferPointer { yp in
                        es_f32_dwconv3x3(xp.baseAddress, height, width, channels, wp.baseAddress, bp.baseAddress, yp.baseAddress)
                    }
                }
            }
        }
        return y
    }
}

/// LayerNorm over the channels of each token.
struct FloatLayerNorm {
    let gamma: [Float]
    let beta: [Float]
    let eps: Float

    func callAsFunction(_ x: [Float]) -> [Float] {
        let c = gamma.count
        var y = [Float](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { xp in
            gamma.withUnsafeBufferPointer { gp in
                beta.withUnsafeBufferPointer { bp in
                    y.withUnsafeMutableBufferPointer { yp in
                        es_f32_layernorm(xp.baseAddress, x.count / c, c, gp.baseAddress, bp.baseAddress, eps, yp.baseAddress)
                    }
                }
            }
        }
        return y
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
