import EdgeSegRuntime

/// The newest overlay, for the HTTP viewer: published by the inference thread, encoded to PNG only when
/// someone asks (and once per frame however many ask).
final class LatestOverlay: @unchecked Sendable {
    /// Whether anyone will look: the inference thread skips drawing overlays nobody reads.
    let isWatched: Bool
    private let lock = Lock()
    private var image: RGBImage?
    private var number = 0
    private var png: (number: Int, bytes: [UInt8])?

    init(watched: Bool) { isWatched = watched }

    func publish(_ overlay: RGBImage, number: Int) {
        lock.withLock {
            image = overlay
            self.number = number
        }
    }

    /// The newest overlay as PNG bytes, or nil before the first frame.
    func pngBytes() throws(EdgeSegError) -> [UInt8]? {
        let (current, n, cached) = lock.withLock { (image, number, png) }
        if let cached, cached.number == n { return cached.bytes }
        guard let current else { return nil }
        let bytes = try encodePNG(current, source: "frame \(n)")
        lock.withLock { png = (n, bytes) }
        return bytes
    }
}
