// Regenerates every reference spec in memory and compares with the committed outputs in
// Tests/Reference/Generated. On mismatch it prints `git diff --no-index` and fails; run
// `make reference` to accept the new output after reviewing it.
import ConnectorCompilerCore
import Foundation
import Testing

@Suite struct GenerationReferenceTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let referenceRoot = repositoryRoot.appendingPathComponent("Tests/Reference")

    static var specNames: [String] {
        let folder = referenceRoot.appendingPathComponent("Specs").path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted()
    }

    @Test func thereIsAReferenceSpecPerAuthType() throws {
        var types: Set<String> = []
        for name in Self.specNames {
            let spec = try #require(SpecLoader.load(contentsOf: Self.referenceRoot.appendingPathComponent("Specs/" + name).path).spec)
            for variant in spec.auth { types.insert(variant.kind.typeName) }
        }
        #expect(types == ["apiKey", "basic", "serviceUser", "bearerToken", "oauth2AuthorizationCode", "oauth2ClientCredentials", "oauth2RefreshToken"])
    }

    @Test(arguments: specNames) func generatedCodeMatchesTheCommittedReference(name: String) throws {
        let path = Self.referenceRoot.appendingPathComponent("Specs/" + name).path
        let result = SpecLoader.load(contentsOf: path)
        let spec = try #require(result.spec, "\(result.diagnostics.map(\.rendered))")
        let generated = try CodeGenerator.generate(spec, options: GenerationOptions(specPath: "Tests/Reference/Specs/" + name))
        let expectedFile = "Tests/Reference/Generated/" + OutputNaming.outputFileName(forSpecPath: name)
        try compare(generated, withCommitted: expectedFile)
    }

    @Test func theReferenceFolderHoldsExactlyTheGeneratedFiles() throws {
        // Nothing else gets committed there, such as the generator's cache (`make reference` runs
        // with --no-cache).
        let folder = Self.referenceRoot.appendingPathComponent("Generated").path
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        let expected = (Self.specNames.map { OutputNaming.outputFileName(forSpecPath: $0) } + [OutputNaming.catalogFileName, OutputNaming.specSourcesFileName]).sorted()
        #expect(names == expected)
    }

    @Test func catalogMatchesTheCommittedReference() throws {
        let typeNames = Self.specNames.map { OutputNaming.typeName(forSpecID: OutputNaming.specID(forSpecPath: $0)) }
        try compare(CodeGenerator.generateCatalog(typeNames: typeNames), withCommitted: "Tests/Reference/Generated/ConnectorCatalog.swift")
    }

    @Test func specSourcesMatchTheCommittedReference() throws {
        let sources = try Self.specNames.map { name in
            let bytes = try Data(contentsOf: Self.referenceRoot.appendingPathComponent("Specs/" + name))
            return (id: OutputNaming.specID(forSpecPath: name), text: String(decoding: bytes, as: UTF8.self))
        }
        let files = CodeGenerator.generateSpecSources(sources)
        #expect(files.map(\.name) == [OutputNaming.specSourcesFileName])
        try compare(files[0].text, withCommitted: "Tests/Reference/Generated/" + OutputNaming.specSourcesFileName)
    }

    @Test(arguments: specNames) func generationIsDeterministic(name: String) throws {
        let path = Self.referenceRoot.appendingPathComponent("Specs/" + name).path
        let first = try #require(SpecLoader.load(contentsOf: path).spec)
        let second = try #require(SpecLoader.load(contentsOf: path).spec)
        let options = GenerationOptions(specPath: name)
        #expect(try CodeGenerator.generate(first, options: options) == CodeGenerator.generate(second, options: options))
    }

    func compare(_ generated: String, withCommitted relativePath: String) throws {
        let committedURL = Self.repositoryRoot.appendingPathComponent(relativePath)
        let committed = (try? String(contentsOf: committedURL, encoding: .utf8)) ?? ""
        guard generated != committed else { return }
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("reference-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: temporary) }
        let expectedURL = temporary.appendingPathComponent("expected.swift")
        let actualURL = temporary.appendingPathComponent("generated.swift")
        try Data(committed.utf8).write(to: expectedURL)
        try Data(generated.utf8).write(to: actualURL)
        Issue.record("\(relativePath) is out of date (run `make reference` after reviewing):\n\(diff(expectedURL, actualURL))")
    }

    func diff(_ expected: URL, _ actual: URL) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "diff", "--no-index", "--no-color", expected.path, actual.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do {
            try process.run()
        } catch {
            return "(git diff unavailable: \(error))"
        }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self)
    }
}
