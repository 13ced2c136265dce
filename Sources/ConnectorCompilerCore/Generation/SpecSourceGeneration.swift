// `ConnectorCatalog+Specs.swift`: the source text of every compiled spec, so a program linking
// the generated module (the Hub) serves exactly the specs the generator validated and compiled,
// without the source tree (docs/plugin.md, "The specs' source text").
//
// Type-checking stays linear in the number of specs: one `switch` whose cases each return one
// string literal, and no collection literal (a literal of 1,000 elements of a non-trivial type
// costs the type checker far more than 1,000 small ones, see `CodeGenerator.catalogChunkSize`).
// Past `OutputNaming.specSourcesPartSize` specs the texts are split into part files of that many,
// so editing one spec recompiles one part (about a tenth of the texts at 1,000 specs) instead of
// every text: before the split, that one file was most of a one-spec edit's compile time.

extension CodeGenerator {
    /// The syntax model of the spec-text files (``OutputNaming/specSourcesFileNames(specCount:)``,
    /// in that order): an extension of `ConnectorCatalog` with `specSource(id:)`, which returns a
    /// spec's text by id, and `specSources` (`all`'s ids with their text, in `all`'s order). Up to
    /// ``OutputNaming/specSourcesPartSize`` specs, `specSource(id:)` is one `switch` whose cases
    /// each return one escaped string literal; past it, each part file holds such a `switch`
    /// (`specSourcePart<n>(id:)`) and `specSource(id:)` asks the parts in turn.
    /// `specs` are the spec ids with their source text, in catalog order.
    public static func translateSpecSources(_ specs: [(id: String, text: String)]) -> [SwiftFile] {
        let names = OutputNaming.specSourcesFileNames(specCount: specs.count)
        let lookupDoc = SwiftDocComment(lines: [
            "The source text of the spec whose id is `id`, exactly as the generator read, validated and",
            "compiled it into this module (UTF-8, byte for byte), or `nil` when no connector has that id.",
        ])
        guard names.count > 1 else {
            let lookup = SwiftFunction(
                doc: lookupDoc, access: .public, name: "specSource", parameters: [idParameter],
                returnType: "Swift.String?", body: [switchOverIDs(specs)])
            return [specSourcesFile(members: [.function(lookup), .property(specSourcesList)])]
        }
        let size = OutputNaming.specSourcesPartSize
        let parts = stride(from: 0, to: specs.count, by: size).map { Array(specs[$0..<min($0 + size, specs.count)]) }
        var asking: [SwiftStatement] = (1...parts.count).map { part in
            .block(opening: "if let text: Swift.String = specSourcePart\(part)(id: id) {", body: [.line("return text")])
        }
        asking.append(.line("return nil"))
        let lookup = SwiftFunction(
            doc: lookupDoc, access: .public, name: "specSource", parameters: [idParameter],
            returnType: "Swift.String?", body: asking)
        var files = [specSourcesFile(members: [.function(lookup), .property(specSourcesList)])]
        for (index, part) in parts.enumerated() {
            let first = index * size
            let function = SwiftFunction(
                doc: SwiftDocComment(lines: [
                    "The source text of the spec whose id is `id` among specs \(first) to \(first + part.count - 1) of `all`, or `nil`."
                ]),
                access: .internal, name: "specSourcePart\(index + 1)", parameters: [idParameter],
                returnType: "Swift.String?", body: [switchOverIDs(part)])
            files.append(specSourcesFile(members: [.function(function)]))
        }
        return files
    }

    /// The spec-text files, named (``OutputNaming/specSourcesFileNames(specCount:)``) and
    /// rendered (``translateSpecSources(_:)``).
    public static func generateSpecSources(_ specs: [(id: String, text: String)]) -> [(name: String, text: String)] {
        Array(zip(OutputNaming.specSourcesFileNames(specCount: specs.count), translateSpecSources(specs).map(SwiftRenderer.render)))
            .map { (name: $0.0, text: $0.1) }
    }

    private static let idParameter = SwiftParameter(label: "id", name: "id", type: "Swift.String")

    /// `switch id { case "<id>": return "<text>" ... default: return nil }`.
    private static func switchOverIDs(_ specs: [(id: String, text: String)]) -> SwiftStatement {
        var cases: [SwiftStatement] = specs.map { spec in
            .line("case " + SwiftStringLiteral.make(spec.id) + ": return " + SwiftStringLiteral.make(spec.text))
        }
        cases.append(.line("default: return nil"))
        return .block(opening: "switch id {", body: cases)
    }

    /// `specSources`: every connector of `all` with its text.
    private static var specSourcesList: SwiftProperty {
        SwiftProperty(
            doc: SwiftDocComment(lines: ["Every connector's spec id and source text, in the order of `all`."]),
            isStatic: true, name: "specSources", type: "[(id: Swift.String, text: Swift.String)]",
            getter: [
                .line("var sources: [(id: Swift.String, text: Swift.String)] = []"),
                .block(
                    opening: "for connector: any ConnectorRuntime.ConnectorDefinition.Type in all {",
                    body: [
                        .block(opening: "if let text: Swift.String = specSource(id: connector.id) {", body: [
                            .line("sources.append((id: connector.id, text: text))")
                        ])
                    ]),
                .line("return sources"),
            ])
    }

    private static func specSourcesFile(members: [SwiftDeclaration]) -> SwiftFile {
        let catalog = SwiftTypeDeclaration(
            doc: SwiftDocComment(lines: ["The source text of every compiled connector spec."]), access: .internal,
            kind: .extension, name: "ConnectorCatalog", members: members)
        return SwiftFile(
            headerComments: ["Generated by connector-compiler " + ConnectorCompiler.version + ". Do not edit.", "swift-format-ignore-file"],
            imports: [SwiftImport(module: "ConnectorRuntime", isPublic: false)],
            declarations: [.type(catalog)])
    }
}
