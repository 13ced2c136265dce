// The mapping evaluator on JSON records, case by case: what each operator gives, what is absent, and
// the located errors of values that do not convert. (End to end through generated code and a server:
// Tests/ReferenceConsumerTests/UnifiedPagingTests.swift and Tests/ConnectorsTests/EndToEnd/UnifiedEndToEnd.swift.)
import ConnectorRuntime
import Foundation
import Testing

@Suite struct UnifiedMappingProgramTests {
    let record: JSONValue = .object([
        "id": .integer(42), "first": .string("Ada"), "last": .string("Lovelace"), "empty": .string(""), "none": .null,
        "emails": .string("a@x.example, b@x.example ,"), "ms": .integer(1_700_000_000_123), "n": .string(" 12.5 "),
        "status": .string("OnLeave"), "flag": .bool(false), "list": .array([.string("g1"), .integer(7), .null]),
        "nested": .object(["a/b": .object(["c~d": .string("deep")])]), "born": .string("29/02/2024 23:30"),
        "day": .string("2024-02-29"),
    ])

    func run(_ fields: [UnifiedFieldMapping]) throws -> UnifiedValues {
        try UnifiedMappingProgram(connector: "c", resource: "r", model: "m", fields: fields).evaluate(record)
    }

    @Test func operatorsGiveTheirValues() throws {
        let values = try run([
            UnifiedFieldMapping("id", .string, required: true, .string(.pointer("/id"))),
            UnifiedFieldMapping("name", .string, .concat([.pointer("/first"), .pointer("/none"), .pointer("/last")], separator: " ")),
            UnifiedFieldMapping("fallback", .string, .firstOf([.pointer("/empty"), .pointer("/none"), .pointer("/first")])),
            UnifiedFieldMapping("emails", .array, .split(.pointer("/emails"), separator: ",", index: nil)),
            UnifiedFieldMapping("second", .string, .split(.pointer("/emails"), separator: ",", index: 1)),
            UnifiedFieldMapping("third", .string, .split(.pointer("/emails"), separator: ",", index: 2)),
            UnifiedFieldMapping("at", .dateTime, .date(.pointer("/ms"), format: .named("unixMilliseconds"))),
            UnifiedFieldMapping("born", .dateTime, .date(.pointer("/born"), format: .named("dd/MM/yyyy HH:mm"))),
            UnifiedFieldMapping("bornDay", .date, .date(.pointer("/born"), format: .named("dd/MM/yyyy HH:mm"))),
            UnifiedFieldMapping("day", .date, .pointer("/day")),
            UnifiedFieldMapping("n", .number, .number(.pointer("/n"))),
            UnifiedFieldMapping("status", .enumeration, .enumMap(.pointer("/status"), ["OnLeave": "leave"])),
            UnifiedFieldMapping("flag", .enumeration, .enumMap(.string(.pointer("/flag")), ["true": "rejected"])),
            UnifiedFieldMapping("refs", .array, .pointer("/list")),
            UnifiedFieldMapping("deep", .string, .pointer("/nested/a~1b/c~0d")),
            UnifiedFieldMapping("missing", .string, .pointer("/nope/x")),
        ])
        #expect(values.string("id") == "42")
        #expect(values.string("name") == "Ada Lovelace")
        #expect(values.string("fallback") == "Ada")
        #expect(values.strings("emails") == ["a@x.example", "b@x.example"])
        #expect(values.string("second") == "b@x.example")
        #expect(values.string("third") == nil)
        #expect(values.dateTime("at") == Date(timeIntervalSince1970: 1_700_000_000.123))
        #expect(values.dateTime("born") == ISO8601DateFormatter().date(from: "2024-02-29T23:30:00Z"))
        #expect(values.date("bornDay") == CalendarDate(year: 2024, month: 2, day: 29))
        #expect(values.date("day") == CalendarDate(year: 2024, month: 2, day: 29))
        #expect(values.number("n") == 12.5)
        #expect(values["status"] == .enumeration(value: "leave", source: "OnLeave"))
        #expect(values["flag"] == .enumeration(value: nil, source: "false"))
        #expect(values.strings("refs") == ["g1", "7"])
        #expect(values.string("deep") == "deep")
        #expect(values["missing"] == nil)
        #expect(values.storage.map(\.field).contains("missing") == false)
    }

