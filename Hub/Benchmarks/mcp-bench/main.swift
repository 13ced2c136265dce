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
