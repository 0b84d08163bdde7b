import CEdgeSeg
import EdgeSegRuntime

/// What an `edgeseg *` of the C API (edgeseg.h) points to: the model's `Segmenter`, the chosen input size, the
/// frame converted to RGB (one buffer, reused while the frame size stays), the last class map's pixel counts,
/// the class names as C strings and the last error's message. Everything a frame needs is kept here, so
/// `segment` allocates nothing once a size has been seen.
final class LibraryHandle {
    let segmenter: Segmenter
    private(set) var inputSize: ImageSize?
    private var picture = RGBImage(width: 0, height: 0, pixels: [])
    private var counts = [Int](repeating: 0, count: 256)
    private var countedPixels = 0
    let classNames: [UnsafeMutablePointer<CChar>]
    /// The last call's error message, NUL-terminated ("" after a call that succeeded); the C side reads it in place.
    let messagePointer: UnsafeMutablePointer<CChar>
    private static let messageSize = 512

    init(segmenter: Segmenter) {
        self.segmenter = segmenter
        classNames = segmenter.config.labels.map(cString)
        messagePointer = .allocate(capacity: Self.messageSize)
        messagePointer[0] = 0
    }

    deinit {
        for name in classNames { name.deallocate() }
        messagePointer.deallocate()
    }

    var classCount: Int { segmenter.config.numLabels }

    func setInputSize(_ size: ImageSize?) throws(EdgeSegError) {
        inputSize = size
        if let size { _ = try segmenter.session(size) }
    }

    /// Converts the frame into `picture`, runs the model at the input size and writes the class map.
    func segment(_ frame: UnsafePointer<UInt8>, width: Int, height: Int, stride: Int, format: Int32,
                 into map: UnsafeMutableBufferPointer<UInt8>, mapWidth: Int, mapHeight: Int) throws(EdgeSegError) {
        let fourcc: UInt32
        switch format {
        case 0: fourcc = ES_FOURCC_RGB24
        case 1: fourcc = ES_FOURCC_BGR24
        case 2: fourcc = ES_FOURCC_I420
        case 3: fourcc = ES_FOURCC_NV12
        default: throw EdgeSegError(.usage, "pixel format \(format) is none of EDGESEG_RGB24, _BGR24, _I420, _NV12")
        }
        let packedRow = fourcc == ES_FOURCC_RGB24 || fourcc == ES_FOURCC_BGR24 ? 3 * width : width
        guard stride == 0 || stride >= packedRow else {
            throw EdgeSegError(.usage, "stride \(stride) is less than a \(width)-pixel row's \(packedRow) bytes")
        }
        if picture.width != width || picture.height != height {
            picture = RGBImage(width: width, height: height, pixels: [UInt8](repeating: 0, count: width * height * 3))
        }
        // The bytes the frame spans: its format's packed size, or its rows at `stride` (the chroma as edgeseg.h says).
        let row = stride == 0 ? packedRow : stride, chromaRows = (height + 1) / 2
        let size = stride == 0 ? es_frame_size(fourcc, UInt32(width), UInt32(height))
            : fourcc == ES_FOURCC_I420 ? row * height + 2 * (row / 2) * chromaRows
            : fourcc == ES_FOURCC_NV12 ? row * height + row * chromaRows : row * height
        let rc = picture.pixels.withUnsafeMutableBufferPointer { rgb in
            es_frame_to_rgb(fourcc, frame, size, UInt32(width), UInt32(height), UInt32(stride), 0, rgb.baseAddress, messagePointer)
        }
        if rc != 0 { throw EdgeSegError(.image, String(cString: messagePointer)) }
        let session = try segmenter.session(inputSize ?? ImageSize(width: width, height: height))
        try session.run(image: picture)
        session.writeClassMap(height: mapHeight, width: mapWidth, into: map)
        counts.withUnsafeMutableBufferPointer {
            countClassPixels(UnsafeBufferPointer(rebasing: map[0..<(mapWidth * mapHeight)]), into: $0)
        }
        countedPixels = mapWidth * mapHeight
    }

    /// Each class's share of the last class map, into `shares` (as many as fit).
    func shares(into shares: UnsafeMutableBufferPointer<Float>) -> Int {
        let n = min(shares.count, classCount)
        for c in 0..<n { shares[c] = countedPixels > 0 ? Float(counts[c]) / Float(countedPixels) : 0 }
        return n
    }

    /// Keeps `text` as the last call's error message.
    func fail(_ text: String) { copyCString(text, to: messagePointer, size: Self.messageSize) }

    func clearError() { messagePointer[0] = 0 }
}

/// A NUL-terminated copy of `text`, released by the caller (`deallocate`).
func cString(_ text: String) -> UnsafeMutablePointer<CChar> {
    let size = text.utf8.count + 1
    let copy = UnsafeMutablePointer<CChar>.allocate(capacity: size)
    copyCString(text, to: copy, size: size)
    return copy
}

/// Writes `text` into a C buffer of `size` bytes, cut to fit, NUL-terminated.
func copyCString(_ text: String, to buffer: UnsafeMutablePointer<CChar>, size: Int) {
    guard size > 0 else { return }
    var count = 0
    for byte in text.utf8 where count < size - 1 {
        buffer[count] = CChar(bitPattern: byte)
        count += 1
    }
    buffer[count] = 0
}
