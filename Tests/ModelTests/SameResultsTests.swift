import EdgeSegImport
import EdgeSegQuantize
import EdgeSegRuntime
import Foundation
import TestSupport
import Testing

/// Same results through restructurings: the int8 logits of the 100 CamVid eval frames at native size, from the
/// percentile model and a mixed-precision one, and the fp32 reference forward's class maps, against SHA-256
/// hashes of files made with the code before issue 13's restructuring (`edgeseg calibrate --method percentile`
/// on the calib frames, `quantize`, `quantize --keep-float` the four points below, `segment --logits` for the
/// int8 models, `segment` on the Hugging Face folder for fp32). Any change to the integer arithmetic, or to a
/// class the fp32 forward picks, fails here and needs a deliberate update of these hashes.
/// EDGESEG_SAME_RESULTS_BASELINE=DIR (such a run's folder: pct/NAME.eslg, mixed/NAME.eslg, fp32/NAME.png)
/// also checks the stored hashes against its files.
@Suite struct SameResultsTests {
    struct Expected {
        /// All 100 frames' logits files (ESLG records, as `segment --logits` writes them) in name order:
        /// `cat pct/*.eslg | sha256sum`.
        var all: String
        /// Single frames, so a failure names one.
        var frames: [String: String]
    }

    static let percentile = Expected(all: "42b5efd3f5ba3992f0240eb96ab047fb1d5c54c38beeb30c4e84db256bb4c49d", frames: [
        "0001TP_008550": "3a9240c24b20c639567c298f1019bc4a7ad2c3df3e415aa31e019ff898929b99",
        "0001TP_009660": "159031e188d92a846304c517eae505ad66dba2e9a4f4407ccf1833a665586f89",
        "Seq05VD_f01110": "de6a3971258358f65e3bc5ec66cb579ce53bb73db19e407936207a60aecfe63c",
    ])
    static let mixed = Expected(all: "a004695de4cb10380365bcd2b26a894198f0ae948eaf817e3bdf63e593a680cd", frames: [
        "0001TP_008550": "fa7c6522c7c38f673d8a777b0369d4bc2679a3f8787359cd239a66afe53750e0",
        "0001TP_009660": "2f4b0178e277502fb0b63a1d232148f8d21d9b829be282232dd03fc02d090fce",
        "Seq05VD_f01110": "ddc827d46204c14131e224556b41f645c354cbe253a218d12da0a2e4fba5e045",
    ])
    /// The fp32 class maps (one byte per pixel, row by row) in name order.
    static let floatClassMaps = Expected(all: "4b1f8f9cd29fa0d52c976bf4a5b2b1131c4f2bdecae0d8e8e025e9099f8bd66a", frames: [
        "0001TP_008550": "bbd0d5de412b9a3e1a45720f328e234878bffede3d2d386830c714070108d6e4",
        "0001TP_009660": "f26faa670c97c16b8b421c0e140564acfe3ca203de9db88c072ae5da165f4c22",
        "Seq05VD_f01110": "04531710584265e5bc9f277e534b483b12108c627c580ae1d1bcd07db804dc58",
    ])
    static let keptInFloat = ["stage1.patch_embedding", "stage2.block1.gelu", "decoder.stage1", "stage3.block1.context"]

    static let frameNames: [String] = {
        let dir = SharedAssets.path("assets/camvid/eval/images")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return files.filter { $0.hasSuffix(".png") }.map { String($0.dropLast(4)) }.sorted()
    }()

    static func image(_ name: String) -> String { SharedAssets.path("assets/camvid/eval/images/\(name).png") }

    /// Hashes each frame's bytes and all of them in order, and checks both against `expected`.
    static func expectHashes(_ what: String, _ expected: Expected, _ bytesOf: (String) throws -> [UInt8],
                             sourceLocation: SourceLocation = #_sourceLocation) rethrows {
        var all = SHA256()
        var frames: [String: String] = [:]
        for name in frameNames {
            let bytes = try bytesOf(name)
            all.update(bytes)
            frames[name] = SHA256.hex(bytes)
        }
        for (name, hash) in expected.frames.sorted(by: { $0.key < $1.key }) {
            #expect(frames[name] == hash, "\(what): frame \(name)", sourceLocation: sourceLocation)
        }
        #expect(all.hex() == expected.all, "\(what): all \(frameNames.count) frames", sourceLocation: sourceLocation)
    }

    @Test func int8LogitsAndFloatClassMapsAreUnchanged() throws {
        try #require(Self.frameNames.count == 100)
        let calibration = try CamVidAccuracyTests.percentileCalibration.get()
        let checkpoint = try loadHuggingFaceCheckpoint(directory: SharedAssets.camvidModel)
        let scratch = SharedAssets.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        for (what, keepFloat, expected) in [("percentile int8 logits", [String](), Self.percentile),
                                            ("mixed-precision int8 logits", Self.keptInFloat, Self.mixed)] {
            let path = scratch + "/model.edgeseg"
            try Int8Quantizer.quantize(checkpoint, activations: calibration.activationParameters, keepFloat: keepFloat).write(to: path)
            let model = try SegFormerModel(path: path)
            try Self.expectHashes(what, expected) { name in
                let picture = try loadImage(path: Self.image(name))
                let session = try Session(model: model, height: picture.height, width: picture.width)
                try session.run(image: picture)
                return model.logitsRecord(session.logits.copy()).encoded
            }
        }
        // As `segment` runs a Hugging Face folder: the reference decoder at the picture's size.
        let float = try FloatSegFormer(checkpoint)
        try Self.expectHashes("fp32 class maps", Self.floatClassMaps) { name in
            let picture = try loadImage(path: Self.image(name))
            return classMap(logits: try float.forward(try preprocess(picture)).logits, height: picture.height, width: picture.width)
        }
    }

    /// The stored hashes are those of the baseline files, when a baseline folder is given.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["EDGESEG_SAME_RESULTS_BASELINE"] != nil,
                   "needs EDGESEG_SAME_RESULTS_BASELINE=DIR, a folder of baseline files"))
    func storedHashesAreTheBaselineFiles() throws {
        let dir = ProcessInfo.processInfo.environment["EDGESEG_SAME_RESULTS_BASELINE"]!
        func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }
        try Self.expectHashes("baseline percentile logits", Self.percentile) { try bytes("\(dir)/pct/\($0).eslg") }
        try Self.expectHashes("baseline mixed-precision logits", Self.mixed) { try bytes("\(dir)/mixed/\($0).eslg") }
        try Self.expectHashes("baseline fp32 class maps", Self.floatClassMaps) { try loadLabelImage(path: "\(dir)/fp32/\($0).png").values }
    }
}
