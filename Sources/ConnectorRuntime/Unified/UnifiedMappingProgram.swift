public import Foundation

/// A spec's mapping of one resource to one unified model, compiled into the generated code as
/// data (`Acme.Oauth.Unified`) and run by ``evaluate(_:)`` on each record's JSON.
///
/// The generator writes it from a mapping that `validate` accepted, so every pointer names a
/// declared field and every expression gives the target's type; what is left to run time is the
/// provider's data itself: a date that does not parse, text that is not a number, a required
/// value that is missing. Those throw ``UnifiedConversionError``, which names the field but never
/// its value (records hold personal data, and errors end up in logs).
public struct UnifiedMappingProgram: Sendable {
    public var connector: String
    public var resource: String
    public var model: String
    public let fields: [UnifiedFieldMapping]
    /// The record's top-level fields the generated code reads from the typed record (see
    /// ``evaluate(_:json:read:)``), in the order of the generated reader's values.
    public let declared: [UnifiedDeclaredField]
    /// What runs per record, shared by the copies of the program (one reference to retain).
    let plan: UnifiedMappingPlan

    /// `declared`: the top-level fields the generated reader of the typed record serves (empty:
    /// every pointer reads the JSON).
    public init(connector: String, resource: String, model: String, fields: [UnifiedFieldMapping],
                declared: [UnifiedDeclaredField] = []) {
        self.connector = connector
        self.resource = resource
        self.model = model
        self.fields = fields
        self.declared = declared
        plan = UnifiedMappingPlan(fields: fields, declared: declared)
    }

    /// The unified values of one record; throws the first field that cannot be converted.
    public func evaluate(_ record: JSONValue) throws(UnifiedConversionError) -> UnifiedValues {
        let plan = plan
        do throws(UnifiedMappingPlan.Failure) {
            guard !plan.declaredKeys.isEmpty else { return try plan.run(record) { _ in .absent } }
            // No typed record: the declared fields are looked up in the JSON, as any other pointer.
            let members: [String: JSONValue]
            if case .object(let object) = record { members = object } else { members = [:] }
            return try plan.run(record) { index in members[plan.declaredKeys[index]].map(UnifiedFieldValue.json) ?? .absent }
        } catch {
            throw located(error)
        }
    }

    /// The unified values of one typed record: `read` (generated) gives the declared fields from
    /// the record's properties, once per record and without a dictionary lookup; other pointers
    /// read `json`, the record's JSON. The same values and errors as ``evaluate(_:)`` on `json`.
    public func evaluate<Record>(_ record: Record, json: JSONValue, read: ((Record) -> [UnifiedFieldValue])?)
        throws(UnifiedConversionError) -> UnifiedValues {
        guard let read else { return try evaluate(json) }
        let plan = plan
        let fields = read(record)
        guard fields.count == plan.declaredKeys.count else {
            // A reader that does not match the program (not one the generator wrote): the JSON.
            return try evaluate(json)
        }
        do throws(UnifiedMappingPlan.Failure) {
            return try plan.run(json) { index in fields[index] }
        } catch {
            throw located(error)
        }
    }

    private func located(_ failure: UnifiedMappingPlan.Failure) -> UnifiedConversionError {
        let field = fields[failure.index]
        return UnifiedConversionError(
            connector: connector, resource: resource, page: 0, index: 0, sourceField: field.expression.source,
            targetField: field.name, reason: failure.reason)
    }
}

/// The compiled form of a program: the expressions with their pointers split once (and declared
/// fields bound to their reader index), the targets and required flags, in `fields` order. A
/// class, so that running a program per record retains one reference rather than copying the
/// program's arrays.
final class UnifiedMappingPlan: Sendable {
    /// The first field that cannot be converted, by index.
    struct Failure: Error {
        var index: Int
        var reason: String
    }

