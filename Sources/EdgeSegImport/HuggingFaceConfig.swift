import EdgeSegRuntime

/// Reads a Hugging Face `config.json` of a SegFormer (`model_type: segformer`); see
/// `SegFormerConfig(huggingFaceJSON:source:)` for the fields.
public func loadSegFormerConfig(path: String) throws(EdgeSegError) -> SegFormerConfig {
    let file = try MappedFile(path: path)
    return try SegFormerConfig(huggingFaceJSON: try JSONValue.parse(file.bytes, source: path), source: path)
}
