import EdgeSegImport
import EdgeSegRuntime
import EdgeSegShards

/// What `calibrate` reports as it goes (for a progress display).
public enum CalibrationEvent: Sendable {
    /// `total` images to run (a shard's share); the model is loaded.
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
    try method.validate()
    let run = try CalibrationRun(checkpoint, imagesDirectory: imagesDirectory, size: size, binCount: binCount, progress: progress)
    guard run.usedCount > 0 else {
        throw EdgeSegError(.image, "\(imagesDirectory): none of the \(run.images.count) images could be used; the first: \(run.firstProblem ?? "")")
    }
    return try CalibrationResult(model: modelName, method: method, size: size, statistics: run.statistics,
                                 imageCount: run.usedCount, skippedCount: run.skippedCount)
}

/// The histograms of one pass over a folder of images (or over one shard of it) and what went in.
public struct CalibrationRun {
    public let statistics: ActivationStatistics
    /// The images run, with their sizes (nil: skipped).
    public let images: [ShardPart.Image]
    /// The whole folder's sorted image names (a shard runs some of them).
    public let inputs: ShardPart.Inputs
    public let firstProblem: String?

    public var usedCount: Int { images.count { $0.size != nil } }
    public var skippedCount: Int { images.count { $0.size == nil } }

    /// Runs the fp32 model over the images of `imagesDirectory` that `shard` takes (all of them without one).
    public init(_ checkpoint: FloatCheckpoint, imagesDirectory: String, size: ImageSize?, binCount: Int = 2048,
                shard: Shard? = nil, progress: (CalibrationEvent) -> Void = { _ in }) throws(EdgeSegError) {
        let paths = try calibrationImages(in: imagesDirectory)
        let chosen = shard?.positions(of: paths.count) ?? Array(paths.indices)
        let model = try FloatSegFormer(checkpoint, decoder: .folded)
        let statistics = ActivationStatistics(names: ActivationPoint.all(model.config), binCount: binCount)
        progress(.started(total: chosen.count))

        var images: [ShardPart.Image] = [], firstProblem: String?
        for (i, position) in chosen.enumerated() {
            let path = paths[position]
            do throws(EdgeSegError) {
                let image = try loadImage(path: path)
                _ = try model.forward(try preprocess(image, size: size), observer: statistics.observer)
                images.append(ShardPart.Image(position: position, name: fileName(path), size: ImageSize(width: image.width, height: image.height)))
                progress(.imageDone(index: i, total: chosen.count, path: path))
            } catch {
                firstProblem = firstProblem ?? error.message
                images.append(ShardPart.Image(position: position, name: fileName(path), size: nil))
                progress(.imageSkipped(index: i, total: chosen.count, path: path, reason: error.message))
            }
        }
        self.statistics = statistics
        self.images = images
        self.inputs = ShardPart.Inputs(folder: imagesDirectory, names: paths.map(fileName))
        self.firstProblem = firstProblem
    }
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
