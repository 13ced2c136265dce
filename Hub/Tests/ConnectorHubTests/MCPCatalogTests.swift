import ConnectorHub
import ConnectorRuntime
import Connectors
import Testing

/// The MCP endpoint builds its operations from the spec files with the compiler's loader
/// (docs/mcp.md, "Where the tools come from"): they must be the operations the generated code
/// holds, for every pagination style the catalog uses.
@Suite struct MCPCatalogTests {
    @Test func listOperationsAreTheCompiledOnes() {
        let cases: [(String, String, String, ResourceListOperation)] = [
            ("smartsheet_iam", "access_token", "users", SmartsheetIam.AccessToken.Resources.Users.listOperation),  // pageNumber, totalCount
            ("zelt", "oauth", "users", Zelt.Oauth.Resources.Users.listOperation),  // none
            ("ashby", "api_key", "candidates", Ashby.ApiKey.Resources.Candidates.listOperation),  // bodyCursor, POST body
            ("github", "personal_access_token", "members", Github.PersonalAccessToken.Resources.Members.listOperation),  // linkHeader, path input
        ]
        for (connector, variant, resource, compiled) in cases {
            #expect(
                ConnectorHubService.mcpListOperation(connector: connector, variant: variant, resource: resource) == compiled,
                "\(connector).\(variant).\(resource)")
        }
    }

    @Test func getOperationIsTheCompiledOne() {
        #expect(
            ConnectorHubService.mcpGetOperation(connector: "smartsheet_iam", variant: "access_token", resource: "users")
                == SmartsheetIam.AccessToken.Resources.Users.getOperation)
    }

    /// Every connector of the compiled catalog with resources has tools, and every tool name is
    /// unique and one clients accept (`[A-Za-z0-9_-]{1,64}`).
    @Test func toolNamesAreUniqueAndValid() {
        let names = ConnectorHubService.mcpToolNames()
        #expect(names.count == Set(names).count)
        for name in names {
            #expect(name.count <= 64 && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }, "\(name)")
        }
        let withResources = ConnectorCatalog.all.filter { !$0.descriptor.resources.isEmpty }.map { $0.descriptor.id }
        #expect(Set(ConnectorHubService.mcpConnectors()).isSuperset(of: withResources))
    }
}
