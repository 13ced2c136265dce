// The generator's cache file format and fingerprint (GenerationCache.swift).
import ConnectorCompilerCore
import Foundation
import Testing

@Suite struct GenerationCacheTests {
    static let entry = GenerationCache.Entry(
        specSize: 804, specFingerprint: 0xcaef_ccc0_adb2_10e8, id: "acme", idLine: 3, idColumn: 9, outputSize: 4571,
        outputModified: 1_795_476_057_253_166_148)

    static func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cache-\(UUID().uuidString)").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func fingerprintIsFNV1a64() {
        // Test vectors of the FNV reference implementation.
        #expect(GenerationCache.fingerprint([]) == 0xcbf2_9ce4_8422_2325)
        #expect(GenerationCache.fingerprint(Array("a".utf8)) == 0xaf63_dc4c_8601_ec8c)
        #expect(GenerationCache.fingerprint(Array("foobar".utf8)) == 0x8594_4171_f739_67e8)
    }

    @Test func entriesRoundTripForTheSameKey() throws {
        let cache = GenerationCache(key: "0.3.0|tool|1|2|/work||", entries: ["Connectors/acme.json": Self.entry, "b c.json": Self.entry])
        let text = cache.serialized()
        #expect(text.hasPrefix("connector-compiler-cache 1\t0.3.0|tool|1|2|/work||\nConnectors/acme.json\t804\tcaefccc0adb210e8\tacme\t3\t9\t4571\t1795476057253166148\n"))
        let path = try Self.file(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(GenerationCache.read(from: path, key: cache.key) == cache)
        #expect(GenerationCache.read(from: path, key: "another key").entries.isEmpty)
    }

    @Test func aPathWithATabOrLineBreakIsNotStored() {
        let cache = GenerationCache(key: "k", entries: ["a\tb.json": Self.entry, "a\nb.json": Self.entry, "ok.json": Self.entry])
        #expect(cache.serialized().split(separator: "\n").count == 2)
        #expect(GenerationCache(key: "k\t", entries: ["ok.json": Self.entry]).serialized().isEmpty)
    }

    @Test func anythingMalformedGivesAnEmptyCache() throws {
        let line = "a.json\t804\tcaefccc0adb210e8\tacme\t3\t9\t4571\t1795476057253166148"
        let malformed = [
            "",
            "connector-compiler-cache 1\tk",  // no final line break
            "connector-compiler-cache 2\tk\n",  // another format version
            "connector-compiler-cache 1\tk\n" + line,  // a truncated file
            "connector-compiler-cache 1\tk\n" + line + "\t7\n",  // a column too many
            "connector-compiler-cache 1\tk\n" + line.replacingOccurrences(of: "\t804\t", with: "\tbig\t") + "\n",
            "connector-compiler-cache 1\tk\n" + line + "\n" + line + "\n",  // the same path twice
        ]
        for text in malformed {
            let path = try Self.file(text)
            defer { try? FileManager.default.removeItem(atPath: path) }
            #expect(GenerationCache.read(from: path, key: "k").entries.isEmpty, "\(text.debugDescription)")
        }
        #expect(GenerationCache.read(from: "/nonexistent/cache", key: "k") == GenerationCache(key: "k"))
        let good = try Self.file("connector-compiler-cache 1\tk\n" + line + "\n")
        defer { try? FileManager.default.removeItem(atPath: good) }
        #expect(GenerationCache.read(from: good, key: "k").entries == ["a.json": Self.entry])
    }

    @Test func knownSpecsAreNotReadButTheirIDsCount() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("known-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let reference = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Reference/Specs/acme_basic.json")
        let loaded = folder.appendingPathComponent("acme_basic.json").path
        try FileManager.default.copyItem(atPath: reference.path, toPath: loaded)
        // The known spec's file does not even exist: it must not be read.
        let known = folder.appendingPathComponent("gone/acme_basic.json").path
        var set = SpecSetValidator()
        let results = set.load(
            contentsOf: [known, loaded], bytes: [nil, nil],
            known: [SpecSetValidator.KnownID(id: "acme_basic", position: SourcePosition(line: 3, column: 9, offset: 0)), nil])
        #expect(results[0] == nil)
        #expect(results[1]?.spec?.id == "acme_basic")
        // Bytes the caller already read are used instead of the file (which does not exist here).
        var fromMemory = SpecSetValidator()
        let bytes = try #require(GenerationCache.bytes(ofFile: loaded))
        let missing = folder.appendingPathComponent("not-written/acme_basic.json").path
        let inMemory = fromMemory.load(contentsOf: [missing], bytes: [bytes], known: [nil])
        #expect(inMemory[0]?.diagnostics.isEmpty == true)
        #expect(inMemory[0]?.spec?.id == "acme_basic")
        #expect(set.crossFileDiagnostics().map(\.rendered) == [
            loaded + ":3:9: error: connector id 'acme_basic' is used by two spec files (also used in " + known + ")"
        ])
        #expect(set.idsByFile[known]?.id == "acme_basic")
    }
}
