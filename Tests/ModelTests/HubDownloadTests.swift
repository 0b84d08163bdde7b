import EdgeSegImport
import EdgeSegRuntime
import Foundation
import TestSupport
import Testing

/// `HubClient.fetch` against a stand-in hub on 127.0.0.1 (Fixtures/hub_server.py): this machine has no internet.
@Suite struct HubDownloadTests {
    static let repo = "edgeseg/segformer-b0-camvid"

    @Test func downloadIsByteIdenticalAndLandsInTheCache() throws {
        let hub = try LocalHub()
        defer { hub.stop() }
        let cache = SharedAssets.scratchDirectory()
        let folder = try hub.client(cacheRoot: cache).fetch(repo: Self.repo)
        #expect(folder == cache + "/edgeseg--segformer-b0-camvid/main")
        try expectCamVidFiles(in: folder)
        // model.safetensors came through the CDN redirect, without the (absent) token.
        #expect(hub.requests.contains("GET /cdn/edgeseg/segformer-b0-camvid/main/model.safetensors auth=no"))
    }

    @Test func secondFetchUsesTheCacheWithoutARequest() throws {
        let hub = try LocalHub()
        defer { hub.stop() }
        let client = hub.client(cacheRoot: SharedAssets.scratchDirectory())
        let first = try client.fetch(repo: Self.repo)
        let requestsAfterFirst = hub.requests.count
        #expect(requestsAfterFirst == 3)  // config.json, model.safetensors, its CDN redirect
        let second = try client.fetch(repo: Self.repo)
        #expect(second == first)
        #expect(hub.requests.count == requestsAfterFirst)
    }