    @Test func valuesThatDoNotConvertAreLocatedErrors() throws {
        #expect(throws: UnifiedConversionError(
            connector: "c", resource: "r", page: 0, index: 0, sourceField: "/n", targetField: "day", reason: "does not match the date format 'yyyy-MM-dd'"
        )) { try run([UnifiedFieldMapping("day", .date, .date(.pointer("/n"), format: .named("yyyy-MM-dd")))]) }
        #expect(throws: UnifiedConversionError(
            connector: "c", resource: "r", page: 0, index: 0, sourceField: "/first", targetField: "n", reason: "is not a number"
        )) { try run([UnifiedFieldMapping("n", .number, .number(.pointer("/first")))]) }
        #expect(throws: UnifiedConversionError(
            connector: "c", resource: "r", page: 0, index: 0, sourceField: "/none, /empty", targetField: "id", reason: "is missing"
        )) { try run([UnifiedFieldMapping("id", .string, required: true, .firstOf([.pointer("/none"), .pointer("/empty")]))]) }
        #expect(throws: UnifiedConversionError(
            connector: "c", resource: "r", page: 0, index: 0, sourceField: "/n", targetField: "count", reason: "is not a whole number"
        )) { try run([UnifiedFieldMapping("count", .integer, .number(.pointer("/n")))]) }
    }

    /// `pluck`: one key of each element (text, or an integer id written as text), elements
    /// without it left out, nested keys, an absent array; an element's object is a located error.
    @Test func pluckTakesOneKeyOfEachElement() throws {
        let members: JSONValue = .object([
            "groups": .array([
                .object(["value": .string("g-1"), "ref": .object(["id": .integer(7)])]),
                .object(["display": .string("no value")]),
                .object(["value": .null, "ref": .object(["id": .integer(8)])]),
                .object(["value": .string("g-2")]),
            ]),
            "bad": .array([.object(["value": .object(["x": .string("y")])])]),
            "text": .string("not an array"),
        ])
        let program = UnifiedMappingProgram(connector: "c", resource: "r", model: "m", fields: [
            UnifiedFieldMapping("groups", .array, .pluck("/groups", field: "/value")),
            UnifiedFieldMapping("refs", .array, .pluck("/groups", field: "/ref/id")),
            UnifiedFieldMapping("absent", .array, .pluck("/nope", field: "/value")),
        ])
        let values = try program.evaluate(members)
        #expect(values.strings("groups") == ["g-1", "g-2"])
        #expect(values.strings("refs") == ["7", "8"])
        #expect(values["absent"] == nil)
        #expect(throws: UnifiedConversionError(
            connector: "c", resource: "r", page: 0, index: 0, sourceField: "/bad[]/value", targetField: "groups",
            reason: "holds an object in an element, expected text or an integer"
        )) {
            try UnifiedMappingProgram(connector: "c", resource: "r", model: "m", fields: [
                UnifiedFieldMapping("groups", .array, .pluck("/bad", field: "/value")),
            ]).evaluate(members)
        }
        #expect(throws: UnifiedConversionError(
            connector: "c", resource: "r", page: 0, index: 0, sourceField: "/text[]/value", targetField: "groups", reason: "is not an array"
        )) {
            try UnifiedMappingProgram(connector: "c", resource: "r", model: "m", fields: [
                UnifiedFieldMapping("groups", .array, .pluck("/text", field: "/value")),
            ]).evaluate(members)
        }
    }
}
