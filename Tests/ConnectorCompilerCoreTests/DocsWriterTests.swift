import Foundation
import Testing

@testable import ConnectorCompilerCore

@Suite struct DocsWriterTests {
    let marker = ConnectionGuideRenderer.generatedMarker

    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("docs-writer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func writesNewFilesAndLeavesUnchangedOnesAlone() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try DocsWriter.write(["a.md": "\(marker) -->\nA\n", "README.md": "\(marker) -->\nindex\n"], to: directory)
        #expect(first.written == ["README.md", "a.md"])
        let second = try DocsWriter.write(["a.md": "\(marker) -->\nA changed\n", "README.md": "\(marker) -->\nindex\n"], to: directory)
        #expect(second.written == ["a.md"])
        #expect(second.unchanged == ["README.md"])
        #expect(try String(contentsOf: directory.appendingPathComponent("a.md"), encoding: .utf8) == "\(marker) -->\nA changed\n")
    }

    @Test func removesStaleGeneratedGuidesButKeepsHandWrittenFiles() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("\(marker) -->\nold\n".utf8).write(to: directory.appendingPathComponent("gone.md"))
        try Data("# Notes written by hand\n".utf8).write(to: directory.appendingPathComponent("notes.md"))
        try Data("\(marker) -->\nnot markdown\n".utf8).write(to: directory.appendingPathComponent("keep.txt"))
        let report = try DocsWriter.write(["a.md": "\(marker) -->\nA\n"], to: directory)
        #expect(report.removed == ["gone.md"])
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(left == ["a.md", "keep.txt", "notes.md"])
    }
}