    @Test func downloadsIntoAGivenFolderInsteadOfTheCache() throws {
        let hub = try LocalHub()
        defer { hub.stop() }
        let cache = SharedAssets.scratchDirectory()
        let target = SharedAssets.scratchDirectory() + "/nested/model"
        let folder = try hub.client(cacheRoot: cache).fetch(repo: Self.repo, to: target)
        #expect(folder == target)
        try expectCamVidFiles(in: target)
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache).isEmpty)
    }

    @Test func pullRequestRevisionTravelsAsOneSegment() throws {
        let hub = try LocalHub(revision: "refs/pr/1")
        defer { hub.stop() }
        let cache = SharedAssets.scratchDirectory()
        let folder = try hub.client(cacheRoot: cache).fetch(repo: Self.repo, revision: "refs/pr/1")
        #expect(folder == cache + "/edgeseg--segformer-b0-camvid/refs/pr/1")
        try expectCamVidFiles(in: folder)
    }

    @Test func unknownRepoRevisionOrFileIsANamedNotFound() throws {
        let hub = try LocalHub()
        defer { hub.stop() }
        let client = hub.client(cacheRoot: SharedAssets.scratchDirectory())
        let repoError = #expect(throws: EdgeSegError.self) { try client.fetch(repo: "nobody/no-such-model") }
        #expect(repoError?.kind == .network)
        #expect(repoError?.message.contains("\(hub.endpoint)/nobody/no-such-model/resolve/main/config.json: HTTP 404") == true)
        #expect(repoError?.message.contains("repository nobody/no-such-model not found") == true)

        let revisionError = #expect(throws: EdgeSegError.self) { try client.fetch(repo: Self.repo, revision: "v9") }
        #expect(revisionError?.message.contains("revision 'v9' not found") == true)
    }

    @Test func closedPortGivesTheOfflineAdvice() throws {
        let hub = try LocalHub()
        let endpoint = hub.endpoint
        hub.stop()  // nothing listens on its port any more
        let client = HubClient(endpoint: endpoint, cacheRoot: SharedAssets.scratchDirectory(), showsProgress: false)
        let error = #expect(throws: EdgeSegError.self) { try client.fetch(repo: Self.repo) }
        #expect(error?.kind == .network)
        #expect(error?.message.hasPrefix("cannot reach \(endpoint) (connection refused): offline? set HF_ENDPOINT") == true)
    }

    @Test func tokenIsRequiredSentAndNotForwardedToTheCDN() throws {
        let hub = try LocalHub(token: "hf_secret")
        defer { hub.stop() }
        let cache = SharedAssets.scratchDirectory()
        let anonymous = #expect(throws: EdgeSegError.self) { try hub.client(cacheRoot: cache).fetch(repo: Self.repo) }
        #expect(anonymous?.message.contains("HTTP 401") == true)
        #expect(anonymous?.message.contains("set HF_TOKEN") == true)

        let wrong = #expect(throws: EdgeSegError.self) { try hub.client(cacheRoot: cache, token: "hf_other").fetch(repo: Self.repo) }
        #expect(wrong?.message.contains("the token in HF_TOKEN was refused") == true)

        // The stand-in CDN answers 400 to a request with a token, so success means it was dropped there.
        let folder = try hub.client(cacheRoot: cache, token: "hf_secret").fetch(repo: Self.repo)
        try expectCamVidFiles(in: folder)
        #expect(hub.requests.suffix(3) == [
            "GET /edgeseg/segformer-b0-camvid/resolve/main/config.json auth=yes",
            "GET /edgeseg/segformer-b0-camvid/resolve/main/model.safetensors auth=yes",
            "GET /cdn/edgeseg/segformer-b0-camvid/main/model.safetensors auth=no",
        ])
    }

    @Test func truncatedDownloadIsAnErrorAndLeavesNoFile() throws {
        let hub = try LocalHub(truncate: true)
        defer { hub.stop() }
        let cache = SharedAssets.scratchDirectory()
        let client = hub.client(cacheRoot: cache)
        let error = #expect(throws: EdgeSegError.self) { try client.fetch(repo: Self.repo) }
        let size = try fileSize(SharedAssets.camvidModel + "/model.safetensors")
        #expect(error?.message.contains("download truncated: got \(size / 2) of \(size) bytes") == true)
        let folder = try client.cacheDirectory(repo: Self.repo, revision: "main")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["config.json"])
    }

    @Test func htmlPageInsteadOfTheWeightsIsNotKept() throws {
        let hub = try LocalHub()
        defer { hub.stop() }
        let page = hub.root + "/edgeseg/segformer-b0-camvid/main/model.safetensors"
        try FileManager.default.removeItem(atPath: page)
        try Data("<!DOCTYPE html><html><body>Sign in to continue</body></html>".utf8).write(to: URL(fileURLWithPath: page))
        let client = hub.client(cacheRoot: SharedAssets.scratchDirectory())
        let error = #expect(throws: EdgeSegError.self) { try client.fetch(repo: Self.repo) }
        #expect(error?.message.contains("is not a valid model.safetensors") == true)
        let folder = try client.cacheDirectory(repo: Self.repo, revision: "main")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["config.json"])
    }

    @Test func repoThatIsNotASegFormerIsKeptButReported() throws {
        let hub = try LocalHub()
        defer { hub.stop() }
        let config = hub.root + "/edgeseg/segformer-b0-camvid/main/config.json"
        try FileManager.default.removeItem(atPath: config)
        try Data(#"{"model_type": "bert", "hidden_size": 768}"#.utf8).write(to: URL(fileURLWithPath: config))
        let client = hub.client(cacheRoot: SharedAssets.scratchDirectory())
        let error = #expect(throws: EdgeSegError.self) { try client.fetch(repo: Self.repo) }
        #expect(error?.kind == .config)
        #expect(error?.message.contains("does not import as a SegFormer") == true)
        // What the hub has was downloaded whole; only its content is unusable.
        let folder = try client.cacheDirectory(repo: Self.repo, revision: "main")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == HubClient.checkpointFiles.sorted())
    }

    @Test(arguments: ["../etc", "nvidia", "a/b/c", "nvidia/..", "nvidia/.hidden", "-x/model", "a/b--c", "a/b c", "/abs", ""])
    func badRepoIDIsRejectedBeforeAnyRequest(repo: String) {
        // A closed endpoint: reaching the network would give a .network error, not .usage.
        let client = HubClient(endpoint: "http://127.0.0.1:1", cacheRoot: SharedAssets.scratchDirectory(), showsProgress: false)
        let error = #expect(throws: EdgeSegError.self) { try client.fetch(repo: repo) }
        #expect(error?.kind == .usage)
    }

    @Test(arguments: ["../main", "main/..", "a//b", "/main", "main/", ".git", "ma in", ""])
    func badRevisionIsRejectedBeforeAnyRequest(revision: String) {
        let client = HubClient(endpoint: "http://127.0.0.1:1", cacheRoot: SharedAssets.scratchDirectory(), showsProgress: false)
        let error = #expect(throws: EdgeSegError.self) { try client.fetch(repo: Self.repo, revision: revision) }
        #expect(error?.kind == .usage)
    }

    @Test func settingsComeFromTheEnvironment() {
        let set = HubClient.fromEnvironment([
            "HF_ENDPOINT": "http://mirror.example", "HF_TOKEN": "hf_x", "XDG_CACHE_HOME": "/xdg", "HOME": "/home/u",
        ])
        #expect(set.endpoint == "http://mirror.example")
        #expect(set.token == "hf_x")
        #expect(set.cacheRoot == "/xdg/edgeseg/hub")
        let unset = HubClient.fromEnvironment(["HF_TOKEN": "", "HOME": "/home/u"])
        #expect(unset.endpoint == "https://huggingface.co")
        #expect(unset.token == nil)
        #expect(unset.cacheRoot == "/home/u/.cache/edgeseg/hub")
    }

    private func expectCamVidFiles(in folder: String) throws {
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == HubClient.checkpointFiles.sorted())
        for file in HubClient.checkpointFiles {
            let original = try Data(contentsOf: URL(fileURLWithPath: SharedAssets.camvidModel + "/" + file))
            let fetched = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + file))
            #expect(fetched == original, "\(file) differs from the served file")
        }
    }

    private func fileSize(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? -1
    }
}

