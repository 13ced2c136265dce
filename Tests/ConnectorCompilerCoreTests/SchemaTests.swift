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

    @Test func generatedSchemaIsStrictJSON() throws {
        let root = try JSONReader.read(Array(SchemaGenerator.schemaText().utf8))
        #expect(root["$schema"]?.stringValue == "https://json-schema.org/draft/2020-12/schema")
        let defs = try #require(root["$defs"]?.members)
        #expect(defs.count == SpecFormat.objectKinds.count + 2)
        for kind in SpecFormat.objectKinds {
            #expect(root["$defs"]?[kind.name]?["additionalProperties"]?.boolValue == false)
        }
    }

    @Test func everyAuthTypeAllowsExactlyItsKeys() throws {
        let root = try JSONReader.read(Array(SchemaGenerator.schemaText().utf8))
        let branches = try #require(root["$defs"]?["authVariant"]?["allOf"]?.arrayValue)
        #expect(branches.count == SpecFormat.authTypes.count)
        let clientCredentials = try #require(branches.first {
            $0["if"]?["properties"]?["type"]?["const"]?.stringValue == "oauth2ClientCredentials"
        })
        let allowed = (clientCredentials["then"]?["propertyNames"]?["enum"]?.arrayValue ?? []).compactMap(\.stringValue)
        #expect(allowed.contains("tokenURL"))
        #expect(!allowed.contains("authorizeURL"))
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
        let variant = SpecFormat.objectKind("authVariant")
        #expect(variant.variants.map(\.value) == SpecFormat.authTypes)
        let field = SpecFormat.objectKind("field")
        #expect(field.keys.first { $0.name == "type" }?.kind == .enumeration(Field.FieldType.allCases.map(\.rawValue)))
    }
}
