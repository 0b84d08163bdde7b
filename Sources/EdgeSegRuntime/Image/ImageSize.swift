/// A picture or model input size. Written WIDTHxHEIGHT everywhere a person reads or types it (640x480, as
/// v4l2-ctl, ffmpeg and ImageMagick write sizes), and as "width"/"height" members in JSON.
public struct ImageSize: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// The largest side any command accepts.
    public static let maximumSide = 16384

    /// "640x480" → width 640, height 480; nil unless both sides are whole numbers in 1...maximumSide.
    public init?(parsing text: String) {
        let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]),
              (1...Self.maximumSide).contains(w), (1...Self.maximumSide).contains(h) else { return nil }
        self.init(width: w, height: h)
    }

    /// `init(parsing:)` for option `--name`, with the error a person needs.
    public static func parse(_ text: String, option name: String) throws(EdgeSegError) -> ImageSize {
        guard let size = ImageSize(parsing: text) else {
            throw EdgeSegError(.usage, "--\(name) \(text): expected WIDTHxHEIGHT, e.g. 640x480 (each side 1 to \(maximumSide))")
        }
        return size
    }

    public var description: String { "\(width)x\(height)" }
}
