import Foundation

/// A record type generated from a spec's `resources`: built from one JSON object of a page.
///
/// Generated records read each declared field through a ``RecordReader`` and keep the whole
/// object in `raw`, so fields the spec does not declare stay available.
public protocol ResourceRecord: Sendable, Decodable {
    /// Reads the declared fields; throws the first field that does not match its schema.
    init(record: RecordReader) throws(RecordFieldError)
}

extension ResourceRecord {
    /// Decodes the JSON object with ``init(record:)``.
    public init(from decoder: any Decoder) throws {
        let value = try JSONValue(from: decoder)
        try self.init(record: RecordReader(value))
    }
}

/// A field of a record that does not match its declared type.
public struct RecordFieldError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The provider's field name (JSON key).
    public var field: String
    /// What is wrong, e.g. "is missing" or "is a number, expected a string".
    public var reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "field '\(field)' \(reason)" }
}

/// The values of an `enum` record field: a declared case, or the provider's raw value when it is
/// not one of them (providers add values; a new value must not fail the record).
public enum OpenEnum<Known: RawRepresentable & Sendable & Hashable>: Sendable, Hashable, CustomStringConvertible
where Known.RawValue == String {
    case known(Known)
    case unknown(String)

    public init(rawValue: String) {
        self = Known(rawValue: rawValue).map(OpenEnum.known) ?? .unknown(rawValue)
    }

    /// The value as the provider sent it.
    public var rawValue: String {
        switch self {
        case .known(let value): value.rawValue
        case .unknown(let raw): raw
        }
    }

    /// The declared case, or `nil` for an unknown value.
    public var known: Known? {
        if case .known(let value) = self { return value }
        return nil
    }

    public var description: String { rawValue }
}

/// How a date-time value is written by a provider.
public enum DateTimeFormat: String, Sendable, Hashable, CaseIterable {
    /// RFC 3339 / ISO 8601, with or without fractional seconds.
    case iso8601
    /// Seconds since 1970.
    case unixSeconds
    /// Milliseconds since 1970.
    case unixMilliseconds
}

/// A calendar date without a time (`YYYY-MM-DD`), as HR systems send birth and hire dates.
public struct CalendarDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`; `nil` for anything else or an impossible date.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), (1...CalendarDate.days(inMonth: month, year: year)).contains(day) else { return nil }
        self.init(year: year, month: month, day: day)
    }

    static func days(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }
}
