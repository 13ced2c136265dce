import Foundation
import Testing

@testable import ConnectorCompilerCore

@Suite struct SchemaTests {
    static let committedSchema = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Schemas/connector.schema.json").standardizedFileURL

    @Test func committedSchemaEqualsTheGeneratedSchema() throws {
        let committed = try String(contentsOf: Self.committedSchema, encoding: .utf8)
        #expect(committed == SchemaGenerator.schemaText(), "run `make schema` and commit Schemas/connector.schema.json")
    }

    @Test func generatedSchemaIsDraft2020() throws {
        let root = try JSONReader.read(Array(SchemaGenerator.schemaText().utf8))
        let dialect: String? = root["$schema"]?.stringValue
        #expect(dialect == "https://json-schema.org/draft/2020-12/schema")
    }

    @Test func everyObjectKindIsClosed() throws {
        let defs = try #require(try JSONReader.read(Array(SchemaGenerator.schemaText().utf8))["$defs"])
        for kind in SpecFormat.objectKinds {
            let closed: Bool? = defs[kind.name]?["additionalProperties"]?.boolValue
            #expect(closed == false, "\(kind.name)")
        }
    }

    @Test func everyAuthTypeAllowsExactlyItsKeys() throws {
        let root = try JSONReader.read(Array(SchemaGenerator.schemaText().utf8))
        let branches: [JSONNode] = root["$defs"]?["authVariant"]?["allOf"]?.arrayValue ?? []
        let clientCredentials: JSONNode? = branches.first { branch in
            branch["if"]?["properties"]?["type"]?["const"]?.stringValue == "oauth2ClientCredentials"
        }
        let allowed: [String] = (clientCredentials?["then"]?["propertyNames"]?["enum"]?.arrayValue ?? [])
            .compactMap(\.stringValue)
        #expect(branches.count == 7 && allowed.contains("tokenURL") && !allowed.contains("authorizeURL"))
    }

    @Test func everyReferencedObjectKindExists() {
        func references(_ kind: ValueKind) -> [String] {
            switch kind {
            case .object(let name): [name]
            case .array(let element, _): references(element)
            default: []
            }
        }
        let names = Set(SpecFormat.objectKinds.map(\.name))
        for kind in SpecFormat.objectKinds {
            for key in kind.allKeys {
                for name in references(key.kind) { #expect(names.contains(name), "\(kind.name).\(key.name) → \(name)") }
            }
        }
    }

    @Test func tableEnumerationsMatchTheModel() {
        let variantTypes: [String] = SpecFormat.objectKind("authVariant").variants.map(\.value)
        let fieldType: ValueKind? = SpecFormat.objectKind("field").keys.first { $0.name == "type" }?.kind
        let expected: ValueKind = .enumeration(Field.FieldType.allCases.map(\.rawValue))
        #expect(variantTypes == SpecFormat.authTypes && fieldType == expected)
    }
}
