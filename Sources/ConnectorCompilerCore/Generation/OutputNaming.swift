// Output file and type names derived from spec file names alone, so the build plugin can declare
// its outputs without reading any spec. Pure standard library (no Foundation): the plugin links
// this file by symlink.

/// Names of generated files and types.
///
/// ```swift
/// OutputNaming.typeName(forSpecID: "smartsheet_iam")        // "SmartsheetIam"
/// OutputNaming.outputFileName(forSpecPath: "Connectors/zelt.json") // "Zelt.swift"
/// ```
public enum OutputNaming {
    /// The file listing every connector of a module.
    public static let catalogFileName: String = "ConnectorCatalog.swift"

    /// The file holding every spec's source text (`ConnectorCatalog.specSource(id:)`). The `+`
    /// cannot be in a connector's type name, so no spec's file can take this name.
    public static let specSourcesFileName: String = "ConnectorCatalog+Specs.swift"

    /// The most spec texts one generated file holds. A module with more specs gets
    /// `ConnectorCatalog+Specs.swift` (the lookup) and one `ConnectorCatalog+Specs<n>.swift` per
    /// part of this many texts, so editing one spec recompiles one part, not every text.
    public static let specSourcesPartSize: Int = 100

    /// The files holding the spec texts of a module with `specCount` specs, in part order: only
    /// ``specSourcesFileName`` up to ``specSourcesPartSize`` specs, else it and
    /// `ConnectorCatalog+Specs1.swift`, `ConnectorCatalog+Specs2.swift`, ... (one per part).
    public static func specSourcesFileNames(specCount: Int) -> [String] {
        guard specCount > specSourcesPartSize else { return [specSourcesFileName] }
        let parts = (specCount + specSourcesPartSize - 1) / specSourcesPartSize
        return [specSourcesFileName] + (1...parts).map(specSourcesPartFileName)
    }

    /// Whether `fileName` names a spec-text part file (`ConnectorCatalog+Specs<n>.swift`, n
    /// digits), which ``specSourcesFileNames(specCount:)`` gives past ``specSourcesPartSize`` specs.
    public static func isSpecSourcesPart(_ fileName: String) -> Bool {
        guard fileName.hasPrefix(specSourcesPartPrefix), fileName.hasSuffix(".swift") else { return false }
        let part = fileName.dropFirst(specSourcesPartPrefix.count).dropLast(".swift".count)
        return !part.isEmpty && part.allSatisfy { $0 >= "0" && $0 <= "9" }
    }

    private static let specSourcesPartPrefix = String(specSourcesFileName.dropLast(".swift".count))

    private static func specSourcesPartFileName(_ part: Int) -> String { "\(specSourcesPartPrefix)\(part).swift" }

    /// Type names a connector may not take: they would shadow modules or generated types.
    public static let reservedTypeNames: [String] = [
        "Swift", "Foundation", "ConnectorRuntime", "Connectors", "ConnectorCatalog", "Self", "Type", "Protocol", "Any",
    ]

    /// The spec id a file name stands for: the last path component without `.json`.
    public static func specID(forSpecPath path: String) -> String {
        var name = Substring(path)
        if let slash = name.lastIndex(where: { $0 == "/" || $0 == "\\" }) {
            name = name[name.index(after: slash)...]
        }
        if name.hasSuffix(".json") {
            name = name.dropLast(5)
        }
        return String(name)
    }

    /// The Swift type of a connector: the id split on `_` (and any other character that cannot be
    /// in an identifier), each part capitalised. `smartsheet_iam` gives `SmartsheetIam`.
    public static func typeName(forSpecID id: String) -> String {
        var result = ""
        var startOfPart = true
        for scalar in id.unicodeScalars {
            let isLetter = (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z")
            let isDigit = scalar >= "0" && scalar <= "9"
            guard isLetter || isDigit else {
                startOfPart = true
                continue
            }
            if startOfPart, scalar >= "a", scalar <= "z" {
                result.unicodeScalars.append(Unicode.Scalar(scalar.value - 32)!)
            } else {
                result.unicodeScalars.append(scalar)
            }
            startOfPart = false
        }
        if result.isEmpty || result.unicodeScalars.first.map({ $0 >= "0" && $0 <= "9" }) == true {
            result = "_" + result
        }
        return result
    }

    /// The generated file of a spec: `Connectors/zelt.json` gives `Zelt.swift`.
    public static func outputFileName(forSpecPath path: String) -> String {
        typeName(forSpecID: specID(forSpecPath: path)) + ".swift"
    }

    /// One spec's generated type and file.
    public struct Output: Sendable, Hashable {
        /// The spec path as given.
        public var specPath: String
        /// The Swift type, e.g. `Zelt`.
        public var typeName: String
        /// The generated file name, e.g. `Zelt.swift`.
        public var fileName: String
    }

    /// Names for a set of specs, with problems that make generation impossible.
    public struct Plan: Sendable, Hashable {
        /// One entry per spec, in the order given.
        public var outputs: [Output]
        /// One message per problem: two specs mapping to one type, a reserved name.
        public var problems: [String]
    }

    /// Names every spec's output and reports collisions and reserved names.
    public static func plan(specPaths: [String]) -> Plan {
        var outputs: [Output] = []
        var problems: [String] = []
        var firstOwner: [String: String] = [:]
        for path in specPaths {
            let type = typeName(forSpecID: specID(forSpecPath: path))
            let output = Output(specPath: path, typeName: type, fileName: type + ".swift")
            if reservedTypeNames.contains(type) {
                problems.append("\(path): the connector type name '\(type)' is reserved; rename the spec file")
            } else if let other = firstOwner[type] {
                problems.append("\(path): generates type '\(type)', as does \(other); rename one of the spec files")
            } else {
                firstOwner[type] = path
            }
            outputs.append(output)
        }
        return Plan(outputs: outputs, problems: problems)
    }
}
