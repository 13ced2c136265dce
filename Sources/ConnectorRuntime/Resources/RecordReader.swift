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
        plainFormatter.date(from: text) ?? fractionalFormatter.date(from: text)
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
