public import Foundation

/// One converted value of a unified record.
public enum UnifiedValue: Sendable, Hashable {
    case string(String)
    case date(CalendarDate)
    case dateTime(Date)
    case boolean(Bool)
    case integer(Int)
    case number(Double)
    /// A model enum value (`nil`: `unknown`) and the provider's value it came from.
    case enumeration(value: String?, source: String)
    case strings([String])

    /// The value as the Hub and `UnifiedModelRecord.json` write it.
    public var json: JSONValue {
        switch self {
        case .string(let text): .string(text)
        case .date(let date): .string(date.description)
        case .dateTime(let instant): .string(DateTimeCoding.rfc3339(instant))
        case .boolean(let flag): .bool(flag)
        case .integer(let number): .integer(number)
        case .number(let number): .number(number)
        case .enumeration(let value, let source): .object(["value": .string(value ?? "unknown"), "sourceValue": .string(source)])
        case .strings(let list): .array(list.map(JSONValue.string))
        }
    }
}

/// The model field names of a mapping and their positions, shared by every record it converts.
public final class UnifiedFieldNames: Sendable {
    public let names: [String]
    let positions: [String: Int]

    public init(_ names: [String]) {
        self.names = names
        var positions: [String: Int] = [:]
        for (index, name) in names.enumerated() where positions[name] == nil { positions[name] = index }
        self.positions = positions
    }
}

/// The converted fields of one record, by model field name (absent: no value). One slot per field
/// of the mapping, the names shared: converting a record allocates one small array.
public struct UnifiedValues: Sendable, Hashable {
    let names: UnifiedFieldNames
    var slots: [UnifiedValue?]

    public init() {
        names = UnifiedFieldNames([])
        slots = []
    }

    init(names: UnifiedFieldNames) {
        self.names = names
        slots = Array(repeating: nil, count: names.names.count)
    }

    /// Every present value, in the mapping's order.
    public var storage: [(field: String, value: UnifiedValue)] {
        zip(names.names, slots).compactMap { name, value in value.map { (name, $0) } }
    }

    public static func == (lhs: UnifiedValues, rhs: UnifiedValues) -> Bool {
        lhs.storage.map(\.field) == rhs.storage.map(\.field) && lhs.storage.map(\.value) == rhs.storage.map(\.value)
    }

    public func hash(into hasher: inout Hasher) {
        for (field, value) in storage {
            hasher.combine(field)
            hasher.combine(value)
        }
    }

    public subscript(field: String) -> UnifiedValue? {
        guard let index = names.positions[field] else { return nil }
        return slots[index]
    }


    public func string(_ field: String) -> String? {
        if case .string(let text) = self[field] { return text }
        return nil
    }

    public func date(_ field: String) -> CalendarDate? {
        if case .date(let date) = self[field] { return date }
        return nil
    }

    public func dateTime(_ field: String) -> Date? {
        if case .dateTime(let instant) = self[field] { return instant }
        return nil
    }

    public func boolean(_ field: String) -> Bool? {
        if case .boolean(let flag) = self[field] { return flag }
        return nil
    }

    public func integer(_ field: String) -> Int? {
        if case .integer(let number) = self[field] { return number }
        return nil
    }

    public func number(_ field: String) -> Double? {
        if case .number(let number) = self[field] { return number }
        return nil
    }

    public func strings(_ field: String) -> [String]? {
        if case .strings(let list) = self[field] { return list }
        return nil
    }

    public func enumeration<Known: RawRepresentable<String> & Sendable & Hashable>(_ field: String) -> UnifiedEnum<Known>? {
        guard case .enumeration(let value, let source) = self[field] else { return nil }
        return UnifiedEnum(value: value.flatMap(Known.init(rawValue:)), sourceValue: source)
    }
}

/// A model enum value next to the provider's: `value` is `nil` (`unknown`) when the mapping does
/// not list the provider's value, which is never an error.
public struct UnifiedEnum<Known: RawRepresentable<String> & Sendable & Hashable>: Sendable, Hashable, CustomStringConvertible {
    public var value: Known?
    public var sourceValue: String

    public init(value: Known?, sourceValue: String) {
        self.value = value
        self.sourceValue = sourceValue
    }

    /// The model value, or `unknown`.
    public var rawValue: String { value?.rawValue ?? "unknown" }
    public var description: String { "\(rawValue) (\(sourceValue))" }
}

/// A unified model type (`Unified.HRIS.Employee`): built from a mapping's values, keeping the
/// provider's record as `remote`.
public protocol UnifiedModelRecord: Sendable {
    /// The model id, e.g. `hris.employee`.
    static var model: String { get }
    /// The provider's id of the record.
    var id: String { get }
    /// The provider's record as received.
    var remote: JSONValue { get }
    /// The values as the mapping produced them.
    var values: UnifiedValues { get }
    init(values: UnifiedValues, remote: JSONValue)
}

extension UnifiedModelRecord {
    /// The record as JSON: every mapped field, enums as `{value, sourceValue}`, and `remote`.
    public var json: JSONValue {
        var members: [String: JSONValue] = [:]
        for (field, value) in values.storage { members[field] = value.json }
        members["remote"] = remote
        return .object(members)
    }
}

/// Why a record could not be converted to its unified model: where (connector, resource, page,
/// index in the page), from which source field, to which model field.
public struct UnifiedConversionError: Error, Sendable, Hashable, CustomStringConvertible {
    public var connector: String
    public var resource: String
    /// 1 for the first page (0 outside a list).
    public var page: Int
    /// 0 for the first record of the page.
    public var index: Int
    /// The pointer(s) the expression reads.
    public var sourceField: String
    /// The model field.
    public var targetField: String
    public var reason: String

    public init(connector: String, resource: String, page: Int, index: Int, sourceField: String, targetField: String, reason: String) {
        self.connector = connector
        self.resource = resource
        self.page = page
        self.index = index
        self.sourceField = sourceField
        self.targetField = targetField
        self.reason = reason
    }

    public var description: String {
        "\(connector) \(resource): record \(index) of page \(page) cannot be converted: '\(sourceField)' → '\(targetField)' \(reason)"
    }
}
