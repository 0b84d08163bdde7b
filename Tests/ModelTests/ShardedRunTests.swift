import EdgeSegImport
import EdgeSegQuantize
import EdgeSegRuntime
import EdgeSegShards
import Foundation
import TestSupport
import Testing

/// `--shard K/N` and `--merge` on the CamVid model: the merge equals the unsharded run, byte for byte.
@Suite(.serialized) struct ShardedRunTests {
    static let calib = SharedAssets.path("assets/camvid/calib")
    /// A ninth of the frames' pixels keeps the five passes over the 62 frames short; the merge's exactness does
    /// not depend on the size (README's measurement checks it at 480x360).
    static let size = ImageSize(width: 160, height: 120)

    @Test func calibrationShardsMergeToTheUnshardedScalesForEveryMethod() throws {
        let dir = SharedAssets.scratchDirectory()
        let checkpoint = try loadHuggingFaceCheckpoint(directory: SharedAssets.camvidModel)
        let whole = try CalibrationRun(checkpoint, imagesDirectory: Self.calib, size: Self.size)
        #expect(whole.usedCount == 62 && whole.skippedCount == 0)
        let methods: [CalibrationMethod] = [.minmax, .percentile(99.99), .entropy, .mse]
        // What `calibrate` writes for each method without shards.
        let expected = try methods.map { method in
            try CalibrationResult(model: SharedAssets.camvidModel, method: method, size: Self.size, statistics: whole.statistics,
                                  imageCount: 62, skippedCount: 0).jsonText()
        }
        #expect(Set(expected).count == 4)
        let identity = try ModelIdentity(role: "float", path: SharedAssets.camvidModel)
        for n in [1, 2, 3, 7] {
            var paths: [String] = []
            for k in 0..<n {
                let shard = try Shard(index: k, count: n)
                let run = try CalibrationRun(checkpoint, imagesDirectory: Self.calib, size: Self.size, shard: shard)
                #expect(run.images.map(\.position) == shard.positions(of: 62))
                let path = "\(dir)/calib-\(k)-of-\(n).json"
                try run.part(command: ["test"], shard: shard, model: identity, size: Self.size).write(to: path)
                paths.append(path)
            }
            for (method, scales) in zip(methods, expected) {
                let merged = try mergeCalibrationParts(paths.reversed(), method: method).jsonText()
                #expect(merged == scales, "\(n) shards, \(method.name)")
            }
        }
    }

    @Test func gnuParallelRunsCalibrationShardsAndTheMergeMatchesOneProcess() throws {
        try requireTool("parallel", package: "parallel")
        let dir = SharedAssets.scratchDirectory()
        let common = ["--model", SharedAssets.camvidModel, "--images", Self.calib, "--size", "\(Self.size)"]
        let sharded = try runProcess(["parallel", "--will-cite", "--halt", "now,fail=1", "-j", "2", edgeSegExecutable(), "calibrate"]
                                     + common + ["--shard", "{}/2", "--output", dir + "/part-{}.json", ":::", "0", "1"])
        #expect(sharded.status == 0, "\(sharded.stderr)")
        let merged = try runEdgeSeg(["calibrate", "--merge", dir + "/part-1.json", dir + "/part-0.json", "--method", "mse", "--output", dir + "/merged.json"])
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(merged.stdout.contains("images: 62 used, 0 skipped, merged from 2 parts"), "\(merged.stdout)")
        let whole = try runEdgeSeg(["calibrate"] + common + ["--method", "mse", "--output", dir + "/whole.json"])
        #expect(whole.status == 0, "\(whole.stderr)")
        let a = try Data(contentsOf: URL(fileURLWithPath: dir + "/merged.json")), b = try Data(contentsOf: URL(fileURLWithPath: dir + "/whole.json"))
        #expect(!a.isEmpty && a == b)
        // A part alone is refused, naming the missing shard.
        let alone = try runEdgeSeg(["calibrate", "--merge", dir + "/part-0.json", "--output", dir + "/alone.json"])
        #expect(alone.status != 0 && alone.stderr.contains("shard 1/2 missing"), "\(alone.stderr)")
    }

    @Test func evalShardsMergeToTheUnshardedReport() throws {
        // 20 of the 100 labeled frames at their own size: the merge's sums are the same code at any count.
        let data = try SharedAssets.smallEvalFolder(20)
        let int8 = try SmallModel.path
        let dir = SharedAssets.scratchDirectory()
        let common = ["--float", SharedAssets.camvidModel, "--model", int8, "--data", data]
        let whole = try runEdgeSeg(["eval"] + common + ["--report", dir + "/whole"])
        #expect(whole.status == 0, "\(whole.stderr)")
        var parts: [String] = []
        for k in 0..<4 {
            let path = "\(dir)/eval-\(k).json"
            let shard = try runEdgeSeg(["eval"] + common + ["--shard", "\(k)/4", "--output", path])
            #expect(shard.status == 0, "\(shard.stderr)")
            parts.append(path)
        }
        let merged = try runEdgeSeg(["eval", "--merge"] + parts.reversed() + ["--report", dir + "/merged"])
        #expect(merged.status == 0, "\(merged.stderr)")
        for file in ["report.json", "report.md", "report.html"] {
            let a = try String(contentsOfFile: "\(dir)/whole/\(file)", encoding: .utf8)
            let b = try String(contentsOfFile: "\(dir)/merged/\(file)", encoding: .utf8)
            #expect(a == b, "\(file)")
        }
        let report = try JSONValue.parse(try String(contentsOfFile: dir + "/whole/report.json", encoding: .utf8), source: "report.json")
        #expect(report["images"]?.int == 20)
        let points = ActivationPoint.all(try loadHuggingFaceCheckpoint(directory: SharedAssets.camvidModel).config).count
        #expect(report["layers"]?.array?.count == points && report["int8"]?["miou"]?.double != nil)
        #expect(merged.stdout == whole.stdout.replacingOccurrences(of: dir + "/whole", with: dir + "/merged"))

        let missing = try runEdgeSeg(["eval", "--merge"] + parts.dropLast() + ["--report", dir + "/incomplete"])
        #expect(missing.status != 0 && missing.stderr.contains("shard 3/4 missing"), "\(missing.stderr)")
    }
}
