@testable import ConnectorHub
import ConnectorRuntime
import Foundation
import HTTPTypes
import Testing

/// Syncs end to end through the Hub: a Zelt account linked over OAuth against the Authlib provider
/// emulation, whose `/apiv2/users` answer the test changes between runs; the scheduler's tick
/// (`runDueSyncs`, the loop's body) runs the jobs with the account's real connection and the
/// generated list operation, and the app reads the change feed through the app API.
@Suite(.authServer) struct SyncHubTests {
    static let paths = ProviderPaths(authorize: "/", token: "/apiv2/oauth/authorize/token")

    /// Re-registers the emulated provider under the same name with other users (tokens stay).
    func serve(_ users: [[String: any Sendable]], as provider: EmulatedProvider, on server: TestServer) async throws {
        try await server.control("POST", "/_control/providers", json: [
            "name": provider.name, "authorize_path": Self.paths.authorize, "token_path": Self.paths.token,
            "responses": ["/apiv2/users": users],
        ])
    }

    func changes(_ client: HubClient, _ account: String, after cursor: String?) async throws -> (list: [String], cursor: String) {
        let reply = try await client.api(.get, "/v1/accounts/\(account)/changes" + (cursor.map { "?after=\($0)" } ?? ""))
        checkEqual(reply.status, 200, reply.text)
        let list = (reply.json["changes"] as? [[String: Any]] ?? []).map { change in
            let record = change["record"] as? [String: Any] ?? [:]
            return "\(change["type"] ?? "") \(change["id"] ?? "") \(record["firstName"] ?? "")"
        }
        return (list, try #require(reply.json["nextCursor"] as? String))
    }

    static func eventType(_ request: LocalHTTPServer.Request) -> String? {
        (try? JSONSerialization.jsonObject(with: request.body) as? [String: Any])?["type"] as? String
    }

    @Test func aLinkedAccountsChangesArriveAsAddedUpdatedAndDeletedAcrossRuns() async throws {
        let server = try TestServer.current(.auth)
        let provider = try await server.emulate("zelt", paths: Self.paths)
        try await serve([["userId": 1, "firstName": "Ada"], ["userId": 2, "firstName": "Bo"]], as: provider, on: server)
        let redirect = URL(string: "http://127.0.0.1:8080/connect/oauth2/zelt/callback")!
        let oauthClient = try await server.registerClient("zelt", ClientOptions(refreshRedirectURI: true), redirectURI: redirect)
        let received = Received()
        let receiver = try LocalHTTPServer { request in
            received.append(request)
            return LocalHTTPServer.Response(status: 204)
        }
        defer { receiver.stop() }
        let harness = try await HubHarness(overrides: ["zelt": provider.overrides(["go.zelt.app"])], webhookURL: receiver.url("/hooks"))
        let hub = harness.hub
        let settings = SyncSchedulerSettings(enabled: true, tickSeconds: 1, concurrency: 2)
        try await harness.run { client in
            _ = try await client.openLinkSession(connectors: ["zelt"])
            let form = try await client.request(.get, "/link/connectors/zelt/oauth")
            let start = try await client.submit("/link/connectors/zelt/oauth", from: form, values: oauthClient.fields)
            let callback = try await Browser.callbackURL(for: try #require(URL(string: start.location ?? "")))
            let done = try await client.request(.get, callback.path + "?" + (callback.query ?? ""))
            check(done.text.contains("Zelt is connected"), "linked")
            let accounts = try #require(try await client.api(.get, "/v1/accounts").json["accounts"] as? [[String: Any]])
            let id = try #require(accounts.first?["id"] as? String)

            let status = try await client.api(.get, "/v1/accounts/\(id)/syncs")
            checkEqual(status.status, 200)
            checkEqual((status.json["syncs"] as? [[String: Any]])?.compactMap { $0["resource"] as? String }, ["users"])

            // First run: every user ADDED.
            checkEqual(await hub.runDueSyncs(settings), 1, "one job: the account's users")
            let first = try await changes(client, id, after: nil)
            checkEqual(first.list.sorted(), ["ADDED 1 Ada", "ADDED 2 Bo"])
            checkEqual(try await changes(client, id, after: first.cursor).list, [], "nothing after the cursor")
            // The signed records.changed webhook: counts, resource, and the cursor to read them from.
            let hooks = received.all.filter { Self.eventType($0) == "records.changed" }
            checkEqual(hooks.count, 1, "one records.changed for the run")
            let hook = try #require(hooks.first)
            check(WebhookSignature.verify(header: hook.headers["connector-hub-signature"] ?? "", body: hook.body, secret: "whsec-test"), "signed")
            let event = try #require(try JSONSerialization.jsonObject(with: hook.body) as? [String: Any])
            checkEqual(event["resource"] as? String, "users")
            checkEqual((event["account"] as? [String: Any])?["id"] as? String, id)
            checkEqual(event["counts"] as? [String: Int], ["added": 2, "updated": 0, "deleted": 0])
            let hookCursor = try #require(event["cursor"] as? String)
            checkEqual(try await changes(client, id, after: hookCursor).list.sorted(), ["ADDED 1 Ada", "ADDED 2 Bo"], "the webhook's cursor reads the run's changes")

            // At the provider: Ada renamed, Bo deleted, Cy added. Not due yet; run asks for it.
            try await serve([["userId": 1, "firstName": "Ada L"], ["userId": 3, "firstName": "Cy"]], as: provider, on: server)
            checkEqual(await hub.runDueSyncs(settings), 0, "the job is not due before its interval")
            checkEqual(try await client.api(.post, "/v1/accounts/\(id)/syncs/users/run").status, 202)
            checkEqual(await hub.runDueSyncs(settings), 1)
            let second = try await changes(client, id, after: first.cursor)
            checkEqual(second.list.count, 3, "\(second.list)")
            checkEqual(Set(second.list.prefix(2)), ["UPDATED 1 Ada L", "ADDED 3 Cy"])
            checkEqual(second.list.last, "DELETED 2 Bo", "a deletion carries the record as last seen")
            let secondHook = received.all.filter { Self.eventType($0) == "records.changed" }.last
            checkEqual(
                (try? JSONSerialization.jsonObject(with: secondHook?.body ?? Data()) as? [String: Any])?["counts"] as? [String: Int],
                ["added": 1, "updated": 1, "deleted": 1])

            let records = try await client.api(.get, "/v1/accounts/\(id)/records/users")
            checkEqual(records.status, 200)
            checkEqual((records.json["records"] as? [[String: Any]])?.compactMap { $0["firstName"] as? String }, ["Ada L", "Cy"])

            // Paused: a run request does not run it; resumed, it runs, and nothing changed.
            checkEqual(try await client.api(.post, "/v1/accounts/\(id)/syncs/users/pause").status, 202)
            checkEqual(try await client.api(.post, "/v1/accounts/\(id)/syncs/users/run").status, 202)
            checkEqual(await hub.runDueSyncs(settings), 0, "paused")
            let paused = try await client.api(.get, "/v1/accounts/\(id)/syncs")
            checkEqual((paused.json["syncs"] as? [[String: Any]])?.first?["paused"] as? Bool, true)
            checkEqual(try await client.api(.post, "/v1/accounts/\(id)/syncs/users/resume").status, 202)
            checkEqual(await hub.runDueSyncs(settings), 1)
            checkEqual(try await changes(client, id, after: second.cursor).list, [], "an unchanged set makes no change")
            checkEqual(received.all.filter { Self.eventType($0) == "records.changed" }.count, 2, "no webhook for a run without changes")
            let ran = try await client.api(.get, "/v1/accounts/\(id)/syncs")
            checkEqual((ran.json["syncs"] as? [[String: Any]])?.first?["runs"] as? Int, 3)

            // The cursor is bound to the account: another account's id refuses it, a forged one too.
            check(hub.syncCursorPosition(second.cursor, account: id) != nil)
            checkEqual(hub.syncCursorPosition(second.cursor, account: "another-account"), nil)
            let forged = try await client.api(.get, "/v1/accounts/\(id)/changes?after=1.\(String(repeating: "0", count: 32))")
            checkEqual(forged.status, 404)
            checkEqual(forged.json["error"] as? String, "not_found")
            checkEqual(try await client.api(.get, "/v1/accounts/\(id)/records/nothing").status, 404)
            checkEqual(try await client.api(.get, "/v1/accounts/\(id)/changes?limit=0").status, 400)
            checkEqual(try await client.api(.get, "/v1/accounts/\(id)/changes", key: "wrong-key").status, 401)
            checkEqual(try await client.api(.get, "/v1/accounts/nobody/changes").status, 404)
        }
    }

    /// The loop `connector-hub` starts (``ConnectorHubService/startSyncScheduler(_:)``) runs the
    /// job without anyone calling a tick, and ``ConnectorHubService/shutdown()`` stops it.
    @Test func theStartedSchedulerSyncsALinkedAccountUntilTheHubShutsDown() async throws {
        let server = try TestServer.current(.auth)
        let provider = try await server.emulate("zelt", paths: Self.paths)
        try await serve([["userId": 7, "firstName": "Eve"]], as: provider, on: server)
        let redirect = URL(string: "http://127.0.0.1:8080/connect/oauth2/zelt/callback")!
        let oauthClient = try await server.registerClient("zelt", ClientOptions(refreshRedirectURI: true), redirectURI: redirect)
        let harness = try await HubHarness(overrides: ["zelt": provider.overrides(["go.zelt.app"])])
        let hub = harness.hub
        try await harness.run { client in
            _ = try await client.openLinkSession(connectors: ["zelt"])
            let form = try await client.request(.get, "/link/connectors/zelt/oauth")
            let start = try await client.submit("/link/connectors/zelt/oauth", from: form, values: oauthClient.fields)
            let callback = try await Browser.callbackURL(for: try #require(URL(string: start.location ?? "")))
            _ = try await client.request(.get, callback.path + "?" + (callback.query ?? ""))
            let accounts = try #require(try await client.api(.get, "/v1/accounts").json["accounts"] as? [[String: Any]])
            let id = try #require(accounts.first?["id"] as? String)
            checkEqual(try await changes(client, id, after: nil).list, [], "nothing before the scheduler runs")

            hub.startSyncScheduler(SyncSchedulerSettings(enabled: true, tickSeconds: 0.05, concurrency: 1))
            var seen: [String] = []
            // Polls until the loop has run (a bound on polls, not a time limit on the run).
            for _ in 0..<2_000 where seen.isEmpty {
                seen = try await changes(client, id, after: nil).list
                if seen.isEmpty { try await Task.sleep(nanoseconds: 20_000_000) }
            }
            checkEqual(seen, ["ADDED 7 Eve"])
            // The change commits with its page, before the run ends: wait for the run to end too,
            // so the stop below does not cut a run short (a bound on polls, as above).
            var runs = 0
            for _ in 0..<2_000 where runs < 1 {
                let status = try await client.api(.get, "/v1/accounts/\(id)/syncs")
                runs = (status.json["syncs"] as? [[String: Any]])?.first?["runs"] as? Int ?? 0
                if runs < 1 { try await Task.sleep(nanoseconds: 20_000_000) }
            }
            await hub.syncs.stop()
            // Stopped: a run request makes the job due, but no loop claims it.
            checkEqual(try await client.api(.post, "/v1/accounts/\(id)/syncs/users/run").status, 202)
            let status = try await client.api(.get, "/v1/accounts/\(id)/syncs")
            checkEqual((status.json["syncs"] as? [[String: Any]])?.first?["runs"] as? Int, 1)
            checkEqual(await hub.runDueSyncs(SyncSchedulerSettings(concurrency: 1)), 1, "still due: the stopped loop did not take it")
        }
        await hub.shutdown()
    }
}
