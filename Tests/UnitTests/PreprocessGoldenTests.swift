import EdgeSegImport
import EdgeSegRuntime
import Foundation
import TestSupport
import Testing

/// The canonical preprocessing against `pixel_values` in the PyTorch reference files.
@Suite struct PreprocessGoldenTests {
    static let camvidReferences: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: SharedAssets.reference)) ?? []
        return names.filter { $0.hasPrefix("camvid-") && $0.hasSuffix(".safetensors") }.sorted()
    }()

    @Test func referencesArePresent() {
        #expect(Self.camvidReferences.contains { $0.hasSuffix("-native.safetensors") })
        #expect(Self.camvidReferences.contains { $0.hasSuffix("-512x512.safetensors") })
    }

    @Test(arguments: camvidReferences)
    func camvidPixelValues(reference: String) throws {
        let error = try preprocessingError(reference: reference, imageFolder: "assets/camvid/eval/images")
        #expect(error <= 1e-5, "\(reference): max abs error \(error)")
    }

    /// The ADE20K image is a JPEG (decoded by PIL for the reference) and is shrunk in width (683 → 512), still
    /// without antialias. Measured here: 7.2e-7, so libjpeg-turbo's decode matches PIL's.
    @Test func adeJPEGPixelValues() throws {
        let reference = "ade-layout-random-ADE_val_00000001-512x512.safetensors"
        let error = try preprocessingError(reference: reference, imageFolder: "assets/ade20k/images")
        #expect(error <= 1e-5, "\(reference): max abs error \(error)")
    }

    /// Preprocesses the image the reference names at the size it names and returns the max abs difference.
    private func preprocessingError(reference: String, imageFolder: String) throws -> Float {
        let file = try SafeTensorsFile(path: SharedAssets.reference + "/" + reference)
        let expected = try file.floatTensor("pixel_values")
        let image = try #require(file.metadata["image"], "\(reference) names no image")
        let size = try #require(file.metadata["size"], "\(reference) names no size")
        var asked: ImageSize? = nil
        if size != "native" {
            // The reference files name sizes height first, as PyTorch does.
            let parts = size.split(separator: "x").compactMap { Int($0) }
            try #require(parts.count == 2, "\(reference): size \(size)")
            asked = ImageSize(width: parts[1], height: parts[0])
        }
        let actual = try preprocessImage(path: SharedAssets.path(imageFolder + "/" + image), size: asked)
        try #require(actual.shape == expected.shape, "\(reference): shape \(actual.shape) vs \(expected.shape)")
        var worst: Float = 0
        for (a, b) in zip(actual.data, expected.data) { worst = max(worst, abs(a - b)) }
        return worst
    }
}
