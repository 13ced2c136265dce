// Unified date-times in JSON keep the source's fractional seconds (RFC 3339, UTC).
import ConnectorRuntime
import Foundation
import Testing

@Suite struct UnifiedDateTimeTextTests {
    func json(_ source: JSONValue, _ format: String? = nil) throws -> JSONValue? {
        let expression: UnifiedExpression = format.map { .date(.pointer("/at"), format: .named($0)) } ?? .pointer("/at")
        let values = try UnifiedMappingProgram(connector: "c", resource: "r", model: "m", fields: [UnifiedFieldMapping("at", .dateTime, expression)])
            .evaluate(.object(["at": source]))
        return values["at"]?.json
    }

    @Test func fractionsAreKept() throws {
        #expect(try json(.string("2024-02-29T10:00:00Z")) == .string("2024-02-29T10:00:00Z"))
        #expect(try json(.string("2024-02-29T10:00:00.000Z")) == .string("2024-02-29T10:00:00Z"))
        #expect(try json(.string("2024-02-29T10:00:00.12Z")) == .string("2024-02-29T10:00:00.120Z"))
        #expect(try json(.string("2024-02-29T10:00:00.123456Z")) == .string("2024-02-29T10:00:00.123456Z"))
        #expect(try json(.string("2024-02-29T23:59:59.999+01:00")) == .string("2024-02-29T22:59:59.999Z"))
        #expect(try json(.string("1969-12-31T23:59:59.500Z")) == .string("1969-12-31T23:59:59.500Z"))
        #expect(try json(.integer(1_700_000_000_123), "unixMilliseconds") == .string("2023-11-14T22:13:20.123Z"))
        #expect(try json(.integer(1_700_000_000), "unixSeconds") == .string("2023-11-14T22:13:20Z"))
    }

    @Test func everyDayOfALeapYearAndTheCentury() {
        let formatter = ISO8601DateFormatter()
        for seconds in stride(from: -2_208_988_800, to: 4_102_444_800, by: 86_400 * 7 + 3_671) {
            let instant = Date(timeIntervalSince1970: TimeInterval(seconds))
            #expect(DateTimeCoding.rfc3339(instant) == formatter.string(from: instant), "\(seconds)")
        }
    }
}
