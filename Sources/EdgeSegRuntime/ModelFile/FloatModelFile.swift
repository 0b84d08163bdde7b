/// A float32 `.edgeseg` file as a checkpoint: its metadata's Hugging Face "config" and every f32 tensor under
/// its hub name.
public func floatCheckpoint(_ file: ModelFile) throws(EdgeSegError) -> FloatCheckpoint {
    guard file.kind == .float32 else {
        throw EdgeSegError(.checkpoint, "\(file.path): this is an int8 model file, not a float32 one")
    }
    guard let configJSON = file.metadata["config"] else {
        throw EdgeSegError(.checkpoint, "\(file.path): metadata has no config")
    }
    let config = try SegFormerConfig(huggingFaceJSON: configJSON, source: "\(file.path) (metadata config)")
    var tensors: [String: FloatTensor] = [:]
    for t in file.tensors {
        let tensor = FloatTensor(shape: t.shape, data: Array(try file.float32(t.name)))
        try tensor.checkFinite("\(file.path): tensor \(t.name)")
        tensors[t.name] = tensor
    }
    return FloatCheckpoint(config: config, tensors: tensors)
}