    /// A field whose expression is a declared field, an enum map of one or a `firstOf` of
    /// them (most fields of most mappings): read without going through the expression tree, from
    /// trivial payloads (nothing to retain per record).
    enum Direct {
        case none
        case field(Int)
        /// A map of up to `linearLimit` values: its keys and values are
        /// `mapKeys[start..<start + count]` and `mapValues[...]`, compared in turn (no hashing).
        case enumMap(Int, start: Int, count: Int)
        /// A larger map: `enumMaps[index]`.
        case enumMapHashed(Int)
        /// The declared fields `firstOfSlots[start..<start + count]`, the first present and not
        /// empty.
        case firstOf(start: Int, count: Int)
    }

    /// Up to this many values, an enum map is searched in turn rather than hashed.
    static let linearLimit = 8

    let names: UnifiedFieldNames
    let compiled: [UnifiedExpression]
    let targets: [UnifiedFieldMapping.Target]
    let required: [Bool]
    let directs: [Direct]
    /// The enum maps of the `.enumMapHashed` directs, by field index (empty elsewhere).
    let enumMaps: [[String: String]]
    let mapKeys: [String]
    let mapValues: [String]
    let firstOfSlots: [Int]
    /// The JSON keys of `declared`, for a record without its typed form.
    let declaredKeys: [String]

    init(fields: [UnifiedFieldMapping], declared: [UnifiedDeclaredField]) {
        names = UnifiedFieldNames(fields.map(\.name))
        declaredKeys = declared.map(\.key)
        var json: [String: Int] = [:]
        var dateTimes: [String: Int] = [:]
        for (index, field) in declared.enumerated() {
            switch field {
            case .json(let key) where json[key] == nil: json[key] = index
            case .dateTime(let key) where dateTimes[key] == nil: dateTimes[key] = index
            default: continue
            }
        }
        compiled = fields.map { field in
            // A date-time field converted straight to a date-time: the typed record's date (the
            // same parser read it), not its text parsed again.
            if field.target == .dateTime, case .pointer(let pointer) = field.expression,
               let index = UnifiedExpression.topLevelKey(pointer).flatMap({ dateTimes[$0] }) {
                return .declared(index, source: pointer)
            }
            return field.expression.compiled(declared: json)
        }
        targets = fields.map(\.target)
        required = fields.map(\.required)
        var directs: [Direct] = []
        var enumMaps: [[String: String]] = []
        var mapKeys: [String] = []
        var mapValues: [String] = []
        var firstOfSlots: [Int] = []
        for (expression, target) in zip(compiled, targets) {
            var direct = Direct.none
            var hashed: [String: String] = [:]
            switch expression {
            case .declared(let slot, _):
                direct = .field(slot)
            case .enumMap(.declared(let slot, _), let map) where target == .enumeration:
                if map.count <= Self.linearLimit {
                    direct = .enumMap(slot, start: mapKeys.count, count: map.count)
                    for (key, value) in map {
                        mapKeys.append(key)
                        mapValues.append(value)
                    }
                } else {
                    direct = .enumMapHashed(slot)
                    hashed = map
                }
            case .firstOf(let alternatives):
                let slots = alternatives.compactMap { alternative -> Int? in
                    if case .declared(let slot, _) = alternative { return slot }
                    return nil
                }
                if slots.count == alternatives.count {
                    direct = .firstOf(start: firstOfSlots.count, count: slots.count)
                    firstOfSlots += slots
                }
            default:
                break
            }
            directs.append(direct)
            enumMaps.append(hashed)
        }
        self.directs = directs
        self.enumMaps = enumMaps
        self.mapKeys = mapKeys
        self.mapValues = mapValues
        self.firstOfSlots = firstOfSlots
    }

