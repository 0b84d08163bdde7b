import EdgeSegCapture
import Testing

/// The live view's request parsing: what it serves, what it refuses and with which status.
@Suite struct HTTPRequestTests {
    func parse(_ text: String) -> HTTPRequest.Parse { HTTPRequest.parse(Array(text.utf8)) }

    @Test func servesGETOverHTTP10And11() {
        #expect(parse("GET /stats.json HTTP/1.1\r\nHost: x\r\n\r\n")
                == .request(HTTPRequest(method: "GET", path: "/stats.json", version: "HTTP/1.1")))
        #expect(parse("GET /frame.png?t=123#x HTTP/1.0\r\n\r\n")
                == .request(HTTPRequest(method: "GET", path: "/frame.png", version: "HTTP/1.0")))
        #expect(parse("GET / HTTP/1.1\n\n") == .request(HTTPRequest(method: "GET", path: "/", version: "HTTP/1.1")))
    }

    @Test func waitsForTheEndOfTheHead() {
        #expect(parse("") == .incomplete)
        #expect(parse("GET / HTTP/1.1\r\nHost: x\r\n") == .incomplete)
        #expect(parse(String(repeating: "a", count: HTTPRequest.maxHeadBytes - 1)) == .incomplete)
    }

    @Test func refusesWithTheRightStatus() {
        #expect(parse("GET / HTTP/2.0\r\n\r\n") == .refused(status: "505 HTTP Version Not Supported"))
        #expect(parse("GET / HTTP/0.9\r\n\r\n") == .refused(status: "505 HTTP Version Not Supported"))
        #expect(parse("POST / HTTP/1.1\r\n\r\n") == .refused(status: "405 Method Not Allowed"))
        #expect(parse("DELETE /stats.json HTTP/1.1\r\n\r\n") == .refused(status: "405 Method Not Allowed"))
        for bad in ["GET / HTTP/1.1 extra\r\n\r\n", "GET /\r\n\r\n", "\r\n\r\n", "GET x HTTP/1.1\r\n\r\n",
                    "G(T / HTTP/1.1\r\n\r\n", "GET / FTP/1.1\r\n\r\n", "GET /a\u{7F}b HTTP/1.1\r\n\r\n", "GET  / HTTP/1.1\r\n\r\n"] {
            #expect(parse(bad) == .refused(status: "400 Bad Request"), "\(bad.debugDescription)")
        }
        #expect(parse(String(repeating: "a", count: HTTPRequest.maxHeadBytes)) == .refused(status: "431 Request Header Fields Too Large"))
        #expect(parse("GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: HTTPRequest.maxHeadBytes) + "\r\n\r\n")
                == .refused(status: "431 Request Header Fields Too Large"))
    }
}
