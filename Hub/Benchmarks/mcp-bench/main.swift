// `make mcp-bench` (part of `make bench`): tokens of the MCP tool lists a client's model reads,
// for the seed providers and the whole catalog, with and without search-then-call mode.
// Counts, not times: the same on any machine. See docs/mcp.md, "Token budget".
import ConnectorHub
import Foundation

let arguments = CommandLine.arguments.dropFirst()
let specs: String? = arguments.first.map { String($0) }
let all = ConnectorHubService.mcpConnectors(specsDirectory: specs)
guard !all.isEmpty else {
    FileHandle.standardError.write(Data("mcp-bench: no connector specs found (pass the Connectors directory)\n".utf8))
    exit(1)
}
let seeds = ["zelt", "smartsheet_iam", "spotdraft"].filter(all.contains)
let groups: [(String, [String])] = seeds.map { ($0, [$0]) } + [("whole catalog", all)]
let (budget, bytesPerToken) = ConnectorHubService.mcpBudgetDefaults
print("MCP tool lists (tokens ≈ compact JSON bytes / \(bytesPerToken); default budget \(budget) tokens)")
print("| accounts | connectors | tools | tools/list tokens | largest tool | search mode tools/list | what a client gets by default |")
print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
for row in ConnectorHubService.mcpToolListFigures(groups, specsDirectory: specs) {
    let answer = row.searchMode ? "search mode: \(row.searchModeTokens)" : "all tools: \(row.listTokens)"
    print("| \(row.label) | \(row.connectors) | \(row.tools) | \(row.listTokens) | \(row.largestTool) | \(row.searchModeTokens) | \(answer) |")
}
print("")
print("The whole catalog's tools by kind (one account of each connector)")
print("| kind | tools | tokens |")
print("| --- | ---: | ---: |")
for row in ConnectorHubService.mcpToolKindFigures(specsDirectory: specs) { print("| \(row.kind) | \(row.tools) | \(row.tokens) |") }
print("")
print("Tokens per tool (seed providers)")
print("| tool | tokens |")
print("| --- | ---: |")
for (name, tokens) in ConnectorHubService.mcpToolTokens(seeds, specsDirectory: specs) { print("| \(name) | \(tokens) |") }

// Against peers' published tool lists (Hub/Benchmarks/mcp-peer/peer_tool_tokens.py measured them
// from the peers' repositories, counted as MCPBudget counts ours; the figures and their sources are
// in peer-tool-tokens.json, the second argument). A peer row is set beside one account of ours
// that serves the same kind of data: StackOne's tools for a category apply to any account of it.
struct PeerFigures: Decodable {
    struct Peer: Decodable { var peer: String; var source: String; var date: String; var rows: [Row] }
    struct Row: Decodable { var label: String; var tools: Int; var listTokens: Int; var largestTool: Int; var medianTool: Int }
    var peers: [Peer]
}
if let path = arguments.dropFirst().first {
    let peers: PeerFigures
    do {
        peers = try JSONDecoder().decode(PeerFigures.self, from: Data(contentsOf: URL(fileURLWithPath: String(path))))
    } catch {
        FileHandle.standardError.write(Data("mcp-bench: cannot read the peer figures at \(path): \(error)\n".utf8))
        exit(1)
    }
    // Peer row label prefix -> our connector serving the same kind of data.
    let counterparts: [(peer: String, row: String, ours: String)] = [
        ("StackOne", "hris", "hibob"), ("StackOne", "ats", "greenhouse"), ("StackOne", "iam", "okta"),
        ("GitHub", "default", "github"), ("GitHub", "all", "github"),
    ]
    print("")
    print("Against peers' published tool lists (one account; tokens counted the same way)")
    print("| peer tool list | tools | tokens | largest | median | ours: one account of | tools | tokens | largest | median | ours / peer tokens |")
    print("| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    for peer in peers.peers {
        for row in peer.rows {
            guard let counterpart = counterparts.first(where: { peer.peer.hasPrefix($0.peer) && row.label.hasPrefix($0.row) }),
                  all.contains(counterpart.ours),
                  let ours = ConnectorHubService.mcpToolListFigures([(counterpart.ours, [counterpart.ours])], specsDirectory: specs).first
            else { continue }
            let ratio = String(format: "%.2fx", Double(ours.listTokens) / Double(row.listTokens))
            print("| \(peer.peer.split(separator: " (").first ?? ""): \(row.label) | \(row.tools) | \(row.listTokens) | \(row.largestTool) | \(row.medianTool) | \(ours.label) | \(ours.tools) | \(ours.listTokens) | \(ours.largestTool) | \(ours.medianTool) | \(ratio) |")
        }
    }
    for peer in peers.peers { print("- \(peer.peer), \(peer.date): \(peer.source)") }
}