    func run(_ record: JSONValue, _ read: (Int) -> UnifiedFieldValue) throws(Failure) -> UnifiedValues {
        var values = UnifiedValues(names: names)
        for index in compiled.indices {
            let result: UnifiedValue?
            do throws(UnifiedExpression.Failure) {
                switch directs[index] {
                case .field(let slot):
                    result = try targets[index].convert(read(slot))
                case .enumMap(let slot, let start, let count):
                    // As `enumMap` evaluates and `.enumeration` converts its value.
                    guard let value = UnifiedExpression.value(read(slot)) else { result = nil; break }
                    guard let source = UnifiedExpression.text(value) else { throw UnifiedExpression.Failure(reason: "is not text") }
                    var mapped: String?
                    for position in start..<start + count where mapKeys[position] == source {
                        mapped = mapValues[position]
                        break
                    }
                    result = .enumeration(value: mapped, source: source)
                case .enumMapHashed(let slot):
                    guard let value = UnifiedExpression.value(read(slot)) else { result = nil; break }
                    guard let source = UnifiedExpression.text(value) else { throw UnifiedExpression.Failure(reason: "is not text") }
                    result = .enumeration(value: enumMaps[index][source], source: source)
                case .firstOf(let start, let count):
                    // As `firstOf` evaluates: the first present value that is not empty text.
                    var first: UnifiedExpression.Value?
                    for position in start..<start + count {
                        if let value = UnifiedExpression.value(read(firstOfSlots[position])), !UnifiedExpression.isEmpty(value) {
                            first = value
                            break
                        }
                    }
                    result = try targets[index].convert(first)
                case .none:
                    result = try targets[index].convert(compiled[index].evaluate(record, read))
                }
            } catch {
                throw Failure(index: index, reason: error.reason)
            }
            if let result {
                values.slots[index] = result
            } else if required[index] {
                throw Failure(index: index, reason: "is missing")
            }
        }
        return values
    }
}

/// A top-level field of the record that the generated code reads from the typed record's property
/// (``UnifiedMappingProgram/declared``): no dictionary lookup, and no date parsed twice.
public enum UnifiedDeclaredField: Sendable, Hashable {
    /// A string, enum or boolean field: the property gives back the JSON value exactly.
    case json(String)
    /// An ISO 8601 date-time field: the property's date, used where the mapping converts the
    /// field straight to a date-time (elsewhere the field's text is read from the JSON).
    case dateTime(String)

    /// The field's JSON key.
    public var key: String {
        switch self {
        case .json(let key), .dateTime(let key): key
        }
    }
}

/// A declared field's value as the generated reader gives it.
public enum UnifiedFieldValue: Sendable {
    /// Missing or `null`.
    case absent
    case json(JSONValue)
    case dateTime(Date)

    /// A string property (`nil`: absent).
    @inlinable public static func text(_ value: String?) -> UnifiedFieldValue {
        guard let value else { return .absent }
        return .json(.string(value))
    }

    /// A boolean property.
    @inlinable public static func boolean(_ value: Bool?) -> UnifiedFieldValue {
        guard let value else { return .absent }
        return .json(.bool(value))
    }

    /// An enum property: the provider's text, known or not.
    @inlinable public static func enumeration<Known>(_ value: OpenEnum<Known>?) -> UnifiedFieldValue {
        guard let value else { return .absent }
        return .json(.string(value.rawValue))
    }

    /// An ISO 8601 date-time property.
    @inlinable public static func instant(_ value: Date?) -> UnifiedFieldValue {
        guard let value else { return .absent }
        return .dateTime(value)
    }
}

/// One target field of a mapping: the model field, its type, and the expression that fills it.
public struct UnifiedFieldMapping: Sendable {
    /// The model field's type, which decides the conversion at the end.
    public enum Target: Sendable, Hashable {
        case string, date, dateTime, boolean, integer, number, reference
        /// The model's enum (values are checked at build time).
        case enumeration
        /// An array of text or references.
        case array
    }

    public var name: String
    public var target: Target
    public var required: Bool
    public var expression: UnifiedExpression

    public init(_ name: String, _ target: Target, required: Bool = false, _ expression: UnifiedExpression) {
        self.name = name
        self.target = target
        self.required = required
        self.expression = expression
    }

