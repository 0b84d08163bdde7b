import EdgeSegRuntime

/// The model a frame goes through, int8 or float32, loaded from an `.edgeseg` file.
///
/// `classMap(of:)` is the one place the camera calls the runtime per frame (preprocess, forward, class
/// map), so that moving to an allocation-free session API is a change to that method alone.
public final class FrameSegmenter: @unchecked Sendable {   // used by one thread at a time: the inference thread
    private enum Network {
        case int8(Int8SegFormer)
        case float(FloatSegFormer)
    }

    private let network: Network
    public let config: SegFormerConfig
    /// The size the model runs at; nil: each frame's own size.
    public let size: (height: Int, width: Int)?

    /// An int8 file runs on the int8 runtime; a float32 file (metadata "config" and hub-named f32 tensors)
    /// on the float one.
    public init(modelPath: String, size: (height: Int, width: Int)?) throws(EdgeSegError) {
        do {
            let model = try Int8SegFormer(path: modelPath)
            network = .int8(model)
            config = model.config
        } catch let int8Error {
            guard let file = try? ModelFile(path: modelPath, expecting: .float32) else { throw int8Error }
            let model = try FloatSegFormer(try floatCheckpoint(file))
            network = .float(model)
            config = model.config
        }
        self.size = size
    }

    /// "int8" or "fp32".
    public var precision: String {
        switch network {
        case .int8: "int8"
        case .float: "fp32"
        }
    }

    /// The class of every pixel of `frame`, at the frame's size: exactly what `edgeseg segment` computes.
    public func classMap(of frame: RGBImage) throws(EdgeSegError) -> [UInt8] {
        let pixels = try preprocess(frame, size: size)
        switch network {
        case .int8(let m): return EdgeSegRuntime.classMap(logits: try m.forward(pixels).logits, height: frame.height, width: frame.width)
        case .float(let m): return EdgeSegRuntime.classMap(logits: try m.forward(pixels).logits, height: frame.height, width: frame.width)
        }
    }
}

/// A float32 `.edgeseg` file as a checkpoint: its metadata's Hugging Face "config" and every f32 tensor
/// under its hub name.
func floatCheckpoint(_ file: ModelFile) throws(EdgeSegError) -> FloatCheckpoint {
    guard let configJSON = file.metadata["config"] else {
        throw EdgeSegError(.checkpoint, "\(file.path): metadata has no config")
    }
    let config = try SegFormerConfig(huggingFaceJSON: configJSON, source: "\(file.path) (metadata config)")
    var tensors: [String: FloatTensor] = [:]
    for t in file.tensors {
        tensors[t.name] = FloatTensor(shape: t.shape, data: Array(try file.float32(t.name)))
    }
    return FloatCheckpoint(config: config, tensors: tensors)
}
