// The one place that talks to the network: Foundation's URLSession (libcurl on Linux) does HTTPS,
// redirects and proxies, which would be a lot of C to own for a host-only convenience.
import EdgeSegRuntime
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Downloads a SegFormer checkpoint (`config.json` + `model.safetensors`) from the Hugging Face hub or a
/// mirror, into a cache folder, so it can then be imported like any local checkpoint folder.
public struct HubClient: Sendable {
    public static let defaultEndpoint = "https://huggingface.co"
    /// The files a SegFormer import needs, in download order (the small one first: it fails fast).
    public static let checkpointFiles = ["config.json", "model.safetensors"]

    /// Base URL of the hub, e.g. `https://huggingface.co` (no trailing slash needed).
    public var endpoint: String
    /// Access token for gated or private repos, sent as `Authorization: Bearer`.
    public var token: String?
    /// Holds one folder per repo and revision: `{cacheRoot}/{owner}--{name}/{revision}/`.
    public var cacheRoot: String
    /// Progress on stderr while downloading.
    public var showsProgress: Bool

    public init(endpoint: String = HubClient.defaultEndpoint, token: String? = nil, cacheRoot: String, showsProgress: Bool = true) {
        self.endpoint = endpoint
        self.token = token
        self.cacheRoot = cacheRoot
        self.showsProgress = showsProgress
    }

