// Generation of resources: per-variant overrides, record types and the Resources struct. The full
// output of every style is the reference golden (Tests/Reference/Generated/AcmeResources.swift),
// compiled and run end to end by ReferenceConsumerTests.
@testable import ConnectorCompilerCore
import Foundation
import Testing

@Suite struct ResourceGenerationTests {
    static func resource(_ name: String, record: String, pointer: String, fields: [String] = ["id"]) -> Resource {
        Resource(
            pointer: pointer, name: name, record: record, description: nil, idField: "id",
            fields: fields.enumerated().map { RecordField(pointer: pointer + "/fields/\($0.offset)", name: $0.element, type: .string) },
            list: ListOperation(
                pointer: pointer + "/list", method: .GET, path: "/" + name, queryPairs: [], body: nil, inputs: [], records: "",
                pagination: Pagination(pointer: pointer + "/list/pagination", style: .none)),
            get: nil)
    }

    static func spec(variantResources: [Resource]) -> ConnectorSpec {
        var spec = GenerationSnippetTests.spec()
        spec.resources = [resource("users", record: "User", pointer: "/resources/0"), resource("groups", record: "Group", pointer: "/resources/1")]
        spec.auth[0].resources = variantResources
        return spec
    }

    @Test func aVariantReplacesResourcesByNameAndAddsOthers() {
        let spec = Self.spec(variantResources: [
            Self.resource("users", record: "TokenUser", pointer: "/auth/0/resources/0", fields: ["id", "login"]),
            Self.resource("teams", record: "Team", pointer: "/auth/0/resources/1"),
        ])
        #expect(spec.resources(ofVariant: 0).map(\.record) == ["TokenUser", "Group", "Team"])
    }

    @Test func overriddenRecordsLiveInTheVariantAndResourcesNameThemQualified() throws {
        let spec = Self.spec(variantResources: [
            Self.resource("users", record: "TokenUser", pointer: "/auth/0/resources/0", fields: ["id", "login"]),
        ])
        let resources = try GenerationSnippetTests.declaration("Resources", in: spec)
        #expect(resources.contains("public var users: Users { Users(connection: connection) }"))
        #expect(resources.contains("-> ConnectorRuntime.RecordSequence<Acme.Token.TokenUser>"))
        #expect(resources.contains("-> ConnectorRuntime.RecordSequence<Acme.Group>"))
        let variantRecord = try GenerationSnippetTests.declaration("TokenUser", in: spec)
        #expect(variantRecord.contains("self.login = try record.required(\"login\")"))
        #expect(try GenerationSnippetTests.declaration("User", in: spec).contains("public struct User: ConnectorRuntime.ResourceRecord"))
    }

    /// One record shape listed by several resources (the connector's and a variant's) is one
    /// struct, in the connector's namespace (issue 18: 16 identical structs before).
    @Test func resourcesNamingASharedRecordShareOneStruct() throws {
        var spec = GenerationSnippetTests.spec()
        let fields = ["id", "email"].enumerated().map {
            RecordField(pointer: "/records/0/fields/\($0.offset)", name: $0.element, type: .string)
        }
        spec.records = [SharedRecord(pointer: "/records/0", name: "User", description: "A user.", fields: fields)]
        func shared(_ name: String, _ pointer: String) -> Resource {
            var resource = Self.resource(name, record: "User", pointer: pointer, fields: ["id", "email"])
            resource.sharedRecord = true
            return resource
        }
        spec.resources = [shared("users", "/resources/0"), shared("admins", "/resources/1")]
        spec.auth[0].resources = [shared("teamMembers", "/auth/0/resources/0")]
        let text = try CodeGenerator.generate(spec, options: GenerationOptions(specPath: "Connectors/acme.json"))
        #expect(text.components(separatedBy: "public struct User: ConnectorRuntime.ResourceRecord").count == 2)
        #expect(text.components(separatedBy: "ConnectorRuntime.RecordSequence<Acme.User>").count == 4)
        #expect(!text.contains("Acme.Token.User"))
        #expect(text.contains("/// A record of `users`, `admins`, `teamMembers`."))
    }

