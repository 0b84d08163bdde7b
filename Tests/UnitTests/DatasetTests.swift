import EdgeSegEval
import EdgeSegRuntime
import Foundation
import TestSupport
import Testing

/// Labeled data sets: layouts, detection, label mapping and the errors for missing or mismatched labels.
@Suite struct DatasetTests {
    /// A data set folder with images/ and labels/ made of tiny gray images; `labels` maps a name to its
    /// stored label values (all images are `width`×2).
    func makeDataset(images: [String], labels: [String: [UInt8]], width: Int = 4) throws -> String {
        let dir = SharedAssets.scratchDirectory()
        for sub in ["images", "labels"] {
            try FileManager.default.createDirectory(atPath: dir + "/" + sub, withIntermediateDirectories: true)
        }
        for image in images {
            try savePNG(RGBImage(width: width, height: 2, pixels: [UInt8](repeating: 90, count: width * 6)),
                        path: dir + "/images/" + image)
        }
        for (name, values) in labels {
            try savePNG(gray: values, width: values.count / 2, height: 2, path: dir + "/labels/\(name).png")
        }
        return dir
    }

    @Test func ade20kLabelsAreShiftedAndZeroIsIgnored() throws {
        // Stored labels (4×2): [0, 1, 2, 150, 1, 1, 0, 3] → classes [ign, 0, 1, 149, 0, 0, ign, 2].
        // Predictions            [5, 0, 1, 149, 0, 1, 7, 2] (5 and 7 fall on ignored pixels).
        // Class 0: TP 2 (pixels 1, 4), labelled 3, predicted 2 → union 3 → IoU 66.67 %.
        // Class 1: TP 1 (pixel 2), labelled 1, predicted 2 (pixels 2, 5) → union 2 → IoU 50 %.
        // Classes 2 and 149: 1 of 1 → 100 %. Classes 5 and 7 are only predicted at ignored pixels → no IoU.
        // mIoU = (66.67 + 50 + 100 + 100) / 4 = 79.17 %; pixel accuracy 5 of 6 = 83.33 %.
        let dir = try makeDataset(images: ["scene.png"], labels: ["scene": [0, 1, 2, 150, 1, 1, 0, 3]])
        let data = try LabeledDataset(directory: dir, layout: .ade20k)
        #expect(data.samples.count == 1 && data.samples[0].name == "scene")
        #expect(!data.layoutWasDetected)
        let labels = try data.loadLabel(data.samples[0], width: 4, height: 2)
        #expect(labels == [255, 0, 1, 149, 0, 0, 255, 2])

        var matrix = try ConfusionMatrix(classCount: 150, ignoredLabels: [data.ignoreLabel!])
        try matrix.add(predictions: [5, 0, 1, 149, 0, 1, 7, 2], labels: labels)
        #expect(abs(matrix.iou(ofClass: 0)! - 200.0 / 3) < 1e-9)
        #expect(matrix.iou(ofClass: 1) == 50)
        #expect(matrix.iou(ofClass: 5) == nil && matrix.iou(ofClass: 7) == nil)
        #expect(abs(matrix.meanIoU! - (200.0 / 3 + 250) / 4) < 1e-9)
        #expect(abs(matrix.pixelAccuracy! - 500.0 / 6) < 1e-9)

        #expect(throws: EdgeSegError.self) { _ = try LabeledDataset(directory: dir, layout: .ade20k, ignoreLabel: 11) }
    }

    @Test func imagesAndLabelsFoldersAreDetectedAsCamVid() throws {
        let dir = try makeDataset(images: ["b.png", "a.png", "notes.txt"], labels: ["a": [0, 1, 11, 2, 3, 4, 5, 6], "b": [Int](0..<8).map { UInt8($0) }])
        let data = try LabeledDataset(directory: dir)
        #expect(data.layout == .camvid && data.layoutWasDetected)
        #expect(data.ignoreLabel == 11)
        #expect(data.samples.map(\.name) == ["a", "b"])
        #expect(data.samples[0].labelPath == dir + "/labels/a.png")
        #expect(data.summary.contains("detected"))
        // CamVid labels are class indices as stored.
        #expect(try data.loadLabel(data.samples[0], width: 4, height: 2) == [0, 1, 11, 2, 3, 4, 5, 6])
        #expect(try LabeledDataset(directory: dir, ignoreLabel: 255).ignoreLabel == 255)
    }

