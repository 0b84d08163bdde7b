import EdgeSegRuntime

/// A SegFormer read from a Hugging Face model directory, and the file's tensors that were not used.
public struct HuggingFaceImport: Sendable {
    public var checkpoint: FloatCheckpoint
    /// Names (as stored) of tensors the model does not use: non-float bookkeeping such as
    /// the decoder BatchNorm's `num_batches_tracked` (I64), and any unexpected extra tensor. They are
    /// ignored, not errors, so checkpoints with extra heads still import; a caller may warn about them.
    public var ignoredTensors: [String]
}

/// Loads `config.json` and `model.safetensors` of a `SegformerForSemanticSegmentation`.
/// `directory` may also be the path of the model.safetensors or config.json file inside it.
public func loadHuggingFaceCheckpoint(directory: String) throws(EdgeSegError) -> FloatCheckpoint {
    try importHuggingFaceCheckpoint(directory: directory).checkpoint
}

/// As `loadHuggingFaceCheckpoint`, also reporting which stored tensors were ignored.
///
/// Every tensor of `expectedTensors(config)` must be present, with exactly that shape, a float dtype
/// (F32, F16 or BF16) and finite values. Names may use the hub layout or the `transformers` 5 one (`TensorNameScheme`).
public func importHuggingFaceCheckpoint(directory: String) throws(EdgeSegError) -> HuggingFaceImport {
    let files = try locateModelFiles(directory)
    let config = try loadSegFormerConfig(path: files.config)
    let weights = try SafeTensorsFile(path: files.weights)

    var storedName: [String: String] = [:]  // hub name -> name in the file
    for name in weights.names {
        let hub = TensorNameScheme.hubName(name)
        if let other = storedName[hub] {
            throw EdgeSegError(.checkpoint, "\(files.weights): tensors \(other) and \(name) are both \(hub)")
        }
        storedName[hub] = name
    }

    var tensors: [String: FloatTensor] = [:]
    for expected in expectedTensors(config) {
        guard let name = storedName.removeValue(forKey: expected.name) else {
            throw EdgeSegError(.checkpoint, "\(files.weights): missing tensor \(expected.name) (expected shape \(describeShape(expected.shape)) for \(files.config))")
        }
        let shape = weights.info(name)!.shape
        guard shape == expected.shape else {
            throw EdgeSegError(.checkpoint, "\(files.weights): tensor \(name) has shape \(describeShape(shape)), expected \(describeShape(expected.shape)) for \(files.config)")
        }
        let tensor = try weights.floatTensor(name)
        try tensor.checkFinite("\(files.weights): tensor \(name)")
        tensors[expected.name] = tensor
    }
    let ignored = weights.names.filter { storedName[TensorNameScheme.hubName($0)] != nil }
    return HuggingFaceImport(checkpoint: FloatCheckpoint(config: config, tensors: tensors), ignoredTensors: ignored)
}

/// config.json and model.safetensors for a directory or for either file's path.
private func locateModelFiles(_ path: String) throws(EdgeSegError) -> (config: String, weights: String) {
    let config: String, weights: String
    switch pathKind(path) {
    case .missing:
        throw EdgeSegError(.io, "\(path): no such model directory (expected a Hugging Face model directory with config.json and model.safetensors)")
    case .directory:
        config = joinPath(path, "config.json")
        weights = try weightsFile(in: path)
    case .file:
        let directory = parentDirectory(path)
        if path.hasSuffix(".safetensors") {
            config = joinPath(directory, "config.json")
            weights = path
        } else if isPyTorchPickle(path) {
            throw pickleUnsupported(directory, found: fileName(path))
        } else if path.hasSuffix(".json") {
            config = path
            weights = try weightsFile(in: directory)
        } else if ModelFile.looksLikeModelFile(path: path) {
            throw EdgeSegError(.usage, "\(path) is an EdgeSeg .edgeseg model, not a float checkpoint: this needs the Hugging Face folder (config.json + model.safetensors) it was quantized from")
        } else {
            throw EdgeSegError(.usage, "\(path): not a model directory, config.json or .safetensors file")
        }
    }
    guard pathKind(config) == .file else {
        throw EdgeSegError(.config, "\(config): missing; a Hugging Face model directory has config.json beside model.safetensors")
    }
    return (config, weights)
}

private func weightsFile(in directory: String) throws(EdgeSegError) -> String {
    let weights = joinPath(directory, "model.safetensors")
    if pathKind(weights) == .file { return weights }
    if let pickle = ((try? directoryEntries(directory, includingHidden: true)) ?? []).first(where: isPyTorchPickle) {
        throw pickleUnsupported(directory, found: pickle)
    }
    throw EdgeSegError(.checkpoint, "\(weights): missing; the model directory needs its weights as model.safetensors")
}

private func isPyTorchPickle(_ name: String) -> Bool {
    name.hasSuffix(".bin") || name.hasSuffix(".pt") || name.hasSuffix(".pth")
}

private func pickleUnsupported(_ directory: String, found: String) -> EdgeSegError {
    EdgeSegError(.checkpoint, """
        \(joinPath(directory, found)): PyTorch pickle checkpoints are unsupported (loading one can run \
        arbitrary code); there is no model.safetensors. Convert it once with transformers: python3 -c \
        "from transformers import SegformerForSemanticSegmentation as M; \
        M.from_pretrained('\(directory)').save_pretrained('OUT', safe_serialization=True)" \
        and import OUT.
        """)
}
