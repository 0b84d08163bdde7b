/// The front door every command goes through: a model opened once, whatever its kind (int8 or mixed
/// `.edgeseg`, float32 `.edgeseg`, or, on the host, a Hugging Face folder loaded by `EdgeSegImport`), one
/// `Session` kept per input size, and class maps written into the caller's buffer. `segment`, `bench`, `eval`
/// and the camera (host and Pi) all run models through it, so every command accepts every kind of model and
/// computes the same masks.
///
/// Used by one thread at a time (the session's own workers aside).
public final class Segmenter {
    public let model: SegFormerModel
    /// Where the model came from, for messages.
    public let source: String
    /// Threads of each session, the caller included.
    public let threads: Int
    /// The session of the last size run; a new size replaces it (one arena at a time).
    public private(set) var session: Session?

    public var config: SegFormerConfig { model.config }

    /// Class maps are bytes (8-bit palette PNGs, the camera's masks), so a model with more than 256 classes is
    /// refused here, once for every command.
    public init(model: SegFormerModel, source: String, threads: Int = 1) throws(EdgeSegError) {
        guard model.config.numLabels <= 256 else {
            throw EdgeSegError(.usage, "\(source) has \(model.config.numLabels) classes; class maps hold at most 256")
        }
        guard threads >= 1 else { throw EdgeSegError(.usage, "threads must be at least 1, not \(threads)") }
        self.model = model
        self.source = source
        self.threads = threads
    }

    /// An `.edgeseg` file of either kind.
    public convenience init(path: String, threads: Int = 1) throws(EdgeSegError) {
        try self.init(model: try SegFormerModel(path: path), source: path, threads: threads)
    }

    /// The session at `size`: the one kept if it has that size, else a new one (planned and allocated once).
    public func session(_ size: ImageSize) throws(EdgeSegError) -> Session {
        if let session, session.height == size.height, session.width == size.width { return session }
        session = nil   // release the old arena before planning the new one
        let made = try Session(model: model, height: size.height, width: size.width, threads: threads)
        session = made
        return made
    }

    /// Runs `image` at `size` (nil: the image's own) and writes the class of each of the image's pixels into
    /// `labels` (width · height bytes, row-major). Allocates nothing once the session of that size exists.
    public func segment(_ image: RGBImage, size: ImageSize? = nil, into labels: UnsafeMutableBufferPointer<UInt8>)
        throws(EdgeSegError) {
        guard labels.count >= image.width * image.height else {
            throw EdgeSegError(.usage, "the class map buffer has \(labels.count) bytes; a \(image.width)x\(image.height) picture needs \(image.width * image.height)")
        }
        let s = try session(size ?? ImageSize(width: image.width, height: image.height))
        try s.run(image: image)
        s.writeClassMap(height: image.height, width: image.width, into: labels)
    }

    /// `segment` into a new array (the call's one allocation), for callers that keep the mask.
    public func classMap(of image: RGBImage, size: ImageSize? = nil) throws(EdgeSegError) -> [UInt8] {
        var labels = [UInt8](repeating: 0, count: image.width * image.height)
        try labels.withUnsafeMutableBufferPointer { (buffer) throws(EdgeSegError) in try segment(image, size: size, into: buffer) }
        return labels
    }
}