    @Test func aMissingLabelNamesTheImage() throws {
        let dir = try makeDataset(images: ["a.png", "b.png"], labels: ["a": [UInt8](repeating: 1, count: 8)])
        let error = #expect(throws: EdgeSegError.self) { _ = try LabeledDataset(directory: dir, layout: .camvid) }
        #expect(error?.message.contains(dir + "/images/b.png") == true)
        #expect(error?.message.contains("labels/b.png") == true)
    }

    @Test func aLabelOfAnotherSizeIsAClearError() throws {
        let dir = try makeDataset(images: ["a.png"], labels: ["a": [UInt8](repeating: 1, count: 6)])  // 3×2
        let data = try LabeledDataset(directory: dir)
        let error = #expect(throws: EdgeSegError.self) { _ = try data.loadLabel(data.samples[0], width: 4, height: 2) }
        #expect(error?.message.contains("3x2") == true && error?.message.contains("4x2") == true)
    }

    @Test func aFolderOfImagesHasNoLabels() throws {
        let dir = SharedAssets.scratchDirectory()
        try savePNG(RGBImage(width: 1, height: 1, pixels: [1, 2, 3]), path: dir + "/frame.png")
        let data = try LabeledDataset(directory: dir)
        #expect(data.layout == .none && data.layoutWasDetected)
        #expect(data.samples == [LabeledDataset.Sample(name: "frame", imagePath: dir + "/frame.png", labelPath: nil)])
        #expect(data.ignoreLabel == nil)
        #expect(throws: EdgeSegError.self) { _ = try data.loadLabel(data.samples[0], width: 1, height: 1) }
        #expect(throws: EdgeSegError.self) { _ = try LabeledDataset(directory: dir, ignoreLabel: 11) }
        // Asked for labels that are not there.
        #expect(throws: EdgeSegError.self) { _ = try LabeledDataset(directory: dir, layout: .camvid) }
        #expect(throws: EdgeSegError.self) { _ = try LabeledDataset(directory: dir + "/nothing") }
    }

    @Test func camVidEvalSetEnumerates() throws {
        let data = try LabeledDataset(directory: SharedAssets.path("assets/camvid/eval"))
        #expect(data.layout == .camvid && data.samples.count == 100)
        var highest: UInt8 = 0
        var ignored = 0
        for sample in data.samples {
            #expect(sample.imagePath.hasSuffix("/images/\(sample.name).png"))
            let image = try loadImage(path: sample.imagePath)
            let labels = try data.loadLabel(sample, width: image.width, height: image.height)
            highest = max(highest, labels.max()!)
            ignored += labels.filter { $0 == 11 }.count
        }
        #expect(highest == 11)
        #expect(ignored > 0)
    }

    @Test func ade20kSamplesEnumerate() throws {
        let data = try LabeledDataset(directory: SharedAssets.path("assets/ade20k"), layout: .ade20k)
        #expect(data.samples.map(\.name) == ["ADE_val_00000001", "ADE_val_00000002", "ADE_val_00000003"])
        for sample in data.samples {
            let stored = try loadLabelImage(path: sample.labelPath!)
            #expect(stored.values.max()! <= 150)
            let labels = try data.loadLabel(sample, width: stored.width, height: stored.height)
            #expect(zip(stored.values, labels).allSatisfy { $0 == 0 ? $1 == 255 : $1 == $0 - 1 })
            #expect(stored.values.contains(0))
        }
    }
}