    /// Settings from the environment, as the Hugging Face tools read them: `HF_ENDPOINT`, `HF_TOKEN`;
    /// the cache is `$XDG_CACHE_HOME/edgeseg/hub`, else `~/.cache/edgeseg/hub`.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> HubClient {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let cacheBase = value("XDG_CACHE_HOME") ?? ((value("HOME") ?? NSHomeDirectory()) + "/.cache")
        return HubClient(
            endpoint: value("HF_ENDPOINT") ?? defaultEndpoint,
            token: value("HF_TOKEN"),
            cacheRoot: cacheBase + "/edgeseg/hub"
        )
    }

    /// The folder `fetch` uses for a repo and revision when no destination is given.
    public func cacheDirectory(repo: String, revision: String) throws(EdgeSegError) -> String {
        try validateRepoID(repo)
        try validateRevision(revision)
        return cacheRoot + "/" + repo.replacingOccurrences(of: "/", with: "--") + "/" + revision
    }

    /// Downloads `checkpointFiles` of `repo` (`owner/name`) at `revision` (branch, tag or commit) into
    /// `directory`, or the cache folder when nil, checks that the folder imports as a SegFormer, and returns
    /// it. A file already there is complete (downloads land under a temporary name and are renamed when
    /// whole and checked), so it is not fetched again.
    public func fetch(repo: String, revision: String = "main", to directory: String? = nil) throws(EdgeSegError) -> String {
        let cacheFolder = try cacheDirectory(repo: repo, revision: revision)
        let folder = directory ?? cacheFolder
        let base = try endpointURL()
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw EdgeSegError(.io, "\(folder): cannot create the folder: \(describe(error))")
        }
        for file in HubClient.checkpointFiles {
            let destination = folder + "/" + file
            if FileManager.default.fileExists(atPath: destination) {
                if showsProgress { ProgressBar.note("\(file): already downloaded") }
                continue
            }
            // The hub's revision is one path segment: a branch like `refs/pr/1` travels as `refs%2Fpr%2F1`.
            let url = base + "/" + repo + "/resolve/" + revision.replacingOccurrences(of: "/", with: "%2F") + "/" + file
            try download(url, repo: repo, revision: revision, file: file, to: destination)
        }
        do throws(EdgeSegError) {
            _ = try loadHuggingFaceCheckpoint(directory: folder)
        } catch {
            throw EdgeSegError(error.kind, "\(repo) is in \(folder) but does not import as a SegFormer: \(error.message)")
        }
        return folder
    }

    private func endpointURL() throws(EdgeSegError) -> String {
        var base = endpoint
        while base.hasSuffix("/") { base.removeLast() }
        guard base.hasPrefix("https://") || base.hasPrefix("http://"), URL(string: base)?.host != nil else {
            throw EdgeSegError(.usage, "hub endpoint '\(endpoint)' is not an http(s) URL (HF_ENDPOINT?)")
        }
        return base
    }

    // MARK: one file

    private func download(_ url: String, repo: String, revision: String, file: String, to destination: String) throws(EdgeSegError) {
        guard let requestURL = URL(string: url) else { throw EdgeSegError(.usage, "\(url): not a valid URL") }
        // A temporary name in the same folder, so the final rename is atomic and never leaves half a file.
        let partial = destination + "." + UUID().uuidString.prefix(8) + ".incomplete"
        guard FileManager.default.createFile(atPath: partial, contents: nil), let output = FileHandle(forWritingAtPath: partial) else {
            throw EdgeSegError(.io, "\(partial): cannot create: \(String(cString: strerror(errno)))")
        }
        defer { try? FileManager.default.removeItem(atPath: partial) }  // a no-op once renamed

        var request = URLRequest(url: requestURL, timeoutInterval: 60)
        if let token { request.setValue("Bearer " + token, forHTTPHeaderField: "Authorization") }
        // Sizes must compare with Content-Length: no transparent compression.
        request.setValue("identity", forHTTPHeaderField: "Accept-Encoding")
        let transfer = FileTransfer(output: output, label: file, showsProgress: showsProgress, authorizedHost: requestURL.host)
        let session = URLSession(configuration: .ephemeral, delegate: transfer, delegateQueue: nil)
        session.dataTask(with: request).resume()
        transfer.finished.wait()
        session.finishTasksAndInvalidate()
        try? output.close()

        if let writeError = transfer.writeError {
            throw EdgeSegError(.io, "\(partial): cannot write: \(describe(writeError))")
        }
        guard let response = transfer.response else {
            throw unreachable(transfer.currentURL ?? requestURL, transfer.failure)
        }
        guard (200..<300).contains(response.statusCode) else {
            throw httpError(response, url: url, repo: repo, revision: revision, file: file)
        }
        let expected = response.expectedContentLength
        if transfer.failure != nil || (expected >= 0 && transfer.received != expected) {
            let of = expected >= 0 ? " of \(expected) bytes (Content-Length)" : " bytes"
            let why = transfer.failure.map { ": " + describe($0) } ?? ""
            throw EdgeSegError(.network, "\(url): download truncated: got \(transfer.received)\(of)\(why); run the command again")
        }
        try checkContent(partial, file: file, url: url)
        guard rename(partial, destination) == 0 else {
            throw EdgeSegError(.io, "\(destination): cannot rename the finished download: \(String(cString: strerror(errno)))")
        }
    }

    /// Catches what a 200 answer can still be instead of the file (a login or error page of a proxy or
    /// mirror) before it gets the final name, where it would pass for a cached download.
    private func checkContent(_ path: String, file: String, url: String) throws(EdgeSegError) {
        do throws(EdgeSegError) {
            if file.hasSuffix(".safetensors") {
                _ = try SafeTensorsFile(path: path)
            } else if file.hasSuffix(".json") {
                let file = try MappedFile(path: path)
                let json = try withExtendedLifetime(file) { () throws(EdgeSegError) in try JSONValue.parse(file.bytes, source: path) }
                guard json.members != nil else { throw EdgeSegError(.json, "\(path): not a JSON object") }
            }
        } catch {
            throw EdgeSegError(.network, "\(url): the server's answer is not a valid \(file) (an HTML page from a proxy or mirror?): \(error.message)")
        }
    }

    // MARK: errors

    private func unreachable(_ url: URL, _ error: Error?) -> EdgeSegError {
        let origin = (url.scheme ?? "https") + "://" + (url.host ?? "?") + (url.port.map { ":\($0)" } ?? "")
        let why = error.map(describe) ?? "no answer"
        return EdgeSegError(.network, "cannot reach \(origin) (\(why)): offline? set HF_ENDPOINT to a mirror, or download config.json and model.safetensors by hand and pass the folder")
    }

    private func httpError(_ response: HTTPURLResponse, url: String, repo: String, revision: String, file: String) -> EdgeSegError {
        let status = response.statusCode
        // The hub names the cause in X-Error-Code (RepoNotFound, RevisionNotFound, EntryNotFound, GatedRepo).
        let code = response.value(forHTTPHeaderField: "X-Error-Code") ?? ""
        var at = "\(url): HTTP \(status)"
        if let final = response.url?.absoluteString, final != url { at += " (redirected to \(final))" }
        let page = "\(endpoint)/\(repo)"
        switch (status, code) {
        case (_, "GatedRepo"):
            return EdgeSegError(.network, "\(at): \(repo) is gated: accept its conditions on \(page) and set HF_TOKEN to a token of that account")
        case (401, _), (403, _):
            let fix = token == nil
                ? "the repo is gated or private (or does not exist): set HF_TOKEN to an access token that may read it"
                : "the token in HF_TOKEN was refused or may not read \(repo) (gated: accept its conditions on \(page))"
            return EdgeSegError(.network, "\(at): \(fix)")
        case (_, "RepoNotFound"):
            return EdgeSegError(.network, "\(at): repository \(repo) not found (a typo? private: set HF_TOKEN)")
        case (_, "RevisionNotFound"):
            return EdgeSegError(.network, "\(at): revision '\(revision)' not found in \(repo)")
        case (_, "EntryNotFound"):
            return EdgeSegError(.network, "\(at): \(repo) has no \(file) at revision '\(revision)' (not a transformers SegFormer checkpoint?)")
        case (404, _):
            return EdgeSegError(.network, "\(at): not found: check the repo id '\(repo)', the revision '\(revision)' and that the repo has \(file)")
        default:
            return EdgeSegError(.network, "\(at) \(HTTPURLResponse.localizedString(forStatusCode: status))")
        }
    }
}

