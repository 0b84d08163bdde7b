/// The head of a request to the live view, parsed from the bytes a client sent: the request line is all the
/// viewer needs (the header fields are read and ignored). Pure, so it can be fuzzed on its own (public for the
/// fuzzer and the tests).
public struct HTTPRequest: Equatable, Sendable {
    public let method: String
    /// The target without its query or fragment, e.g. "/stats.json".
    public let path: String
    public let version: String

    public init(method: String, path: String, version: String) {
        self.method = method
        self.path = path
        self.version = version
    }

    /// A head longer than this is refused (431) instead of buffered.
    public static let maxHeadBytes = 16384

    public enum Parse: Equatable, Sendable {
        /// The blank line that ends the head has not arrived yet: read more.
        case incomplete
        case request(HTTPRequest)
        /// Answer with this status line (e.g. "405 Method Not Allowed") and close.
        case refused(status: String)
    }

    /// Parses `bytes`, everything received so far. Only GET, and only HTTP/1.0 and 1.1, are served.
    public static func parse(_ bytes: [UInt8]) -> Parse {
        guard let headEnd = endOfHead(bytes) else {
            return bytes.count >= maxHeadBytes ? .refused(status: "431 Request Header Fields Too Large") : .incomplete
        }
        guard headEnd <= maxHeadBytes else { return .refused(status: "431 Request Header Fields Too Large") }
        let lineEnd = bytes.firstIndex(of: UInt8(ascii: "\n"))!   // the head's end has one
        var line = bytes[..<lineEnd]
        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        let parts = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[0].allSatisfy(isTokenCharacter) else {
            return .refused(status: "400 Bad Request")
        }
        let version = String(decoding: parts[2], as: UTF8.self)
        guard version.hasPrefix("HTTP/") else { return .refused(status: "400 Bad Request") }
        guard version == "HTTP/1.0" || version == "HTTP/1.1" else { return .refused(status: "505 HTTP Version Not Supported") }
        let method = String(decoding: parts[0], as: UTF8.self)
        guard method == "GET" else { return .refused(status: "405 Method Not Allowed") }
        let target = parts[1]
        guard target.first == UInt8(ascii: "/"), target.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            return .refused(status: "400 Bad Request")
        }
        let pathEnd = target.firstIndex { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") } ?? target.endIndex
        return .request(HTTPRequest(method: method, path: String(decoding: target[..<pathEnd], as: UTF8.self), version: version))
    }

    /// The index just past the blank line that ends the head ("\r\n\r\n", or "\n\n" from a lenient client).
    private static func endOfHead(_ bytes: [UInt8]) -> Int? {
        var newlines = 0
        for (i, b) in bytes.enumerated() {
            if b == UInt8(ascii: "\n") {
                newlines += 1
                if newlines == 2 { return i + 1 }
            } else if b != UInt8(ascii: "\r") {
                newlines = 0
            }
        }
        return nil
    }

    /// RFC 9110 token characters, what a method is made of.
    private static func isTokenCharacter(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return Array("!#$%&'*+-.^_`|~".utf8).contains(b)
        }
    }
}
