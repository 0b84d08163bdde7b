import CEdgeSeg

/// The most pixels an image may have: every decoder checks it from the file's header before allocating, and the
/// camera checks its frame size, so a small file claiming 30000x30000 is an error, not 2.7 GB. One setting for
/// the process: each command that reads images sets it from its `--max-pixels` before reading any.
public enum PixelBudget {
    /// 8192x8192 (64 Mpixel, 192 MB as RGB) unless a command's `--max-pixels` says otherwise.
    public static let defaultMaxPixels = Int(ES_IMAGE_DEFAULT_MAX_PIXELS)
    public nonisolated(unsafe) static var maxPixels = defaultMaxPixels
    /// The most `--max-pixels` may raise it to: ImageSize.maximumSide squared.
    public static let largestMaxPixels = ImageSize.maximumSide * ImageSize.maximumSide
    /// How `--max-pixels` reads in every command's help.
    public static let optionHelp = "--max-pixels N      refuse images (and camera frames) of more than N pixels (default 67108864, 8192x8192)"

    /// Throws unless `size` fits the budget; `source` names the file or camera.
    public static func check(_ size: ImageSize, source: String) throws(EdgeSegError) {
        var message = [CChar](repeating: 0, count: Int(ES_IMAGE_ERROR_SIZE))
        let rc = message.withUnsafeMutableBufferPointer {
            es_image_check_size(UInt64(size.width), UInt64(size.height), UInt64(maxPixels), $0.baseAddress)
        }
        guard rc == 0 else {
            throw EdgeSegError(.image, "\(source): \(message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })")
        }
    }
}