    func convert(_ value: UnifiedExpression.Value?) throws(UnifiedExpression.Failure) -> UnifiedValue? {
        try target.convert(value)
    }
}

extension UnifiedFieldMapping.Target {
    /// A declared field's value converted as ``convert(_:)`` converts it as an expression's value,
    /// the common cases without the intermediate value.
    func convert(_ field: UnifiedFieldValue) throws(UnifiedExpression.Failure) -> UnifiedValue? {
        switch (self, field) {
        case (_, .absent), (_, .json(.null)): return nil
        case (.string, .json(.string(let text))): return .string(text)
        case (.array, .json(.string(let text))): return .strings([text])
        case (.dateTime, .dateTime(let instant)): return .dateTime(instant)
        case (.boolean, .json(.bool(let flag))): return .boolean(flag)
        default: return try convert(UnifiedExpression.value(field))
        }
    }

    func convert(_ value: UnifiedExpression.Value?) throws(UnifiedExpression.Failure) -> UnifiedValue? {
        guard let value else { return nil }
        switch (self, value) {
        case (.string, .json(.string(let text))), (.reference, .json(.string(let text))): return .string(text)
        case (.string, .enumValue(_, let source)): return .string(source)
        case (.reference, .json(.integer(let number))): return .string(String(number))
        case (.date, .date(let date)): return .date(date)
        case (.date, .dateTime(let instant)): return .date(UnifiedExpression.calendarDate(instant))
        case (.date, .json(.string(let text))):
            guard let date = CalendarDate(text) else { throw .init(reason: "is not a YYYY-MM-DD date") }
            return .date(date)
        case (.dateTime, .dateTime(let instant)): return .dateTime(instant)
        case (.dateTime, .date(let date)): return .dateTime(UnifiedExpression.instant(date))
        case (.dateTime, .json(let json)):
            guard let instant = DateTimeCoding.date(from: json, format: .iso8601) else {
                throw .init(reason: json.kindName == "a string" ? "is not an ISO 8601 date-time" : "is \(json.kindName), not an ISO 8601 date-time")
            }
            return .dateTime(instant)
        case (.boolean, .json(.bool(let flag))): return .boolean(flag)
        case (.integer, .json(.integer(let number))): return .integer(number)
        case (.integer, .json(.number(let number))):
            guard let exact = Int(exactly: number) else { throw .init(reason: "is not a whole number") }
            return .integer(exact)
        case (.number, .json(.integer(let number))): return .number(Double(number))
        case (.number, .json(.number(let number))): return .number(number)
        case (.enumeration, .enumValue(let mapped, let source)): return .enumeration(value: mapped, source: source)
        case (.array, .strings(let list)): return .strings(list)
        case (.array, .json(.string(let text))): return .strings([text])
        case (.array, .json(.array(let elements))):
            var list: [String] = []
            for element in elements {
                switch element {
                case .string(let text): list.append(text)
                case .integer(let number): list.append(String(number))
                case .null: continue
                default: throw .init(reason: "holds \(element.kindName), expected text")
                }
            }
            return .strings(list)
        case (_, .json(let json)): throw .init(reason: "is \(json.kindName)")
        default: throw .init(reason: "cannot be converted")
        }
    }
}

