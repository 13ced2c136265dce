// Generation of resources: per-variant overrides, record types and the Resources struct. The full
// output of every style is the reference golden (Tests/Reference/Generated/AcmeResources.swift),
// compiled and run end to end by ReferenceConsumerTests.
import ConnectorCompilerCore
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
}
