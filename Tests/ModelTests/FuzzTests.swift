import Foundation
import TestSupport
import Testing

/// Every target of edgeseg-fuzz (Tests/Fuzz/Harness) for a bounded time, seeded from ../shared: its own loop of
/// structure-aware mutations (CRC-valid model files with hostile values, valid JSON with hostile numbers, image
/// headers with hostile sizes), without libFuzzer's coverage guidance, which Tests/Fuzz/run-fuzz.sh adds. Any
/// crash, or an input running over 10 s, fails the test and leaves the input behind (printed).
@Suite struct FuzzTests {
    /// Seconds per target; the targets run side by side. EDGESEG_FUZZ_SECONDS changes it.
    static let seconds = Int(ProcessInfo.processInfo.environment["EDGESEG_FUZZ_SECONDS"] ?? "") ?? 20

    static var fuzzer: String { URL(fileURLWithPath: edgeSegExecutable()).deletingLastPathComponent().appendingPathComponent("edgeseg-fuzz").path }

    /// The seed corpora, written once per test process (the model seed is the CamVid B0 quantized at 128x96).
    static let seeds: Result<String, ProcessFailure> = {
        let out = SharedAssets.scratchDirectory("fuzz-seeds")
        guard let run = try? runProcess([fuzzer, "seeds", out, SharedAssets.root.path,
                                         SharedAssets.projectRoot.appendingPathComponent("Tests/UnitTests/Fixtures").path]),
              run.status == 0 else { return .failure(ProcessFailure(description: "edgeseg-fuzz seeds failed")) }
        return .success(out)
    }()

    struct ProcessFailure: Error, CustomStringConvertible { let description: String }

    @Test(arguments: ["model", "config", "safetensors", "scales", "png", "jpeg", "labels", "http"])
    func targetSurvives(_ target: String) throws {
        let seeds = try Self.seeds.get()
        let artifacts = SharedAssets.scratchDirectory("fuzz-\(target)") + "/"
        let run = try runProcess([Self.fuzzer, target, "-max_total_time=\(Self.seconds)", "-artifact_prefix=\(artifacts)", seeds + "/" + target],
                                 environment: ["EDGESEG_FUZZ_CONFIG": SharedAssets.camvidModel + "/config.json"])
        let reproducer = artifacts + "last-input"
        #expect(run.status == 0, "edgeseg-fuzz \(target) ended with status \(run.status); its input: \(reproducer)\n\(run.stderr.suffix(2000))")
        let done = run.stdout.split(separator: "\n").last { $0.contains("DONE") }.map(String.init) ?? ""
        print(done)
        let executions = Int(done.dropFirst().prefix { $0.isNumber }) ?? 0
        #expect(executions >= 10, "\(target): \(run.stdout.suffix(500))")
    }
}