/// Fixtures/hub_server.py serving the CamVid model as `HubDownloadTests.repo` at one revision.
/// It listens on a port the OS picks (no race for a free one) and prints it once it accepts connections;
/// `stop` ends it; should this test process die first, its stdin pipe closes and it exits too.
final class LocalHub {
    let root = SharedAssets.scratchDirectory("hub")
    let endpoint: String
    private let logPath: String
    private let process = Process()
    private let input = Pipe()

    init(revision: String = "main", token: String? = nil, truncate: Bool = false) throws {
        let files = root + "/" + HubDownloadTests.repo + "/" + revision
        try FileManager.default.createDirectory(atPath: files, withIntermediateDirectories: true)
        for file in HubClient.checkpointFiles {
            try FileManager.default.createSymbolicLink(atPath: files + "/" + file, withDestinationPath: SharedAssets.camvidModel + "/" + file)
        }
        logPath = root + "/requests.log"
        try requireTool("python3", package: "python3")
        let script = SharedAssets.projectRoot.path + "/Tests/ModelTests/Fixtures/hub_server.py"
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, "--root", root, "--log", logPath]
            + (token.map { ["--token", $0] } ?? []) + (truncate ? ["--truncate"] : [])
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let line = readLine(from: output.fileHandleForReading)  // empty if the server died before it listened
        guard let port = Int(line.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            throw EdgeSegError(.io, "hub_server.py did not start: printed '\(line)'")
        }
        endpoint = "http://127.0.0.1:\(port)"
    }

    func client(cacheRoot: String, token: String? = nil) -> HubClient {
        HubClient(endpoint: endpoint, token: token, cacheRoot: cacheRoot, showsProgress: false)
    }

    /// One `GET PATH auth=yes|no` line per request the server got.
    var requests: [String] {
        ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    deinit { stop() }
}
