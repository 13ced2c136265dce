// docs/spec.md is the reference people write specs from: its examples must validate and its rule
// table must list every rule the validator can report.
import Foundation
import Testing

@testable import ConnectorCompilerCore

@Suite struct SpecDocumentationTests {
    static let page = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../docs/spec.md").standardizedFileURL

    static func jsonExamples() throws -> [String] {
        let text = try String(contentsOf: page, encoding: .utf8)
        return text.components(separatedBy: "```json\n").dropFirst()
            .compactMap { $0.components(separatedBy: "\n```").first }
            .filter { $0.contains("\"specVersion\"") }
    }

    @Test func everyExampleValidatesWithoutErrors() throws {
        let examples = try Self.jsonExamples()
        #expect(examples.count == 10)
        var types: Set<String> = []
        for example in examples {
            let bytes = Array(example.utf8)
            let id = try JSONReader.read(bytes)["id"]?.stringValue ?? ""
            let result = SpecLoader.load(bytes: bytes, file: "\(id).json")
            #expect(!result.hasErrors, "example '\(id)': \(result.diagnostics.map(\.rendered))")
            types.formUnion(result.spec?.auth.map(\.kind.typeName) ?? [])
        }
        #expect(types == Set(SpecFormat.authTypes))
    }

    @Test func ruleTableListsEveryRuleTheCorpusProduces() throws {
        let text = try String(contentsOf: Self.page, encoding: .utf8)
        var rules: Set<String> = ["duplicate-id", "file-unreadable"]
        for fixture in Fixtures.specs(in: "invalid") {
            rules.formUnion(try Fixtures.load(fixture).diagnostics.map(\.rule).filter { !$0.hasPrefix("json-") })
        }
        for rule in rules.sorted() {
            #expect(text.contains("| `\(rule)` |"), "docs/spec.md has no row for rule '\(rule)'")
        }
    }

    @Test func everyKeyOfTheFormatIsDocumented() throws {
        let text = try String(contentsOf: Self.page, encoding: .utf8)
        for kind in SpecFormat.objectKinds {
            for key in kind.allKeys {
                #expect(text.contains("`\(key.name)`"), "docs/spec.md does not mention '\(key.name)' of \(kind.name)")
            }
        }
    }
}
