import EdgeSegRuntime
import Foundation
import TestSupport
import Testing

/// `edgeseg camera --http`: the live page as headless Chromium draws it (the overlay, the legend with each class's
/// share, the overlay/plain switch), `/frame.png`, `/picture.png`, `/frame.json` and `/stats.json`.
@Suite struct CameraViewerTests {
    @Test func pageShowsTheOverlayAndStatsParse() throws {
        let images = try SharedAssets.smallEvalFolder(2) + "/images"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: edgeSegExecutable())
        process.arguments = ["camera", "--model", try SmallModel.path, "--source", images,
                             "--model-size", "128x96", "--http", "127.0.0.1:0"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        // "view: http://127.0.0.1:PORT/", then, once both images went through, "source done".
        var lines: [String] = []
        while !(lines.last ?? "").hasPrefix("source done"), lines.count < 50, process.isRunning {
            lines.append(readLine(from: output.fileHandleForReading))
        }
        let view = try #require(lines.first { $0.hasPrefix("view: http://127.0.0.1:") }, "\(lines)")
        let port = try #require(Int(view.dropFirst("view: http://127.0.0.1:".count).dropLast()), "\(view)")
        #expect(lines.last?.hasPrefix("source done") == true, "\(lines)")

        let stats = try httpGet(port: port, path: "/stats.json")
        #expect(stats.status == 200)
        let json = try JSONValue.parse(String(decoding: stats.body, as: UTF8.self), source: "/stats.json")
        #expect(json["frames_segmented"] == .int(2), "\(String(decoding: stats.body, as: UTF8.self))")
        #expect(json["latency_ms"]?["p50"]?.double != nil)
        #expect(json["drops"]?["total"] == .int(0))

        let frame = try httpGet(port: port, path: "/frame.png")
        #expect(frame.status == 200)
        let png = SharedAssets.scratchDirectory() + "/frame.png"
        try Data(frame.body).write(to: URL(fileURLWithPath: png))
        let overlay = try loadImage(path: png)
        #expect(overlay.width == 480 && overlay.height == 360)
        #expect(try httpGet(port: port, path: "/nothing").status == 404)

        // The plain picture is the last image itself; /frame.json is that frame's result, its shares the mask's.
        let plainResponse = try httpGet(port: port, path: "/picture.png")
        #expect(plainResponse.status == 200)
        let plainPath = SharedAssets.scratchDirectory() + "/picture.png"
        try Data(plainResponse.body).write(to: URL(fileURLWithPath: plainPath))
        let lastImage = images + "/" + (try FileManager.default.contentsOfDirectory(atPath: images).sorted().last!)
        #expect(try loadImage(path: plainPath) == (try loadImage(path: lastImage)))
        let frameJSON = try httpGet(port: port, path: "/frame.json")
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

    /// One GET over a plain socket: status code and body.
    private func httpGet(port: Int, path: String) throws -> (status: Int, body: [UInt8]) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(connected == 0, "cannot connect to port \(port)")
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        #expect(request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) } == request.count)
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            response += buffer[0..<n]
        }
        let separator = Array("\r\n\r\n".utf8)
        let split = try #require((0...(response.count - 4)).first { response[$0..<($0 + 4)].elementsEqual(separator) })
        let head = String(decoding: response[..<split], as: UTF8.self)
        let status = Int(head.split(separator: " ")[1]) ?? 0
        return (status, Array(response[(split + 4)...]))
    }
}
