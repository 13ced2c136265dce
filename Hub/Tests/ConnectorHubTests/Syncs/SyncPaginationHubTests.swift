@testable import ConnectorHub
import Foundation
import HTTPTypes
import Testing

/// Syncs of catalog connectors through the Hub, one per pagination style the synced catalog
/// resources use, against the paging emulation (Tests/Servers/providerpages.py, catalogpages.py,
/// unifiedpages.py: 5 records in pages of at most 2): the account linked through the Hub, the
/// scheduler's tick (`runDueSyncs`) runs the job with the generated list operation, and the app
/// reads the change feed through the app API. A second run, asked for through the API, reports
/// nothing (the emulation's records do not change). Deletions and changes between runs are
/// proven per style through `SyncRunner` (SyncGuaranteeTests) and through the Hub for Zelt
/// (SyncHubTests) and Freshdesk (SyncFullScanTests).
@Suite(.pagingServer) struct SyncPaginationHubTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let style: String
        let provider: String
        let connector: String
        let variant: String
        let values: [String: String]
        let hosts: [String]
        let resource: String
        /// The list path (without the emulation's key) whose requests are the sync's pages.
        let listPath: String
        let ids: [String]?
        var testDescription: String { "\(style): \(connector) \(resource)" }
    }

    static let cases: [Case] = [
        Case(
            style: "pageNumber, totalCount", provider: "smartsheet", connector: "smartsheet_iam", variant: "access_token",
            values: ["accessToken": "smartsheet-pat"], hosts: ["api.smartsheet.com"], resource: "users", listPath: "/2.0/users?",
            ids: ["1000", "1001", "1002", "1003", "1004"]),
        Case(
            style: "nextURL (absolute)", provider: "spotdraft", connector: "spotdraft", variant: "client_credentials",
            values: ["clientId": "sd-client", "clientSecret": "sd-secret"], hosts: ["api.us.spotdraft.com"], resource: "contracts",
            listPath: "/api/v2.1/public/contracts/", ids: nil),
        Case(
            style: "nextURL, incremental", provider: "workable", connector: "workable", variant: "api_token",
            values: ["subdomain": "acme", "apiToken": "workable-token"], hosts: ["acme.workable.com"], resource: "candidates",
            listPath: "/spi/v3/candidates", ids: ["ce00000", "ce00001", "ce00002", "ce00003", "ce00004"]),
        Case(
            style: "cursor, empty next_cursor", provider: "slack", connector: "slack", variant: "bot_token",
            values: ["botToken": "xoxb-slack-bot"], hosts: ["slack.com"], resource: "users", listPath: "/api/users.list",
            ids: ["U00", "U01", "U02", "U03", "U04"]),
    ]

    func changes(_ client: HubClient, _ account: String, _ resource: String, after cursor: String?) async throws -> (ids: [String], kinds: Set<String>, cursor: String) {
        let reply = try await client.api(.get, "/v1/accounts/\(account)/changes?resource=\(resource)" + (cursor.map { "&after=\($0)" } ?? ""))
        checkEqual(reply.status, 200, reply.text)
        let list = reply.json["changes"] as? [[String: Any]] ?? []
        return (list.compactMap { $0["id"] as? String }, Set(list.compactMap { $0["type"] as? String }), try #require(reply.json["nextCursor"] as? String))
    }

    @Test(arguments: cases)
    func aSyncPagesThroughTheProviderAndFeedsEachRecordOnce(_ run: Case) async throws {
        let provider = try PagedProvider(run.provider, connector: run.connector)
        let (harness, account) = try await unifiedHub(provider, variant: run.variant, values: run.values, hosts: run.hosts)
        let settings = SyncSchedulerSettings(enabled: true, tickSeconds: 1, concurrency: 2)
        try await harness.run { client in
            let before = try await provider.requests().count
            check(await harness.hub.runDueSyncs(settings) >= 1, "the new account's jobs are due")
            let pages = try await provider.requests().dropFirst(before).filter { $0.hasPrefix("GET " + run.listPath) }
            checkEqual(pages.count, 3, "\(run.style): 5 records in pages of 2: \(pages)")
            let first = try await changes(client, account, run.resource, after: nil)
            checkEqual(first.kinds, ["ADDED"], "\(run.style)")
            checkEqual(first.ids.count, 5, "\(run.style): \(first.ids)")
            checkEqual(Set(first.ids).count, 5, "\(run.style): each record once")
            if let ids = run.ids { checkEqual(first.ids.sorted(), ids, "\(run.style)") }
            let records = try await client.api(.get, "/v1/accounts/\(account)/records/\(run.resource)")
            checkEqual((records.json["records"] as? [[String: Any]])?.count, 5, "\(run.style): the current set")

            checkEqual(try await client.api(.post, "/v1/accounts/\(account)/syncs/\(run.resource)/run").status, 202)
            check(await harness.hub.runDueSyncs(settings) >= 1, "the run asked for")
            checkEqual(try await changes(client, account, run.resource, after: first.cursor).ids, [], "\(run.style): an unchanged set makes no change")
            let status = try await client.api(.get, "/v1/accounts/\(account)/syncs")
            let sync = (status.json["syncs"] as? [[String: Any]])?.first { $0["resource"] as? String == run.resource }
            checkEqual(sync?["runs"] as? Int, 2, "\(run.style): \(status.text)")
        }
    }
}
