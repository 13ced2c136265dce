// The fixture corpus: every valid spec loads without errors (and with exactly the warnings its
// optional `.expected` file lists); every invalid spec produces exactly the diagnostics in its
// `.expected` file, one rendered line each followed by the rule id in brackets.
// Set UPDATE_EXPECTED=1 to rewrite the `.expected` files (then review the git diff).
import Foundation
import Testing

@testable import ConnectorCompilerCore

enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// Relative paths (e.g. `invalid/semantic/field_unused.json`) of the specs in `folder`.
    static func specs(in folder: String) -> [String] {
        let root = directory.appendingPathComponent(folder)
        guard let enumerator = FileManager.default.enumerator(atPath: root.path) else { return [] }
        return enumerator.compactMap { $0 as? String }.filter { $0.hasSuffix(".json") }.sorted()
            .map { folder + "/" + $0 }
    }

    static func bytes(_ relativePath: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(relativePath)))
    }

    /// Loads a fixture with its bare file name as `file`, so expected lines do not depend on
    /// where the repository is checked out.
    static func load(_ relativePath: String) throws -> SpecLoadResult {
        SpecLoader.load(bytes: try bytes(relativePath), file: (relativePath as NSString).lastPathComponent)
    }

    static func expectedLines(_ relativePath: String) -> [String]? {
        let url = directory.appendingPathComponent((relativePath as NSString).deletingPathExtension + ".expected")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return nil }
        return text.split(separator: "\n").map(String.init)
    }

    static func lines(_ diagnostics: [Diagnostic]) -> [String] {
        diagnostics.map(\.textLine)
    }

    static func updateIfRequested(_ relativePath: String, _ lines: [String]) {
        guard ProcessInfo.processInfo.environment["UPDATE_EXPECTED"] == "1" else { return }
        let url = directory.appendingPathComponent((relativePath as NSString).deletingPathExtension + ".expected")
        try? (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
    }
}

@Suite struct SpecFixtureTests {
    @Test(arguments: Fixtures.specs(in: "valid"))
    func validSpecLoadsWithoutErrors(_ fixture: String) throws {
        let result = try Fixtures.load(fixture)
        #expect(result.spec != nil)
        #expect(Fixtures.lines(result.diagnostics) == (Fixtures.expectedLines(fixture) ?? []))
    }

    @Test(arguments: Fixtures.specs(in: "invalid"))
    func invalidSpecProducesExactlyTheExpectedDiagnostics(_ fixture: String) throws {
        let result = try Fixtures.load(fixture)
        let lines = Fixtures.lines(result.diagnostics)
        Fixtures.updateIfRequested(fixture, lines)
        let expected = try #require(Fixtures.expectedLines(fixture), "missing .expected file for \(fixture)")
        #expect(lines == expected)
        #expect(!result.diagnostics.isEmpty)
    }

