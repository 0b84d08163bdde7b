import EdgeSegEval
import EdgeSegImport
import EdgeSegQuantize
import EdgeSegRuntime
import Foundation
import TestSupport
import Testing

/// Mixed precision: activation points kept in float, the layers around them run in float on the weights the
/// quantizer stored beside the int8 ones, everything else integer.
@Suite struct MixedPrecisionTests {
    /// The suite's int8 model quantized again with every point that can be kept in float kept: both precisions
    /// of every layer in one file.
    static let everyLayer: Result<(path: String, points: [String]), EdgeSegError> = Result { () throws(EdgeSegError) in
        let plain = try SegFormerModel(path: try SmallModel.path)
        let points = ActivationPoint.all(plain.config).filter { ActivationPoint.cannotKeepFloat($0, plain.config) == nil }
        let path = SharedAssets.scratchDirectory("mixed") + "/every-layer.edgeseg"
        let checkpoint = try loadHuggingFaceCheckpoint(directory: SharedAssets.camvidModel)
        try Int8Quantizer.quantize(checkpoint, activations: plain.activations, keepFloat: points).write(to: path)
        return (path, points)
    }

    /// One point of each kind of layer: conv, LayerNorm, linear, attention, depthwise, GELU, residual add, decoder
    /// projection, and the decoder's fused map.
    static let pointOfEachKind = ["stage1.patch_embedding", "stage1.block1.norm1", "stage1.block1.query", "stage1.block1.context",
                                  "stage2.block1.depthwise", "stage1.block1.gelu", "stage1.block1.residual1", "decoder.stage2",
                                  "decoder.fused"]

    static func pixels() throws -> FloatTensor { try preprocess(try loadImage(path: SmallModel.image), size: ImageSize(width: 128, height: 96)) }

    static func sqnr(_ logits: Int8Map, scale: Double, against reference: FeatureMap) -> Double {
        let test = logits.dequantized(scale: scale).data
        var signal = 0.0, noise = 0.0
        for i in test.indices {
            let r = Double(reference.data[i]), e = r - Double(test[i])
            signal += r * r
            noise += e * e
        }
        return 10 * log10(signal / noise)
    }

    /// Nothing kept: the same bits as the all-integer model, whose file has no float weights and no keep_float.
    @Test func nothingKeptIsTheIntegerModel() throws {
        let plainFile = try ModelFile(path: try SmallModel.path, expecting: .int8)
        #expect(!plainFile.tensors.contains { $0.name.hasSuffix("_f32") })
        #expect(plainFile.metadata["keep_float"] == nil)
        let plain = try SegFormerModel(file: plainFile)
        let both = try ModelFile(path: try Self.everyLayer.get().path, expecting: .int8)
        let pixels = try Self.pixels()
        #expect(try SegFormerModel(file: both, keepFloat: []).forward(pixels).logits.data == (try plain.forward(pixels)).logits.data)
    }

    /// Every point kept in float: only the input and the logits are quantized, so the logits track fp32 far more
    /// closely than the all-integer model's.
    @Test func everythingKeptTracksFloat() throws {
        let mixed = try SegFormerModel(path: try Self.everyLayer.get().path)
        let plain = try SegFormerModel(path: try SmallModel.path)
        #expect(mixed.keepFloat == Set(try Self.everyLayer.get().points))
        let pixels = try Self.pixels()
        let reference = try FloatSegFormer(try loadHuggingFaceCheckpoint(directory: SharedAssets.camvidModel), decoder: .folded)
            .forward(pixels).logits
        let scale = plain.activations[ActivationPoint.logits]!.scale
        let mixedSQNR = Self.sqnr(try mixed.forward(pixels).logits, scale: scale, against: reference)
        let plainSQNR = Self.sqnr(try plain.forward(pixels).logits, scale: scale, against: reference)
        #expect(mixedSQNR > plainSQNR + 6, "all float \(mixedSQNR) dB, all int8 \(plainSQNR) dB")
        #expect(mixedSQNR > 30, "all float \(mixedSQNR) dB")
    }

    /// One point kept: every int8 point before it keeps its bits, the point itself is no longer int8, and the
    /// output changes.
    @Test(arguments: pointOfEachKind)
    func onePointKeptChangesOnlyWhatFollows(point: String) throws {
        let file = try ModelFile(path: try Self.everyLayer.get().path, expecting: .int8)
        let plain = try SegFormerModel(file: file, keepFloat: [])
        let mixed = try SegFormerModel(file: file, keepFloat: [point])
        func observe(_ model: SegFormerModel) throws -> (points: [String: [Int8]], logits: [Int8]) {
            let session = try Session(model: model, height: 96, width: 128, observable: true)
            var seen: [String: [Int8]] = [:]
            try session.run(pixels: try Self.pixels()) { name, values in seen[name] = Array(values) }
            return (seen, Array(session.logits.data))
        }
        let a = try observe(plain), b = try observe(mixed)
        let order = ActivationPoint.all(plain.config)
        #expect(b.points[point] == nil, "\(point) is kept in float, not int8")
        for name in order.prefix(while: { $0 != point }) {
            #expect(a.points[name] == b.points[name], "\(name), before \(point)")
        }
        #expect(a.logits != b.logits, "keeping \(point) in float changed nothing")
    }

