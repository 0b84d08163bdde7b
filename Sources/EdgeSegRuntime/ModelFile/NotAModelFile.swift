import CEdgeSeg

// What a user most often passes instead of an `.edgeseg` file is the Hugging Face checkpoint it comes from
// (its folder or its model.safetensors): the errors say so and what to do, rather than "wrong magic".

/// The error for a file that does not start with the `.edgeseg` magic.
func notAModelFileError(path: String, bytes: UnsafeRawBufferPointer, expected: ModelKind?) -> EdgeSegError {
    if bytes.isEmpty {
        return EdgeSegError(.checkpoint, "\(path): the file is empty (0 bytes), not an EdgeSeg model file")
    }
    if looksLikeSafeTensors(bytes) {
        return EdgeSegError(.checkpoint, "\(path): this is a safetensors file (a float Hugging Face checkpoint), not an EdgeSeg model file; \(conversionAdvice(expected))")
    }
    return EdgeSegError(.checkpoint, "\(path): not an EdgeSeg model file (it does not start with \"EDGESEG\")")
}

/// The error for a folder given as a model file; nil if `path` is not a folder.
func folderError(path: String, expected: ModelKind?) -> EdgeSegError? {
    guard es_path_kind(path) == ES_PATH_DIRECTORY else { return nil }
    let separator = path.hasSuffix("/") ? "" : "/"
    if es_path_kind(path + separator + "config.json") == ES_PATH_FILE {
        return EdgeSegError(.checkpoint, "\(path): this is a folder with a config.json (a float Hugging Face checkpoint), not an EdgeSeg model file; \(conversionAdvice(expected))")
    }
    return EdgeSegError(.checkpoint, "\(path): this is a folder, not an EdgeSeg model file")
}

/// safetensors: an 8-byte little-endian header length that fits the file, then a JSON object.
private func looksLikeSafeTensors(_ bytes: UnsafeRawBufferPointer) -> Bool {
    guard bytes.count >= 10 else { return false }
    let headerLength = UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self))
    return headerLength >= 2 && headerLength <= UInt64(bytes.count - 8) && bytes[8] == UInt8(ascii: "{")
}

private func conversionAdvice(_ expected: ModelKind?) -> String {
    switch expected {
    case .int8: "quantize it with `edgeseg quantize` first"
    case .float32: "a float32 EdgeSeg model file has to be written from it first"
    case nil: "quantize it with `edgeseg quantize` (the host's `edgeseg` also runs the folder itself)"
    }
}
