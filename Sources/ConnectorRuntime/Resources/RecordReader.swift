public import Foundation

/// Reads the declared fields of one record (a JSON object). Each accessor throws a
/// ``RecordFieldError`` naming the field when the value is missing or of another type.
///
/// `required` accessors reject a missing field and `null`; `optional` accessors return `nil` for
/// both.
public struct RecordReader: Sendable {
    /// The whole record as received.
    public let raw: JSONValue
    private let members: [String: JSONValue]

    /// Throws when `raw` is not an object.
    public init(_ raw: JSONValue) throws(RecordFieldError) {
        guard case .object(let members) = raw else {
            throw RecordFieldError(field: "", reason: "is \(raw.kindName), expected an object")
        }
        self.raw = raw
        self.members = members
    }

    private func value(_ key: String) throws(RecordFieldError) -> JSONValue {
        guard let value = members[key] else { throw RecordFieldError(field: key, reason: "is missing") }
        if case .null = value { throw RecordFieldError(field: key, reason: "is null") }
        return value
    }

    private func optionalValue(_ key: String) -> JSONValue? {
        guard let value = members[key] else { return nil }
        if case .null = value { return nil }
        return value
    }

    // MARK: Typed values

    /// A required field of a scalar, object or array type.
    public func required<Value: RecordValue>(_ key: String) throws(RecordFieldError) -> Value {
        let json = try value(key)
        guard let result = Value(json: json) else { throw mismatch(key, json, Value.expected) }
        return result
    }

    /// An optional field: `nil` when missing or `null`.
    public func optional<Value: RecordValue>(_ key: String) throws(RecordFieldError) -> Value? {
        guard let json = optionalValue(key) else { return nil }
        guard let result = Value(json: json) else { throw mismatch(key, json, Value.expected) }
        return result
    }

    /// A required date-time written in `format`.
    public func requiredDate(_ key: String, format: DateTimeFormat) throws(RecordFieldError) -> Date {
        let json = try value(key)
        guard let date = DateTimeCoding.date(from: json, format: format) else {
            throw mismatch(key, json, DateTimeCoding.expected(format))
        }
        return date
    }

    /// An optional date-time written in `format`.
    public func optionalDate(_ key: String, format: DateTimeFormat) throws(RecordFieldError) -> Date? {
        guard let json = optionalValue(key) else { return nil }
        guard let date = DateTimeCoding.date(from: json, format: format) else {
            throw mismatch(key, json, DateTimeCoding.expected(format))
        }
        return date
    }

    private func mismatch(_ key: String, _ json: JSONValue, _ expected: String) -> RecordFieldError {
        if case .string(let text) = json, json.kindName == "a string", expected != "a string" {
            let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
            return RecordFieldError(field: key, reason: "is \(JSONString.quote(shown)), expected \(expected)")
        }
        return RecordFieldError(field: key, reason: "is \(json.kindName), expected \(expected)")
    }
}

/// A type a record field can have (besides dates, which need a format).
public protocol RecordValue: Sendable {
    /// `nil` when `json` is of another type.
    init?(json: JSONValue)
    /// "a string", "an integer"... for error messages.
    static var expected: String { get }
}

extension String: RecordValue {
    public init?(json: JSONValue) {
        guard case .string(let text) = json else { return nil }
        self = text
    }
    public static var expected: String { "a string" }
}

extension Int: RecordValue {
    public init?(json: JSONValue) {
        switch json {
        case .integer(let value): self = value
        case .number(let value) where value.rounded() == value && abs(value) < 9.0e15: self = Int(value)
        default: return nil
        }
    }
    public static var expected: String { "an integer" }
}

extension Double: RecordValue {
    public init?(json: JSONValue) {
        switch json {
        case .integer(let value): self = Double(value)
        case .number(let value): self = value
        default: return nil
        }
    }
    public static var expected: String { "a number" }
}

extension Bool: RecordValue {
    public init?(json: JSONValue) {
        guard case .bool(let flag) = json else { return nil }
        self = flag
    }
    public static var expected: String { "true or false" }
}

extension JSONValue: RecordValue {
    public init?(json: JSONValue) { self = json }
    public static var expected: String { "a JSON value" }
}

extension CalendarDate: RecordValue {
    public init?(json: JSONValue) {
        guard case .string(let text) = json, let date = CalendarDate(text) else { return nil }
        self = date
    }
    public static var expected: String { "a date (YYYY-MM-DD)" }
}

