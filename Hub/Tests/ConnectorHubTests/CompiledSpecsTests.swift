import ConnectorHub
import ConnectorRuntime
import Connectors
import Testing

/// The Hub's catalogs come from the specs compiled into the `Connectors` module, not from spec
/// files (docs/hub.md, "Where the catalog comes from"): they hold exactly the compiled connectors.
/// `make hub-mcp-test` runs the binary away from the source tree.
@Suite struct CompiledSpecsTests {
    @Test func everyCompiledConnectorsSpecIsParsed() {
        #expect(ConnectorHubService.servedCatalogs().specs == ConnectorCatalog.all.map { $0.id })
    }

    /// The MCP tools' catalog (also the syncs') holds exactly the connectors of `ConnectorCatalog.all`.
    @Test func theMCPCatalogHoldsExactlyTheCompiledConnectors() {
        let compiled = ConnectorCatalog.all.map { $0.id }.sorted()
        #expect(!compiled.isEmpty)
        #expect(ConnectorHubService.servedCatalogs().mcp == compiled)
    }

    /// The unified catalog holds only compiled connectors, with the models their specs map.
    @Test func theUnifiedCatalogHoldsCompiledConnectors() {
        let unified = ConnectorHubService.servedCatalogs().unified
        let compiled = Set(ConnectorCatalog.all.map { $0.id })
        #expect(Set(unified.keys).isSubset(of: compiled))
        #expect(unified["zelt"] == ["hris.employee", "iam.user"])
        #expect(unified["smartsheet_iam"]?.contains("iam.user") == true)
    }

    /// Each compiled connector's spec text is there, under its own id.
    @Test func everyCompiledConnectorHasItsSpecText() {
        for connector in ConnectorCatalog.all {
            let text = ConnectorCatalog.specSource(id: connector.id)
            #expect(text?.contains("\"id\": \"\(connector.id)\"") == true, "\(connector.id)")
        }
        #expect(ConnectorCatalog.specSource(id: "no_such_connector") == nil)
        #expect(ConnectorCatalog.specSources.map { $0.id } == ConnectorCatalog.all.map { $0.id })
    }
}