    @Test func everyInvalidFixtureHasAnExpectedFileAndViceVersa() throws {
        let specs = Set(Fixtures.specs(in: "invalid").map { ($0 as NSString).deletingPathExtension })
        let root = Fixtures.directory.appendingPathComponent("invalid")
        let expected = Set((FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".expected") }.map { "invalid/" + ($0 as NSString).deletingPathExtension })
        #expect(specs.symmetricDifference(expected).sorted() == [])
        #expect(specs.count >= 50)
    }

    @Test func structuralFixturesFailOnlyStructuralOrSemanticRulesTheSchemaCovers() throws {
        // Fixtures under invalid/structural/ must break a rule the JSON Schema also expresses,
        // since `make schema-check` expects python jsonschema to reject them.
        let structuralRules: Set<String> = [
            "unknown-key", "auth-parameter-not-allowed", "wrong-type", "missing-key", "null-value", "empty-string",
            "invalid-value", "spec-version", "invalid-id", "invalid-field-key", "auth-missing-parameter",
            "client-secret-missing", "api-key-placement", "service-user-credentials", "select-options", "empty-array",
            "verify-path", "verify-label-pointer", "out-of-range", "discovery-pointer", "discovery-value-name", "empty-object",
            "grant-type-invalid", "resource-name", "resource-record-name", "resource-input-name", "resource-path",
            "resource-pointer", "record-field-values", "record-field-items", "record-field-format", "resource-input-values",
            "resource-input-format", "pagination-stop", "pagination-parameters", "duplicate-value", "host-suffix",
            "sync-mode", "sync-deletions",
            "action-id", "action-input-name", "action-path", "action-body-pointer", "action-idempotency-header",
            "action-input-values", "action-input-items", "action-input-format", "action-input-placement", "action-input-secret",
        ]
        for fixture in Fixtures.specs(in: "invalid/structural") {
            let rules = Set(try Fixtures.load(fixture).diagnostics.filter { $0.severity == .error }.map(\.rule))
            #expect(!rules.isDisjoint(with: structuralRules), "\(fixture) has no structural error")
        }
    }

    @Test func rulesCoveredByTheCorpus() throws {
        var rules: Set<String> = []
        for fixture in Fixtures.specs(in: "invalid") {
            rules.formUnion(try Fixtures.load(fixture).diagnostics.map(\.rule))
        }
        let required: Set<String> = [
            "unknown-key", "auth-parameter-not-allowed", "wrong-type", "missing-key", "null-value", "empty-string",
            "invalid-value", "spec-version", "invalid-id", "invalid-field-key", "id-file-name", "auth-missing-parameter",
            "client-secret-missing", "api-key-placement", "service-user-credentials", "select-options", "empty-array",
            "verify-path", "out-of-range", "duplicate-field-key", "duplicate-variant-id", "duplicate-scope",
            "duplicate-option", "url-insecure", "url-invalid", "url-credentials", "secret-in-url",
            "secret-in-plain-slot", "api-key-in-query", "template-syntax", "template-unknown-filter",
            "template-unresolved", "template-variant-field", "template-token-field", "template-redirect-uri",
            "field-unused", "secret-not-typed", "scope-separator", "scope-not-in-catalog", "pattern-invalid",
            "default-pattern-mismatch", "select-default", "default-type", "verify-missing", "verify-no-auth",
            "public-client-pkce", "discovery-pointer", "verify-label-pointer", "discovery-value-name", "empty-object",
            "discovery-match-without-items", "template-discovered-scope", "template-discovered-value",
            "discovery-unused-value",
            // Requests: what the compiled request would get wrong (Validation/Rules/RequestRules.swift).
            "parameter-reserved", "parameter-duplicate", "header-name-invalid", "header-duplicate",
            "header-credential-collision", "header-reserved", "header-value-invalid", "base-url-query", "url-fragment",
            "verify-body-get", "verify-url-host", "grant-type-unusable", "grant-type-invalid",
            // Generated Swift names (Validation/Rules/SwiftNameRules.swift), token fields, scopes.
            "swift-name-reserved", "swift-name-renamed", "token-field-standard", "duplicate-token-field",
            "token-field-unused", "scope-required-not-requested",
            // Resources (Validation/ResourceFormat.swift, Validation/Rules/ResourceRules.swift).
            "resource-name", "resource-record-name", "resource-input-name", "resource-path", "resource-pointer",
            "record-field-values", "record-field-items", "record-field-format", "resource-input-values",
            "pagination-stop", "pagination-parameters", "resource-duplicate-name", "resource-record-duplicate",
            "resource-record-name-taken", "record-field-duplicate", "enum-duplicate-value", "resource-id-field",
            "resource-get-id", "resource-get-path-id", "resource-path-placeholder", "resource-path-input-unused",
            "resource-path-field", "resource-path-token-field", "resource-path-discovered",
            "resource-input-duplicate", "resource-parameter-collision", "resource-body-method", "resource-body-object",
            "pagination-stop-rule", "pagination-page-size", "pagination-body-target", "pagination-body-pointer",
            "pagination-max-page-size", "resource-record-unknown", "duplicate-value",
            // Who supplies the OAuth client, and where the app's secret may go (Validation/Rules/ClientRules.swift).
            "client-supplier", "client-secret-host", "host-suffix", "host-suffix-type", "guide-client",
            "duplicate-variant-label",
            // Unified models (Validation/Rules/MappingRules.swift).
            "unified-model-unknown", "unified-resource-unknown", "unified-mapping-duplicate", "unified-expression-invalid",
            "unified-pointer-unknown", "unified-target-unknown", "unified-type-mismatch", "unified-required-unmapped",
            "unified-enum-uncovered", "unified-enum-value", "unified-reference-unmapped", "unified-resource-unlistable",
            // Syncs (Validation/SyncFormat.swift, Validation/Rules/SyncRules.swift).
            "sync-mode", "sync-deletions", "sync-list", "sync-id-field", "sync-cursor-field", "sync-cursor-input",
            "sync-deleted-field", "sync-interval",
            // Actions (Validation/ActionFormat.swift, Validation/Rules/ActionRules.swift).
            "action-id", "action-input-placement", "action-input-items", "action-duplicate-id", "action-input-duplicate",
            "action-input-collision", "action-path-input-unused", "action-body-object", "action-body-pointer",
            "action-form-pointer", "action-body-method", "action-success-status", "action-result-record",
            "action-result-empty", "action-scope-not-requested", "action-scope-optional", "action-destructive",
            "action-idempotency-header", "action-failure-when", "action-content-type", "action-input-secret",
            "scope-granted-requested",
            // Unified operations bound to actions (Validation/Rules/OperationRules.swift).
            "unified-operation-unknown", "unified-operation-action-unknown", "unified-operation-action-input-unknown",
            "unified-operation-input-unknown", "unified-operation-required-unmapped", "unified-operation-type-mismatch",
            "unified-operation-enum-uncovered", "unified-operation-destructive",
        ]
        #expect(required.subtracting(rules).isEmpty, "rules without a fixture: \(required.subtracting(rules).sorted())")
    }
}
