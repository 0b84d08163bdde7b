import EdgeSegImport
import EdgeSegRuntime
import Foundation
import TestSupport
import Testing

@Suite struct CheckpointImportTests {
    /// The error `loadHuggingFaceCheckpoint` throws for `path`; records an issue if it loads.
    func importError(_ path: String) -> EdgeSegError? {
        do {
            _ = try loadHuggingFaceCheckpoint(directory: path)
            Issue.record("\(path) imported without an error")
            return nil
        } catch { return error }
    }

    /// Sum of the float tensors' element counts, from the file header read by the test-only reader.
    func floatParameterCount(_ safetensors: String) throws -> Int {
        try SafeTensorsFixture(contentsOf: safetensors).tensors
            .filter { ["F32", "F16", "BF16"].contains($0.dtype) }
            .reduce(0) { $0 + $1.shape.reduce(1, *) }
    }

    @Test func importsCamVidB0() throws {
        let result = try importHuggingFaceCheckpoint(directory: SharedAssets.camvidModel)
        let config = result.checkpoint.config
        #expect(config.hiddenSizes == [32, 64, 160, 256])
        #expect(config.depths == [2, 2, 2, 2])
        #expect(config.numAttentionHeads == [1, 2, 5, 8])
        #expect(config.srRatios == [8, 4, 2, 1])
        #expect(config.patchSizes == [7, 3, 3, 3])
        #expect(config.strides == [4, 2, 2, 2])
        #expect(config.mlpRatios == [4, 4, 4, 4])
        #expect(config.decoderHiddenSize == 256)
        #expect(config.layerNormEps == 1e-6)
        #expect(config.numChannels == 3)
        #expect(config.numLabels == 11)
        #expect(config.labels == ["sky", "building", "pole", "road", "pavement", "tree", "signsymbol", "fence", "car", "pedestrian", "bicyclist"])
        #expect(result.ignoredTensors == ["decode_head.batch_norm.num_batches_tracked"])
        let count = try floatParameterCount(SharedAssets.camvidModel + "/model.safetensors")
        #expect(result.checkpoint.parameterCount == count)
        #expect(result.checkpoint.tensors.count == expectedTensors(config).count)
    }

    @Test func importsADELayoutB0WithLabelNames() throws {
        let checkpoint = try loadHuggingFaceCheckpoint(directory: SharedAssets.adeLayoutModel)
        #expect(checkpoint.config.numLabels == 150)
        #expect(checkpoint.config.labels.prefix(3) == ["wall", "building", "sky"])
        #expect(checkpoint.config.labels.count == 150)
        #expect(checkpoint.tensors["decode_head.classifier.weight"]?.shape == [150, 256, 1, 1])
        let count = try floatParameterCount(SharedAssets.adeLayoutModel + "/model.safetensors")
        #expect(checkpoint.parameterCount == count)
        #expect(abs(checkpoint.parameterCount - 3_750_000) < 10_000)  // SegFormer-B0 on ADE20K: 3.75 M
    }

    @Test func acceptsThePathOfEitherFileInsteadOfTheDirectory() throws {
        let fromDirectory = try loadHuggingFaceCheckpoint(directory: SharedAssets.camvidModel)
        for file in ["model.safetensors", "config.json"] {
            let fromFile = try loadHuggingFaceCheckpoint(directory: SharedAssets.camvidModel + "/" + file)
            #expect(fromFile.config == fromDirectory.config)
            #expect(fromFile.tensors == fromDirectory.tensors)
        }
    }