    @Test func severalStopRulesAndTheResponseCapReachTheOperation() throws {
        var spec = Self.spec(variantResources: [])
        var pagination = Pagination(pointer: "/resources/0/list/pagination", style: .offset)
        pagination.stops = [.totalCount, .emptyPage]
        pagination.offsetParam = "offset"
        pagination.limitParam = "limit"
        pagination.pageSize = 50
        pagination.maxPageSize = 500
        pagination.totalPointer = "/total"
        spec.resources[0].list?.pagination = pagination
        spec.resources[0].list?.maxResponseBytes = 33_554_432
        let accessor = try GenerationSnippetTests.declaration("Resources", in: spec)
        #expect(accessor.contains(
            "pagination: ConnectorRuntime.ResourcePagination(style: .offset, stops: [.totalCount, .emptyPage], pageSize: 50, maxPageSize: 500, limitParam: \"limit\", offsetParam: \"offset\", totalPointer: \"/total\"),"))
        #expect(accessor.contains("maxResponseBytes: 33554432"))
        #expect(accessor.contains("Pagination: `offset`, stops on `totalCount` or `emptyPage`."))
    }

    @Test func noResourcesMeansNoResourcesStruct() throws {
        let file = try CodeGenerator.translate(GenerationSnippetTests.spec(), options: GenerationOptions(specPath: "Connectors/acme.json"))
        #expect(GenerationSnippetTests.find("Resources", in: file.declarations) == nil)
        #expect(file.imports.contains(SwiftImport(module: "Foundation", isPublic: false)))
    }

    @Test func dateTimesInPublicSignaturesMakeTheFoundationImportPublic() throws {
        var spec = Self.spec(variantResources: [])
        spec.resources[0].fields.append(RecordField(pointer: "/resources/0/fields/1", name: "updated_at", type: .dateTime))
        let file = try CodeGenerator.translate(spec, options: GenerationOptions(specPath: "Connectors/acme.json"))
        #expect(file.imports.contains(SwiftImport(module: "Foundation", isPublic: true)))
        let record = try GenerationSnippetTests.declaration("User", in: spec)
        #expect(record.contains("public let updatedAt: Foundation.Date"))
        #expect(record.contains("self.updatedAt = try record.requiredDate(\"updated_at\", format: .iso8601)"))
    }

    /// The names the `swift-name-renamed` warnings of the fixture announce are the ones the
    /// generator writes: both read `SwiftNamePlan`.
    @Test func renamedRecordFieldsAreGeneratedAsTheWarningsSay() throws {
        let fixture = "invalid/semantic/swift_name_renamed_record_field.json"
        let result = SpecLoader.load(bytes: try Fixtures.bytes(fixture), file: "swift_name_renamed_record_field.json")
        let spec = try #require(result.spec)
        #expect(result.diagnostics.allSatisfy { $0.severity == .warning && $0.rule == "swift-name-renamed" })
        let announced = result.diagnostics.compactMap { diagnostic -> String? in
            let parts = diagnostic.message.components(separatedBy: "'")
            return parts.count > 3 ? parts[3] : nil
        }
        #expect(announced == ["firstName2", "raw2", "self_", "User.User2"])
        let record = try GenerationSnippetTests.declaration("User", in: spec)
        #expect(record.contains("self.firstName = try record.optional(\"first_name\")"))
        #expect(record.contains("self.firstName2 = try record.optional(\"firstName\")"))
        #expect(record.contains("self.raw2 = try record.optional(\"raw\")"))
        #expect(record.contains("self.raw = record.raw"))
        #expect(record.contains("self.self_ = try record.optional(\"self\")"))
        #expect(record.contains("public let user: ConnectorRuntime.OpenEnum<User2>?"))
    }

    /// Inputs the validator rejects are renamed by the generator (so `validate` must say so).
    @Test func reservedInputNamesAreRejectedWithTheGeneratedName() throws {
        let result = try Fixtures.load("invalid/semantic/swift_name_reserved_input.json")
        #expect(result.spec == nil)
        #expect(result.diagnostics.map(\.rule) == ["swift-name-reserved", "swift-name-reserved"])
        #expect(SwiftNamePlan.inputParameterNames(["options", "type", "connection", "self", "updatedAfter"])
            == ["options2", "type", "connection2", "self_", "updatedAfter"])
        #expect(SwiftNamePlan.inputEnumTypeNames(["type", "status", "swift"]) == ["Type_", "Status", "Swift2"])
    }
}
