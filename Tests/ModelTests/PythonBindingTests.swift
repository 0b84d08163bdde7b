import EdgeSegRuntime
import Foundation
import TestSupport
import Testing

/// The Python module (python/edgeseg, ctypes over libedgeseg-shared.so) through its example
/// python/examples/segment_image.py: on an image file and on a numpy array (an I420 frame saved with np.save as
/// picamera2 hands them out), the class maps are `segment`'s.
@Suite struct PythonBindingTests {
    static let root = SharedAssets.projectRoot.path

    @Test func exampleOnAnImageFileMatchesSegment() throws {
        let dir = SharedAssets.scratchDirectory()
        let image = SharedAssets.threeFrames[1]
        let run = try runExample(["--input", image, "--output", dir + "/classes.npy"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains(" %"), "\(run.stdout)")
        try expectSegmentsMask(image, try readNPY(dir + "/classes.npy", shape: [360, 480]))
    }

    @Test func exampleOnANumpyArrayMatchesSegment() throws {
        let dir = SharedAssets.scratchDirectory()
        let size = ImageSize(width: 480, height: 360)
        let frame = rawFrame(try loadImage(path: SharedAssets.threeFrames[2]), format: "i420")
        try writeNPY(frame, shape: [540, 480], to: dir + "/frame.npy")
        let run = try runExample(["--input", dir + "/frame.npy", "--format", "i420", "--output", dir + "/classes.npy"])
        #expect(run.status == 0, "\(run.stderr)")
        try savePNG(try rgbPicture(of: frame, format: "i420", size: size), path: dir + "/picture.png")
        try expectSegmentsMask(dir + "/picture.png", try readNPY(dir + "/classes.npy", shape: [360, 480]))
    }

    /// A missing model is a Python exception naming the file.
    @Test func missingModelRaisesWithTheFileName() throws {
        let run = try runExample(["--input", SharedAssets.threeFrames[0]], model: "/nonexistent/m.edgeseg")
        #expect(run.status != 0)
        #expect(run.stderr.contains("edgeseg.EdgeSegError: /nonexistent/m.edgeseg: cannot open"), "\(run.stderr)")
    }

    /// The example with the small int8 model at 128x96, the module from python/ and the library beside `edgeseg`.
    private func runExample(_ arguments: [String], model: String? = nil) throws -> ProcessResult {
        try requireTool("python3", package: "python3")
        let numpy = try runProcess(["python3", "-c", "import numpy"])
        try #require(numpy.status == 0, "python3 has no numpy: apt-get install python3-numpy")
        let library = URL(fileURLWithPath: edgeSegExecutable()).deletingLastPathComponent().path + "/libedgeseg-shared.so"
        return try runProcess(["python3", Self.root + "/python/examples/segment_image.py", "--model", try model ?? SmallModel.path,
                               "--size", "128x96"] + arguments,
                              environment: ["PYTHONPATH": Self.root + "/python", "EDGESEG_LIBRARY": library])
    }

    private func expectSegmentsMask(_ picture: String, _ classes: [UInt8]) throws {
        let reference = SharedAssets.scratchDirectory() + "/mask.png"
        let segment = try runEdgeSeg(["segment", "--model", try SmallModel.path, "--input", picture, "--size", "128x96",
                                      "--output", reference])
        #expect(segment.status == 0, "\(segment.stderr)")
        #expect(classes == (try loadLabelImage(path: reference)).values, "\(picture): the Python class map differs from segment's")
    }
}

/// A uint8 array in NumPy's .npy format (version 1.0: magic, header length, the header dict padded to 64 bytes).
private func writeNPY(_ values: [UInt8], shape: [Int], to path: String) throws {
    var header = "{'descr': '|u1', 'fortran_order': False, 'shape': (\(shape.map(String.init).joined(separator: ", ")),), }"
    while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
    header += "\n"
    let length = UInt16(header.utf8.count)
    let bytes = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xff), UInt8(length >> 8)] + Array(header.utf8) + values
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

/// The values of a uint8 .npy array of `shape` (its header checked for that dtype and shape).
private func readNPY(_ path: String, shape: [Int]) throws -> [UInt8] {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    try #require(bytes.count > 10 && bytes[1...5].elementsEqual("NUMPY".utf8), "\(path): not an .npy file")
    let length = Int(bytes[8]) | Int(bytes[9]) << 8
    let header = String(decoding: bytes[10..<(10 + length)], as: UTF8.self)
    #expect(header.contains("'|u1'") && header.contains("(\(shape.map(String.init).joined(separator: ", ")))"), "\(path): \(header)")
    return Array(bytes[(10 + length)...])
}
