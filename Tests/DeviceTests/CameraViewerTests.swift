import EdgeSegRuntime
import Foundation
import TestSupport
import Testing

/// `edgeseg camera --http`: the live page as headless Chromium draws it (the overlay, the legend with each class's
/// share, the overlay/plain switch), `/frame.png`, `/picture.png`, `/frame.json` and `/stats.json`, and a slow
/// client that blocks no one.
@Suite struct CameraViewerTests {
    @Test func pageShowsTheOverlayAndStatsParse() throws {
        let (process, output, port, images) = try startViewer()
        defer { if process.isRunning { process.terminate() } }

        let stats = try fetch(port: port, path: "/stats.json")
        #expect(stats.status == 200)
        let json = try JSONValue.parse(String(decoding: stats.body, as: UTF8.self), source: "/stats.json")
        #expect(json["frames_segmented"] == .int(2), "\(String(decoding: stats.body, as: UTF8.self))")
        #expect(json["latency_ms"]?["p50"]?.double != nil)
        #expect(json["drops"]?["total"] == .int(0))

        let frame = try fetch(port: port, path: "/frame.png")
        #expect(frame.status == 200)
        let png = SharedAssets.scratchDirectory() + "/frame.png"
        try Data(frame.body).write(to: URL(fileURLWithPath: png))
        let overlay = try loadImage(path: png)
        #expect(overlay.width == 480 && overlay.height == 360)
        #expect(try fetch(port: port, path: "/nothing").status == 404)

        // The plain picture is the last image itself; /frame.json is that frame's result, its shares the mask's.
        let plainResponse = try fetch(port: port, path: "/picture.png")
        #expect(plainResponse.status == 200)
        let plainPath = SharedAssets.scratchDirectory() + "/picture.png"
        try Data(plainResponse.body).write(to: URL(fileURLWithPath: plainPath))
        let lastImage = images + "/" + (try FileManager.default.contentsOfDirectory(atPath: images).sorted().last!)
        #expect(try loadImage(path: plainPath) == (try loadImage(path: lastImage)))
        let frameJSON = try fetch(port: port, path: "/frame.json")
        let result = try JSONValue.parse(String(decoding: frameJSON.body, as: UTF8.self), source: "/frame.json")
        #expect(result["frame"] == .int(2), "\(result)")
        let shares = try #require(result["classes"]?.array, "\(result)")
        #expect(!shares.isEmpty)
        let total = shares.compactMap { $0["share"]?.double }.reduce(0, +)
        #expect(abs(total - 1) < 0.001, "shares add up to \(total)")

        // The page as Chromium runs it: a legend row per class (colour and name), the shares of /frame.json filled
        // in by its script, and `#plain` switches the picture to /picture.png.
        try requireTool("chromium", package: "chromium")
        let names = ["sky", "building", "pole", "road", "pavement", "tree", "signsymbol", "fence", "car", "pedestrian", "bicyclist"]
        let palette = Palette(classCount: 11)
        for view in ["", "#plain"] {
            let dom = try runProcess(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=3000",
                                      "--dump-dom", "http://127.0.0.1:\(port)/\(view)"])
            #expect(dom.status == 0, "\(dom.stderr)")
            for (index, name) in names.enumerated() {
                let c = palette.color(of: index)!
                let hex = "#" + [c.r, c.g, c.b].map { String(format: "%02x", $0) }.joined()
                #expect(dom.stdout.contains("background:\(hex)\"></span></td><td>\(name)</td>"), "\(name) \(hex) not in the legend")
            }
            for share in shares {
                let index = share["index"]!.int!, percent = String(format: "%.1f %%", 100 * share["share"]!.double!)
                #expect(dom.stdout.contains("id=\"share-\(index)\">\(percent)</td>"), "class \(index): \(percent) not shown")
            }
            let picture = "http://127.0.0.1:\(port)" + (view == "#plain" ? "/picture.png?t=" : "/frame.png?t=")
            #expect(dom.stdout.contains("id=\"frame\" src=\"\(picture)"), "\(view): the picture is not \(picture)")
        }

