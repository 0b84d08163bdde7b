import AllocationCounter
import CEdgeSeg
import EdgeSegImport
import EdgeSegRuntime
import Foundation
import HostileInputs
import TestSupport
import Testing

/// Well-formed files with hostile values (the reproducers of issue 15, checksums valid): each is refused with a
/// clear error naming the file, the field and the limit, at once, without allocating anything big. Before the
/// checks they trapped, looped or allocated gigabytes.
@Suite struct HostileInputTests {
    /// No refusal may allocate more than this at once (the small model's file is 3.7 MB, mapped, not copied).
    static let smallAllocation = 16 << 20

    /// Runs `body`, which must throw an EdgeSegError, within a second and without a big allocation; returns the
    /// error's message.
    func refusal(_ what: String, _ body: () throws(EdgeSegError) -> Void) -> String {
        allocation_tracking_begin()
        defer { allocation_tracking_end() }
        let start = Date()
        var message = ""
        allocation_counting(1)
        do throws(EdgeSegError) {
            try body()
        } catch {
            message = error.message
        }
        allocation_counting(0)
        let seconds = Date().timeIntervalSince(start)
        #expect(!message.isEmpty, "\(what): accepted")
        if allocation_counter_active() != 0 {
            #expect(allocation_largest() < Self.smallAllocation, "\(what): allocated \(allocation_largest()) bytes at once")
        } else {
            recordNotRun("\(what): the size of allocations (counting is off under AddressSanitizer)")
        }
        #expect(seconds < 1, "\(what): took \(seconds) s to refuse")
        return message
    }

