import CEdgeSeg
import EdgeSegRuntime

/// A small HTTP/1.1 server on plain sockets for a person watching the camera: `/` (a page that shows the
/// newest overlay or plain picture, the classes' shares and the stats, refreshing itself), `/frame.png` (the
/// overlay), `/picture.png` (the camera picture), `/frame.json` (the newest frame's result) and `/stats.json`, each
/// connection closed after its response. A slow or stalled client never blocks another: accepted connections wait
/// in a bounded queue (`maxWaiting`; beyond it, 503) for a bounded pool of `workers` threads, and each request's
/// head must arrive within `headDeadlineMs` (else 408). Parsing is `HTTPRequest`'s.
final class ViewerServer: @unchecked Sendable {
    /// Enough that viewers slow to read a /frame.png (a send blocks until they do, 5 s at most) leave threads
    /// for the others; each is a few pages of memory until it runs.
    static let workers = 32
    static let maxWaiting = 64
    static let headDeadlineMs = 5000

    let port: Int
    private let socket: Int32
    private let overlay: LatestOverlay
    private let stats: PipelineStats
    private let page: String
    /// Guards `stopped` and `waiting`; `ready` wakes a worker when a connection arrives (or on stop).
    private let lock = Lock()
    private let ready = Condition()
    private var stopped = false
    private var waiting: [(connection: Int32, accepted: UInt64)] = []

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

    /// Serves until `stop()`; run it on its own thread. Starts the worker threads and joins them before it returns.
    func serve() {
        var threads: [WorkerThread] = []
        for _ in 0..<Self.workers {
            guard let thread = try? WorkerThread({ self.work() }) else { break }
            threads.append(thread)
        }
        while !isStopped {
            var errNo: Int32 = 0
            let connection = es_tcp_accept(socket, 200, &errNo)
            guard connection >= 0 else { continue }   // timeout or EINTR: look at the stop flag again
            let queued = lock.withLock { () -> Bool in
                guard waiting.count < Self.maxWaiting && !threads.isEmpty else { return false }
                waiting.append((connection, monotonicNanoseconds()))
                ready.broadcast()
                return true
            }
            if !queued {
                send(connection, status: "503 Service Unavailable", type: "text/plain", body: Array("too many viewers, try again\n".utf8))
                es_socket_close(connection)
            }
        }
        lock.withLock { ready.broadcast() }
        for thread in threads { thread.join() }
        for left in lock.withLock({ waiting }) { es_socket_close(left.connection) }
    }

    func stop() { lock.withLock { stopped = true } }

    private var isStopped: Bool { lock.withLock { stopped } }

    /// A worker: takes the oldest waiting connection, answers it, closes it; until stopped.
    private func work() {
        while true {
            let job = lock.withLock { () -> (connection: Int32, accepted: UInt64)? in
                while waiting.isEmpty && !stopped { ready.wait(lock, timeoutMs: 200) }
                return stopped ? nil : waiting.removeFirst()
            }
            guard let job else { return }
            respond(on: job.connection, accepted: job.accepted)
            es_socket_close(job.connection)
        }
    }

    private func respond(on connection: Int32, accepted: UInt64) {
        let path: String
        switch readRequest(connection, accepted: accepted) {
        case .request(let request): path = request.path
        case .refused(let status): return send(connection, status: status, type: "text/plain", body: Array("\(status)\n".utf8))
        case .incomplete: return send(connection, status: "408 Request Timeout", type: "text/plain", body: Array("the request did not arrive in time\n".utf8))
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

    /// Reads until the request's head is complete (or refused), the client stops sending, the head deadline
    /// (counted from the accept) passes or the server stops: `.incomplete` then. Waits in slices of 200 ms, so a
    /// stop is not held up by a silent client.
    private func readRequest(_ connection: Int32, accepted: UInt64) -> HTTPRequest.Parse {
        var request: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 2048)
        let deadline = accepted + UInt64(Self.headDeadlineMs) * 1_000_000
        while true {
            let now = monotonicNanoseconds()
            guard now < deadline, !isStopped else { return .incomplete }
            var errNo: Int32 = 0
            let n = chunk.withUnsafeMutableBytes {
                es_socket_read(connection, $0.baseAddress, $0.count, Int32(min(200, (deadline - now) / 1_000_000 + 1)), &errNo)
            }
            if n < 0 && es_socket_timed_out(errNo) != 0 { continue }
            if n <= 0 { return .incomplete }
            request.append(contentsOf: chunk[0..<Int(n)])
            let parsed = HTTPRequest.parse(request)
            if parsed != .incomplete { return parsed }
        }
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
