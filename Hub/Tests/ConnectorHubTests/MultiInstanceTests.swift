import ConnectorHub
import ConnectorRuntime
import Foundation
import HTTPTypes
import Testing

/// Two Hub instances on one PostgreSQL database, each with its own connection pools, stores and
/// connection cache (as two processes have): the same accounts on both, a link started on one
/// completed on the other, one token request when both hit an expired token. Runs under
/// `make hub-test`, whose scripts/postgres.sh sets CONNECTOR_TEST_POSTGRES_URL.
/// Serialized: two instances at a time connect and migrate, next to the store suites that share
/// the server.
@Suite(.authServer, .serialized, .enabled(if: ProcessInfo.processInfo.environment["CONNECTOR_TEST_POSTGRES_URL"] != nil))
struct MultiInstanceTests {
    @Test func twoInstancesShareAccountsCompleteEachOthersLinksAndRefreshOnce() async throws {
        let database = try #require(ProcessInfo.processInfo.environment["CONNECTOR_TEST_POSTGRES_URL"])
        let server = try TestServer.current(.auth)
        let provider = try await server.emulate("zelt", paths: ProviderPaths(authorize: "/", token: "/apiv2/oauth/authorize/token"))
        let redirect = URL(string: "http://127.0.0.1:8080/connect/oauth2/zelt/callback")!
        let oauthClient = try await server.registerClient("zelt", ClientOptions(refreshRedirectURI: true), redirectURI: redirect)
        let setup: [String: [String: String]] = [:]
        let overrides = ["zelt": provider.overrides(["go.zelt.app"])]
        let first = try await HubHarness(setup: setup, overrides: overrides, databaseURL: database)
        let second = try await HubHarness(setup: setup, overrides: overrides, databaseURL: database)
        let endUser = "multi-\(UUID().uuidString.prefix(8))"
        try await first.run { a in
            try await second.run { b in
                // Started on the first instance...
                _ = try await a.openLinkSession(endUser: endUser, connectors: ["zelt"])
                let form = try await a.request(.get, "/link/connectors/zelt/oauth")
                let start = try await a.submit("/link/connectors/zelt/oauth", from: form, values: oauthClient.fields)
                let callback = try await Browser.callbackURL(for: try #require(URL(string: start.location ?? "")))
                // ...completed on the second, with the same browser.
                b.adoptCookies(of: a)
                let done = try await b.request(.get, callback.path + "?" + (callback.query ?? ""))
                check(done.text.contains("Zelt is connected"), "\(done.text.prefix(400))")

                let listA = try #require(try await a.api(.get, "/v1/accounts?endUserId=\(endUser)").json["accounts"] as? [[String: Any]])
                let listB = try #require(try await b.api(.get, "/v1/accounts?endUserId=\(endUser)").json["accounts"] as? [[String: Any]])
                checkEqual(listA.count, 1)
                checkEqual(listA.first?["id"] as? String, listB.first?["id"] as? String, "one account, seen by both")
                let id = try #require(listA.first?["id"] as? String)

                // Both cache a valid token, then the provider expires it: both get a 401 at once.
                checkEqual(try await a.api(.get, "/v1/accounts/\(id)/proxy/users").status, 200)
                checkEqual(try await b.api(.get, "/v1/accounts/\(id)/proxy/users").status, 200)
                let before = try await server.tokenRequests(oauthClient)["refresh_token"] ?? 0
                try await server.expireAccessTokens(oauthClient)
                async let fromA = a.api(.get, "/v1/accounts/\(id)/proxy/users")
                async let fromB = b.api(.get, "/v1/accounts/\(id)/proxy/users")
                let (replyA, replyB) = try await (fromA, fromB)
                checkEqual(replyA.status, 200)
                checkEqual(replyB.status, 200)
                let after = try await server.tokenRequests(oauthClient)["refresh_token"] ?? 0
                checkEqual(after - before, 1, "one token request for the expiry, across both instances")
            }
        }
        await first.hub.shutdown()
        await second.hub.shutdown()
    }

    /// Each instance trusts its cached account record for an hour here, so only PostgreSQL's
    /// change notification can make the second see what the first did.
    @Test func aRemovalOnOneInstanceReachesTheOthersCacheAndCachedProxyingSendsNoStatement() async throws {
        let database = try #require(ProcessInfo.processInfo.environment["CONNECTOR_TEST_POSTGRES_URL"])
        let server = try TestServer.current(.auth)
        let key = "bamboo-\(UUID().uuidString.lowercased())"
        let provider = try await server.emulate("bamboohr", credentials: .basic(username: key, password: "x"))
        let overrides = ["bamboohr": provider.overrides(["api.bamboohr.com"])]
        let first = try await HubHarness(overrides: overrides, databaseURL: database, accountCacheSeconds: 3600)
        let account = try await first.hub.importAccount(
            endUserID: "multi-\(UUID().uuidString.prefix(8))", endUserName: "Ada", connectorID: "bamboohr", variantID: "api_key",
            values: ["companyDomain": "acme", "apiKey": key])
        // The second starts after the import, so the import's own notification cannot reach it
        // after it cached the record (which would cost one more read below).
        let second = try await HubHarness(overrides: overrides, databaseURL: database, accountCacheSeconds: 3600)
        try await eventually("both instances listen for account changes") {
            let firstFollows = await first.hub.followsAccountChanges
            let secondFollows = await second.hub.followsAccountChanges
            return firstFollows && secondFollows
        }
        let proxied = "/v1/accounts/\(account.id)/proxy/employees/directory"
        try await first.run { a in
            try await second.run { b in
                checkEqual(try await b.api(.get, proxied).status, 200)
                let before = (second.hub.tokenStoreStatements ?? -1) + second.hub.recordStoreStatements
                for _ in 0..<20 { checkEqual(try await b.api(.get, proxied).status, 200) }
                let after = (second.hub.tokenStoreStatements ?? -1) + second.hub.recordStoreStatements
                checkEqual(after - before, 0, "a proxied request with a cached token and record sends no statement")

                checkEqual(try await a.api(.delete, "/v1/accounts/\(account.id)").status, 200)
                try await eventually("the second instance to see the removal") { (try? await b.api(.get, proxied).status) == 404 }
            }
        }
        await first.hub.shutdown()
        await second.hub.shutdown()
    }

    /// Polls `condition` (every 50 ms, for at most a minute: a deadline, not a timed assertion).
    private func eventually(_ what: String, _ condition: @Sendable () async -> Bool) async throws {
        for _ in 0..<1200 {
            if await condition() { return }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        Issue.record("timed out waiting for \(what)")
    }
}
