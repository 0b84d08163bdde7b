import EdgeSegRuntime

/// Any model the host CLI runs, by what the path holds: an `.edgeseg` file (int8, mixed or float32), or a float
/// Hugging Face checkpoint (folder, config.json or model.safetensors) run as the planned fp32 model (folded
/// decoder). The Pi binary reads `.edgeseg` files only (`SegFormerModel(path:)`).
public func loadModel(_ path: String) throws(EdgeSegError) -> SegFormerModel {
    if ModelFile.looksLikeModelFile(path: path) { return try SegFormerModel(path: path) }
    return try SegFormerModel(float: try FloatSegFormer(try loadHuggingFaceCheckpoint(directory: path), decoder: .folded))
}

/// A float model's weights, as the fp32 reference forward (eval, calibration) takes them: a Hugging Face
/// checkpoint or a float32 `.edgeseg` file.
public func loadFloatCheckpoint(_ path: String) throws(EdgeSegError) -> FloatCheckpoint {
    if ModelFile.looksLikeModelFile(path: path) { return try floatCheckpoint(try ModelFile(path: path, expecting: .float32)) }
    return try loadHuggingFaceCheckpoint(directory: path)
}