        let screenshot = SharedAssets.scratchDirectory() + "/page.png"
        let shot = try runProcess(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                                   "--enable-logging=stderr", "--v=0", "--virtual-time-budget=3000",
                                   "--screenshot=" + screenshot, "--window-size=800,600", "http://127.0.0.1:\(port)/"])
        #expect(shot.status == 0, "\(shot.stderr)")
        #expect(!shot.stderr.contains("Uncaught"), "\(shot.stderr)")
        let page = try loadImage(path: screenshot)
        #expect(page.width == 800 && page.height == 600)
        // The page is dark; the overlay shows on it at its own size: its middle row is somewhere in the screenshot.
        let row = Array(overlay.pixels[(180 * 480 + 100) * 3..<(180 * 480 + 380) * 3])
        var found = false
        for y in 0..<page.height where !found {
            let line = page.pixels[(y * page.width * 3)..<((y + 1) * page.width * 3)]
            found = line.withContiguousStorageIfAvailable { contains(Array($0), row) } ?? false
        }
        #expect(found, "the overlay's pixels are not in the screenshot")

        process.terminate()   // SIGTERM: stop, summary, exit 0
        var rest: [String] = []
        while process.isRunning || rest.last != "" {
            let line = readLine(from: output.fileHandleForReading)
            if line.isEmpty && !process.isRunning { break }
            rest.append(line)
        }
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(rest.contains { $0.hasPrefix("summary: 2 frames captured, 2 segmented") }, "\(rest)")
    }

    private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        for start in stride(from: 0, through: haystack.count - needle.count, by: 3)
        where haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return true
        }
        return false
    }

    /// `edgeseg camera --source` over two CamVid frames with `--http` on a free port, once both frames went
    /// through (the page then stays served): the process, its stdout, the port and the images' folder.
    private func startViewer() throws -> (process: Process, output: Pipe, port: Int, images: String) {
        let images = try SharedAssets.smallEvalFolder(2) + "/images"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: edgeSegExecutable())
        process.arguments = ["camera", "--model", try SmallModel.path, "--source", images,
                             "--model-size", "128x96", "--http", "127.0.0.1:0"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var started = false
        defer { if !started { process.terminate() } }

        // "view: http://127.0.0.1:PORT/", then, once both images went through, "source done".
        var lines: [String] = []
        while !(lines.last ?? "").hasPrefix("source done"), lines.count < 50, process.isRunning {
            lines.append(readLine(from: output.fileHandleForReading))
        }
        let view = try #require(lines.first { $0.hasPrefix("view: http://127.0.0.1:") }, "\(lines)")
        let port = try #require(Int(view.dropFirst("view: http://127.0.0.1:".count).dropLast()), "\(view)")
        try #require(lines.last?.hasPrefix("source done") == true, "\(lines)")
        started = true
        return (process, output, port, images)
    }


    /// One client sending its request a byte every 1.5 s (cut off with a 408 after 5 s, then again) while 50 others
    /// fetch /frame.png and /stats.json five times a second each: a probe's /stats.json answers within 100 ms
    /// (90 % of the probes; all within 1 s). (The viewer used to
    /// serve one connection at a time: such a client blocked everyone for as long as it kept sending.)
    @Test func aSlowClientBlocksNoOneElse() throws {
        let (process, _, port, _) = try startViewer()
        defer { if process.isRunning { process.terminate() } }

        let counts = Counters()
        let group = DispatchGroup()
        let slow = Thread {
            while !counts.stopped {
                guard let fd = try? connectTo(port) else { continue }
                for byte in Array("GET /stats.json HTTP/1.1\r\nHost: x\r\n\r\n".utf8) where !counts.stopped {
                    var b = byte
                    if send(fd, &b, 1, Int32(MSG_NOSIGNAL)) != 1 { break }
                    // Sleep 1.5 s, but wake up early if the server answered (a 408).
                    var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                    if poll(&poller, 1, 1500) > 0 {
                        if let response = try? readAll(fd), String(decoding: response.prefix(12), as: UTF8.self) == "HTTP/1.1 408" {
                            counts.add(\.timeouts)
                        }
                        break
                    }
                }
                close(fd)
            }
            group.leave()
        }
        group.enter()
        slow.start()
        for i in 0..<50 {
            group.enter()
            Thread {
                while !counts.stopped {
                    let ok = (try? fetch(port: port, path: i % 2 == 0 ? "/frame.png" : "/stats.json").status) == 200
                    counts.add(ok ? \.served : \.failed)
                    usleep(200_000)   // a viewer polling five times a second
                }
                group.leave()
            }.start()
        }
        var latencies: [Double] = []
        let start = Date()
        while Date().timeIntervalSince(start) < 12 {
            let t = Date()
            let status = try fetch(port: port, path: "/stats.json").status
            latencies.append(Date().timeIntervalSince(t) * 1000)
            #expect(status == 200)
            usleep(100_000)
        }
        counts.stop()
        group.wait()
        latencies.sort()
        let p50 = latencies[latencies.count / 2], p99 = latencies[latencies.count * 99 / 100], worst = latencies.last!
        print("slow client + 50 clients: /stats.json p50 \(fixed(p50)) ms, p99 \(fixed(p99)) ms, max \(fixed(worst)) ms over \(latencies.count) probes in 12 s; "
              + "the 50 clients got \(counts.served) answers (\(counts.failed) failed); the slow client was cut off \(counts.timeouts) times (408)")
        // On this shared 2-core machine (other builds beside the 80 threads of this test) a thread now and then
        // waits 100-150 ms for a core, with or without the slow client, so 90 % of the probes must answer within
        // 100 ms and every one within 1 s: a server the slow client blocks stalls probes for seconds (its 5 s).
        let p90 = latencies[latencies.count * 9 / 10]
        #expect(p90 < 100, "/stats.json p90 \(p90) ms")
        #expect(worst < 1000, "/stats.json took \(worst) ms")
        #expect(counts.timeouts >= 1, "the slow client was never cut off")
        #expect(counts.failed == 0 && counts.served > 1000, "\(counts.served) served, \(counts.failed) failed")
    }
}

