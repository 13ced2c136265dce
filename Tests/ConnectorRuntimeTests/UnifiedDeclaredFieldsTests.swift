// The typed-record path of the mapping program (`declared:` and the generated reader, as
// `Acme.ApiKey.Unified.<model>Fields`): the record's properties replace the JSON lookups of its
// top-level string, enum, boolean and ISO 8601 date-time fields, and give the same values and the
// same errors as the program run on the record's JSON alone (as the Hub runs it). End to end
// through generated code: Tests/ReferenceConsumerTests/UnifiedPagingTests.swift.
import ConnectorRuntime
import Foundation
import Testing

@Suite struct UnifiedDeclaredFieldsTests {
    /// A record as the generator writes one, with the reader the generator writes next to a mapping.
    struct Member: ResourceRecord {
        enum Role: String, Sendable, Hashable, CaseIterable {
            case admin, member
        }

        let id: String
        let email: String?
        let role: OpenEnum<Role>?
        let active: Bool?
        let updatedAt: Date?
        let raw: JSONValue

        init(record: RecordReader) throws(RecordFieldError) {
            id = try record.required("id")
            email = try record.optional("email")
            role = try record.optional("role")
            active = try record.optional("active")
            updatedAt = try record.optionalDate("updated_at", format: .iso8601)
            raw = record.raw
        }

        static func read(_ record: Member) -> [UnifiedFieldValue] {
            [.text(record.id), .text(record.email), .enumeration(record.role), .boolean(record.active), .instant(record.updatedAt)]
        }
    }

    static let declared: [UnifiedDeclaredField] = [.json("id"), .json("email"), .json("role"), .json("active"), .dateTime("updated_at")]

    static let fields: [UnifiedFieldMapping] = [
        UnifiedFieldMapping("id", .string, required: true, .pointer("/id")),
        UnifiedFieldMapping("userName", .string, required: true, .firstOf([.pointer("/email"), .pointer("/id")])),
        UnifiedFieldMapping("email", .string, .pointer("/email")),
        UnifiedFieldMapping("emails", .array, .pointer("/email")),
        UnifiedFieldMapping("status", .enumeration, .enumMap(.pointer("/role"), ["admin": "active", "member": "active"])),
        UnifiedFieldMapping("flag", .enumeration, .enumMap(.string(.pointer("/active")), ["true": "on"])),
        // More values than the program searches in turn: hashed.
        UnifiedFieldMapping("kind", .enumeration, .enumMap(.pointer("/role"), [
            "a": "1", "b": "2", "c": "3", "d": "4", "e": "5", "f": "6", "g": "7", "h": "8", "admin": "9", "member": "10",
        ])),
        UnifiedFieldMapping("activeText", .enumeration, .enumMap(.pointer("/active"), ["true": "yes", "false": "no"])),
        // A firstOf with a field the record does not declare: through the expression.
        UnifiedFieldMapping("nick", .string, .firstOf([.pointer("/nick"), .pointer("/id")])),
        UnifiedFieldMapping("active", .boolean, .pointer("/active")),
        UnifiedFieldMapping("label", .string, .concat([.pointer("/email"), .pointer("/role"), .pointer("/nick")], separator: " / ")),
        UnifiedFieldMapping("updatedAt", .dateTime, .pointer("/updated_at")),
        // Not straight to a date-time: the JSON's text, never the property's date written back.
        UnifiedFieldMapping("updatedText", .string, .pointer("/updated_at")),
        UnifiedFieldMapping("updatedDay", .date, .date(.pointer("/updated_at"), format: .named("iso8601"))),
    ]

    static let records: [JSONValue] = [
        .object([
            "id": .string("m1"), "email": .string("ada@x.example"), "role": .string("admin"), "active": .bool(true),
            "updated_at": .string("2025-01-02T10:00:00Z"), "nick": .string("ada"),
        ]),
        // null and absent optional fields, an enum value the record does not declare.
        .object(["id": .string("m2"), "email": .null, "role": .string("owner"), "active": .bool(false), "updated_at": .null]),
        // An empty email (firstOf falls back to the id), a date-time with a fraction and an offset.
        .object(["id": .string("m3"), "email": .string(""), "updated_at": .string("2024-02-29T23:30:00.250+02:00")]),
    ]

    func member(_ json: JSONValue) throws -> Member { try Member(record: RecordReader(json)) }

