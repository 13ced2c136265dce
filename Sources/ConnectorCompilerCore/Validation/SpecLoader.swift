// Entry point of the validator: bytes in, model plus diagnostics out.

import Foundation

/// Reads, validates and builds connector specs.
///
/// ```swift
/// let result = SpecLoader.load(contentsOf: "Connectors/zelt.json")
/// for diagnostic in result.diagnostics { print(diagnostic.rendered) }
/// if let spec = result.spec { ... }
/// ```
public enum SpecLoader {
    /// Reads, validates and builds the model. `file` is used in diagnostics and for the rule that
    /// the id must match the file name. All structural and semantic diagnostics are collected in
    /// one pass; a JSON syntax error stops at the first one, since nothing after it can be trusted.
    public static func load(bytes: [UInt8], file: String) -> SpecLoadResult {
        let root: JSONNode
        do {
            root = try JSONReader.read(bytes)
        } catch {
            let diagnostic = Diagnostic(
                severity: .error, rule: error.rule, message: error.message, file: file,
                line: error.position.line, column: error.position.column, pointer: "")
            return SpecLoadResult(spec: nil, diagnostics: [diagnostic])
        }
        return validate(root: root, source: bytes, file: file)
    }

    /// Reads the file at `path` and loads it; an unreadable file gives one error with rule
    /// `file-unreadable`.
    public static func load(contentsOf path: String) -> SpecLoadResult {
        guard let data = FileManager.default.contents(atPath: path) else {
            let diagnostic = Diagnostic(
                severity: .error, rule: "file-unreadable", message: "cannot read the file",
                hint: "check that it exists and is readable", file: path, line: 1, column: 1, pointer: "")
            return SpecLoadResult(spec: nil, diagnostics: [diagnostic])
        }
        return load(bytes: [UInt8](data), file: path)
    }

    /// Validates a tree already read from `source`.
    static func validate(root: JSONNode, source: [UInt8], file: String, buildModel: Bool = true) -> SpecLoadResult {
        var structural = StructuralValidator(collector: DiagnosticCollector(file: file))
        structural.validate(root: root)
        guard root.members != nil else {
            return SpecLoadResult(spec: nil, diagnostics: structural.collector.sorted)
        }
        var semantic = SemanticValidator(collector: structural.collector, root: root, source: source)
        semantic.validate()
        let diagnostics = semantic.collector.sorted
        let hasErrors = diagnostics.contains { $0.severity == .error }
        return SpecLoadResult(spec: hasErrors || !buildModel ? nil : ModelBuilder.build(root), diagnostics: diagnostics)
    }
}

/// Loads a set of spec files and checks rules across them, such as two connectors with the same id.
///
/// ```swift
/// var set = SpecSetValidator()
/// let results = paths.map { set.load(contentsOf: $0) }
/// let crossFile = set.crossFileDiagnostics()
/// ```
public struct SpecSetValidator: Sendable {
    private var ids: [(file: String, id: String, position: SourcePosition, pointer: JSONPointer)] = []
    /// When `false`, results carry diagnostics only (`spec` is `nil`), which is all `validate`
    /// needs and saves building the model.
    public var buildsModels: Bool

    /// An empty set.
    public init(buildsModels: Bool = true) {
        self.buildsModels = buildsModels
    }

    /// Loads one file (as `SpecLoader.load(contentsOf:)`) and remembers its id.
    public mutating func load(contentsOf path: String) -> SpecLoadResult {
        guard let data = FileManager.default.contents(atPath: path) else {
            return SpecLoader.load(contentsOf: path)
        }
        return load(bytes: [UInt8](data), file: path)
    }

    /// Loads one spec from memory (as `SpecLoader.load(bytes:file:)`) and remembers its id.
    public mutating func load(bytes: [UInt8], file: String) -> SpecLoadResult {
        guard let root = try? JSONReader.read(bytes) else { return SpecLoader.load(bytes: bytes, file: file) }
        if let idNode = root["id"], let id = idNode.stringValue, !id.isEmpty {
            ids.append((file, id, idNode.position, idNode.pointer))
        }
        return SpecLoader.validate(root: root, source: bytes, file: file, buildModel: buildsModels)
    }

    /// Errors for connector ids used by more than one of the loaded files, at each later use.
    public func crossFileDiagnostics() -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var first: [String: String] = [:]
        for entry in ids {
            if let firstFile = first[entry.id] {
                diagnostics.append(Diagnostic(
                    severity: .error, rule: "duplicate-id", message: "connector id '\(entry.id)' is used by two spec files",
                    hint: "also used in \(firstFile)", file: entry.file, line: entry.position.line,
                    column: entry.position.column, pointer: entry.pointer))
            } else {
                first[entry.id] = entry.file
            }
        }
        return diagnostics
    }
}
