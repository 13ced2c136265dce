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
        #expect(names == ["AcmeOauth.swift", "ConnectorCatalog.swift"])
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
        #expect(try FileManager.default.contentsOfDirectory(atPath: output.path) == ["ConnectorCatalog.swift"])
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