/// Counts shared by the client threads of `aSlowClientBlocksNoOneElse`.
private final class Counters: @unchecked Sendable {
    private let lock = NSLock()
    private var values: (served: Int, failed: Int, timeouts: Int, stopped: Bool) = (0, 0, 0, false)
    var served: Int { lock.withLock { values.served } }
    var failed: Int { lock.withLock { values.failed } }
    var timeouts: Int { lock.withLock { values.timeouts } }
    var stopped: Bool { lock.withLock { values.stopped } }
    func add(_ field: WritableKeyPath<(served: Int, failed: Int, timeouts: Int, stopped: Bool), Int>) { lock.withLock { values[keyPath: field] += 1 } }
    func stop() { lock.withLock { values.stopped = true } }
}

private struct HTTPFailure: Error, CustomStringConvertible { let description: String }

/// A connected socket to 127.0.0.1:port.
private func connectTo(_ port: Int) throws -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw HTTPFailure(description: "socket: errno \(errno)") }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else {
        close(fd)
        throw HTTPFailure(description: "cannot connect to port \(port)")
    }
    return fd
}

/// Everything the peer sends until it closes.
private func readAll(_ fd: Int32) throws -> [UInt8] {
    var response: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n < 0 && errno == EINTR { continue }
        if n < 0 { throw HTTPFailure(description: "recv: errno \(errno)") }
        if n == 0 { return response }
        response += buffer[0..<n]
    }
}

/// One GET over a plain socket: status code and body.
private func fetch(port: Int, path: String) throws -> (status: Int, body: [UInt8]) {
    let fd = try connectTo(port)
    defer { close(fd) }
    let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)
    guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == request.count else {
        throw HTTPFailure(description: "send: errno \(errno)")
    }
    let response = try readAll(fd)
    let separator = Array("\r\n\r\n".utf8)
    guard response.count >= 4, let split = (0...(response.count - 4)).first(where: { response[$0..<($0 + 4)].elementsEqual(separator) }) else {
        throw HTTPFailure(description: "no HTTP head in \(response.count) bytes")
    }
    let head = String(decoding: response[..<split], as: UTF8.self)
    let status = head.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
    return (status, Array(response[(split + 4)...]))
}

private func fixed(_ ms: Double) -> String { String(format: "%.2f", ms) }
