import CEdgeSeg
import EdgeSegRuntime
import Foundation
import TestSupport
import Testing

/// PNG and JPEG decoding and encoding, palettes and overlays. Fixtures are made by
/// Fixtures/images/make_fixtures.py, which also writes the pixels each one must decode to.
@Suite struct ImageTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/images").path

    static func fixture(_ name: String) -> String { fixtures + "/" + name }
    static func bytes(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: fixture(name)))) }

    static let pngVariants = [
        "gray1", "gray2", "gray4", "gray8", "gray16", "gray-alpha8", "gray-alpha16", "rgb8", "rgb16", "rgba8", "rgba16",
        "palette1", "palette2", "palette4", "palette8", "palette8-trns", "gray8-trns", "rgb8-trns",
        "gray4-interlaced", "palette2-interlaced", "rgb8-interlaced", "rgba16-interlaced",
    ]
    static let labelVariants = [
        "gray1", "gray2", "gray4", "gray8", "gray-alpha8", "palette1", "palette2", "palette4", "palette8",
        "palette8-trns", "gray8-trns", "gray4-interlaced", "palette2-interlaced",
    ]

    /// Runs `body`, which must throw, and returns its EdgeSegError.
    func expectError(_ body: () throws -> Void) -> EdgeSegError? {
        do {
            try body()
        } catch let error as EdgeSegError {
            return error
        } catch {
            Issue.record("expected an EdgeSegError, got \(error)")
            return nil
        }
        Issue.record("expected an EdgeSegError")
        return nil
    }

    func write(_ bytes: [UInt8], _ name: String, in dir: String) throws -> String {
        let path = dir + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    // MARK: decoding

    @Test(arguments: pngVariants)
    func pngDecodesToExpectedRGB(name: String) throws {
        let image = try loadImage(path: Self.fixture(name + ".png"))
        #expect(image.width == 7 && image.height == 5)
        #expect(image.pixels == (try Self.bytes(name + ".rgb")), "\(name)")
    }

    @Test(arguments: labelVariants)
    func labelDecodesToRawValues(name: String) throws {
        let label = try loadLabelImage(path: Self.fixture(name + ".png"))
        #expect(label.width == 7 && label.height == 5)
        #expect(label.values == (try Self.bytes(name + ".values")), "\(name)")
    }

    @Test(arguments: [("gray16", "16-bit"), ("gray-alpha16", "16-bit"), ("rgb8", "colour"), ("rgba16", "colour")])
    func labelRefusesColourAnd16Bit(name: String, reason: String) {
        let path = Self.fixture(name + ".png")
        let error = expectError { _ = try loadLabelImage(path: path) }
        #expect(error?.kind == .image)
        #expect(error?.message.contains(path) == true && error?.message.contains(reason) == true, "\(String(describing: error))")
    }

    @Test func labelRefusesJPEG() {
        let path = Self.fixture("jpeg-baseline.jpg")
        let error = expectError { _ = try loadLabelImage(path: path) }
        #expect(error?.message.contains("JPEG") == true && error?.message.contains(path) == true)
    }

    /// A camera's MJPEG frame is a JPEG file's bytes: decoded in memory it gives the pixels loadImage decodes from
    /// the file (the camera VM cannot run MJPEG: vivid does not offer it); half a JPEG is refused, naming the frame.
    @Test func mjpegFrameDecodesToTheJPEGFilesPixels() throws {
        let file = try Self.bytes("jpeg-baseline.jpg")
        let image = try loadImage(path: Self.fixture("jpeg-baseline.jpg"))
        #expect(try file.withUnsafeBytes { try decodeJPEG($0, toward: nil, source: "frame 1") } == image)
        let error = expectError { _ = try file.withUnsafeBytes { try decodeJPEG(UnsafeRawBufferPointer(rebasing: $0[..<(file.count / 2)]), toward: nil, source: "frame 2") } }
        #expect(error?.message.hasPrefix("frame 2: cannot decode JPEG") == true, "\(String(describing: error))")
    }

    /// Toward a model size, libjpeg's DCT scaling decodes the smallest n/8 that still covers it (16x16: 1/8 → 2x2
    /// covers 2x2; 5x3 needs 3/8 → 6x6); the full-size decode is kept when nothing smaller covers the size.
    @Test(arguments: [((2, 2), (2, 2)), ((5, 3), (6, 6)), ((16, 16), (16, 16)), ((40, 8), (16, 16))])
    func jpegDecodesTowardTheModelSize(toward: (Int, Int), decoded: (Int, Int)) throws {
        let file = try Self.bytes("jpeg-baseline.jpg")
        let image = try file.withUnsafeBytes {
            try decodeJPEG($0, toward: ImageSize(width: toward.0, height: toward.1), source: "frame")
        }
        #expect(image.width == decoded.0 && image.height == decoded.1)
    }

    /// I420, NV12 and YUYV are the same samples in three layouts: the same Y, U and V (chroma shared by 2x2 pixels)
    /// give the same RGB in each; with U = V = 128 the pixels are gray at BT.601's limited-range levels (16 black,
    /// 235 white).
    @Test func yuvLayoutsOfTheSameSamplesConvertAlike() throws {
        let (w, h) = (6, 4)
        var seed: UInt32 = 7
        func next() -> UInt8 { seed = seed &* 1_664_525 &+ 1_013_904_223; return UInt8(truncatingIfNeeded: seed >> 24) }
        let y = (0..<(w * h)).map { _ in next() }, u = (0..<(w * h / 4)).map { _ in next() }, v = (0..<(w * h / 4)).map { _ in next() }
        let i420 = y + u + v
        let nv12 = y + zip(u, v).flatMap { [$0, $1] }
        var yuyv: [UInt8] = []
        for row in 0..<h { for x in stride(from: 0, to: w, by: 2) {
            let c = (row / 2) * (w / 2) + x / 2
            yuyv += [y[row * w + x], u[c], y[row * w + x + 1], v[c]]
        } }
        func rgb(_ fourcc: UInt32, _ frame: [UInt8]) -> [UInt8] {
            var out = [UInt8](repeating: 0, count: w * h * 3)
            var message = [CChar](repeating: 0, count: 256)
            #expect(es_frame_to_rgb(fourcc, frame, frame.count, UInt32(w), UInt32(h), 0, 0, &out, &message) == 0)
            #expect(frame.count == es_frame_size(fourcc, UInt32(w), UInt32(h)))
            return out
        }
        let reference = rgb(ES_FOURCC_I420, i420)
        #expect(rgb(ES_FOURCC_NV12, nv12) == reference)
        #expect(rgb(ES_FOURCC_YUYV, yuyv) == reference)
        let gray = rgb(ES_FOURCC_I420, [16, 235, 16, 235] + [UInt8](repeating: 16, count: 20) + [UInt8](repeating: 128, count: 12))
        #expect(Array(gray[0..<12]) == [0, 0, 0, 255, 255, 255, 0, 0, 0, 255, 255, 255])
        var message = [CChar](repeating: 0, count: 256)
        var out = [UInt8](repeating: 0, count: w * h * 3)
        #expect(es_frame_to_rgb(ES_FOURCC_I420, i420, i420.count - 1, UInt32(w), UInt32(h), 0, 0, &out, &message) == -1)
        #expect(message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }.contains("I420 frame has 35 bytes, its size needs 36"))
    }

    /// JPEG is lossy: decoded pixels must be close to the source, not equal (quality 95; the 4:2:0 chroma
    /// subsampling costs a few levels on this fixture's strong colour gradients).
    @Test(arguments: ["baseline", "progressive"])
    func colourJPEGDecodes(name: String) throws {
        let image = try loadImage(path: Self.fixture("jpeg-\(name).jpg"))
        let source = try Self.bytes("jpeg-source.rgb")
        #expect(image.width == 16 && image.height == 16)
        let worst = zip(image.pixels, source).map { abs(Int($0) - Int($1)) }.max() ?? 255
        #expect(worst <= 10, "\(name): max difference \(worst)")
    }

    @Test func grayJPEGDecodesToEqualChannels() throws {
        let image = try loadImage(path: Self.fixture("jpeg-gray.jpg"))
        let source = try Self.bytes("jpeg-source.rgb")
        #expect(image.width == 16 && image.height == 16)
        var worst = 0
        for p in 0..<(16 * 16) {
            let (r, g, b) = (image.pixels[3 * p], image.pixels[3 * p + 1], image.pixels[3 * p + 2])
            #expect(r == g && g == b)
            let luma = 0.299 * Double(source[3 * p]) + 0.587 * Double(source[3 * p + 1]) + 0.114 * Double(source[3 * p + 2])
            worst = max(worst, Int(abs(Double(r) - luma).rounded()))
        }
        #expect(worst <= 4, "max difference from the source's luma \(worst)")
    }

    @Test(arguments: [("ADE_val_00000001.jpg", 683, 512), ("ADE_val_00000002.jpg", 500, 364), ("ADE_val_00000003.jpg", 400, 300)])
    func adeJPEGsDecode(name: String, width: Int, height: Int) throws {
        let image = try loadImage(path: SharedAssets.path("assets/ade20k/images/" + name))
        #expect(image.width == width && image.height == height)
        #expect(Set(image.pixels).count > 100, "a photograph has many levels")
    }

    // MARK: encoding

    @Test func rgbPNGRoundTrip() throws {
        let dir = SharedAssets.scratchDirectory()
        let (w, h) = (13, 9)
        let pixels = (0..<(w * h * 3)).map { UInt8(truncatingIfNeeded: $0 * 7919 + ($0 >> 3) * 31) }
        let image = RGBImage(width: w, height: h, pixels: pixels)
        try savePNG(image, path: dir + "/rgb.png")
        #expect(try loadImage(path: dir + "/rgb.png") == image)
    }

    @Test func grayPNGRoundTrip() throws {
        let dir = SharedAssets.scratchDirectory()
        let values = (0..<(11 * 6)).map { UInt8(truncatingIfNeeded: $0 * 37) }
        try savePNG(gray: values, width: 11, height: 6, path: dir + "/gray.png")
        let label = try loadLabelImage(path: dir + "/gray.png")
        #expect(label.width == 11 && label.height == 6 && label.values == values)
        #expect(try loadImage(path: dir + "/gray.png").pixels == values.flatMap { [$0, $0, $0] })
    }

    /// A mask keeps its class indices, including one past the palette (CamVid's ignore label 11), and shows
    /// each class in its palette colour.
    @Test func paletteMaskRoundTrip() throws {
        let dir = SharedAssets.scratchDirectory()
        let (w, h) = (12, 4)
        let indices = (0..<(w * h)).map { UInt8($0 % 12) }
        try savePNG(classIndices: indices, width: w, height: h, palette: .camVid, path: dir + "/mask.png")
        let label = try loadLabelImage(path: dir + "/mask.png")
        #expect(label.values == indices)
        let shown = try loadImage(path: dir + "/mask.png")
        for (p, index) in indices.enumerated() {
            let c = Palette.camVid.color(of: Int(index)) ?? RGBColor(r: 0, g: 0, b: 0)
            #expect(Array(shown.pixels[3 * p..<3 * p + 3]) == [c.r, c.g, c.b])
        }
    }

    @Test func savePNGRefusesWrongSizesAndBadFolders() {
        let dir = SharedAssets.scratchDirectory()
        let short = expectError { try savePNG(gray: [1, 2, 3], width: 2, height: 2, path: dir + "/x.png") }
        #expect(short?.kind == .usage && short?.message.contains("2x2") == true)
        let image = RGBImage(width: 1, height: 1, pixels: [1, 2, 3])
        let missing = expectError { try savePNG(image, path: dir + "/no/such/folder/x.png") }
        #expect(missing?.kind == .io && missing?.message.contains("no/such/folder") == true)
        let palette = Palette.distinct(count: 300)
        let big = expectError { try savePNG(classIndices: [0], width: 1, height: 1, palette: palette, path: dir + "/m.png") }
        #expect(big?.kind == .usage && big?.message.contains("256") == true)
    }

    // MARK: bad inputs

    @Test func badFilesGiveClearErrors() throws {
        let dir = SharedAssets.scratchDirectory()
        let png = try Self.bytes("rgb8.png")
        let jpeg = try Self.bytes("jpeg-baseline.jpg")
        var badCRC = png  // the IDAT chunk's data intact, its CRC (after the data) wrong
        let idat = try #require(Data(png).range(of: Data("IDAT".utf8)))
        let length = png[(idat.lowerBound - 4)..<idat.lowerBound].reduce(0) { $0 << 8 | Int($1) }
        badCRC[idat.upperBound + length] ^= 0x55
        let cases: [(String, [UInt8], EdgeSegError.Kind, String)] = [
            ("text.png", Array("hello, not an image\n".utf8), .image, "not a PNG or JPEG image"),
            ("empty.png", [], .image, "empty file"),
            ("truncated.png", Array(png[0..<(png.count / 2)]), .image, "truncated"),
            ("signature-only.png", Array(png[0..<6]), .image, "truncated"),
            ("bad-crc.png", badCRC, .image, "CRC error"),
            ("truncated.jpg", Array(jpeg[0..<(jpeg.count * 2 / 3)]), .image, "truncated"),
            ("headless.jpg", Array(jpeg[0..<3]) + [0xD9, 0, 0, 0], .image, "cannot decode JPEG"),
        ]
        for (name, bytes, kind, words) in cases {
            let path = try write(bytes, name, in: dir)
            let error = expectError { _ = try loadImage(path: path) }
            #expect(error?.kind == kind, "\(name)")
            #expect(error?.message.contains(path) == true && error?.message.contains(words) == true,
                    "\(name): \(String(describing: error))")
        }
        let missing = expectError { _ = try loadImage(path: dir + "/missing.png") }
        #expect(missing?.kind == .io && missing?.message.contains("missing.png") == true)
        let gray = try Self.bytes("gray8.png")
        let truncatedLabel = try write(Array(gray[0..<(gray.count - 20)]), "truncated-label.png", in: dir)
        let label = expectError { _ = try loadLabelImage(path: truncatedLabel) }
        #expect(label?.message.contains("truncated") == true, "\(String(describing: label))")
    }

    // MARK: palette and overlay

    @Test func paletteColours() {
        #expect(Palette(classCount: 11) == .camVid)
        #expect(Palette.camVid.colors.count == 11)
        for count in [2, 19, 150, 256] {
            let palette = Palette(classCount: count)
            #expect(palette.colors.count == count)
            #expect(Set(palette.colors.map { Int($0.r) << 16 | Int($0.g) << 8 | Int($0.b) }).count == count, "\(count) classes")
            #expect(palette == Palette(classCount: count))
        }
        #expect(Palette.distinct(count: 3).colors == [RGBColor(r: 0, g: 0, b: 0), RGBColor(r: 128, g: 0, b: 0), RGBColor(r: 0, g: 128, b: 0)])
        #expect(Palette.camVid.color(of: 11) == nil && Palette.camVid.color(of: -1) == nil)
    }

    @Test func overlayBlendsClassColours() throws {
        let image = RGBImage(width: 3, height: 1, pixels: [100, 50, 200, 0, 0, 0, 255, 255, 255])
        let palette = Palette(colors: [RGBColor(r: 128, g: 0, b: 0), RGBColor(r: 0, g: 255, b: 0)])
        let half = try overlay(image, classIndices: [0, 1, 7], palette: palette)
        #expect(half.pixels == [114, 25, 100, 0, 128, 0, 255, 255, 255])
        let quarter = try overlay(image, classIndices: [0, 1, 7], palette: palette, alpha: 0.25)
        #expect(quarter.pixels == [107, 38, 150, 0, 64, 0, 255, 255, 255])
        let wrong = expectError { _ = try overlay(image, classIndices: [0, 1], palette: palette) }
        #expect(wrong?.kind == .usage)
    }
}
