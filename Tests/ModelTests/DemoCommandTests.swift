import Foundation
import TestSupport
import Testing

/// `edgeseg demo`: calibrate, quantize, compare and report in one command.
@Suite struct DemoCommandTests {
    /// Scratch calib/ and eval/ folders with the first two CamVid calibration and eval images: a fast demo.
    static func smallCamVidFolders(name: String = #function) throws -> (calib: String, eval: String) {
        let dir = SharedAssets.scratchDirectory(name)
        let fm = FileManager.default
        let camvid = SharedAssets.path("assets/camvid")
        for sub in ["calib", "eval/images", "eval/labels"] { try fm.createDirectory(atPath: dir + "/" + sub, withIntermediateDirectories: true) }
        for file in try fm.contentsOfDirectory(atPath: camvid + "/calib").sorted().prefix(2) {
            try fm.copyItem(atPath: "\(camvid)/calib/\(file)", toPath: "\(dir)/calib/\(file)")
        }
        for file in try fm.contentsOfDirectory(atPath: camvid + "/eval/images").sorted().prefix(2) {
            for sub in ["images", "labels"] { try fm.copyItem(atPath: "\(camvid)/eval/\(sub)/\(file)", toPath: "\(dir)/eval/\(sub)/\(file)") }
        }
        return (dir + "/calib", dir + "/eval")
    }

    @Test func demoWritesModelScalesAndReport() throws {
        let folders = try Self.smallCamVidFolders()
        let output = SharedAssets.scratchDirectory() + "/out"
        let run = try runEdgeSeg(["demo", "--model", SharedAssets.camvidModel, "--calib", folders.calib, "--data", folders.eval,
                                  "--size", "96x64", "--output", output])
        #expect(run.status == 0, "\(run.stderr)")
        try Self.expectReport(run, in: output)
    }

    /// A hub id (owner/name, not a path) is fetched from the hub first (here the stand-in hub of
    /// HubDownloadTests serving the CamVid model) into the cache, then the demo runs on the download.
    @Test func demoFetchesAHubIdFirst() throws {
        let hub = try LocalHub()
        defer { hub.stop() }
        let folders = try Self.smallCamVidFolders()
        let cache = SharedAssets.scratchDirectory(), output = SharedAssets.scratchDirectory() + "/out"
        let run = try runEdgeSeg(["demo", "--model", HubDownloadTests.repo, "--calib", folders.calib, "--data", folders.eval,
                                  "--size", "96x64", "--output", output],
                                 environment: ["HF_ENDPOINT": hub.endpoint, "HF_TOKEN": "", "XDG_CACHE_HOME": cache])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("fetching \(HubDownloadTests.repo) from the hub"), "\(run.stdout)")
        let fetched = cache + "/edgeseg/hub/edgeseg--segformer-b0-camvid/main"
        #expect(run.stdout.contains("2/3 quantize \(fetched)"), "\(run.stdout)")
        #expect(hub.requests.contains("GET /edgeseg/segformer-b0-camvid/resolve/main/config.json auth=no"))
        for file in ["config.json", "model.safetensors"] {
            #expect(FileManager.default.contentsEqual(atPath: fetched + "/" + file, andPath: SharedAssets.camvidModel + "/" + file), "\(file)")
        }
        try Self.expectReport(run, in: output)
    }

    /// The demo's files are in `output`, its table was printed, and report.json's scores are in range
    /// (two images).
    static func expectReport(_ run: ProcessResult, in output: String) throws {
        let fm = FileManager.default
        #expect(run.stdout.contains("report: \(output)/report.html"), "\(run.stdout)")
        #expect(run.stdout.contains("| mIoU |"), "\(run.stdout)")
        for file in ["model.edgeseg", "scales.json", "report.json", "report.md", "report.html"] {
            #expect(fm.fileExists(atPath: output + "/" + file), "\(file)")
        }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output + "/report.json"))) as? [String: Any]
        for precision in ["float", "int8"] {
            let scores = json?[precision] as? [String: Any]
            for key in ["miou", "pixel_accuracy"] {
                let value = scores?[key] as? Double
                #expect(value.map { $0 >= 0 && $0 <= 100 } == true, "\(precision).\(key): \(String(describing: value))")
            }
        }
        let agreement = json?["agreement"] as? Double
        #expect(agreement.map { $0 > 50 && $0 <= 100 } == true, "agreement \(String(describing: agreement))")
        #expect(json?["sqnr_db"] is Double)
        #expect(json?["images"] as? Int == 2)
    }

    /// Run where the default assets are not: the error says which option to give.
    @Test func missingDefaultNamesTheOption() throws {
        // One level down in a fresh folder: ../shared is then inside it, and missing.
        let dir = SharedAssets.scratchDirectory() + "/project"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let run = try runProcess(["-C", dir, edgeSegExecutable(), "demo"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("--model"), "\(run.stderr)")
    }
}
