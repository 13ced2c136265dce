@testable import ConnectorHub
import ConnectorHubStorage
import ConnectorRuntime
import Foundation
import HTTPTypes
import Testing

/// The syncs' status (`GET /v1/accounts/{id}/syncs` and the operators' Accounts page) and the
/// shared 429 waits, against the Authlib provider emulation (Zelt over OAuth), whose API answers
/// the test makes fail (`/_control/providers/<name>/api-failure`).
@Suite(.authServer) struct SyncStatusTests {
    static let paths = ProviderPaths(authorize: "/", token: "/apiv2/oauth/authorize/token")
    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .origin: "http://127.0.0.1:8080"]

    static func serve(_ users: [[String: any Sendable]], as provider: EmulatedProvider, on server: TestServer) async throws {
        try await server.control("POST", "/_control/providers", json: [
            "name": provider.name, "authorize_path": paths.authorize, "token_path": paths.token, "responses": ["/apiv2/users": users],
        ])
    }

    static func fail(_ provider: EmulatedProvider, status: Int, retryAfter: String? = nil, times: Int, on server: TestServer) async throws {
        var spec: [String: any Sendable] = ["path": "/apiv2/users", "status": status, "times": times]
        if let retryAfter { spec["retry_after"] = retryAfter }
        try await server.control("POST", "/_control/providers/\(provider.name)/api-failure", json: spec)
    }

    /// Each API request the provider got: arrival (Unix seconds) and the status it answered.
    static func requests(_ provider: EmulatedProvider, on server: TestServer) async throws -> [(at: Double, status: Int)] {
        let object = try await server.control("GET", "/_control/providers/\(provider.name)")
        let list = (object as? [String: Any])?["api_requests"] as? [[String: String]] ?? []
        return list.map { (Double($0["at"] ?? "") ?? 0, Int($0["status"] ?? "") ?? 0) }
    }

    /// Links a Zelt account through `client` and returns its id.
    static func link(_ client: HubClient, _ oauthClient: EmulatedClient) async throws -> String {
        _ = try await client.openLinkSession(connectors: ["zelt"])
        let form = try await client.request(.get, "/link/connectors/zelt/oauth")
        let start = try await client.submit("/link/connectors/zelt/oauth", from: form, values: oauthClient.fields)
        let callback = try await Browser.callbackURL(for: try #require(URL(string: start.location ?? "")))
        _ = try await client.request(.get, callback.path + "?" + (callback.query ?? ""))
        let accounts = try #require(try await client.api(.get, "/v1/accounts").json["accounts"] as? [[String: Any]])
        return try #require(accounts.first?["id"] as? String)
    }

    static func entry(_ client: HubClient, _ id: String) async throws -> [String: Any] {
        let reply = try await client.api(.get, "/v1/accounts/\(id)/syncs")
        checkEqual(reply.status, 200, reply.text)
        return try #require((reply.json["syncs"] as? [[String: Any]])?.first)
    }

    @Test func theStatusShowsTheLastRunItsChangesTheRecordsAndAPlainError() async throws {
        let server = try TestServer.current(.auth)
        let provider = try await server.emulate("zelt", paths: Self.paths)
        try await Self.serve([["userId": 1, "firstName": "Ada"], ["userId": 2, "firstName": "Bo"]], as: provider, on: server)
        let redirect = URL(string: "http://127.0.0.1:8080/connect/oauth2/zelt/callback")!
        let oauthClient = try await server.registerClient("zelt", ClientOptions(refreshRedirectURI: true), redirectURI: redirect)
        let harness = try await HubHarness(overrides: ["zelt": provider.overrides(["go.zelt.app"])])
        let hub = harness.hub
        let settings = SyncSchedulerSettings(enabled: true, tickSeconds: 1, concurrency: 1)
        try await harness.run { client in
            let id = try await Self.link(client, oauthClient)
            let before = try await Self.entry(client, id)
            checkEqual(before["records"] as? Int, 0)
            check(before["lastRun"] == nil, "no run yet: \(before)")

            checkEqual(await hub.runDueSyncs(settings), 1)
            let first = try await Self.entry(client, id)
            checkEqual(first["records"] as? Int, 2)
            let run = try #require(first["lastRun"] as? [String: Any], "\(first)")
            checkEqual(run["outcome"] as? String, "succeeded")
            checkEqual(run["changes"] as? [String: Int], ["added": 2, "updated": 0, "deleted": 0])
            let started = try #require((run["startedAt"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) })
            let finished = try #require((run["finishedAt"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) })
            check(started <= finished, "\(started) \(finished)")
            check(first["lastError"] == nil)

            // One user removed: the next run reports one DELETED and one record left.
            try await Self.serve([["userId": 1, "firstName": "Ada"]], as: provider, on: server)
            checkEqual(try await client.api(.post, "/v1/accounts/\(id)/syncs/users/run").status, 202)
            checkEqual(await hub.runDueSyncs(settings), 1)
            let second = try await Self.entry(client, id)
            checkEqual(second["records"] as? Int, 1)
            checkEqual((second["lastRun"] as? [String: Any])?["changes"] as? [String: Int], ["added": 0, "updated": 0, "deleted": 1])

            // The provider refuses the list: the run fails, in plain words, with no credential.
            try await Self.fail(provider, status: 400, times: 1, on: server)
            checkEqual(try await client.api(.post, "/v1/accounts/\(id)/syncs/users/run").status, 202)
            checkEqual(await hub.runDueSyncs(settings), 1)
            let failed = try await Self.entry(client, id)
            checkEqual((failed["lastRun"] as? [String: Any])?["outcome"] as? String, "failed")
            checkEqual(failed["records"] as? Int, 1, "a failed run keeps the records")
            let error = try #require(failed["lastError"] as? String)
            checkEqual(error, "The provider answered HTTP 400 at page 1. The sync tries again at its next run, from the last saved page.")
            check(!error.contains(oauthClient.secret), "no client secret")

            // The operators' Accounts page shows the same.
            _ = try await client.request(.post, "/admin/login", headers: Self.form, body: "key=\(HubHarness.appKey)")
            let admin = try await client.request(.get, "/admin")
            check(admin.text.contains("<h2 id=\"syncs-heading\">Syncs</h2>"), "\(admin.text.suffix(2000))")
            check(admin.text.contains("<strong>Last run failed</strong>"), "the failed run is flagged")
            check(admin.text.contains("<td data-label=\"Records\">1</td>"), "the record count")
            check(admin.text.contains("0 added, 0 updated, 0 deleted"), "the failed run's changes")
            check(admin.text.contains("The provider answered HTTP 400 at page 1."), "the error in plain words")
            check(!admin.text.contains(oauthClient.secret), "no client secret on the page")

            // Recovered: the next run succeeds and the error is gone.
            checkEqual(try await client.api(.post, "/v1/accounts/\(id)/syncs/users/run").status, 202)
            checkEqual(await hub.runDueSyncs(settings), 1)
            let recovered = try await Self.entry(client, id)
            checkEqual((recovered["lastRun"] as? [String: Any])?["outcome"] as? String, "succeeded")
            check(recovered["lastError"] == nil, "\(recovered)")
        }
        await hub.shutdown()
    }

    @Test func failureTextsAreInPlainWordsAndDropURLQueries() {
        let limited = ResourceError.retriesExhausted(resource: "users", page: 3, attempts: 5, last: .rateLimited(retryAfter: 7))
        checkEqual(
            ConnectorHubService.syncFailureText(limited),
            "The provider kept answering \"too many requests\" (HTTP 429) at page 3, 5 times; it last asked to wait 7 s. "
                + "The sync tries again at its next run, from the last saved page.")
        checkEqual(
            ConnectorHubService.redactingQueries("failed: https://api.example/users?api_key=s3cret&x=1 (timeout) and http://h/p?q"),
            "failed: https://api.example/users?… (timeout) and http://h/p?…")
    }
}