    @Test func theTypedRecordGivesTheValuesOfItsJSON() throws {
        let typed = UnifiedMappingProgram(connector: "c", resource: "r", model: "m", fields: Self.fields, declared: Self.declared)
        let plain = UnifiedMappingProgram(connector: "c", resource: "r", model: "m", fields: Self.fields)
        for json in Self.records {
            let expected = try plain.evaluate(json)
            #expect(try typed.evaluate(member(json), json: json, read: Member.read) == expected)
            // Without a typed record (the Hub), the declared fields are looked up in the JSON.
            #expect(try typed.evaluate(json) == expected)
            #expect(try typed.evaluate(member(json), json: json, read: nil) == expected)
        }
        let first = try typed.evaluate(member(Self.records[0]), json: Self.records[0], read: Member.read)
        #expect(first.string("label") == "ada@x.example / admin / ada")
        #expect(first.string("updatedText") == "2025-01-02T10:00:00Z")
        #expect(first.dateTime("updatedAt") == Date(timeIntervalSince1970: 1_735_812_000))
        let second = try typed.evaluate(member(Self.records[1]), json: Self.records[1], read: Member.read)
        #expect(second["status"] == .enumeration(value: nil, source: "owner"))
        #expect(second["flag"] == .enumeration(value: nil, source: "false"))
        #expect(second["kind"] == .enumeration(value: nil, source: "owner"))
        #expect(second["activeText"] == .enumeration(value: "no", source: "false"))
        #expect(second.string("nick") == "m2")
        #expect(first["kind"] == .enumeration(value: "9", source: "admin"))
        #expect(first.string("nick") == "ada")
        #expect(second.string("userName") == "m2")
        #expect(second.dateTime("updatedAt") == nil)
        let third = try typed.evaluate(member(Self.records[2]), json: Self.records[2], read: Member.read)
        #expect(third.string("userName") == "m3")
        #expect(third.string("email") == "")
        #expect(third.dateTime("updatedAt") == Date(timeIntervalSince1970: 1_709_242_200.25))
    }

    @Test func aValueThatDoesNotConvertIsTheSameErrorFromTheTypedRecord() throws {
        let fields = [
            UnifiedFieldMapping("id", .string, required: true, .pointer("/id")),
            UnifiedFieldMapping("email", .string, required: true, .pointer("/email")),
            UnifiedFieldMapping("active", .integer, .pointer("/active")),
        ]
        let typed = UnifiedMappingProgram(connector: "c", resource: "r", model: "m", fields: fields, declared: Self.declared)
        let plain = UnifiedMappingProgram(connector: "c", resource: "r", model: "m", fields: fields)
        let missing = UnifiedConversionError(connector: "c", resource: "r", page: 0, index: 0, sourceField: "/email", targetField: "email", reason: "is missing")
        #expect(throws: missing) { try plain.evaluate(Self.records[1]) }
        #expect(throws: missing) { try typed.evaluate(member(Self.records[1]), json: Self.records[1], read: Member.read) }
        let mismatch = UnifiedConversionError(connector: "c", resource: "r", page: 0, index: 0, sourceField: "/active", targetField: "active", reason: "is a boolean")
        #expect(throws: mismatch) { try plain.evaluate(Self.records[0]) }
        #expect(throws: mismatch) { try typed.evaluate(member(Self.records[0]), json: Self.records[0], read: Member.read) }
    }

    /// The declared fields come from the reader, not from the JSON: a reader that answers
    /// otherwise shows through (a date-time only where the target is a date-time).
    @Test func declaredFieldsAreReadFromTheRecordNotTheJSON() throws {
        let typed = UnifiedMappingProgram(connector: "c", resource: "r", model: "m", fields: Self.fields, declared: Self.declared)
        let json = Self.records[0]
        let values = try typed.evaluate(member(json), json: json) { record in
            var fields = Member.read(record)
            fields[1] = .text("reader@x.example")
            fields[4] = .instant(Date(timeIntervalSince1970: 0))
            return fields
        }
        #expect(values.string("email") == "reader@x.example")
        #expect(values.string("userName") == "reader@x.example")
        #expect(values.strings("emails") == ["reader@x.example"])
        #expect(values.dateTime("updatedAt") == Date(timeIntervalSince1970: 0))
        #expect(values.string("updatedText") == "2025-01-02T10:00:00Z")
        #expect(values.string("id") == "m1")
    }
}
