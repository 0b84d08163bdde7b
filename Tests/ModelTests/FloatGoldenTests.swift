import EdgeSegImport
import EdgeSegRuntime
import Foundation
import TestSupport
import Testing

/// The fp32 forward against PyTorch + `transformers` golden tensors in ../shared/reference: every stage and
/// README's bounds: the logits within 2e-6 of the tensor's largest magnitude, every stage within 3e-6 (measured up
/// to 1.22e-6 and 1.86e-6), logits argmax agreeing on ≥ 99.99 % of pixels.
@Suite struct FloatGoldenTests {
    static let goldenFiles: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: SharedAssets.reference)) ?? []
        return names.filter { $0.hasSuffix(".safetensors") }.sorted()
    }()

    static func modelDirectory(for golden: SafeTensorsFile) -> String {
        SharedAssets.path("assets/models/\(golden.metadata["model"] ?? "")")
    }

    @Test func everyGoldenFileIsCovered() {
        // 3 CamVid images × (native, 512x512) + the 150-class ADE-layout model.
        #expect(Self.goldenFiles.count == 7)
        #expect(Self.goldenFiles.contains { $0.hasPrefix("ade-layout") })
        #expect(Self.goldenFiles.contains { $0.hasSuffix("-native.safetensors") })
    }

    /// Both decoder forms: as `transformers` computes it, and folded (as the int8 model runs it).
    @Test(arguments: goldenFiles, [FloatSegFormer.DecoderForm.reference, .folded])
    func forwardMatchesTransformers(_ file: String, _ decoder: FloatSegFormer.DecoderForm) throws {
        let golden = try SafeTensorsFile(path: SharedAssets.reference + "/" + file)
        let checkpoint = try loadHuggingFaceCheckpoint(directory: Self.modelDirectory(for: golden))
        let model = try FloatSegFormer(checkpoint, decoder: decoder)
        let output = try model.forward(try golden.floatTensor("pixel_values"))

        var stageErrors: [Float] = []
        for (s, stage) in output.stages.enumerated() {
            let expected = try golden.floatTensor("encoder.stage\(s + 1)")
            let got = stage.chw()
            #expect(got.shape == expected.shape, "\(file) stage \(s + 1)")
            let error = relativeMaxError(got.data, expected.data)
            stageErrors.append(error)
            #expect(error <= 3e-6, "\(file) stage \(s + 1): max abs error / max magnitude = \(error)")
        }
        let expectedLogits = try golden.floatTensor("logits")
        let logits = output.logits.chw()
        #expect(logits.shape == expectedLogits.shape)
        let error = relativeMaxError(logits.data, expectedLogits.data)
        #expect(error <= 2e-6, "\(file) \(decoder) logits: max abs error / max magnitude = \(error)")
        let agreement = argmaxAgreement(output.logits, FeatureMap(chw: expectedLogits))
        print("\(file) \(decoder): logits max error / max magnitude \(error), stages up to \(stageErrors.max() ?? .nan), argmax agreement \(agreement)")
        #expect(agreement >= 0.9999, "\(file): logits argmax agreement \(agreement)")
    }

    /// The observer sees every activation point of the int8 model, once, in forward order, at its size.
    @Test func observerSeesEveryActivationPointInOrder() throws {
        let checkpoint = try loadHuggingFaceCheckpoint(directory: SharedAssets.camvidModel)
        let model = try FloatSegFormer(checkpoint, decoder: .folded)
        nonisolated(unsafe) var seen: [(String, Int)] = []
        _ = try model.forward(FloatTensor(zeros: [3, 64, 96])) { name, values in seen.append((name, values.count)) }
        #expect(seen.map(\.0) == ActivationPoint.all(checkpoint.config))
        let counts = Dictionary(seen, uniquingKeysWith: { a, _ in a })
        #expect(counts["input"] == 3 * 64 * 96)
        #expect(counts["stage1.block1.query"] == 16 * 24 * 32)
        #expect(counts["stage1.block1.key"] == 2 * 3 * 32)          // sr 8: 16×24 → 2×3
        #expect(counts["stage1.block2.dense1"] == 16 * 24 * 128)
        #expect(counts["stage4.block1.key"] == 2 * 3 * 256)         // sr 1: keys from the 2×3 tokens
        #expect(counts["decoder.stage4"] == 2 * 3 * 256)
        #expect(counts["logits"] == 16 * 24 * 11)
    }
}

/// max |a − b| / max |b|.
func relativeMaxError(_ a: [Float], _ b: [Float]) -> Float {
    var maxDiff: Float = 0, maxMagnitude: Float = 0
    for i in b.indices {
        maxDiff = max(maxDiff, abs(a[i] - b[i]))
        maxMagnitude = max(maxMagnitude, abs(b[i]))
    }
    return maxDiff / maxMagnitude
}

/// Fraction of pixels whose argmax over channels is the same in both maps.
func argmaxAgreement(_ a: FeatureMap, _ b: FeatureMap) -> Double {
    let la = argmaxLabels(a), lb = argmaxLabels(b)
    let same = zip(la, lb).filter { $0 == $1 }.count
    return Double(same) / Double(la.count)
}
