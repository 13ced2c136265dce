// `ConnectorCatalog+Specs.swift` (docs/plugin.md, "The specs' source text"): the compiled module
// holds every spec's source text byte for byte, and the ids are exactly the specs of Connectors/.
import Connectors
import Foundation
import Testing

@Suite struct GeneratedSpecSourcesTests {
    static let connectorsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Connectors")

    @Test func theIdsAreTheSpecFilesOfTheCatalog() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.connectorsFolder.path)
            .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
        #expect(ConnectorCatalog.specSources.map { $0.id } == files)
        #expect(ConnectorCatalog.all.map { $0.id } == files)
    }

    @Test func eachTextIsItsSpecFileByteForByte() throws {
        for (id, text) in ConnectorCatalog.specSources {
            let bytes = try Data(contentsOf: Self.connectorsFolder.appendingPathComponent(id + ".json"))
            #expect(Array(text.utf8) == [UInt8](bytes), "\(id)")
            #expect(ConnectorCatalog.specSource(id: id) == text)
        }
        #expect(ConnectorCatalog.specSource(id: "") == nil)
    }
}
