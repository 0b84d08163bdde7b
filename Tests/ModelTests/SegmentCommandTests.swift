import EdgeSegImport
import EdgeSegRuntime
import Foundation
import TestSupport
import Testing

/// `edgeseg segment` end to end: the mask it writes against the class map of the golden logits.
@Suite struct SegmentCommandTests {
    /// A Hugging Face folder runs as the planned fp32 model (the folded decoder), whose classes are those of
    /// transformers' logits on this frame.
    @Test func maskEqualsTheGoldenLogitsClassMap() throws {
        let image = SharedAssets.path("assets/camvid/eval/images/0001TP_008550.png")
        let dir = SharedAssets.scratchDirectory()
        let result = try runEdgeSeg(["segment", "--model", SharedAssets.camvidModel, "--input", image,
                                     "--output", dir + "/mask.png", "--overlay", dir + "/overlay.png"])
        #expect(result.status == 0, "\(result.stderr)")

        let mask = try loadLabelImage(path: dir + "/mask.png")
        #expect(mask.width == 480 && mask.height == 360)
        let golden = try SafeTensorsFile(path: SharedAssets.reference + "/camvid-0001TP_008550-native.safetensors")
        let expected = classMap(logits: FeatureMap(chw: try golden.floatTensor("logits")), height: 360, width: 480)
        let differing = zip(mask.values, expected).filter { $0 != $1 }.count
        #expect(differing == 0, "\(differing) of \(expected.count) mask pixels differ from the golden logits' classes")

        // The overlay is the photo with the classes blended in: same size, and not the photo itself.
        let overlay = try loadImage(path: dir + "/overlay.png")
        let photo = try loadImage(path: image)
        #expect(overlay.width == 480 && overlay.height == 360)
        #expect(overlay.pixels != photo.pixels)
        #expect(result.stdout.contains("road"))
    }

    @Test func missingModelIsAClearErrorAndNonZeroExit() throws {
        let result = try runEdgeSeg(["segment", "--model", "/nonexistent/model", "--input", "x.png", "--output", "/tmp/m.png"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("/nonexistent/model"))
        #expect(!result.stderr.contains("Fatal error"))
    }
}