/// Two Hub instances on one PostgreSQL database (as two processes), one provider that answers a
/// sync's request with 429 and `Retry-After`: the wait holds for the account in both.
@Suite(.authServer, .serialized, .enabled(if: ProcessInfo.processInfo.environment["CONNECTOR_TEST_POSTGRES_URL"] != nil))
struct SyncSharedRateLimitTests {
    @Test func aSecondProcessSendsNoRequestBeforeTheRetryAfterTheFirstGot() async throws {
        // A database of its own: the job suites' jobs in the shared one are due at any moment, and
        // a scheduler claims whatever job is due.
        let database = try await SyncStoreTests.freshDatabaseURL("sync_rate")
        let server = try TestServer.current(.auth)
        let provider = try await server.emulate("zelt", paths: SyncStatusTests.paths)
        try await SyncStatusTests.serve([["userId": 1, "firstName": "Ada"]], as: provider, on: server)
        let redirect = URL(string: "http://127.0.0.1:8080/connect/oauth2/zelt/callback")!
        let oauthClient = try await server.registerClient("zelt", ClientOptions(refreshRedirectURI: true), redirectURI: redirect)
        let overrides = ["zelt": provider.overrides(["go.zelt.app"])]
        // With the proxy's fast path on (make hub-test-fast) the harnesses serve on a live port,
        // where the idle timeout applies: the second client's connection, opened at the start,
        // is first used after the 20 s Retry-After below, past the default 30 s on a loaded run.
        let first = try await HubHarness(overrides: overrides, databaseURL: database, idleTimeoutSeconds: 300)
        let second = try await HubHarness(overrides: overrides, databaseURL: database, idleTimeoutSeconds: 300)
        let settings = SyncSchedulerSettings(enabled: true, tickSeconds: 1, concurrency: 1)
        // Long enough that the first process is still waiting when the test stops it: with 5 s, a
        // loaded fresh-clone run polled past the wait, the first run read the page and completed,
        // and no job was due for the second process.
        let retryAfter = 20.0
        try await first.run { a in
            try await second.run { b in
                let endUser = "rate-\(UUID().uuidString.prefix(8))"
                _ = try await a.openLinkSession(endUser: endUser, connectors: ["zelt"])
                let form = try await a.request(.get, "/link/connectors/zelt/oauth")
                let start = try await a.submit("/link/connectors/zelt/oauth", from: form, values: oauthClient.fields)
                let callback = try await Browser.callbackURL(for: try #require(URL(string: start.location ?? "")))
                _ = try await a.request(.get, callback.path + "?" + (callback.query ?? ""))
                let accounts = try #require(try await a.api(.get, "/v1/accounts?endUserId=\(endUser)").json["accounts"] as? [[String: Any]])
                let id = try #require(accounts.first?["id"] as? String)
                // Only this account's job is due in the shared database.
                let others = try #require(try await a.api(.get, "/v1/accounts").json["accounts"] as? [[String: Any]])
                for other in others.compactMap({ $0["id"] as? String }) where other != id {
                    _ = try await a.api(.post, "/v1/accounts/\(other)/syncs/users/pause")
                }

                // The first process's run gets 429 Retry-After: 20 and waits; it stops mid-wait
                // (its task is cancelled, as at shutdown), releasing the job due now.
                try await SyncStatusTests.fail(provider, status: 429, retryAfter: "\(Int(retryAfter))", times: 1, on: server)
                let running = Task { await first.hub.runDueSyncs(settings) }
                var limited: Double?
                for _ in 0..<1_000 where limited == nil {  // a bound on polls, not a time limit
                    limited = try await SyncStatusTests.requests(provider, on: server).first { $0.status == 429 }?.at
                    if limited == nil { try await Task.sleep(nanoseconds: 10_000_000) }
                }
                let limitedAt = try #require(limited, "the provider answered 429")
                // The first process writes the wait right after the answer (polled; the bound ends
                // well before the Retry-After, so a Hub that keeps no shared wait fails below).
                for _ in 0..<200 where try await first.hub.syncs.store.waitLeft(account: id) == 0 {
                    try await Task.sleep(nanoseconds: 10_000_000)
                }
                running.cancel()
                _ = await running.value
                let beforeTakeover = try await SyncStatusTests.requests(provider, on: server)
                check(!beforeTakeover.contains { $0.at > limitedAt }, "the first process was stopped while it waited")

                // The second process takes the job over at once: its first request waits.
                check(await second.hub.runDueSyncs(settings) >= 1, "the job was released due now")
                let requests = try await SyncStatusTests.requests(provider, on: server)
                let after = requests.filter { $0.at > limitedAt }
                check(!after.isEmpty, "the second process read the users")
                for request in after {
                    check(request.at >= limitedAt + retryAfter - 0.01, "a request \(request.at - limitedAt) s after the 429, before its Retry-After")
                }
                checkEqual(after.last?.status, 200)
                let entry = try await SyncStatusTests.entry(b, id)
                checkEqual((entry["lastRun"] as? [String: Any])?["outcome"] as? String, "succeeded")
                checkEqual(entry["records"] as? Int, 1)
            }
        }
        await first.hub.shutdown()
        await second.hub.shutdown()
    }
}
