import EdgeSegImport
import EdgeSegRuntime

/// A model the commands can run, whichever form the path holds: a float Hugging Face checkpoint (folder,
/// config.json or model.safetensors) or an int8 `.edgeseg` file.
enum SegmentationModel {
    case float(FloatSegFormer)
    case int8(SegFormerModel)

    /// `decoder` applies to float models (int8 models are always folded).
    static func load(_ path: String, decoder: FloatSegFormer.DecoderForm = .reference) throws(EdgeSegError) -> SegmentationModel {
        if ModelFile.looksLikeModelFile(path: path) {
            return .int8(try SegFormerModel(path: path))
        }
        return .float(try FloatSegFormer(try loadHuggingFaceCheckpoint(directory: path), decoder: decoder))
    }

    var config: SegFormerConfig {
        switch self {
        case .float(let m): m.config
        case .int8(let m): m.config
        }
    }

    var precision: String {
        switch self {
        case .float: "fp32"
        case .int8: "int8"
        }
    }
}
