import Foundation
import Testing

@testable import ConnectorCompilerCore

/// `SpecSetValidator.load(contentsOf: [String])` spreads files over the cores; its results and
/// cross-file diagnostics must equal loading the same files one by one, in order.
@Suite struct SpecSetParallelLoadTests {
    /// Writes `count` specs (every seventh with an unknown key, ids repeating every 20 files, one
    /// missing file) to a fresh folder and returns their paths.
    static func writeSpecs(count: Int) throws -> [String] {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("parallel-load-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var paths: [String] = []
        for index in 0..<count {
            let id = "spec_\(index % 20)"
            var bytes = minimalSpec(id: id)
            if index % 7 == 0 { bytes = minimalSpec(id: id, [("\"name\"", "\"nmae\"")]) }
            let path = folder + "/\(id)_\(index).json"
            if index != 13 { try Data(bytes).write(to: URL(fileURLWithPath: path)) }
            paths.append(path)
        }
        return paths
    }

    @Test func parallelLoadGivesTheSameResultsInTheSameOrderAsOneByOne() throws {
        let paths = try Self.writeSpecs(count: 100)
        defer { try? FileManager.default.removeItem(atPath: (paths[0] as NSString).deletingLastPathComponent) }

        var serial = SpecSetValidator(buildsModels: false)
        let expected = paths.map { serial.load(contentsOf: $0).diagnostics.map(\.rendered) }
        var parallel = SpecSetValidator(buildsModels: false)
        let actual = parallel.load(contentsOf: paths).map { $0.diagnostics.map(\.rendered) }

        #expect(actual == expected)
        #expect(actual[13].first?.contains("cannot read the file") == true)
        #expect(actual[7].contains { $0.contains("unknown key 'nmae'") })
        #expect(parallel.crossFileDiagnostics().map(\.rendered) == serial.crossFileDiagnostics().map(\.rendered))
        #expect(parallel.crossFileDiagnostics().count == 79)
    }
}