extension OpenEnum: RecordValue {
    public init?(json: JSONValue) {
        guard case .string(let text) = json else { return nil }
        self.init(rawValue: text)
    }
    public static var expected: String { "a string" }
}

extension Array: RecordValue where Element: RecordValue {
    public init?(json: JSONValue) {
        guard case .array(let elements) = json else { return nil }
        var result: [Element] = []
        result.reserveCapacity(elements.count)
        for element in elements {
            guard let value = Element(json: element) else { return nil }
            result.append(value)
        }
        self = result
    }
    public static var expected: String { "an array of " + Element.expected.replacingOccurrences(of: "a ", with: "").replacingOccurrences(of: "an ", with: "") + " values" }
}

/// Date-times in the formats of ``DateTimeFormat``, read and written.
public enum DateTimeCoding {
    /// The date written in `json` in `format`, or `nil`.
    public static func date(from json: JSONValue, format: DateTimeFormat) -> Date? {
        switch (format, json) {
        case (.iso8601, .string(let text)): return parseISO8601(text)
        case (.unixSeconds, .integer(let value)): return Date(timeIntervalSince1970: Double(value))
        case (.unixSeconds, .number(let value)): return Date(timeIntervalSince1970: value)
        case (.unixMilliseconds, .integer(let value)): return Date(timeIntervalSince1970: Double(value) / 1000)
        case (.unixMilliseconds, .number(let value)): return Date(timeIntervalSince1970: value / 1000)
        default: return nil
        }
    }

    /// `date` as a query or body value in `format`.
    public static func text(_ date: Date, format: DateTimeFormat) -> String {
        switch format {
        case .iso8601:
            return plainFormatter.string(from: date)
        case .unixSeconds: return String(Int(date.timeIntervalSince1970.rounded(.down)))
        case .unixMilliseconds: return String(Int((date.timeIntervalSince1970 * 1000).rounded(.down)))
        }
    }

    static func expected(_ format: DateTimeFormat) -> String {
        switch format {
        case .iso8601: "an ISO 8601 date-time"
        case .unixSeconds: "a number of seconds since 1970"
        case .unixMilliseconds: "a number of milliseconds since 1970"
        }
    }

    /// RFC 3339 date-times, with or without fractional seconds.
    static func parseISO8601(_ text: String) -> Date? {
        if let date = RFC3339.parse(text.utf8) { return date }
        return plainFormatter.date(from: text) ?? fractionalFormatter.date(from: text)
    }

    // ISO8601DateFormatter is thread-safe once configured; creating one per value would dominate
    // the decoding of a page.
    nonisolated(unsafe) private static let plainFormatter: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter
    }()

    nonisolated(unsafe) private static let fractionalFormatter: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }()
}

/// The common RFC 3339 shape, `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` (and `±HHMM`, the ISO
/// 8601 basic offset Salesforce sends), read without a
/// formatter (formatters cost more than the rest of a record). Anything else returns `nil` and
/// goes to `ISO8601DateFormatter`.
enum RFC3339 {
    static func parse(_ text: String.UTF8View) -> Date? {
        let bytes = Array(text)
        guard bytes.count >= 20 else { return nil }
        func digits(_ start: Int, _ count: Int) -> Int? {
            var value = 0
            for index in start..<(start + count) {
                let byte = bytes[index]
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t"),
              bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
              let year = digits(0, 4), let month = digits(5, 2), let day = digits(8, 2),
              let hour = digits(11, 2), let minute = digits(14, 2), let second = digits(17, 2),
              (1...12).contains(month), day >= 1, day <= CalendarDate.days(inMonth: month, year: year),
              hour < 24, minute < 60, second < 60 else { return nil }
        var index = 19
        var fraction = 0.0
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            let start = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                fraction += Double(bytes[index] - 0x30) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        guard index < bytes.count else { return nil }
        var offset = 0
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            // `±HH:MM` (RFC 3339), or `±HHMM` as Salesforce writes it (`2024-01-15T10:00:00.000+0000`).
            let colon = index + 6 == bytes.count && bytes[index + 3] == UInt8(ascii: ":")
            guard colon || index + 5 == bytes.count,
                  let hours = digits(index + 1, 2), let minutes = digits(index + (colon ? 4 : 3), 2), hours < 24,
                  minutes < 60 else { return nil }
            offset = (hours * 3600 + minutes * 60) * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
            index += colon ? 6 : 5
        default:
            return nil
        }
        guard index == bytes.count else { return nil }
        // Days from 1970-01-01 in the proleptic Gregorian calendar (civil-from-days inverse).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }
}
