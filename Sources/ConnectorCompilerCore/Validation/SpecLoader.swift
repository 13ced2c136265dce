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
        if let bytes = FileBytes.contents(ofFile: path) { return load(bytes: bytes, file: path) }
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
        remember(Self.loadFile(path, buildModel: buildsModels))
    }

    /// Loads one spec from memory (as `SpecLoader.load(bytes:file:)`) and remembers its id.
    public mutating func load(bytes: [UInt8], file: String) -> SpecLoadResult {
        remember(Self.loadBytes(bytes, file: file, buildModel: buildsModels))
    }

    /// Loads many files, on every processor core when there are enough of them, and remembers
    /// their ids. The results, and the ids for ``crossFileDiagnostics()``, are in the order of
    /// `paths`: the same as calling ``load(contentsOf:)`` for each path in turn.
    public mutating func load(contentsOf paths: [String]) -> [SpecLoadResult] {
        Self.loadAll(paths, buildModel: buildsModels).map { remember($0) }
    }

    /// A spec known from an earlier run (see ``GenerationCache``): its id and where the id's value
    /// starts.
    public struct KnownID: Sendable, Hashable {
        /// The spec's `id`.
        public var id: String
        /// Where the value of `id` starts.
        public var position: SourcePosition

        /// Creates a known id.
        public init(id: String, position: SourcePosition) {
            self.id = id
            self.position = position
        }
    }

    /// Loads `paths` as ``load(contentsOf:)-([String])`` does, except the paths whose `known`
    /// element is set: those are not read, only their id is remembered (in order, for
    /// ``crossFileDiagnostics()``), and their result is `nil`. A path whose `bytes` element is set
    /// is loaded from those bytes (already read by the caller) instead of the file. `bytes` and
    /// `known` have one element per path.
    public mutating func load(contentsOf paths: [String], bytes: [[UInt8]?], known: [KnownID?]) -> [SpecLoadResult?] {
        precondition(paths.count == known.count && paths.count == bytes.count, "one known id and one byte array (or nil) per path")
        let toLoad = paths.indices.filter { known[$0] == nil }
        let buildModel = buildsModels
        var loaded = Parallel.map(count: toLoad.count) { position in
            let index = toLoad[position]
            guard let contents = bytes[index] else { return Self.loadFile(paths[index], buildModel: buildModel) }
            return Self.loadBytes(contents, file: paths[index], buildModel: buildModel)
        }.makeIterator()
        var results: [SpecLoadResult?] = []
        for index in paths.indices {
            if let known = known[index] {
                ids.append((paths[index], known.id, known.position, "/id"))
                results.append(nil)
            } else {
                results.append(remember(loaded.next()!))
            }
        }
        return results
    }

    /// The id each loaded or known file declared, by file path (the first, for a path loaded twice).
    public var idsByFile: [String: KnownID] {
        var result: [String: KnownID] = [:]
        for entry in ids where result[entry.file] == nil {
            result[entry.file] = KnownID(id: entry.id, position: entry.position)
        }
        return result
    }

    /// Loads each path, on every processor core when there are enough of them; results in order.
    private static func loadAll(_ paths: [String], buildModel: Bool) -> [Loaded] {
        Parallel.map(count: paths.count) { index in loadFile(paths[index], buildModel: buildModel) }
    }

    /// One loaded spec and the id it declares.
    private struct Loaded {
        var result: SpecLoadResult
        var id: (file: String, id: String, position: SourcePosition, pointer: JSONPointer)?
    }

    private mutating func remember(_ loaded: Loaded) -> SpecLoadResult {
        if let id = loaded.id { ids.append(id) }
        return loaded.result
    }

    private static func loadFile(_ path: String, buildModel: Bool) -> Loaded {
        guard let bytes = FileBytes.contents(ofFile: path) else {
            return Loaded(result: SpecLoader.load(contentsOf: path), id: nil)
        }
        return loadBytes(bytes, file: path, buildModel: buildModel)
    }

    private static func loadBytes(_ bytes: [UInt8], file: String, buildModel: Bool) -> Loaded {
        guard let root = try? JSONReader.read(bytes) else {
            return Loaded(result: SpecLoader.load(bytes: bytes, file: file), id: nil)
        }
        var id: (file: String, id: String, position: SourcePosition, pointer: JSONPointer)?
        if let idNode = root["id"], let text = idNode.stringValue, !text.isEmpty {
            id = (file, text, idNode.position, idNode.pointer)
        }
        return Loaded(result: SpecLoader.validate(root: root, source: bytes, file: file, buildModel: buildModel), id: id)
    }

    /// Errors for connector ids used by more than one of the loaded files, and for different ids
    /// that generate the same Swift type (`a_b` and `a__b`), at each later use.
    public func crossFileDiagnostics() -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var first: [String: String] = [:]
        var firstType: [String: (file: String, id: String)] = [:]
        for entry in ids {
            let typeName = OutputNaming.typeName(forSpecID: entry.id)
            if let firstFile = first[entry.id] {
                diagnostics.append(Diagnostic(
                    severity: .error, rule: "duplicate-id", message: "connector id '\(entry.id)' is used by two spec files",
                    hint: "also used in \(firstFile)", file: entry.file, line: entry.position.line,
                    column: entry.position.column, pointer: entry.pointer))
            } else if let other = firstType[typeName] {
                diagnostics.append(Diagnostic(
                    severity: .error, rule: "duplicate-type-name",
                    message: "connector id '\(entry.id)' generates the Swift type '\(typeName)', as does '\(other.id)'",
                    hint: "rename one of them; also generated by \(other.file)", file: entry.file, line: entry.position.line,
                    column: entry.position.column, pointer: entry.pointer))
            } else {
                first[entry.id] = entry.file
                firstType[typeName] = (entry.file, entry.id)
            }
        }
        return diagnostics
    }
}

/// Reads a whole regular file with one `read` call into a byte array (no `Data` in between).
enum FileBytes {
    /// The file's bytes, or `nil` when it cannot be opened or read this way (the caller then
    /// falls back to Foundation, which also reports the error).
    static func contents(ofFile path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        let size = Int(info.st_size)
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: max(size, 1)) { buffer, count in
            var total = 0
            while total < size {
                let got = read(descriptor, buffer.baseAddress! + total, size - total)
                if got < 0 {
                    if errno == EINTR { continue }
                    failed = true
                    break
                }
                if got == 0 { break }
                total += got
            }
            count = total
        }
        if failed { return nil }
        return bytes
    }
}
