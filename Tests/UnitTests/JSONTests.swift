import EdgeSegRuntime
import TestSupport
import Testing

@Suite struct JSONTests {
    func parse(_ text: String) throws(EdgeSegError) -> JSONValue { try JSONValue.parse(text, source: "test.json") }

    /// The error message for `text`, which must fail with a `.json` error.
    func failure(_ text: String) -> String {
        do {
            let value = try parse(text)
            Issue.record("parsed \(text) as \(value)")
            return ""
        } catch {
            #expect(error.kind == .json)
            return error.message
        }
    }

    @Test func objectsKeepKeyOrderAndNest() throws {
        let v = try parse(#" { "z": [1, 2.5, "x", true, false, null], "a": {"b": {}}, "m": [] } "#)
        #expect(v.members?.map(\.key) == ["z", "a", "m"])
        #expect(v["z"] == .array([.int(1), .double(2.5), .string("x"), .bool(true), .bool(false), .null]))
        #expect(v["a"]?["b"] == .object([]))
        #expect(v["m"]?.array?.isEmpty == true)
        #expect(v["missing"] == nil)
        #expect(v["z"]?.array?[0].int == 1)
        #expect(v["z"]?.array?[1].int == nil)
        #expect(v["z"]?.array?[1].double == 2.5)
    }

    @Test func stringEscapes() throws {
        let v = try parse(#"["a\"b\\c\/d\b\f\n\r\t", "\u00e9\u4E2D", "\ud83d\ude00", "é😀"]"#)
        #expect(v.array?.map(\.string) == ["a\"b\\c/d\u{8}\u{c}\n\r\t", "é中", "😀", "é😀"])
    }

    @Test func integersStayExactAndOtherNumbersAreDoubles() throws {
        let v = try parse("[9007199254740993, -9223372036854775808, 9223372036854775807, 9223372036854775808, 1e-06, -0.5, 0, 2E+2, 1.5e300]")
        let a = try #require(v.array)
        #expect(a[0] == .int(9_007_199_254_740_993))
        #expect(a[1] == .int(Int64.min))
        #expect(a[2] == .int(Int64.max))
        #expect(a[3] == .double(9_223_372_036_854_775_808.0))
        #expect(a[4] == .double(1e-6))
        #expect(a[5] == .double(-0.5))
        #expect(a[6] == .int(0))
        #expect(a[7] == .double(200))
        #expect(a[8] == .double(1.5e300))
    }

    @Test func errorsGiveSourceLineColumnAndExpectation() {
        #expect(failure("{\"a\": 1,\n  \"b\" 2}") == "test.json:2:7: expected ':' after key \"b\", found '2'")
        #expect(failure("[1,]") == "test.json:1:4: expected a value, found ']'")
        #expect(failure("[1 2]") == "test.json:1:4: expected ',' or ']' after array element, found '2'")
        #expect(failure("") == "test.json:1:1: expected a value, found end of input")
        #expect(failure("{\"a\": tru}") == "test.json:1:10: expected 'true', found '}'")
        #expect(failure("01") == "test.json:1:2: expected end of input after the top-level value, found '1'")
        #expect(failure("\n\n  \"abc") == "test.json:3:3: unterminated string, found '\"'")
        #expect(failure("[1.]") == "test.json:1:4: expected a digit after '.', found ']'")
        #expect(failure("{'a': 1}") == "test.json:1:2: expected a string key, found '''")
    }

    @Test func rejectsWhatRFC8259Forbids() {
        #expect(failure("\"tab\there\"").contains("control characters must be escaped"))
        #expect(failure(#""\ud83d""#).contains("low surrogate"))
        #expect(failure(#""\ude00""#).contains("unpaired low surrogate"))
        #expect(failure(#""\x""#).contains("expected one of"))
        #expect(failure(#""\u12G4""#).contains("4 hex digits"))
        #expect(failure(#"{"a": 1, "a": 2}"#).contains("duplicate key \"a\""))
        #expect(failure("1e400").contains("out of the range"))
        #expect(failure("NaN").contains("expected a value"))
        #expect(failure("-").contains("expected a digit"))
    }

    @Test func rejectsInvalidUTF8() {
        let bytes: [UInt8] = [0x22, 0xC3, 0x28, 0x22]
        let message = bytes.withUnsafeBytes { raw -> String in
            do throws(EdgeSegError) {
                _ = try JSONValue.parse(raw, source: "bad.json")
                return ""
            } catch { return error.message }
        }
        #expect(message == "bad.json:1:1: invalid UTF-8 in string, found '\"'")
    }

    @Test func hostileNestingIsAnErrorNotACrash() {
        let message = failure(String(repeating: "[", count: 100_000))
        #expect(message.contains("nesting deeper than"))
        #expect(message.hasPrefix("test.json:1:"))
    }
}
