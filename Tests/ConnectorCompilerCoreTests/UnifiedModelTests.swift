// The unified models: the embedded copies equal Schemas/models/*.json (run `make unified-models`
// after editing a model file), and every model is well formed: an `id`, known types, enum values,
// references to models that exist.
import Foundation
import Testing

@testable import ConnectorCompilerCore

@Suite struct UnifiedModelTests {
    static let modelsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Schemas/models")

    @Test func embeddedModelsEqualTheModelFiles() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.modelsDirectory.path)
            .filter { $0.hasSuffix(".json") }.sorted()
        #expect(UnifiedModelCatalog.files.map(\.name) == names, "run `make unified-models`")
        for (name, text) in UnifiedModelCatalog.files {
            let file = try String(contentsOf: Self.modelsDirectory.appendingPathComponent(name), encoding: .utf8)
            #expect(file.trimmingCharacters(in: .newlines) == text, "\(name) differs from its embedded copy: run `make unified-models`")
        }
    }

    @Test func everyModelIsWellFormed() throws {
        let ids = UnifiedModelCatalog.models.map(\.id)
        #expect(ids == ["ats.application", "ats.candidate", "ats.job", "hris.employee", "iam.group", "iam.role", "iam.user"])
        for (name, text) in UnifiedModelCatalog.files {
            let root = try JSONReader.read(Array(text.utf8))
            let id = root["model"]?.stringValue ?? ""
            #expect(name == id + ".json")
            for field in root["fields"]?.arrayValue ?? [] {
                let type = field["type"]?.stringValue ?? ""
                #expect(UnifiedModelField.FieldType(rawValue: type) != nil, "\(name): type '\(type)'")
                let description = field["description"]?.stringValue ?? ""
                #expect(!description.isEmpty, "\(name): a field without description")
            }
        }
        for model in UnifiedModelCatalog.models {
            let first = try #require(model.fields.first)
            #expect(first.name == "id", "\(model.id) starts with id")
            #expect(first.required, "\(model.id): id is required")
            #expect(Set(model.fields.map(\.name)).count == model.fields.count, "\(model.id) declares a field twice")
            for field in model.fields {
                #expect((field.type == .enum) == !field.values.isEmpty, "\(model.id).\(field.name): values only on enums")
                #expect((field.type == .array) == (field.items != nil), "\(model.id).\(field.name): items only on arrays")
                let refers = field.type == .reference || field.items == .reference
                #expect(refers == (field.model != nil), "\(model.id).\(field.name): model only on references")
                if let target = field.model { #expect(ids.contains(target), "\(model.id).\(field.name) refers to \(target)") }
                #expect(!field.values.contains("unknown"), "\(model.id).\(field.name): 'unknown' is implicit")
            }
        }
    }
}
