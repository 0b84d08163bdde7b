import EdgeSegRuntime
import Foundation
import TestSupport
import Testing

/// PNGs encoded to memory: what the file-saving functions write, and what the decoders read back.
@Suite struct PNGEncodingTests {
    @Test func encodedBytesAreTheSavedFileAndDecodeBack() throws {
        let dir = SharedAssets.scratchDirectory()
        let image = RGBImage(width: 3, height: 2, pixels: (0..<18).map { UInt8($0 * 13) })
        let bytes = try encodePNG(image)
        #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        try savePNG(image, path: dir + "/rgb.png")
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/rgb.png"))) == bytes)
        #expect(try loadImage(path: dir + "/rgb.png") == image)

        let classes: [UInt8] = [0, 1, 2, 10, 3, 4]
        let mask = try encodePNG(classIndices: classes, width: 3, height: 2, palette: .camVid)
        try Data(mask).write(to: URL(fileURLWithPath: dir + "/mask.png"))
        #expect(try loadLabelImage(path: dir + "/mask.png").values == classes)
        // The palette colours the pixels for a viewer.
        #expect(Array(try loadImage(path: dir + "/mask.png").pixels[9..<12]) == [0, 128, 192])
    }

    @Test func wrongPixelCountNamesTheSource() throws {
        do {
            _ = try encodePNG(gray: [1, 2, 3], width: 2, height: 2, source: "thumb")
            Issue.record("3 bytes encoded as a 2x2 image")
        } catch {
            #expect(error.message.hasPrefix("thumb:"), "\(error.message)")
        }
    }
}