/// Why a request failed, in words (URLError's own text on Linux is only a domain and a number).
private func describe(_ error: Error) -> String {
    guard let urlError = error as? URLError else { return error.localizedDescription }
    switch urlError.code {
    case .cannotConnectToHost: return "connection refused"
    case .cannotFindHost, .dnsLookupFailed: return "host name not found"
    case .notConnectedToInternet: return "no network"
    case .timedOut: return "timed out"
    case .networkConnectionLost: return "connection lost"
    case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
         .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot:
        return "TLS connection failed"
    case .httpTooManyRedirects: return "too many redirects"
    default: return "URL error \(urlError.code.rawValue)"
    }
}

// MARK: names

/// `owner/name` as the hub allows them: letters, digits, `-`, `_`, `.`; no `--` or `..`; not starting or
/// ending with `-` or `.`. This also keeps the cache path inside the cache.
func validateRepoID(_ repo: String) throws(EdgeSegError) {
    let parts = repo.split(separator: "/", omittingEmptySubsequences: false)
    let valid = parts.count == 2 && parts.allSatisfy { part in
        (1...96).contains(part.count) && part.allSatisfy(isNameCharacter)
            && !part.contains("--") && !part.contains("..")
            && !["-", "."].contains(part.first!) && !["-", "."].contains(part.last!)
    }
    guard valid else {
        throw EdgeSegError(.usage, "'\(repo)' is not a hub repo id: expected owner/name, e.g. nvidia/segformer-b0-finetuned-ade-512-512")
    }
}

/// A branch, tag or commit: segments of name characters separated by single `/` (e.g. `refs/pr/1`),
/// none starting with `.`, so it cannot leave the cache folder.
func validateRevision(_ revision: String) throws(EdgeSegError) {
    let segments = revision.split(separator: "/", omittingEmptySubsequences: false)
    let valid = (1...255).contains(revision.count) && segments.allSatisfy { segment in
        !segment.isEmpty && segment.first != "." && segment.allSatisfy(isNameCharacter)
    }
    guard valid else {
        throw EdgeSegError(.usage, "'\(revision)' is not a revision: expected a branch, tag or commit such as main, v1.0 or refs/pr/1")
    }
}

private func isNameCharacter(_ c: Character) -> Bool {
    c.isASCII && (c.isLetter || c.isNumber || c == "-" || c == "_" || c == ".")
}

// MARK: URLSession plumbing

/// Streams one response body into a file. URLSession calls it on its own serial queue; `fetch` reads the
/// results only after `finished` is signalled, so no lock is needed.
private final class FileTransfer: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    let finished = DispatchSemaphore(value: 0)
    private let output: FileHandle
    private let label: String
    private let showsProgress: Bool
    private let authorizedHost: String?
    private var progress: ProgressBar?

    private(set) var response: HTTPURLResponse?
    private(set) var currentURL: URL?
    private(set) var received: Int64 = 0
    private(set) var failure: Error?
    private(set) var writeError: Error?

    init(output: FileHandle, label: String, showsProgress: Bool, authorizedHost: String?) {
        self.output = output
        self.label = label
        self.showsProgress = showsProgress
        self.authorizedHost = authorizedHost
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        // The hub sends large files to a CDN with a signed URL: the token must not follow to another host
        // (it would leak, and signed-URL stores reject a second authorization).
        var next = request
        if next.url?.host != authorizedHost { next.setValue(nil, forHTTPHeaderField: "Authorization") }
        currentURL = next.url
        completionHandler(next)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        guard let http = response as? HTTPURLResponse else { completionHandler(.cancel); return }
        self.response = http
        // An error answer's body is a page, not the file: `fetch` reports the status instead.
        guard (200..<300).contains(http.statusCode) else { completionHandler(.cancel); return }
        if showsProgress {
            let total = http.expectedContentLength
            progress = ProgressBar(label: label, total: total >= 0 ? total : nil, unit: .bytes)
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard writeError == nil else { return }
        do {
            try output.write(contentsOf: data)
            received += Int64(data.count)
            progress?.advance(to: received)
        } catch {
            writeError = error
            dataTask.cancel()
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        let cancelledByUs = (error as? URLError)?.code == .cancelled
        if !cancelledByUs { failure = error }
        progress?.finish(completed: error == nil)
        finished.signal()
    }
}
