import CEdgeSeg
import Foundation
import Testing

/// `es_jpeg_frame_length`, which splits an MJPEG pipe (concatenated JPEG files) into frames by walking markers.
@Suite struct JPEGStreamTests {
    static let jpeg: [UInt8] = {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/images/jpeg-baseline.jpg")
        return [UInt8]((try? Data(contentsOf: path)) ?? Data())
    }()

    private func length(_ bytes: [UInt8]) -> Int { Int(es_jpeg_frame_length(bytes, bytes.count)) }

    @Test func aWholeFileIsOneFrameAndItsStartIsNotYetOne() {
        let file = Self.jpeg
        #expect(file.count > 100)
        #expect(length(file) == file.count)
        #expect(length(file + file) == file.count, "the next file does not belong to this frame")
        for cut in [1, 2, 20, file.count / 2, file.count - 1] {
            #expect(length(Array(file[0..<cut])) == 0, "\(cut) bytes: not complete yet")
        }
    }

    /// An APP segment holding FF D9 (an EXIF thumbnail's end) is skipped by its length: the frame goes on.
    @Test func anEndMarkerInsideASegmentDoesNotEndTheFrame() {
        let app: [UInt8] = [0xFF, 0xE1, 0x00, 0x08, 0xFF, 0xD8, 0xFF, 0xD9, 0x00, 0x00]
        let file = Array(Self.jpeg[0..<2]) + app + Array(Self.jpeg[2...])
        #expect(length(file) == file.count)
    }

    /// Garbage before a frame, and a frame cut short by the next one's SOI (anywhere: in its headers, in its scan)
    /// are skipped up to the next frame's start, which is then a whole frame.
    @Test func garbageAndCutFramesAreSkippedToTheNextStart() {
        let file = Self.jpeg
        #expect(length(Array("junk".utf8) + file) == -4)
        for cutAt in [3, 20, 100, file.count / 2, file.count - 3] {
            let cut = Array(file[0..<cutAt])
            #expect(length(cut + file) == -cut.count, "cut at \(cutAt)")
            #expect(length(file) == file.count)
        }
        #expect(length(Array("junk".utf8)) == -2, "no start in sight: all but the last two bytes")
        #expect(length([0xFF, 0xD8]) == 0, "two bytes: read more")
    }
}