    /// A mixed model's frames allocate nothing either, float layers included.
    @Test func mixedFramesAllocateNothing() throws {
        let model = try SegFormerModel(file: try ModelFile(path: try Self.everyLayer.get().path, expecting: .int8),
                                      keepFloat: Set(Self.pointOfEachKind))
        let count = try allocationsPerFrames(20, [try loadImage(path: SmallModel.image)]) { () throws(EdgeSegError) in
            try Session(model: model, height: 96, width: 128, threads: 2)
        }
        #expect(count == 0)
    }

    /// Float layers split by rows over the threads give the one-thread bits.
    @Test func threadsDoNotChangeTheBits() throws {
        let model = try SegFormerModel(path: try Self.everyLayer.get().path)
        let picture = try loadImage(path: SmallModel.image)
        var logits: [[Int8]] = []
        for threads in [1, 2, 3] {
            let session = try Session(model: model, height: 96, width: 128, threads: threads)
            try session.run(image: picture)
            logits.append(Array(session.logits.data))
        }
        #expect(logits[1] == logits[0] && logits[2] == logits[0])
    }

    /// The plan of a mixed model holds: no two live buffers overlap, kept points take 4 bytes an element.
    @Test func mixedMemoryPlanIsVerified() throws {
        let model = try SegFormerModel(file: try ModelFile(path: try Self.everyLayer.get().path, expecting: .int8),
                                      keepFloat: Set(Self.pointOfEachKind))
        let plan = try model.memoryPlan(height: 96, width: 128, threads: 2)
        try verify(plan.plan, plan.requests)
        let gelu = try #require(plan.names.firstIndex(of: "stage1.block1.gelu"))
        #expect(plan.requests[gelu].size == 4 * 24 * 32 * 128)   // 1/4 of 96x128, 32 channels x 4 (MLP ratio)
    }

