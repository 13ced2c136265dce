// The connector specs the Hub serves (MCP tools, unified models, syncs): the source text the
// build plugin embedded in the compiled `Connectors` module (`ConnectorCatalog.specSources`),
// parsed with the compiler's own loader. They are exactly the specs the Hub's compiled code was
// generated from: no spec file is read at run time, so a Hub deployed without the source tree
// serves the same catalog, and editing a spec after the build changes nothing until the next
// build (docs/hub.md, "Where the catalog comes from").
import ConnectorCompilerCore
import Connectors

/// The compiled connectors' spec models.
enum CompiledSpecs {
    /// Every connector of `ConnectorCatalog.all` with its spec, in that order.
    static let all: [ConnectorSpec] = load(ConnectorCatalog.specSources)

    /// The models of `sources` (spec id and text). A text that does not load is logged and left
    /// out; the build validated every one, so that only happens when a module was not built by
    /// this compiler.
    static func load(_ sources: [(id: String, text: String)]) -> [ConnectorSpec] {
        sources.compactMap { source in
            let result = SpecLoader.load(bytes: Array(source.text.utf8), file: source.id + ".json")
            if result.spec == nil {
                let first = result.diagnostics.first.map { ": " + $0.message } ?? ""
                HubLog.warning("the compiled spec of \(source.id) does not load with this Hub's compiler\(first); it is left out")
            }
            return result.spec
        }
    }
}

extension ConnectorHubService {
    /// The connectors the Hub serves, from the compiled specs: every spec it parsed (in
    /// `ConnectorCatalog.all`'s order), the connectors of the MCP tools (the syncs read the same
    /// catalog), and each connector with unified models, with its models (all variants) sorted.
    public static func servedCatalogs() -> (specs: [String], mcp: [String], unified: [String: [String]]) {
        let unified = HubUnifiedCatalog.shared.mappings.mapValues { variants in
            Set(variants.values.flatMap(\.keys)).sorted()
        }
        return (CompiledSpecs.all.map(\.id), MCPCatalog.shared.resources.keys.sorted(), unified)
    }
}
