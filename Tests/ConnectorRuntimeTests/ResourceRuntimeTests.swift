// Unit tests of the resource runtime's parts: the JSON parser, pointers, Link headers, retry
// delays, dates and path templates. The pager itself runs end to end in
// Tests/ReferenceConsumerTests/ResourcePagingTests.swift.
import Foundation
import Testing

@testable import ConnectorRuntime

@Suite struct ResourceRuntimeTests {
    @Test func parserReadsEveryKindAndAgreesWithJSONDecoder() throws {
        let text = #"{"a": [1, -2.5e3, 0.5, true, false, null, "x\u00e9\ud83d\ude00\n\"", {}], "b": {"c": 9007199254740993}, "": 0}"#
        let parsed = try JSONValue.parse(Data(text.utf8))
        let decoded = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(parsed == decoded)
        #expect(parsed.at(pointer: "/a/0") == .integer(1))
        #expect(parsed.at(pointer: "/a/1") == .integer(-2500))
        #expect(parsed.at(pointer: "/a/2") == .number(0.5))
        #expect(parsed.at(pointer: "/a/6") == .string("xé😀\n\""))
        #expect(parsed.at(pointer: "/b/c") == .integer(9_007_199_254_740_993))
        #expect(parsed.at(pointer: "/") == .integer(0))
        #expect(parsed.at(pointer: "/a/9") == nil)
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\":1,}", "01", "1.", "\"\\x\"", "\"a", "tru", "[1] 2", "\"\\ud800\"", "{\"a\" 1}"])
    func parserRejectsInvalidJSON(_ text: String) {
        #expect(throws: (any Error).self) { try JSONValue.parse(Data(text.utf8)) }
    }

    @Test func parserRejectsInvalidUTF8AndDeepNesting() {
        #expect(throws: (any Error).self) { try JSONValue.parse(Data([0x22, 0xFF, 0x22])) }
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: (any Error).self) { try JSONValue.parse(Data(deep.utf8)) }
    }

    @Test func settingAtAPointerCreatesMissingObjectsAndKeepsTheRest() throws {
        let body = try JSONValue.parse(Data(#"{"query": "q", "variables": {"filter": {"a": 1}}}"#.utf8))
        let written = try #require(body.setting(.string("c1"), at: "/variables/after"))
        #expect(written.at(pointer: "/variables/after") == .string("c1"))
        #expect(written.at(pointer: "/variables/filter/a") == .integer(1))
        #expect(written["query"] == .string("q"))
        #expect(JSONValue.object([:]).setting(.integer(5), at: "/a~1b/m~0n") == .object(["a/b": .object(["m~n": .integer(5)])]))
        #expect(JSONValue.object(["v": .integer(1)]).setting(.integer(5), at: "/v") == .object(["v": .integer(5)]))
        // Through an array, a string or to the whole value: refused, never a crash.
        #expect(JSONValue.object(["v": .array([])]).setting(.integer(5), at: "/v/0") == nil)
        #expect(JSONValue.object(["v": .string("x")]).setting(.integer(5), at: "/v/after") == nil)
        #expect(JSONValue.object([:]).setting(.integer(5), at: "") == nil)
    }

    @Test func pointerTokensAreUnescaped() throws {
        let value = try JSONValue.parse(Data(#"{"a/b": {"m~n": 1}, "@odata.nextLink": "u"}"#.utf8))
        #expect(value.at(pointer: "/a~1b/m~0n") == .integer(1))
        #expect(value.at(pointer: "/@odata.nextLink") == .string("u"))
    }

    @Test func linkHeaderFindsRelNextAmongOthers() {
        #expect(LinkHeader.next([#"<https://a.example/x?page=1>; rel="first", <https://a.example/x?page=2&q=a,b>; rel="next""#])
            == "https://a.example/x?page=2&q=a,b")
        #expect(LinkHeader.next(["<https://a.example/1>; rel=\"prev next\""]) == "https://a.example/1")
        #expect(LinkHeader.next(["<https://a.example/1>; rel=next"]) == "https://a.example/1")
        #expect(LinkHeader.next([#"<https://a.example/1>; rel="last""#]) == nil)
        #expect(LinkHeader.next([]) == nil)
    }

    /// RFC 8288 section 3 and RFC 9110 section 5.6.4: a parameter value may be a quoted string,
    /// with `;`, `,` and escaped quotes inside; only a link's first `rel` counts (section 3.3).
    @Test func linkHeaderParametersMayBeQuotedStrings() {
        #expect(LinkHeader.next([#"<https://a.example/9>; rel="last"; title="see; rel=next, or not", <https://a.example/2>; rel="next""#])
            == "https://a.example/2")
        #expect(LinkHeader.next([#"<https://a.example/9>; title="a "quoted"; rel=next", <https://a.example/2>; REL="Next""#])
            == "https://a.example/2")
        #expect(LinkHeader.next([#"<https://a.example/1>; rel="prev"; rel="next""#]) == nil)
        #expect(LinkHeader.next([#"<https://a.example/1> ; rel = "next""#]) == "https://a.example/1")
        #expect(LinkHeader.next([#"garbage; rel="next", <https://a.example/3>; rel="next""#]) == "https://a.example/3")
        #expect(LinkHeader.next([#"<https://a.example/1>; title="unterminated; rel=next"#]) == nil)
    }

    @Test func retryDelaysAreCappedAndJittered() {
        let policy = RetryPolicy(maxAttempts: 5, baseDelay: 1, maxDelay: 10)
        #expect(policy.delay(afterAttempt: 1, retryAfter: 3) == 3)
        #expect(policy.delay(afterAttempt: 1, retryAfter: 3600) == 10)
        for attempt in 1...8 {
            let delay = policy.delay(afterAttempt: attempt, retryAfter: nil)
            #expect(delay >= 0 && delay <= min(10, pow(2, Double(attempt - 1))))
        }
    }

    @Test func calendarDatesAreStrict() {
        #expect(CalendarDate("2024-02-29") == CalendarDate(year: 2024, month: 2, day: 29))
        #expect(CalendarDate("2023-02-29") == nil)
        #expect(CalendarDate("2024-13-01") == nil)
        #expect(CalendarDate("2024-1-01") == nil)
        #expect(CalendarDate(year: 7, month: 3, day: 4).description == "0007-03-04")
    }

    @Test func dateTimesReadEveryFormat() {
        #expect(DateTimeCoding.date(from: .string("2025-01-01T10:00:00Z"), format: .iso8601) == Date(timeIntervalSince1970: 1_735_725_600))
        #expect(DateTimeCoding.date(from: .string("2025-01-01T10:00:00.250+00:00"), format: .iso8601) == Date(timeIntervalSince1970: 1_735_725_600.25))
        #expect(DateTimeCoding.date(from: .integer(1_700_000_000_123), format: .unixMilliseconds) == Date(timeIntervalSince1970: 1_700_000_000.123))
        #expect(DateTimeCoding.date(from: .string("yesterday"), format: .iso8601) == nil)
        #expect(DateTimeCoding.text(Date(timeIntervalSince1970: 1_735_725_600), format: .unixSeconds) == "1735725600")
    }

    @Test(arguments: [
        "1970-01-01T00:00:00Z", "2024-02-29T23:59:59Z", "2025-01-01T10:00:00+02:00", "1999-12-31T23:00:00-05:30",
        "2025-06-15T08:30:00.123Z", "1900-03-01T00:00:00Z", "2100-12-31T12:00:00z",
    ])
    func fastRFC3339AgreesWithTheFormatter(_ text: String) throws {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = text.contains(".") ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
        let fast = try #require(RFC3339.parse(text.utf8))
        let expected = try #require(formatter.date(from: text.uppercased()))
        #expect(abs(fast.timeIntervalSince(expected)) < 0.0005)
    }

    /// Salesforce writes the offset without a colon (`+0000`, ISO 8601's basic form).
    @Test func offsetWithoutColonIsRead() {
        #expect(RFC3339.parse("2024-01-15T10:00:00.000+0000".utf8) == Date(timeIntervalSince1970: 1_705_312_800))
        #expect(RFC3339.parse("2024-01-15T12:30:00-0230".utf8) == Date(timeIntervalSince1970: 1_705_330_800))
        #expect(RFC3339.parse("2024-01-15T10:00:00+000".utf8) == nil)
        #expect(RFC3339.parse("2024-01-15T10:00:00+00:0".utf8) == nil)
    }

    @Test(arguments: ["2023-02-29T00:00:00Z", "2024-01-01 00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01T00:00:00", "2024-01-01T00:00:00.Z"])
    func fastRFC3339RejectsOtherShapes(_ text: String) {
        #expect(RFC3339.parse(text.utf8) == nil)
    }

    @Test func recordReaderNamesTheFieldAndTheProblem() throws {
        let reader = try RecordReader(JSONValue.parse(Data(#"{"a": "x", "n": null, "i": 1.5}"#.utf8)))
        #expect(throws: RecordFieldError(field: "b", reason: "is missing")) { let _: String = try reader.required("b") }
        #expect(throws: RecordFieldError(field: "n", reason: "is null")) { let _: String = try reader.required("n") }
        #expect(throws: RecordFieldError(field: "i", reason: "is a number, expected an integer")) { let _: Int? = try reader.optional("i") }
        #expect(throws: RecordFieldError(field: "a", reason: "is \"x\", expected an ISO 8601 date-time")) {
            _ = try reader.requiredDate("a", format: .iso8601)
        }
        let missing: String? = try reader.optional("n")
        #expect(missing == nil)
        #expect(throws: RecordFieldError(field: "", reason: "is an array, expected an object")) { _ = try RecordReader(.array([])) }
    }

    @Test func pathPlaceholdersAreEncodedAsOneSegment() throws {
        #expect(try PathTemplate.expand("/a/{{x}}/b", ["x": "é /?#%"], resource: "r") == "/a/%C3%A9%20%2F%3F%23%25/b")
        #expect(throws: ConnectorError.self) { try PathTemplate.expand("/a/{{y}}", [:], resource: "r") }
    }

    @Test func openEnumsKeepUnknownValues() {
        enum Status: String, Sendable, Hashable { case active }
        #expect(OpenEnum<Status>(rawValue: "active") == .known(.active))
        #expect(OpenEnum<Status>(rawValue: "archived").rawValue == "archived")
        #expect(OpenEnum<Status>(rawValue: "archived").known == nil)
    }
}
