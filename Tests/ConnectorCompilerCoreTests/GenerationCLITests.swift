// `connector-compiler generate` end to end: runs the built executable on temporary folders.
import ConnectorCompilerCore
import Foundation
import Testing

@Suite struct GenerationCLITests {
    /// The executable next to the test bundle (SwiftPM builds every product before testing).
    static var compiler: URL {
        var directory = Bundle.main.bundleURL
        while directory.pathComponents.count > 1 {
            let candidate = directory.appendingPathComponent("connector-compiler")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("missing-connector-compiler")
    }

    static let referenceSpecs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Reference/Specs")

    struct Run {
        var status: Int32
        var stderr: String
    }

    static func run(_ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = compiler
        process.arguments = ["generate"] + arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = Pipe()
        try process.run()
        let data = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stderr: String(decoding: data, as: UTF8.self))
    }

    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("generate-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func writesOneFilePerSpecAndTheCatalog() throws {
        let output = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: output) }
        let spec: String = Self.referenceSpecs.appendingPathComponent("acme_oauth.json").path
        let status: Int32 = try Self.run(["--output", output.path, "--catalog", spec]).status
        #expect(status == 0)
        let names: [String] = try FileManager.default.contentsOfDirectory(atPath: output.path).sorted()
        #expect(names == [GenerationCache.fileName, "AcmeOauth.swift", "ConnectorCatalog+Specs.swift", "ConnectorCatalog.swift"])
    }

    // MARK: The cache

    /// Copies the reference specs into a fresh folder; returns it and its output folder.
    static func specFolder() throws -> (specs: URL, output: URL) {
        let folder = try temporaryFolder()
        let specs = folder.appendingPathComponent("specs")
        try FileManager.default.copyItem(at: referenceSpecs, to: specs)
        return (specs, folder.appendingPathComponent("out"))
    }

    static func stats(_ run: Run) -> String {
        run.stderr.split(separator: "\n").last { $0.hasPrefix("generate: ") }.map(String.init) ?? run.stderr
    }

    static func contents(_ folder: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where !name.hasPrefix(".") {
            result[name] = try Data(contentsOf: folder.appendingPathComponent(name))
        }
        return result
    }

    @Test func aSecondRunReusesEverySpecWithoutDiagnosticsAndWritesTheSameFiles() throws {
        let (specs, output) = try Self.specFolder()
        defer { try? FileManager.default.removeItem(at: specs.deletingLastPathComponent()) }
        let arguments = ["--stats", "--output", output.path, "--catalog", specs.path]
        let first = try Self.run(arguments)
        #expect(first.status == 0)
        // acme_api_key has a warning: it is never reused, and its warning is printed every run.
        #expect(Self.stats(first) == "generate: 12 specs, 12 generated, 0 reused from the last run")
        let second = try Self.run(arguments)
        #expect(Self.stats(second) == "generate: 12 specs, 1 generated, 11 reused from the last run")
        #expect(second.stderr.contains("acme_api_key.json:119:13: warning: an API key sent as a query parameter"))
        let fresh = specs.deletingLastPathComponent().appendingPathComponent("fresh")
        #expect(try Self.run(["--no-cache", "--output", fresh.path, "--catalog", specs.path]).status == 0)
        #expect(try Self.contents(output) == Self.contents(fresh))
        let cacheWritten: Bool = FileManager.default.fileExists(atPath: fresh.appendingPathComponent(GenerationCache.fileName).path)
        #expect(!cacheWritten)
    }

    @Test func anEditedSpecIsRegeneratedEvenWithTheSameSize() throws {
        let (specs, output) = try Self.specFolder()
        defer { try? FileManager.default.removeItem(at: specs.deletingLastPathComponent()) }
        let arguments = ["--stats", "--output", output.path, "--catalog", specs.path]
        _ = try Self.run(arguments)
        let spec = specs.appendingPathComponent("acme_basic.json")
        let text = try String(contentsOf: spec, encoding: .utf8)
        let edited = text.replacingOccurrences(of: "\"name\": \"Acme ", with: "\"name\": \"Acmf ")
        #expect(edited != text && edited.utf8.count == text.utf8.count)
        try Data(edited.utf8).write(to: spec)
        let run = try Self.run(arguments)
        #expect(Self.stats(run) == "generate: 12 specs, 2 generated, 10 reused from the last run")
        let generated = try String(contentsOf: output.appendingPathComponent("AcmeBasic.swift"), encoding: .utf8)
        #expect(generated.contains("displayName: \"Acmf "))
    }

    @Test func aDeletedOrChangedOutputIsWrittenAgain() throws {
        let (specs, output) = try Self.specFolder()
        defer { try? FileManager.default.removeItem(at: specs.deletingLastPathComponent()) }
        let arguments = ["--stats", "--output", output.path, "--catalog", specs.path]
        _ = try Self.run(arguments)
        let expected = try Self.contents(output)
        try FileManager.default.removeItem(at: output.appendingPathComponent("AcmeBasic.swift"))
        try Data("// edited by hand\n".utf8).write(to: output.appendingPathComponent("AcmeOauth.swift"))
        let run = try Self.run(arguments)
        #expect(Self.stats(run) == "generate: 12 specs, 3 generated, 9 reused from the last run")
        #expect(try Self.contents(output) == expected)
    }

    @Test func aCorruptCacheOrAnotherExecutableMeansNoReuse() throws {
        let (specs, output) = try Self.specFolder()
        defer { try? FileManager.default.removeItem(at: specs.deletingLastPathComponent()) }
        let arguments = ["--stats", "--output", output.path, "--catalog", specs.path]
        _ = try Self.run(arguments)
        let cache = output.appendingPathComponent(GenerationCache.fileName)
        try Data("connector-compiler-cache 1\tnot this key\n".utf8).write(to: cache)
        #expect(Self.stats(try Self.run(arguments)) == "generate: 12 specs, 12 generated, 0 reused from the last run")
        var text = try String(contentsOf: cache, encoding: .utf8)
        text = text.replacingOccurrences(of: "\t", with: "\t\t")
        try Data(text.utf8).write(to: cache)
        #expect(Self.stats(try Self.run(arguments)) == "generate: 12 specs, 12 generated, 0 reused from the last run")
        // A copy of the executable (as after a rebuild of the generator) does not trust the cache.
        let copy = specs.deletingLastPathComponent().appendingPathComponent("connector-compiler")
        try FileManager.default.copyItem(at: Self.compiler, to: copy)
        let process = Process()
        process.executableURL = copy
        process.arguments = ["generate"] + arguments
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let data = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(Self.stats(Run(status: process.terminationStatus, stderr: String(decoding: data, as: UTF8.self)))
            == "generate: 12 specs, 12 generated, 0 reused from the last run")
    }

    @Test func aReusedSpecStillCountsForDuplicateIDs() throws {
        let (specs, output) = try Self.specFolder()
        defer { try? FileManager.default.removeItem(at: specs.deletingLastPathComponent()) }
        let arguments = ["--output", output.path, "--catalog", specs.path]
        _ = try Self.run(arguments)
        let other = specs.deletingLastPathComponent().appendingPathComponent("other")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: specs.appendingPathComponent("acme_basic.json"), to: other.appendingPathComponent("acme_basic.json"))
        let run = try Self.run(arguments + [other.path])
        #expect(run.status == 1)
        #expect(run.stderr.contains("error: connector id 'acme_basic' is used by two spec files (also used in " + specs.path + "/acme_basic.json)"))
    }

    @Test func unchangedFilesKeepTheirModificationDateAndOtherFilesAreKept() throws {
        let output = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: output) }
        let spec: String = Self.referenceSpecs.appendingPathComponent("acme_oauth.json").path
        let arguments: [String] = ["--output", output.path, "--catalog", spec]
        _ = try Self.run(arguments)
        let file: String = output.appendingPathComponent("AcmeOauth.swift").path
        let past = Date(timeIntervalSince1970: 1_000_000)
        try FileManager.default.setAttributes([.modificationDate: past], ofItemAtPath: file)
        let unrelated: URL = output.appendingPathComponent("Unrelated.swift")
        try Data("stale".utf8).write(to: unrelated)
        let status: Int32 = try Self.run(arguments).status
        #expect(status == 0)
        let attributes: [FileAttributeKey: Any] = try FileManager.default.attributesOfItem(atPath: file)
        let modified: Date? = attributes[.modificationDate] as? Date
        #expect(modified == past)
        let kept: Bool = FileManager.default.fileExists(atPath: unrelated.path)
        #expect(kept)
    }

    @Test func catalogIsWrittenEvenWithoutSpecs() throws {
        let output = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: output) }
        let empty = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect(try Self.run(["--output", output.path, "--catalog", empty.path]).status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: output.path).sorted() == ["ConnectorCatalog+Specs.swift", "ConnectorCatalog.swift"])
    }

    /// Past 100 specs the texts are split into parts of 100 (one edit recompiles one part); a run
    /// with fewer specs deletes the parts it no longer writes.
    @Test func specTextsPastAHundredSpecsAreSplitIntoPartsAndStalePartsGo() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let specs = folder.appendingPathComponent("specs")
        let output = folder.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: specs, withIntermediateDirectories: true)
        let template = try String(contentsOf: Self.referenceSpecs.appendingPathComponent("acme_bearer.json"), encoding: .utf8)
        let ids = (0..<205).map { String(format: "spec_%03d", $0) }
        for id in ids {
            let text = template.replacingOccurrences(of: "\"id\": \"acme_bearer\"", with: "\"id\": \"\(id)\"")
            try Data(text.utf8).write(to: specs.appendingPathComponent(id + ".json"))
        }
        let first = try Self.run(["--output", output.path, "--catalog", "--no-cache", specs.path])
        #expect(first.status == 0, "\(first.stderr)")
        let texts = try FileManager.default.contentsOfDirectory(atPath: output.path).filter { $0.hasPrefix("ConnectorCatalog+Specs") }.sorted()
        #expect(texts == ["ConnectorCatalog+Specs.swift", "ConnectorCatalog+Specs1.swift", "ConnectorCatalog+Specs2.swift", "ConnectorCatalog+Specs3.swift"])
        #expect(texts == OutputNaming.specSourcesFileNames(specCount: 205).sorted())
        let lookup = try String(contentsOf: output.appendingPathComponent("ConnectorCatalog+Specs.swift"), encoding: .utf8)
        #expect(lookup.contains("specSourcePart1(id: id)") && lookup.contains("specSourcePart3(id: id)") && !lookup.contains("spec_000"))
        let second = try String(contentsOf: output.appendingPathComponent("ConnectorCatalog+Specs2.swift"), encoding: .utf8)
        #expect(second.contains("case \"spec_100\":") && second.contains("case \"spec_199\":"))
        #expect(!second.contains("case \"spec_099\":") && !second.contains("case \"spec_200\":"))

        for id in ids.dropFirst(95) { try FileManager.default.removeItem(at: specs.appendingPathComponent(id + ".json")) }
        let again = try Self.run(["--output", output.path, "--catalog", "--no-cache", specs.path])
        #expect(again.status == 0, "\(again.stderr)")
        let left = try FileManager.default.contentsOfDirectory(atPath: output.path).filter { $0.hasPrefix("ConnectorCatalog+Specs") }
        #expect(left == ["ConnectorCatalog+Specs.swift"])
        let single = try String(contentsOf: output.appendingPathComponent("ConnectorCatalog+Specs.swift"), encoding: .utf8)
        #expect(single.contains("case \"spec_094\":") && !single.contains("specSourcePart"))
    }

    /// The part-file rule that `generate --catalog` deletes by: every name the parts get, and
    /// nothing else (the lookup file, a connector's file, a name with a non-digit part).
    @Test func specSourcesPartNamesAreTheOnesTheGeneratorWrites() {
        for name in OutputNaming.specSourcesFileNames(specCount: 1_000).dropFirst() {
            #expect(OutputNaming.isSpecSourcesPart(name), "\(name)")
        }
        for name in ["ConnectorCatalog+Specs.swift", "ConnectorCatalog.swift", "ConnectorCatalog+SpecsA.swift",
                     "ConnectorCatalog+Specs1.json", "ConnectorCatalog+Specs١.swift", "Spec0001.swift"] {
            #expect(!OutputNaming.isSpecSourcesPart(name), "\(name)")
        }
    }

    @Test func aBrokenSpecPrintsItsPositionAndWritesNothing() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = Self.referenceSpecs.appendingPathComponent("acme_bearer.json").path
        try FileManager.default.copyItem(atPath: good, toPath: folder.appendingPathComponent("acme_bearer.json").path)
        try Data("{\n  \"specVersion\": 1,\n  \"id\": 3\n}\n".utf8).write(to: folder.appendingPathComponent("broken.json"))
        let output = folder.appendingPathComponent("out")
        let run = try Self.run(["--output", output.path, "--catalog", folder.path])
        #expect(run.status == 1)
        #expect(run.stderr.contains(folder.appendingPathComponent("broken.json").path + ":3:9: error: "))
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }

    @Test func usageErrorsExitWithTwo() throws {
        #expect(try Self.run([]).status == 2)
        #expect(try Self.run(["--output"]).status == 2)
        #expect(try Self.run(["--bogus", "--output", "x", "y.json"]).status == 2)
        #expect(try Self.run(["x.json"]).status == 2)
    }

    @Test func sourceRootMakesCommentPathsRelative() throws {
        let output = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: output) }
        let root = Self.referenceSpecs.deletingLastPathComponent().path
        let spec = Self.referenceSpecs.appendingPathComponent("acme_basic.json").path
        #expect(try Self.run(["--output", output.path, "--source-root", root, spec]).status == 0)
        let text = try String(contentsOf: output.appendingPathComponent("AcmeBasic.swift"), encoding: .utf8)
        #expect(text.hasPrefix("// Generated by connector-compiler \(ConnectorCompiler.version) from Specs/acme_basic.json. Do not edit.\n"))
        #expect(text.contains("/// - Remark: Generated from `Specs/acme_basic.json#/auth/0/fields/0`"))
    }
}
