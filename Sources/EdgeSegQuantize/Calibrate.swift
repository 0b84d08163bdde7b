import EdgeSegImport
import EdgeSegRuntime

/// What `calibrate` reports as it goes (for a progress display).
public enum CalibrationEvent: Sendable {
    /// `total` images found; the model is loaded.
    case started(total: Int)
    /// Image number `index` (0-based) of `total` went through the model.
    case imageDone(index: Int, total: Int, path: String)
    /// Image number `index` could not be read or run and is left out.
    case imageSkipped(index: Int, total: Int, path: String, reason: String)
}

/// Derives the int8 activation scales of a Hugging Face SegFormer from a folder of sample images.
///
/// Every PNG and JPEG in `imagesDirectory` (by extension, sorted by name; other files are ignored) is
/// preprocessed canonically (resized to `size` if given, so images may differ in size) and run through
/// the fp32 model in its folded-decoder form, the structure the int8 model has; each activation point's
/// values go into a streaming histogram, so memory does not grow with the number of images. An image
/// that cannot be decoded or run is skipped, reported through `progress` and counted.
public func calibrate(modelDirectory: String, imagesDirectory: String,
                      method: CalibrationMethod = .percentile(CalibrationMethod.defaultPercentile),
                      size: ImageSize? = nil, binCount: Int = 2048,
                      progress: (CalibrationEvent) -> Void = { _ in }) throws(EdgeSegError) -> CalibrationResult {
    try calibrate(try loadHuggingFaceCheckpoint(directory: modelDirectory), model: modelDirectory,
                  imagesDirectory: imagesDirectory, method: method, size: size, binCount: binCount, progress: progress)
}

/// The same for a checkpoint already loaded (by a caller that also quantizes it); `model` names it in the result.
public func calibrate(_ checkpoint: FloatCheckpoint, model modelName: String, imagesDirectory: String,
                      method: CalibrationMethod = .percentile(CalibrationMethod.defaultPercentile),
                      size: ImageSize? = nil, binCount: Int = 2048,
                      progress: (CalibrationEvent) -> Void = { _ in }) throws(EdgeSegError) -> CalibrationResult {
    if case .percentile(let p) = method, !(p > 50 && p <= 100) {
        throw EdgeSegError(.usage, "percentile \(p) is outside (50, 100]")
    }
    let images = try calibrationImages(in: imagesDirectory)
    let model = try FloatSegFormer(checkpoint, decoder: .folded)
    let statistics = ActivationStatistics(names: ActivationPoint.all(model.config), binCount: binCount)
    progress(.started(total: images.count))

    var used = 0, firstProblem: String?
    for (i, path) in images.enumerated() {
        do throws(EdgeSegError) {
            let pixels = try preprocess(try loadImage(path: path), size: size)
            _ = try model.forward(pixels, observer: statistics.observer)
            used += 1
            progress(.imageDone(index: i, total: images.count, path: path))
        } catch {
            firstProblem = firstProblem ?? error.message
            progress(.imageSkipped(index: i, total: images.count, path: path, reason: error.message))
        }
    }
    guard used > 0 else {
        throw EdgeSegError(.image, "\(imagesDirectory): none of the \(images.count) images could be used; the first: \(firstProblem ?? "")")
    }
    return CalibrationResult(model: modelName, method: method, imageCount: used, skippedCount: images.count - used,
                             size: size, names: statistics.names, tensors: try statistics.tensorCalibrations(method))
}

/// The PNG and JPEG files of a folder, sorted by name. Fails if there is no such folder or no image in it.
public func calibrationImages(in directory: String) throws(EdgeSegError) -> [String] {
    guard pathKind(directory) == .directory else {
        throw EdgeSegError(.io, "\(directory): no such folder of calibration images")
    }
    let images = try imageFileNames(in: directory).map { joinPath(directory, $0) }
    guard !images.isEmpty else {
        throw EdgeSegError(.io, "\(directory): no PNG or JPEG images (.png, .jpg, .jpeg) in the folder")
    }
    return images
}
