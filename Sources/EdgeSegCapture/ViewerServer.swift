import CEdgeSeg
import EdgeSegRuntime

/// A small HTTP/1.1 server on plain sockets for a person watching the camera: `/` (a page that shows the
/// newest overlay or plain picture, the classes' shares and the stats, refreshing itself), `/frame.png` (the
/// overlay), `/picture.png` (the camera picture), `/frame.json` (the newest frame's result) and `/stats.json`.
/// One connection at a time, each closed after its response: enough for a viewer or two, and nothing to go wrong.
final class ViewerServer: @unchecked Sendable {
    let port: Int
    private let socket: Int32
    private let overlay: LatestOverlay
    private let stats: PipelineStats
    private let page: String
    private let stopLock = Lock()
    private var stopped = false

    init(_ address: CameraOptions.HTTPAddress, overlay: LatestOverlay, stats: PipelineStats, page: String) throws(EdgeSegError) {
        var errNo: Int32 = 0
        socket = es_tcp_listen(address.host, Int32(address.port), &errNo)
        guard socket >= 0 else {
            throw EdgeSegError(.io, "--http \(address.host):\(address.port): cannot listen: \(String(cString: es_strerror(errNo)))")
        }
        port = Int(es_tcp_port(socket))
        self.overlay = overlay
        self.stats = stats
        self.page = page
    }

    deinit { es_socket_close(socket) }

    /// Serves until `stop()`; run it on its own thread.
    func serve() {
        while !isStopped {
            var errNo: Int32 = 0
            let connection = es_tcp_accept(socket, 200, &errNo)
            guard connection >= 0 else { continue }   // timeout or EINTR: look at the stop flag again
            respond(on: connection)
            es_socket_close(connection)
        }
    }

    func stop() { stopLock.withLock { stopped = true } }

    private var isStopped: Bool { stopLock.withLock { stopped } }

    private func respond(on connection: Int32) {
        guard let path = readRequestPath(connection) else {
            send(connection, status: "400 Bad Request", type: "text/plain", body: Array("bad request\n".utf8))
            return
        }
        switch path {
        case "/", "/index.html":
            send(connection, status: "200 OK", type: "text/html; charset=utf-8", body: Array(page.utf8))
        case "/frame.png", "/picture.png":
            do {
                if let png = try overlay.pngBytes(path == "/frame.png" ? .overlay : .plain) {
                    send(connection, status: "200 OK", type: "image/png", body: png)
                } else {
                    send(connection, status: "503 Service Unavailable", type: "text/plain", body: Array("no frame segmented yet\n".utf8))
                }
            } catch {
                send(connection, status: "500 Internal Server Error", type: "text/plain", body: Array("\(error.message)\n".utf8))
            }
        case "/frame.json":
            if let json = overlay.resultJSON {
                send(connection, status: "200 OK", type: "application/json", body: Array((json + "\n").utf8))
            } else {
                send(connection, status: "503 Service Unavailable", type: "text/plain", body: Array("no frame segmented yet\n".utf8))
            }
        case "/stats.json":
            let json = (try? stats.current().json.serialized()) ?? "{}"
            send(connection, status: "200 OK", type: "application/json", body: Array((json + "\n").utf8))
        default:
            send(connection, status: "404 Not Found", type: "text/plain", body: Array("no such page: \(path)\n".utf8))
        }
    }

    /// The path of a GET request line, without its query; nil if the request is not one.
    private func readRequestPath(_ connection: Int32) -> String? {
        var request: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 2048)
        let end: [UInt8] = Array("\r\n\r\n".utf8)
        while request.count < 16384 {
            var errNo: Int32 = 0
            let n = chunk.withUnsafeMutableBytes { es_socket_read(connection, $0.baseAddress, $0.count, 2000, &errNo) }
            if n <= 0 { break }
            let searchFrom = max(0, request.count - 3)   // the blank line may straddle two reads
            request.append(contentsOf: chunk[0..<Int(n)])
            if request[searchFrom...].containsSequence(end) { break }
        }
        guard let lineEnd = request.firstIndex(of: UInt8(ascii: "\r")) else { return nil }
        let parts = request[..<lineEnd].split(separator: UInt8(ascii: " "))
        guard parts.count == 3 else { return nil }
        let method = String(decoding: parts[0], as: UTF8.self)
        var target = String(decoding: parts[1], as: UTF8.self)
        guard method == "GET", target.hasPrefix("/") else { return nil }
        if let query = target.firstIndex(of: "?") { target = String(target[..<query]) }
        return target
    }

    private func send(_ connection: Int32, status: String, type: String, body: [UInt8]) {
        let head = "HTTP/1.1 \(status)\r\nContent-Type: \(type)\r\nContent-Length: \(body.count)\r\n"
            + "Cache-Control: no-store\r\nConnection: close\r\n\r\n"
        let headBytes = Array(head.utf8)
        let rc = headBytes.withUnsafeBytes { es_socket_write_all(connection, $0.baseAddress, $0.count) }
        guard rc == 0 else { return }   // the viewer went away: nothing to tell it
        _ = body.withUnsafeBytes { es_socket_write_all(connection, $0.baseAddress, $0.count) }
    }
}

extension ArraySlice where Element == UInt8 {
    fileprivate func containsSequence(_ needle: [UInt8]) -> Bool {
        guard count >= needle.count else { return false }
        var i = startIndex
        while i + needle.count <= endIndex {
            if self[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }
}