    @Test func transformers5TensorNamesLoadIdentically() throws {
        let renames: [(String, String)] = [
            (#"segformer\.encoder\.block\.(\d+)\.(\d+)\."#, "segformer.stages.$1.blocks.$2."),
            (#"segformer\.encoder\.patch_embeddings\.(\d+)\."#, "segformer.stages.$1.patch_embeddings."),
            (#"segformer\.encoder\.layer_norm\.(\d+)\."#, "segformer.stages.$1.layer_norm."),
            (#"attention\.self\.query\."#, "attention.q_proj."),
            (#"attention\.self\.key\."#, "attention.k_proj."),
            (#"attention\.self\.value\."#, "attention.v_proj."),
            (#"attention\.output\.dense\."#, "attention.o_proj."),
            (#"attention\.self\.sr\."#, "attention.sr."),
            (#"attention\.self\.layer_norm\."#, "attention.sr_norm."),
        ]
        var renamedCount = 0
        let dir = try ModelDirectory.camvidCopy { weights in
            for i in weights.tensors.indices {
                var name = weights.tensors[i].name
                for (pattern, replacement) in renames {
                    name = name.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
                }
                if name != weights.tensors[i].name { renamedCount += 1 }
                weights.tensors[i].name = name
            }
        }
        defer { ModelDirectory.remove(dir) }
        #expect(renamedCount > 150)
        let renamed = try SafeTensorsFile(path: dir + "/model.safetensors")
        #expect(renamed.info("segformer.stages.0.blocks.1.attention.q_proj.weight")?.shape == [32, 32])
        #expect(renamed.info("segformer.stages.2.blocks.0.attention.sr_norm.bias")?.shape == [160])
        let original = try loadHuggingFaceCheckpoint(directory: SharedAssets.camvidModel)
        let imported = try loadHuggingFaceCheckpoint(directory: dir)
        #expect(imported.config == original.config)
        #expect(imported.tensors == original.tensors)
    }

    @Test func deepB5StyleConfigWithTinyWidthsLoads() throws {
        let dir = SharedAssets.scratchDirectory()
        try ModelDirectory.writeText("""
            {"model_type": "segformer", "hidden_sizes": [8, 16, 24, 32], "depths": [3, 6, 40, 3],
             "num_attention_heads": [1, 2, 3, 4], "sr_ratios": [8, 4, 2, 1], "patch_sizes": [7, 3, 3, 3],
             "strides": [4, 2, 2, 2], "mlp_ratios": [4, 4, 4, 4], "decoder_hidden_size": 16,
             "layer_norm_eps": 1e-5, "num_labels": 5}
            """, to: dir + "/config.json")
        let config = try loadSegFormerConfig(path: dir + "/config.json")
        #expect(config.depths == [3, 6, 40, 3])
        #expect(config.labels == ["class 0", "class 1", "class 2", "class 3", "class 4"])
        // Each tensor holds its index in the file, so a mix-up between tensors shows.
        let tensors = expectedTensors(config).enumerated().map { i, t in
            SafeTensorsFixture.Tensor.f32(t.name, t.shape, [Float](repeating: Float(i), count: t.shape.reduce(1, *)))
        }
        try SafeTensorsFixture(tensors: tensors).write(to: dir + "/model.safetensors")

        let checkpoint = try loadHuggingFaceCheckpoint(directory: dir)
        // Per stage: patch embedding 4, final norm 2, blocks 18 (+4 for sr > 1); decoder: 2 per stage + 7.
        let blocks = 3 * 22 + 6 * 22 + 40 * 22 + 3 * 18
        #expect(checkpoint.tensors.count == 4 * 6 + blocks + 4 * 2 + 7)
        #expect(checkpoint.tensors["segformer.encoder.block.2.39.mlp.dense2.weight"]?.shape == [24, 96])
        #expect(checkpoint.tensors["segformer.encoder.block.2.40.mlp.dense2.weight"] == nil)
        for (i, t) in tensors.enumerated() where i % 50 == 0 {
            #expect(checkpoint.tensors[t.name]?.data.allSatisfy { $0 == Float(i) } == true, "\(t.name)")
        }
    }

    // MARK: one test per bad input

    @Test func missingTensor() throws {
        let dir = try ModelDirectory.camvidCopy { $0["decode_head.linear_fuse.weight"] = nil }
        defer { ModelDirectory.remove(dir) }
        let error = importError(dir)
        #expect(error?.kind == .checkpoint)
        #expect(error?.message == "\(dir)/model.safetensors: missing tensor decode_head.linear_fuse.weight (expected shape [256, 1024, 1, 1] for \(dir)/config.json)")
    }

    @Test func wrongShape() throws {
        let dir = try ModelDirectory.camvidCopy { $0["decode_head.classifier.weight"]!.shape = [11, 256] }
        defer { ModelDirectory.remove(dir) }
        let error = importError(dir)
        #expect(error?.kind == .checkpoint)
        #expect(error?.message == "\(dir)/model.safetensors: tensor decode_head.classifier.weight has shape [11, 256], expected [11, 256, 1, 1] for \(dir)/config.json")
    }

    @Test func wrongDType() throws {
        let dir = try ModelDirectory.camvidCopy { $0["decode_head.classifier.bias"]!.dtype = "I32" }
        defer { ModelDirectory.remove(dir) }
        let error = importError(dir)
        #expect(error?.kind == .checkpoint)
        #expect(error?.message == "\(dir)/model.safetensors: tensor decode_head.classifier.bias has dtype I32, expected a float type (F32, F16 or BF16)")
    }

    @Test func truncatedData() throws {
        let dir = try ModelDirectory.camvidCopy { _ in }
        defer { ModelDirectory.remove(dir) }
        let path = dir + "/model.safetensors"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count - 1000).write(to: URL(fileURLWithPath: path))
        let error = importError(dir)
        #expect(error?.kind == .checkpoint)
        #expect(error?.message.hasPrefix("\(path): tensor ") == true)
        #expect(error?.message.contains("truncated data") == true)
    }

    @Test func headerLengthPastEndOfFile() throws {
        let dir = try ModelDirectory.withConfig(from: SharedAssets.camvidModel)
        defer { ModelDirectory.remove(dir) }
        let path = dir + "/model.safetensors"
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: SharedAssets.camvidModel + "/model.safetensors")).prefix(30_000))
        bytes.replaceSubrange(0..<8, with: SafeTensorsFixture.littleEndianBytes(UInt64(40_000)))
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let error = importError(dir)
        #expect(error?.kind == .checkpoint)
        #expect(error?.message == "\(path): header length 40000 runs past the end of the file (30000 bytes); truncated or not a safetensors file")
    }

    @Test func invalidJSONHeader() throws {
        let dir = try ModelDirectory.camvidCopy { _ in }
        defer { ModelDirectory.remove(dir) }
        let path = dir + "/model.safetensors"
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let colon = bytes[8...].firstIndex(of: UInt8(ascii: ":"))!
        bytes[colon] = UInt8(ascii: ";")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let error = importError(dir)
        #expect(error?.kind == .json)
        #expect(error?.message.hasPrefix("\(path) (safetensors header):1:") == true)
        #expect(error?.message.contains("expected ':' after key \"__metadata__\", found ';'") == true)
    }

    @Test func invalidConfigJSON() throws {
        let dir = try ModelDirectory.camvidWithLinkedWeights()
        defer { ModelDirectory.remove(dir) }
        try ModelDirectory.writeText("{\n  \"hidden_sizes\": [32, 64,, 160]\n}\n", to: dir + "/config.json")
        let error = importError(dir)
        #expect(error?.kind == .json)
        #expect(error?.message == "\(dir)/config.json:2:27: expected a value, found ','")
    }

    @Test func missingConfigField() throws {
        let dir = try ModelDirectory.camvidWithLinkedWeights()
        defer { ModelDirectory.remove(dir) }
        let config = try String(contentsOfFile: dir + "/config.json", encoding: .utf8)
        let withoutDepths = config.replacingOccurrences(of: #""depths": \[[^\]]*\],"#, with: "", options: .regularExpression)
        #expect(withoutDepths != config)
        try ModelDirectory.writeText(withoutDepths, to: dir + "/config.json")
        let error = importError(dir)
        #expect(error?.kind == .config)
        #expect(error?.message == "\(dir)/config.json: field depths is missing")
    }

    @Test func illTypedConfigField() throws {
        let dir = try ModelDirectory.camvidWithLinkedWeights()
        defer { ModelDirectory.remove(dir) }
        let config = try String(contentsOfFile: dir + "/config.json", encoding: .utf8)
        try ModelDirectory.writeText(config.replacingOccurrences(of: "\"decoder_hidden_size\": 256", with: "\"decoder_hidden_size\": \"256\""), to: dir + "/config.json")
        let error = importError(dir)
        #expect(error?.kind == .config)
        #expect(error?.message == "\(dir)/config.json: field decoder_hidden_size is a string, expected an integer")
    }

    @Test func inconsistentConfig() throws {
        let dir = try ModelDirectory.camvidWithLinkedWeights()
        defer { ModelDirectory.remove(dir) }
        let config = try String(contentsOfFile: dir + "/config.json", encoding: .utf8)
        let threeStrides = config.replacingOccurrences(of: #""strides": \[[^\]]*\]"#, with: #""strides": [4, 2, 2]"#, options: .regularExpression)
        try ModelDirectory.writeText(threeStrides, to: dir + "/config.json")
        let error = importError(dir)
        #expect(error?.kind == .config)
        #expect(error?.message == "\(dir)/config.json: strides has 3 entries but hidden_sizes has 4")
    }

    @Test func pytorchPickleGiven() throws {
        let dir = try ModelDirectory.withConfig(from: SharedAssets.camvidModel)
        defer { ModelDirectory.remove(dir) }
        try Data([0x80, 0x02]).write(to: URL(fileURLWithPath: dir + "/pytorch_model.bin"))
        for path in [dir, dir + "/pytorch_model.bin"] {
            let error = importError(path)
            #expect(error?.kind == .checkpoint)
            #expect(error?.message.hasPrefix("\(dir)/pytorch_model.bin: PyTorch pickle checkpoints are unsupported") == true)
            #expect(error?.message.contains("M.from_pretrained('\(dir)').save_pretrained('OUT', safe_serialization=True)") == true)
        }
    }

    @Test func emptySafeTensorsFile() throws {
        let dir = try ModelDirectory.withConfig(from: SharedAssets.camvidModel)
        defer { ModelDirectory.remove(dir) }
        try Data().write(to: URL(fileURLWithPath: dir + "/model.safetensors"))
        let error = importError(dir)
        #expect(error?.kind == .checkpoint)
        #expect(error?.message == "\(dir)/model.safetensors: empty file, not a safetensors file")
    }

    @Test func missingDirectory() {
        let dir = SharedAssets.scratchDirectory() + "/no-such-model"
        let error = importError(dir)
        #expect(error?.kind == .io)
        #expect(error?.message.hasPrefix("\(dir): no such model directory") == true)
    }

    @Test func missingConfigJSON() throws {
        let dir = try ModelDirectory.camvidWithLinkedWeights()
        defer { ModelDirectory.remove(dir) }
        try FileManager.default.removeItem(atPath: dir + "/config.json")
        let error = importError(dir)
        #expect(error?.kind == .config)
        #expect(error?.message.hasPrefix("\(dir)/config.json: missing") == true)
    }
}