    func write(_ bytes: [UInt8], _ name: String, _ directory: String) throws -> String {
        let path = directory + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    // MARK: .edgeseg files

    static let block = HubNames.block(0, 0)

    /// (what, metadata path, value, what the error must say) for CRC-valid files with hostile metadata.
    static let metadataCases: [(String, [String], JSONValue, String)] = [
        ("num_channels 2^62", ["config", "num_channels"], .int(1 << 62), "num_channels = 4611686018427387904 is outside 1...65535"),
        ("sr_ratios 2^62", ["config", "sr_ratios", "0"], .int(1 << 62), "sr_ratios[0] = 4611686018427387904 is outside 1...64"),
        ("decoder_hidden_size 2^62", ["config", "decoder_hidden_size"], .int(1 << 62), "decoder_hidden_size = 4611686018427387904 is outside 1...65535"),
        ("negative num_labels", ["config", "num_labels"], .int(-5), "num_labels = -5 is outside 1...65535"),
        ("depths 2^31", ["config", "depths", "1"], .int(1 << 31), "depths[1] = 2147483648 is outside 1...1024"),
    ]

    @Test("CRC-valid .edgeseg files with hostile metadata are refused", arguments: metadataCases.indices)
    func hostileMetadata(_ index: Int) throws {
        let (what, path, value, expected) = Self.metadataCases[index]
        var rewrite = ModelFileRewrite(try ModelFile(path: try SmallModel.path))
        rewrite.setMetadata(path, value)
        let file = try write(try rewrite.encoded(), "hostile.edgeseg", SharedAssets.scratchDirectory("hostile-metadata-\(index)"))
        let message = refusal(what) { () throws(EdgeSegError) in _ = try SegFormerModel(path: file) }
        #expect(message.contains(file) && message.contains(expected), "\(what): \(message)")
    }

    /// (what, tensor, element, value, what the error must say): requantizations outside the kernels' proven ranges.
    static let parameterCases: [(String, String, Int, Int64, String)] = [
        ("softmax multiplier INT_MIN", block.softmaxRequant, 0, Int64(Int32.min), "softmax_requant[0] multiplier = -2147483648 is outside 1...2147483647"),
        ("softmax multiplier 0", block.softmaxRequant, 0, 0, "softmax_requant[0] multiplier = 0 is outside 1...2147483647"),
        ("softmax shift -64", block.softmaxRequant, 1, -64, "softmax_requant[0] shift = -64 is outside 1...62"),
        ("context multiplier INT_MIN", block.contextRequant, 0, Int64(Int32.min), "context_requant[0] multiplier = -2147483648 is outside 1...2147483647"),
        ("context multiplier -1", block.contextRequant, 0, -1, "context_requant[0] multiplier = -1 is outside 1...2147483647"),
        ("context shift 2^30", block.contextRequant, 1, 1 << 30, "context_requant[0] shift = 1073741824 is outside 1...62"),
        ("LayerNorm eps term 2^63 - 1", HubNames.stageNorm(0) + ".ln_eps_term", 0, Int64.max, "ln_eps_term[0] = 9223372036854775807 is outside 0...2305843009213693952"),
        ("LayerNorm shift 63", HubNames.stageNorm(0) + ".ln_shift", 3, 63, "ln_shift[3] = 63 is outside 1...50"),
        ("residual zero point 2^31 - 1", block.residual1, 0, Int64(Int32.max), "residual1[0] = 2147483647 is outside -128...127"),
        ("linear bias 2^31 - 1", block.query + ".bias", 2, Int64(Int32.max), "query.bias[2] = 2147483647 is outside -1073741824...1073741824"),
    ]

    @Test("CRC-valid .edgeseg files with requantization parameters outside the proven ranges are refused",
          arguments: parameterCases.indices)
    func hostileParameters(_ index: Int) throws {
        let (what, tensor, element, value, expected) = Self.parameterCases[index]
        var rewrite = ModelFileRewrite(try ModelFile(path: try SmallModel.path))
        rewrite.setInteger(tensor, index: element, value)
        let file = try write(try rewrite.encoded(), "hostile.edgeseg", SharedAssets.scratchDirectory("hostile-parameters-\(index)"))
        let message = refusal(what) { () throws(EdgeSegError) in _ = try SegFormerModel(path: file) }
        #expect(message.contains(file) && message.contains(expected) && message.contains("QUANTIZATION.md"), "\(what): \(message)")
    }

    @Test func theRewriteItselfKeepsAWorkingModel() throws {
        // So the refusals above are the hostile values', not the rewrite's.
        let file = try write(try ModelFileRewrite(try ModelFile(path: try SmallModel.path)).encoded(), "same.edgeseg",
                             SharedAssets.scratchDirectory("hostile-rewrite"))
        let model = try SegFormerModel(path: file)
        let labels = try Segmenter(model: model, source: file).classMap(of: try loadImage(path: SmallModel.image),
                                                                        size: ImageSize(width: 128, height: 96))
        #expect(labels.count == 480 * 360)
    }

    @Test func inputsTooLargeForIntegerAttentionAreRefused() throws {
        let model = try SegFormerModel(path: try SmallModel.path)
        let message = refusal("8192x8192 on an int8 B0") { () throws(EdgeSegError) in _ = try model.memoryPlan(height: 8192, width: 8192) }
        #expect(message.contains("input 8192x8192 is too large for this int8 model: stage 1 attends over 65536 keys, more than the 32768"), "\(message)")
        _ = try model.memoryPlan(height: 4096, width: 4096)   // 16,384 keys: fine
    }

    // MARK: Hugging Face config.json and safetensors

    /// (what, config.json path, value, what the error must say).
    static let configCases: [(String, [String], JSONValue, String)] = [
        ("mlp_ratios 2^62", ["mlp_ratios", "2"], .int(1 << 62), "mlp_ratios[2] = 4611686018427387904 is outside 1...64"),
        ("hidden_sizes 2^40", ["hidden_sizes", "0"], .int(1 << 40), "hidden_sizes[0] = 1099511627776 is outside 1...65535"),
        ("decoder_hidden_size 2^62", ["decoder_hidden_size"], .int(1 << 62), "decoder_hidden_size = 4611686018427387904 is outside 1...65535"),
        ("num_labels 2^62", ["num_labels"], .int(1 << 62), "num_labels = 4611686018427387904 is outside 1...65535"),
        ("depths 2^31", ["depths", "0"], .int(1 << 31), "depths[0] = 2147483648 is outside 1...1024"),
        ("Mix-FFN width past the limit", ["hidden_sizes", "3"], .int(32768),
         "hidden_sizes[3] * mlp_ratios[3] (the Mix-FFN width) = 131072 is outside 1...65535"),
        ("parameters past the limit", ["hidden_sizes"], .array([.int(16000), .int(16000), .int(16000), .int(16000)]),
         "parameters, more than the limit of 1073741824"),
    ]

    @Test("config.json with hostile values is refused before any shape is computed", arguments: configCases.indices)
    func hostileConfig(_ index: Int) throws {
        let (what, path, value, expected) = Self.configCases[index]
        let source = SharedAssets.camvidModel + "/config.json"
        let json = try JSONValue.parse(String(contentsOfFile: source, encoding: .utf8), source: source)
        let directory = SharedAssets.scratchDirectory("hostile-config-\(index)")
        let config = try write(Array(try json.setting(path, value).serialized().utf8), "config.json", directory)
        try? FileManager.default.removeItem(atPath: directory + "/model.safetensors")
        try FileManager.default.createSymbolicLink(atPath: directory + "/model.safetensors",
                                                   withDestinationPath: SharedAssets.camvidModel + "/model.safetensors")
        let message = refusal(what) { () throws(EdgeSegError) in _ = try importHuggingFaceCheckpoint(directory: directory) }
        #expect(message.contains(config) && message.contains(expected), "\(what): \(message)")
    }

    @Test func nonFiniteWeightsAreRefused() throws {
        // The CamVid checkpoint with one NaN in its first weight.
        let directory = SharedAssets.scratchDirectory("hostile-nan")
        let source = SharedAssets.camvidModel + "/model.safetensors"
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: source)))
        let headerLength = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let header = try JSONValue.parse(String(decoding: bytes[8..<(8 + headerLength)], as: UTF8.self), source: source)
        let name = HubNames.patchEmbedding(0) + ".weight"
        let begin = try #require(header[name]?["data_offsets"]?.array?.first?.int) + 8 + headerLength
        bytes.replaceSubrange((begin + 4 * 5)..<(begin + 4 * 6), with: withUnsafeBytes(of: Float.nan.bitPattern.littleEndian, Array.init))
        let path = try write(bytes, "model.safetensors", directory)
        _ = try write([UInt8](try Data(contentsOf: URL(fileURLWithPath: SharedAssets.camvidModel + "/config.json"))), "config.json", directory)
        let message = refusal("NaN in safetensors") { () throws(EdgeSegError) in _ = try importHuggingFaceCheckpoint(directory: directory) }
        #expect(message.contains(path) && message.contains("tensor \(name): element 5 is nan, weights must be finite"), "\(message)")

        // A float32 .edgeseg file with an infinite weight.
        let config = try loadSegFormerConfig(path: SharedAssets.camvidModel + "/config.json")
        var writer = ModelFileWriter(kind: .float32, metadata: .object([JSONMember(key: "config", value: config.huggingFaceJSON)]))
        try writer.add("decode_head.classifier.bias", [Float](repeating: 0, count: 11) + [.infinity], shape: [12])
        let model = try write(try writer.encoded(), "float.edgeseg", directory)
        let floatMessage = refusal("infinity in a float32 model file") { () throws(EdgeSegError) in
            _ = try floatCheckpoint(try ModelFile(path: model))
        }
        #expect(floatMessage.contains(model) && floatMessage.contains("element 11 is inf"), "\(floatMessage)")
    }

    // MARK: Images

    @Test func aSmallJPEGClaiming30000x30000IsRefusedUnread() throws {
        let source = [UInt8](try Data(contentsOf: URL(fileURLWithPath: ImageTests.fixture("jpeg-baseline.jpg"))))
        let hostile = try #require(ImageHeaders.settingJPEGSize(source, width: 30000, height: 30000))
        #expect(hostile.count < 2048)
        let path = try write(hostile, "huge.jpg", SharedAssets.scratchDirectory("hostile-jpeg"))
        let message = refusal("30000x30000 JPEG") { () throws(EdgeSegError) in _ = try loadImage(path: path) }
        #expect(message.contains(path) && message.contains("30000x30000 (900000000 pixels), more than the limit of 67108864 pixels"), "\(message)")
    }

    @Test func aSmallPNGOf20000x20000IsRefusedUnread() throws {
        let directory = SharedAssets.scratchDirectory("hostile-png")
        // The same builder's small image decodes: the big one is a valid PNG, refused for its size alone.
        let small = try loadImage(path: try write(ImageHeaders.blackPNG(width: 67, height: 5), "small.png", directory))
        #expect(small.width == 67 && small.height == 5 && small.pixels.allSatisfy { $0 == 0 })
        let huge = ImageHeaders.blackPNG(width: 20000, height: 20000)
        #expect(huge.count < 400_000)
        let path = try write(huge, "huge.png", directory)
        let loads: [(String, () throws(EdgeSegError) -> Void)] = [
            ("RGB", { () throws(EdgeSegError) in _ = try loadImage(path: path) }),
            ("labels", { () throws(EdgeSegError) in _ = try loadLabelImage(path: path) }),
        ]
        for (what, load) in loads {
            let message = refusal("20000x20000 PNG as \(what)", load)
            #expect(message.contains(path) && message.contains("20000x20000 (400000000 pixels), more than the limit of 67108864 pixels"), "\(message)")
        }
    }

    @Test func maxPixelsLowersTheBudget() throws {
        let output = SharedAssets.scratchDirectory("hostile-max-pixels") + "/mask.png"
        // The picture is 480x360 = 172800 pixels.
        let refused = try runEdgeSeg(["segment", "--model", try SmallModel.path, "--input", SmallModel.image, "--output", output,
                                      "--max-pixels", "172799"])
        #expect(refused.status == 1 && refused.stderr.contains("480x360 (172800 pixels), more than the limit of 172799 pixels"), "\(refused.stderr)")
        let accepted = try runEdgeSeg(["segment", "--model", try SmallModel.path, "--input", SmallModel.image, "--output", output,
                                       "--max-pixels", "172800", "--size", "128x96"])
        #expect(accepted.status == 0, "\(accepted.stderr)")
    }

    /// The other commands that read pictures take the same budget: bench (its --image), calibrate (every image
    /// refused, so none usable) and camera (a --source folder), each naming the picture, its size and the limit.
    @Test(arguments: ["bench", "calibrate", "camera"])
    func maxPixelsHoldsOnEveryCommandThatReadsPictures(command: String) throws {
        let folder = SharedAssets.scratchDirectory("hostile-max-pixels-\(command)")
        try FileManager.default.createSymbolicLink(atPath: folder + "/picture.png", withDestinationPath: SmallModel.image)
        let model = try SmallModel.path
        let arguments: [String] = switch command {
        case "bench": ["bench", "--model", model, "--image", folder + "/picture.png", "--runs", "1"]
        case "calibrate": ["calibrate", "--model", SharedAssets.path("assets/models/segformer-b0-camvid"), "--images", folder,
                           "--output", folder + "/scales.json"]
        default: ["camera", "--model", model, "--source", folder, "--model-size", "128x96"]
        }
        let refused = try runEdgeSeg(arguments + ["--max-pixels", "172799"])
        #expect(refused.status != 0, "\(command): \(refused.stdout)")
        #expect(refused.stderr.contains("picture.png: cannot decode PNG: the image is 480x360 (172800 pixels), more than the limit of 172799 pixels"),
                "\(command): \(refused.stderr)")
    }
}