/// The expression language of mappings (see `docs/spec.md#unified`), evaluated on a record's JSON.
public indirect enum UnifiedExpression: Sendable {
    case pointer(String)
    case constant(JSONValue)
    case firstOf([UnifiedExpression])
    case concat([UnifiedExpression], separator: String)
    case split(UnifiedExpression, separator: String, index: Int?)
    case date(UnifiedExpression, format: UnifiedDateFormat)
    case number(UnifiedExpression)
    case string(UnifiedExpression)
    /// Provider value → model value; a value not listed becomes `unknown` with its source value.
    case enumMap(UnifiedExpression, [String: String])
    /// One value of each element of the array at the first pointer: the second pointer read in
    /// each element (SCIM's `groups[].value`); elements without it are left out.
    case pluck(String, field: String)
    /// A pointer split into its unescaped tokens (built by `compiled()`; the key of a top-level
    /// field is one dictionary lookup per record).
    case tokens([String], source: String)
    /// `pluck` with both pointers split (built by `compiled()`).
    case pluckTokens(UnifiedExpression, field: UnifiedExpression)
    /// A top-level field the generated reader of the typed record gives, by its index in
    /// ``UnifiedMappingProgram/declared`` (built by `compiled(declared:)`).
    case declared(Int, source: String)

    /// The same expression with every pointer split once; a top-level key in `declared` (key →
    /// reader index) becomes `.declared`.
    func compiled(declared: [String: Int] = [:]) -> UnifiedExpression {
        switch self {
        case .pointer(let pointer):
            if let key = Self.topLevelKey(pointer), let index = declared[key] { return .declared(index, source: pointer) }
            return .tokens(Self.tokens(pointer), source: pointer)
        case .constant, .tokens, .declared: return self
        case .firstOf(let list): return .firstOf(list.map { $0.compiled(declared: declared) })
        case .concat(let list, let separator): return .concat(list.map { $0.compiled(declared: declared) }, separator: separator)
        case .split(let inner, let separator, let index): return .split(inner.compiled(declared: declared), separator: separator, index: index)
        case .date(let inner, let format): return .date(inner.compiled(declared: declared), format: format)
        case .number(let inner): return .number(inner.compiled(declared: declared))
        case .string(let inner): return .string(inner.compiled(declared: declared))
        case .enumMap(let inner, let map): return .enumMap(inner.compiled(declared: declared), map)
        case .pluck(let array, let field):
            return .pluckTokens(UnifiedExpression.pointer(array).compiled(declared: declared), field: UnifiedExpression.pointer(field).compiled())
        case .pluckTokens: return self
        }
    }

    /// A pointer's unescaped tokens.
    static func tokens(_ pointer: String) -> [String] {
        pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
            .map { $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~") }
    }

    /// The key of a one-token pointer (`/email` → `email`), `nil` for a deeper one.
    static func topLevelKey(_ pointer: String) -> String? {
        let tokens = tokens(pointer)
        return tokens.count == 1 ? tokens[0] : nil
    }

    /// An intermediate value.
    enum Value {
        case json(JSONValue)
        case date(CalendarDate)
        case dateTime(Date)
        case strings([String])
        case enumValue(String?, String)
    }

    /// Why a value could not be converted.
    struct Failure: Error {
        var reason: String
    }

    /// The pointer (or pointers) the expression reads, for error messages.
    public var source: String {
        switch self {
        case .pointer(let pointer), .tokens(_, let pointer), .declared(_, let pointer): pointer
        case .constant: "(constant)"
        case .firstOf(let list), .concat(let list, _): list.map(\.source).joined(separator: ", ")
        case .split(let inner, _, _), .date(let inner, _), .number(let inner), .string(let inner), .enumMap(let inner, _): inner.source
        case .pluck(let array, let field): array + "[]" + field
        case .pluckTokens(let array, let field): array.source + "[]" + field.source
        }
    }

    /// The value on a record's JSON alone (no typed record).
    func evaluate(_ record: JSONValue) throws(Failure) -> Value? {
        try evaluate(record) { _ in .absent }
    }

    /// A declared field's value as `.declared` gives it (`nil`: missing or `null`).
    static func value(_ field: UnifiedFieldValue) -> Value? {
        switch field {
        case .absent: return nil
        case .json(let value):
            if case .null = value { return nil }
            return .json(value)
        case .dateTime(let instant): return .dateTime(instant)
        }
    }

    /// The value on a record: `read` gives the declared fields (`.declared`), `record` the rest.
    func evaluate(_ record: JSONValue, _ read: (Int) -> UnifiedFieldValue) throws(Failure) -> Value? {
        switch self {
        case .declared(let index, _):
            return Self.value(read(index))
        case .pointer(let pointer):
            guard let value = record.at(pointer: pointer), value != .null else { return nil }
            return .json(value)
        case .tokens(let tokens, _):
            // A top-level field (most mappings): one lookup, without copying the record.
            if tokens.count == 1, case .object(let members) = record {
                guard let value = members[tokens[0]] else { return nil }
                if case .null = value { return nil }
                return .json(value)
            }
            var current = record
            for token in tokens {
                switch current {
                case .object(let members):
                    guard let next = members[token] else { return nil }
                    current = next
                case .array(let elements):
                    guard let index = Int(token), elements.indices.contains(index) else { return nil }
                    current = elements[index]
                default:
                    return nil
                }
            }
            if case .null = current { return nil }
            return .json(current)
        case .constant(let value):
            return .json(value)
        case .firstOf(let alternatives):
            for alternative in alternatives {
                if let value = try alternative.evaluate(record, read), !Self.isEmpty(value) { return value }
            }
            return nil
        case .concat(let parts, let separator):
            var texts: [String] = []
            for part in parts {
                guard let value = try part.evaluate(record, read), let text = Self.text(value), !text.isEmpty else { continue }
                texts.append(text)
            }
            return texts.isEmpty ? nil : .json(.string(texts.joined(separator: separator)))
        case .split(let inner, let separator, let index):
            guard let value = try inner.evaluate(record, read), let text = Self.text(value) else { return nil }
            let pieces = text.components(separatedBy: separator).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
            guard let index else { return .strings(pieces) }
            return pieces.indices.contains(index) ? .json(.string(pieces[index])) : nil
        case .date(let inner, let format):
            guard let value = try inner.evaluate(record, read) else { return nil }
            guard case .json(let json) = value else { throw Failure(reason: "is not text or a number") }
            if case .string(let text) = json, text.isEmpty { return nil }
            return try format.parse(json)
        case .number(let inner):
            guard let value = try inner.evaluate(record, read) else { return nil }
            switch value {
            case .json(.integer), .json(.number): return value
            case .json(.string(let text)):
                let trimmed = text.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty { return nil }
                if let integer = Int(trimmed) { return .json(.integer(integer)) }
                guard let number = Double(trimmed), number.isFinite else { throw Failure(reason: "is not a number") }
                return .json(.number(number))
            default: throw Failure(reason: "is not a number")
            }
        case .string(let inner):
            guard let value = try inner.evaluate(record, read) else { return nil }
            guard let text = Self.text(value) else { throw Failure(reason: "cannot be written as text") }
            return .json(.string(text))
        case .enumMap(let inner, let map):
            guard let value = try inner.evaluate(record, read) else { return nil }
            guard let source = Self.text(value) else { throw Failure(reason: "is not text") }
            return .enumValue(map[source], source)
        case .pluck(let array, let field):
            return try Self.pluck(.pointer(array), field: .pointer(field), in: record)
        case .pluckTokens(let array, let field):
            return try Self.pluck(array, field: field, in: record, read)
        }
    }

    /// `field` read in each element of the array `array` gives; absent or null values left out.
    static func pluck(_ array: UnifiedExpression, field: UnifiedExpression, in record: JSONValue,
                      _ read: (Int) -> UnifiedFieldValue = { _ in .absent }) throws(Failure) -> Value? {
        guard let value = try array.evaluate(record, read) else { return nil }
        guard case .json(.array(let elements)) = value else { throw Failure(reason: "is not an array") }
        var list: [String] = []
        for element in elements {
            switch try field.evaluate(element) {
            case nil: continue
            case .json(.string(let text))?: list.append(text)
            case .json(.integer(let number))?: list.append(String(number))
            case .json(let json)?: throw Failure(reason: "holds \(json.kindName) in an element, expected text or an integer")
            default: throw Failure(reason: "cannot be read in an element")
            }
        }
        return .strings(list)
    }

    static func isEmpty(_ value: Value) -> Bool {
        if case .json(.string(let text)) = value { return text.isEmpty }
        return false
    }

    static func text(_ value: Value) -> String? {
        switch value {
        case .json(.string(let text)): text
        case .json(.integer(let number)): String(number)
        case .json(.number(let number)): number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
        case .json(.bool(let flag)): flag ? "true" : "false"
        case .enumValue(_, let source): source
        case .date(let date): date.description
        case .dateTime(let instant): DateTimeCoding.rfc3339(instant)
        default: nil
        }
    }

    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    static func calendarDate(_ instant: Date) -> CalendarDate {
        let parts = utc.dateComponents([.year, .month, .day], from: instant)
        return CalendarDate(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1)
    }

    static func instant(_ date: CalendarDate) -> Date {
        utc.date(from: DateComponents(year: date.year, month: date.month, day: date.day)) ?? Date(timeIntervalSince1970: 0)
    }
}

/// How `date` reads its input.
public enum UnifiedDateFormat: Sendable {
    /// RFC 3339 date-time, or a `YYYY-MM-DD` date.
    case iso8601
    case unixSeconds
    case unixMilliseconds
    /// A Unicode TR35 pattern (`dd/MM/yyyy`), read in UTC with the POSIX locale.
    case pattern(UnifiedDatePattern)

    /// The format named in a spec.
    public static func named(_ name: String) -> UnifiedDateFormat {
        switch name {
        case "iso8601": .iso8601
        case "unixSeconds": .unixSeconds
        case "unixMilliseconds": .unixMilliseconds
        default: .pattern(UnifiedDatePattern(name))
        }
    }

    func parse(_ json: JSONValue) throws(UnifiedExpression.Failure) -> UnifiedExpression.Value {
        switch self {
        case .iso8601:
            if case .string(let text) = json, let date = CalendarDate(text) { return .date(date) }
            guard let instant = DateTimeCoding.date(from: json, format: .iso8601) else {
                throw .init(reason: "is not an ISO 8601 date or date-time")
            }
            return .dateTime(instant)
        case .unixSeconds, .unixMilliseconds:
            var value = json
            if case .string(let text) = json, let number = Double(text) { value = .number(number) }
            guard let instant = DateTimeCoding.date(from: value, format: self == .unixSeconds ? .unixSeconds : .unixMilliseconds) else {
                throw .init(reason: "is not a number of \(self == .unixSeconds ? "seconds" : "milliseconds") since 1970")
            }
            return .dateTime(instant)
        case .pattern(let pattern):
            guard case .string(let text) = json, let instant = pattern.parse(text) else {
                throw .init(reason: "does not match the date format '\(pattern.pattern)'")
            }
            return pattern.hasTime ? .dateTime(instant) : .date(UnifiedExpression.calendarDate(instant))
        }
    }

    static func == (lhs: UnifiedDateFormat, rhs: UnifiedDateFormat) -> Bool {
        switch (lhs, rhs) {
        case (.iso8601, .iso8601), (.unixSeconds, .unixSeconds), (.unixMilliseconds, .unixMilliseconds): true
        case (.pattern(let a), .pattern(let b)): a.pattern == b.pattern
        default: false
        }
    }
}

/// A date pattern and its formatter. `DateFormatter` is not documented as safe to share between
/// threads, so parsing takes a lock; patterns are rare in mappings (most providers send ISO 8601).
public final class UnifiedDatePattern: @unchecked Sendable {
    public let pattern: String
    /// Whether the pattern reads a time of day (then the value is a date-time).
    let hasTime: Bool
    private let formatter: DateFormatter
    private let lock = NSLock()

    public init(_ pattern: String) {
        self.pattern = pattern
        hasTime = pattern.contains("H") || pattern.contains("h") || pattern.contains("m")
        formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = pattern
        formatter.isLenient = false
    }

    func parse(_ text: String) -> Date? {
        lock.lock()
        defer { lock.unlock() }
        return formatter.date(from: text)
    }
}
