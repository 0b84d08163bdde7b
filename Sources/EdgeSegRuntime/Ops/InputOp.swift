import CEdgeSeg

/// The model's input in the arena, channels last: the picture resized and normalised, then quantized with the
/// input's parameters (kept as floats when the model takes a float input). It has no units in the op sequence:
/// a frame writes it before the ops run (`Session.run(image:)` in bands of rows across the threads,
/// `Session.run(pixels:)` from preprocessed pixels).
final class InputOp: Op {
    let tensor: ArenaTensor
    let parameters: QuantizationParameters
    private var codes: UnsafeMutablePointer<Int8>!
    private var floats: UnsafeMutablePointer<Float>!

    init(_ tensor: ArenaTensor, parameters: QuantizationParameters) {
        (self.tensor, self.parameters) = (tensor, parameters)
        super.init(group: .input, output: tensor.id)
    }

    override func bind(_ arena: BoundArena) { (codes, floats) = (arena.int8(output), arena.float(output)) }

    /// Rows `rows` of the input from an RGB picture of height × width (bilinear resize, ImageNet normalisation,
    /// quantization in one pass: the bits of `preprocess` then `write(pixels:)`).
    func write(rgb: UnsafePointer<UInt8>, height: Int, width: Int, rows: Range<Int>) {
        let offset = rows.lowerBound * tensor.width * tensor.channels
        imageNetMean.withUnsafeBufferPointer { mean in
            imageNetStd.withUnsafeBufferPointer { std in
                if tensor.isFloat {
                    es_f32_normalize_rgb8(rgb, height, width, tensor.height, tensor.width, rows.lowerBound, rows.count,
                                          mean.baseAddress, std.baseAddress, floats + offset)
                } else {
                    es_f32_quantize_rgb8(rgb, height, width, tensor.height, tensor.width, rows.lowerBound, rows.count,
                                         mean.baseAddress, std.baseAddress, 1 / parameters.scale, parameters.zeroPoint,
                                         codes + offset)
                }
            }
        }
    }

    /// The input from preprocessed pixels ([channels, height, width], planar).
    func write(pixels: FloatTensor) {
        let (c, plane) = (tensor.channels, tensor.tokens)
        let inverse = 1 / parameters.scale, zero = Double(parameters.zeroPoint)
        pixels.data.withUnsafeBufferPointer { p in
            for ch in 0..<c {
                for i in 0..<plane {
                    if tensor.isFloat {
                        floats[i * c + ch] = p[ch * plane + i]
                    } else {
                        let q = (Double(p[ch * plane + i]) * inverse).rounded() + zero
                        codes[i * c + ch] = Int8(max(-128, min(127, q)))
                    }
                }
            }
        }
    }
}
