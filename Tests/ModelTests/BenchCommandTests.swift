import EdgeSegImport
import EdgeSegRuntime
import Foundation
import TestSupport
import Testing

/// `edgeseg bench`: its JSON fields (a benchmark's numbers are not checked, only that they are consistent), and a
/// float Hugging Face folder timed on the planned fp32 runtime.
@Suite struct BenchCommandTests {
    @Test func jsonHasTheFieldsAndConsistentNumbers() throws {
        let run = try runEdgeSeg(["bench", "--model", try SmallModel.path, "--size", "96x64", "--threads", "2",
                                  "--runs", "5", "--warmup", "1", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(object["width"] as? Int == 96 && object["height"] as? Int == 64 && object["threads"] as? Int == 2 && object["runs"] as? Int == 5)
        #expect((object["isa"] as? String).map { !$0.isEmpty } == true)
        let median = try #require(object["median_ms"] as? Double), minimum = try #require(object["min_ms"] as? Double)
        let mean = try #require(object["mean_ms"] as? Double)
        #expect(minimum > 0 && minimum <= median && minimum <= mean)
        let groups = try #require(object["groups_ms"] as? [String: Double])
        #expect(Set(groups.keys) == Set(OpGroup.allCases.map(\.name)))
        // The op groups are timed inside the frames: together they cannot exceed the mean frame.
        #expect(groups.values.reduce(0, +) <= mean * 1.01)
        let plan = try SegFormerModel(path: try SmallModel.path).memoryPlan(height: 64, width: 96, threads: 2)
        #expect(object["arena_bytes"] as? Int == plan.arenaBytes)
    }

    @Test func floatFolderRunsOnThePlannedFp32Runtime() throws {
        let run = try runEdgeSeg(["bench", "--model", SharedAssets.camvidModel, "--size", "64x64", "--runs", "1", "--warmup", "0"])
        #expect(run.status == 0, "\(run.stderr)")
        let planned = try SegFormerModel(float: try FloatSegFormer(try loadHuggingFaceCheckpoint(directory: SharedAssets.camvidModel),
                                                                   decoder: .folded))
        #expect(run.stdout.contains("arena:   \(try planned.memoryPlan(height: 64, width: 64).arenaBytes) bytes"), "\(run.stdout)")
    }
}