    /// The quantizer writes the float weights of exactly the layers around a kept point, and records the point.
    @Test func quantizerStoresFloatWeightsAroundKeptPoints() throws {
        let plain = try SegFormerModel(path: try SmallModel.path)
        let checkpoint = try loadHuggingFaceCheckpoint(directory: SharedAssets.camvidModel)
        let path = SharedAssets.scratchDirectory("mixed") + "/gelu.edgeseg"
        try Int8Quantizer.quantize(checkpoint, activations: plain.activations, keepFloat: ["stage1.block1.gelu"]).write(to: path)
        let file = try ModelFile(path: path, expecting: .int8)
        // GELU writes it (no weights), dense2 reads it.
        #expect(file.tensors.filter { $0.name.hasSuffix("_f32") }.map(\.name).sorted()
                == ["segformer.encoder.block.0.0.mlp.dense2.bias_f32", "segformer.encoder.block.0.0.mlp.dense2.weight_f32"])
        #expect(try SegFormerModel(file: file).keepFloat == ["stage1.block1.gelu"])
    }

    @Test func badPointsAreRefusedWithTheirNames() throws {
        let plain = try SegFormerModel(path: try SmallModel.path)
        let checkpoint = try loadHuggingFaceCheckpoint(directory: SharedAssets.camvidModel)
        for (name, expected) in [("logits", "always int8"), ("input", "always int8"), ("stage9.norm", "not an activation point")] {
            let error = #expect(throws: EdgeSegError.self) {
                _ = try Int8Quantizer.quantize(checkpoint, activations: plain.activations, keepFloat: [name])
            }
            #expect(error?.message.contains(name) == true && error?.message.contains(expected) == true, "\(error?.message ?? "")")
        }
        let file = try ModelFile(path: try SmallModel.path, expecting: .int8)
        let missing = #expect(throws: EdgeSegError.self) { _ = try SegFormerModel(file: file, keepFloat: ["stage1.block1.gelu"]) }
        #expect(missing?.message.contains("mlp.dense2.weight_f32") == true && missing?.message.contains("--keep-float") == true,
                "\(missing?.message ?? "")")
    }

    /// Sensitivity and the greedy search on three labeled images: gains are differences against the all-int8
    /// score, a point stays only when it raises the mIoU, and the final score is the kept set's own.
    @Test func sensitivityAndAutoPrecision() throws {
        let dir = SharedAssets.scratchDirectory("mixed-data")
        for sub in ["images", "labels"] {
            try? FileManager.default.createDirectory(atPath: "\(dir)/\(sub)", withIntermediateDirectories: true)
            for name in SharedAssets.threeFrames.map({ ($0 as NSString).lastPathComponent }) {
                try? FileManager.default.createSymbolicLink(atPath: "\(dir)/\(sub)/\(name)",
                                                            withDestinationPath: SharedAssets.path("assets/camvid/eval/\(sub)/\(name)"))
            }
        }
        let dataset = try LabeledDataset(directory: dir)
        let file = try ModelFile(path: try Self.everyLayer.get().path, expecting: .int8)
        let load = { (kept: Set<String>) throws(EdgeSegError) -> SegFormerModel in try SegFormerModel(file: file, keepFloat: kept) }
        let float = try FloatSegFormer(try loadHuggingFaceCheckpoint(directory: SharedAssets.camvidModel), decoder: .folded)
        let search = try PrecisionSearch(float: float, dataset: dataset, size: ImageSize(width: 128, height: 96), threads: 2)
        // A limit scores the first images only: the same as a data set of just those.
        let first = SharedAssets.scratchDirectory("mixed-first")
        for sub in ["images", "labels"] {
            try? FileManager.default.createDirectory(atPath: "\(first)/\(sub)", withIntermediateDirectories: true)
            try? FileManager.default.createSymbolicLink(atPath: "\(first)/\(sub)/\(dataset.samples[0].name).png",
                                                        withDestinationPath: "\(dir)/\(sub)/\(dataset.samples[0].name).png")
        }
        let firstOnly = try PrecisionSearch(float: float, dataset: try LabeledDataset(directory: first), size: ImageSize(width: 128, height: 96))
        let plain = try load([])
        #expect(try search.score(plain, limit: 1).miou == (try firstOnly.score(plain)).miou)
        #expect(try search.score(plain, limit: 1).agreement == (try firstOnly.score(plain)).agreement)

        let candidates = Self.pointOfEachKind
        let (base, layers) = try search.sensitivity(candidates: candidates, load: load)
        #expect(Set(layers.map(\.name)) == Set(candidates))
        for l in layers {
            let again = try search.score(try load([l.name]))
            #expect(again.miou == l.score.miou && l.miouGain == l.score.miou! - base.miou!)
        }
        #expect(zip(layers, layers.dropFirst()).allSatisfy { ($0.miouGain ?? 0) >= ($1.miouGain ?? 0) })
        let nothingNeeded = try search.autoPrecision(ranked: candidates, maxDrop: 100, load: load)
        #expect(nothingNeeded.kept.isEmpty && nothingNeeded.steps.isEmpty)
        let unreachable = try search.autoPrecision(ranked: candidates, maxDrop: -100, load: load)
        #expect(unreachable.steps.count == candidates.count)
        var previous = base.miou!
        for step in unreachable.steps {
            #expect(step.kept == (step.score.miou! > previous))
            if step.kept { previous = step.score.miou! }
        }
        #expect(unreachable.kept == unreachable.steps.filter(\.kept).map(\.name))
        #expect(try search.score(try load(Set(unreachable.kept))).miou == unreachable.score.miou)

        // A target the points found above reach: it holds at the end, and the pruning pass has checked each
        // point still kept (the target fails without it). Needs two kept points, or pruning has nothing to try.
        try #require(unreachable.kept.count >= 2, "the search kept \(unreachable.kept); the pruning checks need two")
        let reachable = try search.autoPrecision(ranked: candidates, maxDrop: search.float.miou! - unreachable.score.miou! + 1e-9,
                                                 load: load)
        #expect(reachable.score.miou! >= unreachable.score.miou! - 1e-6)
        #expect(try search.score(try load(Set(reachable.kept))).miou == reachable.score.miou)
        let pruning = reachable.steps.filter(\.pruning)
        #expect(pruning.isEmpty || pruning.count == reachable.steps.filter { !$0.pruning && $0.kept }.count)
        if !pruning.isEmpty {
            #expect(reachable.kept == pruning.filter(\.kept).map(\.name).reversed())
        }
    }

    /// The command line: `quantize --keep-float` records the points and says so; a point that must stay int8 is
    /// refused with its name; `--auto-precision` needs labeled data.
    @Test func quantizeCommandKeepsPointsInFloat() throws {
        let dir = SharedAssets.scratchDirectory("mixed-cli")
        let calibration = try calibrate(modelDirectory: SharedAssets.camvidModel, imagesDirectory: SharedAssets.path("assets/camvid/calib"),
                                        method: .minmax, size: ImageSize(width: 64, height: 64))
        try calibration.save(path: dir + "/scales.json")
        let base = ["quantize", "--model", SharedAssets.camvidModel, "--scales", dir + "/scales.json", "--output", dir + "/m.edgeseg"]
        let kept = try runEdgeSeg(base + ["--keep-float", "stage1.block1.gelu", "decoder.fused"])
        #expect(kept.status == 0, "\(kept.stderr)")
        #expect(kept.stdout.contains("kept in float: stage1.block1.gelu, decoder.fused"), "\(kept.stdout)")
        #expect(try SegFormerModel(path: dir + "/m.edgeseg").keepFloat == ["stage1.block1.gelu", "decoder.fused"])
        let refused = try runEdgeSeg(base + ["--keep-float", "logits"])
        #expect(refused.status == 1 && refused.stderr.contains("logits is always int8"), "\(refused.stderr)")
        let noData = try runEdgeSeg(base + ["--auto-precision"])
        #expect(noData.status != 0 && noData.stderr.contains("--auto-precision needs --data"), "\(noData.stderr)")
    }
}
