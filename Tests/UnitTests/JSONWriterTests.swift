import EdgeSegRuntime
import TestSupport
import Testing

@Suite struct JSONWriterTests {
    @Test func writesCompactTextInMemberOrder() throws {
        let value = JSONValue.object([
            JSONMember(key: "z", value: .array([.int(1), .double(2.5), .null, .bool(true), .bool(false)])),
            JSONMember(key: "a", value: .object([JSONMember(key: "empty", value: .array([]))])),
            JSONMember(key: "o", value: .object([])),
        ])
        #expect(try value.serialized() == #"{"z":[1,2.5,null,true,false],"a":{"empty":[]},"o":{}}"#)
    }

    @Test func escapesStringsAsRFC8259Requires() throws {
        let text = "q\" b\\ s/ \u{0}\u{1}\u{8}\u{c}\n\r\t\u{1f}\u{7f} é中😀"
        let written = try JSONValue.string(text).serialized()
        #expect(written == #""q\" b\\ s/ \u0000\u0001\u0008\u000c\n\r\t\u001f"# + "\u{7f} é中😀\"")
        #expect(try JSONValue.parse(written, source: "t") == .string(text))
    }

    @Test func numbersKeepTheirTypeAndBits() throws {
        let doubles: [Double] = [2, -0.0, 0.1, 1e-7, 1e16, 1e300, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 1.0 / 3.0]
        let value = JSONValue.array(doubles.map { .double($0) } + [.int(Int64.min), .int(Int64.max)])
        let written = try value.serialized()
        #expect(written.hasPrefix("[2.0,-0.0,0.1,1e-07,1e+16,1e+300,5e-324,1.7976931348623157e+308,0.3333333333333333,"))
        #expect(written.hasSuffix(",-9223372036854775808,9223372036854775807]"))
        let back = try #require(try JSONValue.parse(written, source: "t").array)
        #expect(back.prefix(doubles.count).map { $0.double!.bitPattern } == doubles.map(\.bitPattern))
        #expect(back.prefix(doubles.count).allSatisfy { if case .double = $0 { true } else { false } })
        #expect(Array(back.suffix(2)) == [.int(Int64.min), .int(Int64.max)])
    }

    @Test func refusesWhatJSONCannotSay() {
        let infinity = #expect(throws: EdgeSegError.self) {
            try JSONValue.object([JSONMember(key: "a", value: .array([.object([JSONMember(key: "b", value: .double(-.infinity))])]))]).serialized()
        }
        #expect(infinity?.kind == .usage)
        #expect(infinity?.message == "JSON has no representation for -inf (at $.a[0].b)")
        let duplicate = #expect(throws: EdgeSegError.self) {
            try JSONValue.array([.object([JSONMember(key: "k", value: .int(1)), JSONMember(key: "k", value: .int(2))])]).serialized()
        }
        #expect(duplicate?.message == "JSON object at $[0] has the key \"k\" twice")
    }
}
