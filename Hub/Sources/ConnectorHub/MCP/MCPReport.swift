// Token counts of the MCP tool lists, per connector and for the whole catalog (`make bench`,
// Hub/Benchmarks/mcp-bench): what a client's model reads before it calls anything.
import ConnectorCompilerCore
public import ConnectorRuntime
import Foundation

/// One row of the tool-list report: a token covering one account of each connector named.
public struct MCPToolListFigures: Sendable {
    public var label: String
    public var connectors: Int
    public var tools: Int
    /// Approximate tokens (``MCPBudget``) of the whole `tools/list` answer's tools.
    public var listTokens: Int
    /// The largest single tool definition, in tokens.
    public var largestTool: Int
    /// The median tool definition (the upper one of an even count), in tokens.
    public var medianTool: Int
    /// Tokens of `tools/list` in search-then-call mode (`search_tools` and `call_tool` only).
    public var searchModeTokens: Int
    /// Whether the default budget puts a token for these accounts in search mode.
    public var searchMode: Bool
}

extension ConnectorHubService {
    /// Figures for each group of connectors (label, connector ids), from the specs in
    /// `specsDirectory` (default: as the endpoint finds them, see docs/mcp.md).
    public static func mcpToolListFigures(_ groups: [(String, [String])], specsDirectory: String? = nil) -> [MCPToolListFigures] {
        let catalog = specsDirectory.map { MCPCatalog(directory: $0) } ?? .shared
        let searchTokens = MCPBudget.tokens(.array([MCPSearch.searchTool(count: 100), MCPSearch.callTool]))
        return groups.map { label, connectors in
            var tools: [MCPTool] = []
            for connector in connectors {
                tools += catalog.tools(connector: connector, variants: (catalog.resources[connector] ?? [:]).keys.sorted())
            }
            let definitions = tools.map { $0.definition() }
            let total = MCPBudget.tokens(.array(definitions))
            let sizes = definitions.map { MCPBudget.tokens($0) }.sorted()
            return MCPToolListFigures(
                label: label, connectors: connectors.count, tools: tools.count, listTokens: total,
                largestTool: sizes.last ?? 0, medianTool: sizes.isEmpty ? 0 : sizes[sizes.count / 2],
                searchModeTokens: searchTokens, searchMode: total > MCPBudget.defaultBudget)
        }
    }

    /// Each tool of the connectors with its approximate tokens (``MCPBudget``), in list order.
    public static func mcpToolTokens(_ connectors: [String], specsDirectory: String? = nil) -> [(name: String, tokens: Int)] {
        let catalog = specsDirectory.map { MCPCatalog(directory: $0) } ?? .shared
        return connectors.flatMap { connector in
            catalog.tools(connector: connector, variants: (catalog.resources[connector] ?? [:]).keys.sorted()).map {
                ($0.name, MCPBudget.tokens($0.definition()))
            }
        }
    }

    /// The connectors whose specs the MCP endpoint read, sorted.
    public static func mcpConnectors(specsDirectory: String? = nil) -> [String] {
        let catalog = specsDirectory.map { MCPCatalog(directory: $0) } ?? .shared
        return catalog.resources.keys.sorted()
    }

    /// The default tool budget and the bytes per token of the approximation.
    public static var mcpBudgetDefaults: (budget: Int, bytesPerToken: Int) { (MCPBudget.defaultBudget, MCPBudget.bytesPerToken) }
}

extension ConnectorHubService {
    /// The runtime list operation the MCP endpoint builds from the spec for a resource of a
    /// connector's auth variant (a test compares it with the generated code's `listOperation`).
    public static func mcpListOperation(connector: String, variant: String, resource: String) -> ResourceListOperation? {
        guard let found = MCPCatalog.shared.resources(connector: connector, variant: variant).first(where: { $0.name == resource }),
            let list = found.list
        else { return nil }
        return MCPListCall.operation(found, list)
    }

    /// The `get` operation the MCP endpoint builds, as ``mcpListOperation(connector:variant:resource:)``.
    public static func mcpGetOperation(connector: String, variant: String, resource: String) -> ResourceGetOperation? {
        guard let found = MCPCatalog.shared.resources(connector: connector, variant: variant).first(where: { $0.name == resource }),
            let get = found.get
        else { return nil }
        return ResourceGetOperation(resource: found.name, path: get.path, record: get.record)
    }

    /// Every tool name of the catalog (one account of each connector, every variant).
    public static func mcpToolNames() -> [String] {
        let catalog = MCPCatalog.shared
        return catalog.resources.keys.sorted().flatMap { connector in
            catalog.tools(connector: connector, variants: (catalog.resources[connector] ?? [:]).keys.sorted()).map(\.name)
        }
    }
}

extension ConnectorHubService {
    /// The whole catalog's tools by kind (resource list/get, unified list/get, unified operation,
    /// action): how many and their tokens (``MCPBudget``), one account of each connector.
    public static func mcpToolKindFigures(specsDirectory: String? = nil) -> [(kind: String, tools: Int, tokens: Int)] {
        let catalog = specsDirectory.map { MCPCatalog(directory: $0) } ?? .shared
        var figures: [String: (tools: Int, tokens: Int)] = [:]
        for connector in catalog.resources.keys.sorted() {
            for tool in catalog.tools(connector: connector, variants: (catalog.resources[connector] ?? [:]).keys.sorted()) {
                let kind: String
                switch tool.kind {
                case .list, .get: kind = "resource list/get"
                case .unifiedList, .unifiedGet: kind = "unified list/get"
                case .unifiedOperation: kind = "unified operation"
                case .action: kind = "action"
                }
                let tokens = MCPBudget.tokens(tool.definition())
                figures[kind, default: (0, 0)].tools += 1
                figures[kind, default: (0, 0)].tokens += tokens
            }
        }
        return ["resource list/get", "unified list/get", "unified operation", "action"].map { kind in
            (kind, figures[kind]?.tools ?? 0, figures[kind]?.tokens ?? 0)
        }
    }
}
