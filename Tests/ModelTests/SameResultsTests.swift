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
/// class the fp32 forward picks, fails here and needs a deliberate update of these hashes. The int8 hashes were
/// updated once since, by issue 19: its histograms on a power-of-two grid (exact sharded merges) moved the
/// percentile scales by up to 0.06 %; the fp32 hashes are those of issue 13's baseline.
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

    static let percentile = Expected(all: "5134a72a7a2c32800f5c88ca5042ef6ec15ba90861918cc9a14dc7bdd5b147e8", frames: [
        "0001TP_008550": "efb831dfa8bccaf5eeadf49a57022a5759022bbcdf7a8a87084260ee3437de19",
        "0001TP_009660": "c31f3ac08a5e96efbc0bfa536dee2b97303a41000ab81139e6634edfdefbb2ba",
        "Seq05VD_f01110": "865a7f2a9f52487fbee1af8690c020d45f5d885dafafd0b0542679530ba09e3b",
    ])
    static let mixed = Expected(all: "7f98c5c2ee835498f2fc2309fd566bae73846c0de369f29d11842cc8fce17476", frames: [
        "0001TP_008550": "862affcdec863a9c225794490426b08bbc1a6422ba55aa145e338086fd57ea1e",
        "0001TP_009660": "e037db7fc76ea06b61a2366523942ebd0217cb334cdfde1cb16267d4c8f17c51",
        "Seq05VD_f01110": "30cd974394b9a7bbcf407a0a7e4d28673961fd83eca8767c1dce6748dfd93828",
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
