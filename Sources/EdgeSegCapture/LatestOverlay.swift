import EdgeSegRuntime

/// The newest segmented frame, for the HTTP viewer: its overlay, the plain camera picture and its result
/// (`FrameResult` as JSON), published by the inference thread; each picture encoded to PNG only when someone
/// asks (and once per frame however many ask).
final class LatestOverlay: @unchecked Sendable {
    /// Which of the frame's two pictures.
    enum Picture { case overlay, plain }

    /// Whether anyone will look: the inference thread skips drawing overlays nobody reads.
    let isWatched: Bool
    private let lock = Lock()
    private var overlay: RGBImage?
    private var plain: RGBImage?
    private var result = ""
    private var number = 0
    private var png: (number: Int, picture: Picture, bytes: [UInt8])?

    init(watched: Bool) { isWatched = watched }

    func publish(_ overlay: RGBImage, plain: RGBImage, result: String, number: Int) {
        lock.withLock {
            self.overlay = overlay
            self.plain = plain
            self.result = result
            self.number = number
        }
    }

    /// The newest frame's picture as PNG bytes, or nil before the first frame.
    func pngBytes(_ picture: Picture = .overlay) throws(EdgeSegError) -> [UInt8]? {
        let (current, n, cached) = lock.withLock { (picture == .overlay ? overlay : plain, number, png) }
        if let cached, cached.number == n, cached.picture == picture { return cached.bytes }
        guard let current else { return nil }
        let bytes = try encodePNG(current, source: "frame \(n)")
        lock.withLock { png = (n, picture, bytes) }
        return bytes
    }

    /// The newest frame's result as one line of JSON, or nil before the first frame.
    var resultJSON: String? { lock.withLock { result.isEmpty ? nil : result } }
}
