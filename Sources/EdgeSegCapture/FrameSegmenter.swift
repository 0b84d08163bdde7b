import EdgeSegRuntime

/// The model a frame goes through, int8 or float32, loaded from an `.edgeseg` file.
///
/// `classMap(of:)` is the one place the camera calls the runtime per frame. The model runs in an `Session`
/// (static arena, `threads` threads, the picture resized and quantized or normalised straight into it), made for
/// the first frame's size and kept while the size stays: the inference itself allocates nothing per frame. A
/// float32 file runs as the same program with every layer in float (`SegFormerModel(float:)`, the folded decoder:
/// the masks of `edgeseg segment --folded-decoder`).
public final class FrameSegmenter: @unchecked Sendable {   // used by one thread at a time: the inference thread
    private let model: SegFormerModel
    public let config: SegFormerConfig
    /// "int8" or "fp32".
    public let precision: String
    /// The size the model runs at; nil: each frame's own size.
    public let size: (height: Int, width: Int)?
    /// Threads of the session.
    public let threads: Int
    private var session: Session?

    /// An int8 file runs on the int8 runtime; a float32 file (metadata "config" and hub-named f32 tensors) in
    /// float on the same planned runtime.
    public init(modelPath: String, size: (height: Int, width: Int)?, threads: Int = 1) throws(EdgeSegError) {
        do {
            model = try SegFormerModel(path: modelPath)
            precision = "int8"
        } catch let int8Error {
            guard let file = try? ModelFile(path: modelPath, expecting: .float32) else { throw int8Error }
            model = try SegFormerModel(float: try FloatSegFormer(try floatCheckpoint(file), decoder: .folded))
            precision = "fp32"
        }
        config = model.config
        self.size = size
        self.threads = threads
    }

    /// The class of every pixel of `frame`, at the frame's size: exactly what `edgeseg segment` computes.
    public func classMap(of frame: RGBImage) throws(EdgeSegError) -> [UInt8] {
        let (height, width) = size ?? (frame.height, frame.width)
        if session.map({ $0.height != height || $0.width != width }) ?? true {
            session = try Session(model: model, height: height, width: width, threads: threads)
        }
        let session = session!
        try session.run(image: frame)
        return session.classMap(height: frame.height, width: frame.width)
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
