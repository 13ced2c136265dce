@testable import ConnectorHub
import ConnectorRuntime
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The proxy's fast path (docs/hub.md, "Fifth pass on issue 19"), on a live Hub with the `nio`
/// transport: that it serves the common case (its counter, never a time), that every rule of the
/// proxy holds on it, and that what it does not cover takes the regular path with the regular
/// answer. Upstreams are real servers: a loopback HTTP server recording what it receives, and the
/// Authlib emulation for OAuth (refresh, 401 then refresh and retry, revocation).
@Suite(.authServer) struct ProxyFastPathTests {
    /// A Smartsheet account (a static bearer token) whose API is `upstream`.
    /// `fast: false`: the regular path on the same transport, for comparison (``HubHarness/runLive(_:)``).
    static func smartsheet(_ upstream: LocalHTTPServer, fast: Bool = true) async throws -> (HubHarness, String) {
        let harness = try await HubHarness(
            overrides: ["smartsheet_iam": ["api.smartsheet.com": upstream.url("")]], port: 0, proxyFastPath: fast, transport: .nio)
        let account = try await harness.hub.importAccount(
            endUserID: "user-1", endUserName: "Ada", connectorID: "smartsheet_iam", variantID: "access_token",
            values: ["region": "smartsheet.com", "accessToken": "upstream-token"])
        return (harness, account.id)
    }

    /// An upstream that answers `{"data":[]}` with extra fields the proxy must not pass on, and
    /// the status a path names (`/2.0/status/503`; the account's base URL ends in `/2.0`).
    static func upstream(_ received: Received) throws -> LocalHTTPServer {
        try LocalHTTPServer { request in
            received.append(request)
            let status = request.path.hasPrefix("/2.0/status/") ? Int(request.path.dropFirst(12).prefix(3)) ?? 200 : 200
            return LocalHTTPServer.Response(
                status: status,
                headers: [("Content-Type", "application/json"), ("Set-Cookie", "upstream=1"), ("X-Upstream-Secret", "s3cret"),
                          ("Retry-After", "7")],
                body: Data(#"{"data":[]}"#.utf8))
        }
    }

    /// Caches the account's record and connection (a request on the regular path when they are
    /// not cached, or no longer trusted: SQLite's records are trusted for 5 s), so that the next
    /// request meets the fast path's conditions whatever the load made the test's pace.
    static func warm(_ client: HubClient, _ id: String) async throws {
        let reply = try await client.api(.get, "/v1/accounts/\(id)/proxy/users")
        try #require(reply.status == 200, "\(reply.status) \(reply.text.prefix(300))")
    }

    /// An app API call with the app key and `headers`.
    static func call(
        _ client: HubClient, _ method: HTTPTypes.HTTPRequest.Method, _ uri: String, headers: HTTPFields = [:], body: String? = nil
    ) async throws -> HubClient.Reply {
        var fields = headers
        fields[.authorization] = "Bearer \(HubHarness.appKey)"
        return try await client.request(method, uri, headers: fields, body: body)
    }

    @Test func theFastPathServesACachedAccountAndAnswersAsTheRegularPath() async throws {
        let received = Received()
        let server = try Self.upstream(received)
        defer { server.stop() }
        let (fast, id) = try await Self.smartsheet(server)
        let (regular, regularID) = try await Self.smartsheet(server, fast: false)
        let regularReply = try await regular.runLive { client, _ in
            try await Self.call(client, .get, "/v1/accounts/\(regularID)/proxy/users?page=2", headers: [.accept: "application/json"])
        }
        try await fast.run { client in
            // The first request reads the account record and makes its connection: the regular path.
            checkEqual(try await client.api(.get, "/v1/accounts/\(id)/proxy/users").status, 200)
            let before = try #require(fast.hub.proxyFastPathStats)
            checkEqual(before.served, 0, "the first request of an account took the regular path")
            let reply = try await Self.call(client, .get, "/v1/accounts/\(id)/proxy/users?page=2", headers: [.accept: "application/json"])
            checkEqual(reply.status, 200)
            checkEqual(reply.text, #"{"data":[]}"#)
            let after = try #require(fast.hub.proxyFastPathStats)
            checkEqual(after.served, before.served + 1, "the fast path served it")
            checkEqual(after.handedOff, before.handedOff)
            // The same fields as the regular path's answer (the date aside).
            func fields(_ reply: HubClient.Reply) -> [String] {
                reply.headers.filter { $0.name != .date }.map { "\($0.name.canonicalName.lowercased()): \($0.value)" }.sorted()
            }
            checkEqual(fields(reply), fields(regularReply), "the fast path answers with the regular path's fields")
            check(reply.headers[.date] != nil)
            check(reply.headers[.setCookie] == nil && reply.headers[HTTPTypes.HTTPField.Name("X-Upstream-Secret")!] == nil, "only Content-Type comes back")
            checkEqual(reply.headers[.contentSecurityPolicy], regularReply.headers[.contentSecurityPolicy])
            checkEqual(reply.headers[.xContentTypeOptions], "nosniff")
        }
        let requests = received.all
        let paged = requests.filter { $0.path == "/2.0/users?page=2" }
        checkEqual(paged.count, 2, "one from each path")
        let (fromFast, fromRegular) = (try #require(paged.last), paged[0])
        checkEqual(fromFast.headers, fromRegular.headers, "the upstream receives the same request from both paths")
        checkEqual(fromFast.headers["authorization"], "Bearer upstream-token", "with the account's credential")
    }

    @Test func requestFieldsOutsideTheAllowListAndTheAppKeyNeverReachTheProvider() async throws {
        let received = Received()
        let server = try Self.upstream(received)
        defer { server.stop() }
        let (harness, id) = try await Self.smartsheet(server)
        try await harness.run { client in
            checkEqual(try await client.api(.get, "/v1/accounts/\(id)/proxy/users").status, 200, "caches the account")
            let before = try #require(harness.hub.proxyFastPathStats)
            let reply = try await Self.call(
                client, .post, "/v1/accounts/\(id)/proxy/sheets", headers: [
                    .contentType: "application/json", .cookie: "session=abc", HTTPTypes.HTTPField.Name("X-Forwarded-For")!: "10.0.0.1",
                    .ifMatch: "\"v1\"", HTTPTypes.HTTPField.Name("X-Api-Key")!: "leak",
                ], body: #"{"name":"Q3"}"#)
            checkEqual(reply.status, 200)
            checkEqual(try #require(harness.hub.proxyFastPathStats).served, before.served + 1)
        }
        let request = try #require(received.all.last)
        checkEqual(request.method, "POST")
        checkEqual(String(decoding: request.body, as: UTF8.self), #"{"name":"Q3"}"#, "the body as sent")
        for name in ["cookie", "x-forwarded-for", "x-api-key"] { check(request.headers[name] == nil, "\(name) is not forwarded") }
        checkEqual(request.headers["content-type"], "application/json")
        checkEqual(request.headers["if-match"], "\"v1\"")
        checkEqual(request.headers["authorization"], "Bearer upstream-token", "the account's credential, not the app key")
        checkEqual(request.headers["content-length"], "13")
    }

    @Test func everyRefusalTakesTheRegularPathWithItsAnswer() async throws {
        let received = Received()
        let server = try Self.upstream(received)
        defer { server.stop() }
        let (harness, id) = try await Self.smartsheet(server)
        try await harness.run { client in
            _ = try await client.api(.get, "/v1/accounts/\(id)/proxy/users")
            let before = try #require(harness.hub.proxyFastPathStats)
            let sent = received.all.count
            checkEqual(try await client.api(.get, "/v1/accounts/\(id)/proxy/users", key: "wrong-key").status, 401, "app key")
            checkEqual(try await client.request(.get, "/v1/accounts/\(id)/proxy/users").status, 401, "no app key")
            checkEqual(try await client.api(.get, "/v1/accounts/acc_unknown/proxy/users").status, 404, "unknown account")
            for path in ["../../admin", "%2e%2e/x", "a//users", "users;x", "%252e%252e/x", "a%2Fb"] {
                let reply = try await client.api(.get, "/v1/accounts/\(id)/proxy/\(path)")
                checkEqual(reply.status, 400, "path \(path)")
            }
            let tooLarge = try await client.request(
                .post, "/v1/accounts/\(id)/proxy/upload", headers: [.authorization: "Bearer \(HubHarness.appKey)"],
                body: String(repeating: "x", count: 10 * 1024 * 1024 + 1))
            checkEqual(tooLarge.status, 413, "the body limit")
            checkEqual(try #require(harness.hub.proxyFastPathStats), before, "none of these was forwarded by the fast path")
            checkEqual(received.all.count, sent, "and none reached the provider")
        }
    }

    @Test func statusesTheConnectionActsOnAreHandedToTheRegularPath() async throws {
        let received = Received()
        let server = try Self.upstream(received)
        defer { server.stop() }
        let (fast, id) = try await Self.smartsheet(server)
        let (regular, regularID) = try await Self.smartsheet(server, fast: false)
        let statuses = [500, 503, 429, 401, 403, 302]
        let handedOff = try await regular.runLive { regularClient, _ in
            try await fast.run { client in
                checkEqual(try await client.api(.get, "/v1/accounts/\(id)/proxy/users").status, 200, "caches the account")
                var handedOff = 0
                for status in statuses {
                    let expected = try await regularClient.api(.get, "/v1/accounts/\(regularID)/proxy/status/\(status)")
                    try await Self.warm(client, id)
                    let before = try #require(fast.hub.proxyFastPathStats)
                    let reply = try await client.api(.get, "/v1/accounts/\(id)/proxy/status/\(status)")
                    checkEqual(reply.status, expected.status, "\(status)")
                    checkEqual(reply.text, expected.text, "\(status): the regular path's answer")
                    let after = try #require(fast.hub.proxyFastPathStats)
                    checkEqual(after.served, before.served, "\(status) is never answered by the fast path itself")
                    // Handed off; or, when a loaded machine let SQLite's 5 s trust in the cached
                    // record lapse since the warm-up, taken by the regular path from the start.
                    check(after.handedOff - before.handedOff <= 1)
                    handedOff += after.handedOff - before.handedOff
                }
                return handedOff
            }
        }
        check(handedOff >= statuses.count - 1, "the fast path sent them and handed the answers over (\(handedOff) of \(statuses.count))")
        checkEqual(received.all.filter { $0.path == "/2.0/status/500" }.count, 2, "each path sent it once: no second send on a handoff")
    }

    // MARK: Order and keep-alive around handoffs

    /// The statuses a request of each kind gets, asked one at a time: a proxied request the fast
    /// path serves, two it hands off (the upstream's 503 and 401), and an app API call it never takes.
    static func kinds(_ client: HubClient, _ id: String) async throws -> [(target: String, status: Int)] {
        var kinds: [(target: String, status: Int)] = []
        for target in ["/v1/accounts/\(id)/proxy/users", "/v1/accounts/\(id)/proxy/status/503", "/v1/accounts/\(id)",
                       "/v1/accounts/\(id)/proxy/status/401"] {
            kinds.append((target, try await client.api(.get, target).status))
        }
        return kinds
    }

    /// Requests written back to back on one connection, without waiting for answers (HTTP/1.1
    /// pipelining), mixing fast, handed-off and regular ones in an order that changes per round:
    /// every one is answered, in order, and the Hub closes the connection only after the last
    /// (which asks for it). Parts that arrive while a fast exchange or a handoff is pending wait
    /// in the fast path's handler; the regular path must get them in order after the handoff.
    @Test(arguments: [true, false]) func pipelinedRequestsAroundHandoffsAreAllAnsweredInOrder(fast: Bool) async throws {
        let received = Received()
        let server = try Self.upstream(received)
        defer { server.stop() }
        let (harness, id) = try await Self.smartsheet(server, fast: fast)
        let body: @Sendable (HubClient, Int) async throws -> Void = { client, port in
            let kinds = try await Self.kinds(client, id)
            let before = harness.hub.proxyFastPathStats
            var generator = SplitMix(seed: 19)
            for round in 0..<12 {
                try await Self.warm(client, id)
                let picks = (0..<24).map { _ in Int(generator.next() % UInt64(kinds.count)) }
                var text = ""
                for (index, pick) in picks.enumerated() {
                    text += "GET \(kinds[pick].target) HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(HubHarness.appKey)\r\n"
                    text += index == picks.count - 1 ? "Connection: close\r\n\r\n" : "\r\n"
                }
                let connection = try RawConnection(port: port)
                try connection.send(text)
                let (answer, closed) = await connection.readUntilClosed()
                // The bodies are JSON without a line end: each status line starts right after one.
                let statuses = answer.components(separatedBy: "HTTP/1.1 ").dropFirst().map { Int($0.prefix(3)) ?? 0 }
                checkEqual(statuses, picks.map { kinds[$0].status }, "round \(round): every request answered, in order")
                check(closed, "round \(round): closed after the last answer")
            }
            if fast, let before, let after = harness.hub.proxyFastPathStats {
                check(after.served > before.served, "the fast path served some")
                check(after.handedOff > before.handedOff, "and handed some off")
            }
        }
        if fast {
            try await harness.run { client in try await body(client, try #require(client.client.port)) }
        } else {
            try await harness.runLive(body)
        }
    }

    /// Handoffs one after another on the test client's keep-alive connection, between fast and
    /// regular requests: the connection stays open and every answer is the regular path's.
    @Test func repeatedHandoffsKeepTheConnectionOpen() async throws {
        let received = Received()
        let server = try Self.upstream(received)
        defer { server.stop() }
        let (harness, id) = try await Self.smartsheet(server)
        try await harness.run { client in
            let kinds = try await Self.kinds(client, id)
            let before = try #require(harness.hub.proxyFastPathStats)
            for round in 0..<60 {
                for kind in kinds {
                    checkEqual(try await client.api(.get, kind.target).status, kind.status, "round \(round): \(kind.target)")
                }
            }
            let after = try #require(harness.hub.proxyFastPathStats)
            check(after.handedOff - before.handedOff > 60, "handed off: \(after.handedOff - before.handedOff)")
        }
    }

    // MARK: OAuth: what falls through

    /// A linked Zelt account (OAuth, refresh with the redirect URI) on a fast-path Hub.
    static func zelt(
        _ server: TestServer, tokenLifetime: Int? = nil
    ) async throws -> (EmulatedProvider, EmulatedClient, HubHarness) {
        let provider = try await server.emulate("zelt", paths: ProviderPaths(authorize: "/", token: "/apiv2/oauth/authorize/token"))
        let redirect = URL(string: "http://127.0.0.1:8080/connect/oauth2/zelt/callback")!
        var options = ClientOptions(refreshRedirectURI: true)
        if let tokenLifetime { options.tokenLifetime = tokenLifetime }
        let oauthClient = try await server.registerClient("zelt", options, redirectURI: redirect)
        let harness = try await HubHarness(overrides: ["zelt": provider.overrides(["go.zelt.app"])], port: 0, proxyFastPath: true)
        return (provider, oauthClient, harness)
    }

    static func link(_ client: HubClient, _ oauthClient: EmulatedClient) async throws -> String {
        _ = try await client.openLinkSession(connectors: ["zelt"])
        let form = try await client.request(.get, "/link/connectors/zelt/oauth")
        let start = try await client.submit("/link/connectors/zelt/oauth", from: form, values: oauthClient.fields)
        let callback = try await Browser.callbackURL(for: try #require(URL(string: start.location ?? "")))
        _ = try await client.request(.get, callback.path + "?" + (callback.query ?? ""))
        let accounts = try #require(try await client.api(.get, "/v1/accounts").json["accounts"] as? [[String: Any]])
        return try #require(accounts.first?["id"] as? String)
    }

    @Test func aTokenThatExpiredAtTheProviderIsRefreshedAndRetriedByTheRegularPath() async throws {
        let server = try TestServer.current(.auth)
        let (_, oauthClient, harness) = try await Self.zelt(server)
        try await harness.run { client in
            let id = try await Self.link(client, oauthClient)
            let first = try await client.api(.get, "/v1/accounts/\(id)/proxy/users")
            checkEqual(first.status, 200, first.text)
            try await Self.warm(client, id)
            let primed = try #require(harness.hub.proxyFastPathStats)
            let refreshes = try await server.tokenRequests(oauthClient)["refresh_token"] ?? 0
            try await server.expireAccessTokens(oauthClient)
            let proxied = try await client.api(.get, "/v1/accounts/\(id)/proxy/users")
            checkEqual(proxied.status, 200, "refreshed and retried: \(proxied.text.prefix(300))")
            checkEqual(try await server.tokenRequests(oauthClient)["refresh_token"] ?? 0, refreshes + 1, "one refresh")
            let after = try #require(harness.hub.proxyFastPathStats)
            checkEqual(after.handedOff, primed.handedOff + 1, "the fast path's 401 was handed to the regular path")
            checkEqual(after.served, primed.served)
            // The refresh changed the account record (its last refresh): the next request reads it
            // again on the regular path, the ones after are fast again with the new token. SQLite's
            // record is trusted for 5 s, and on a loaded machine (the whole suite, 29 s for this
            // test once) the request after a re-read can come later than that: four requests, of
            // which the fast path takes at least one.
            for _ in 0..<4 { checkEqual(try await client.api(.get, "/v1/accounts/\(id)/proxy/users").status, 200) }
            check(try #require(harness.hub.proxyFastPathStats).served > after.served, "the new token is cached: the fast path again")
        }
    }

    /// The previous test, ten times on one connection, in six Hubs at once (each with its own
    /// OAuth client at the provider): each time the provider expires the token, the fast path's
    /// 401 goes to the regular path, which refreshes and retries; the connection the test client
    /// keeps open serves the next round.
    @Test(arguments: 0..<6) func tokensThatExpireAgainAndAgainAreRefreshedOnOneConnection(instance: Int) async throws {
        let server = try TestServer.current(.auth)
        let (_, oauthClient, harness) = try await Self.zelt(server)
        try await harness.run { client in
            let id = try await Self.link(client, oauthClient)
            checkEqual(try await client.api(.get, "/v1/accounts/\(id)/proxy/users").status, 200)
            let before = try #require(harness.hub.proxyFastPathStats)
            for round in 0..<10 {
                try await Self.warm(client, id)
                try await Self.warm(client, id)
                try await server.expireAccessTokens(oauthClient)
                let proxied = try await client.api(.get, "/v1/accounts/\(id)/proxy/users")
                checkEqual(proxied.status, 200, "\(instance), round \(round): refreshed and retried: \(proxied.text.prefix(300))")
            }
            check(try #require(harness.hub.proxyFastPathStats).handedOff > before.handedOff, "the fast path handed 401s off")
        }
    }

    @Test func aTokenDueForRefreshTakesTheRegularPath() async throws {
        let server = try TestServer.current(.auth)
        // Tokens live 2 s; the refresh margin is half of that.
        let (_, oauthClient, harness) = try await Self.zelt(server, tokenLifetime: 2)
        try await harness.run { client in
            let id = try await Self.link(client, oauthClient)
            checkEqual(try await client.api(.get, "/v1/accounts/\(id)/proxy/users").status, 200)
            try await Task.sleep(for: .seconds(2.5))
            let before = try #require(harness.hub.proxyFastPathStats)
            let refreshes = try await server.tokenRequests(oauthClient)["refresh_token"] ?? 0
            checkEqual(try await client.api(.get, "/v1/accounts/\(id)/proxy/users").status, 200)
            checkEqual(try await server.tokenRequests(oauthClient)["refresh_token"] ?? 0, refreshes + 1, "refreshed first")
            checkEqual(try #require(harness.hub.proxyFastPathStats), before, "neither served nor handed off by the fast path")
        }
    }

    @Test func aRevokedAccountAnswers409AsBefore() async throws {
        let server = try TestServer.current(.auth)
        let (_, oauthClient, harness) = try await Self.zelt(server)
        try await harness.run { client in
            let id = try await Self.link(client, oauthClient)
            checkEqual(try await client.api(.get, "/v1/accounts/\(id)/proxy/users").status, 200)
            try await Self.warm(client, id)
            try await server.revokeAll(oauthClient)
            let before = try #require(harness.hub.proxyFastPathStats)
            let proxied = try await client.api(.get, "/v1/accounts/\(id)/proxy/users")
            checkEqual(proxied.status, 409)
            checkEqual(proxied.json["error"] as? String, "reconnect_required")
            checkEqual(try #require(harness.hub.proxyFastPathStats).handedOff, before.handedOff + 1, "the 401 went to the regular path")
            checkEqual(try await client.api(.get, "/v1/accounts/\(id)").json["status"] as? String, "reconnect_required")
            let again = try await client.api(.get, "/v1/accounts/\(id)/proxy/users")
            checkEqual(again.status, 409)
            checkEqual(
                try #require(harness.hub.proxyFastPathStats).handedOff, before.handedOff + 1,
                "a reconnect-required account is answered by the regular path, without a request to the provider")
            checkEqual(try #require(harness.hub.proxyFastPathStats).served, before.served)
        }
    }
}

/// Which request targets the fast path reads itself (``ConnectorHubService/proxyTarget(_:)``):
/// only those the regular path would read the same way; everything else falls through.
@Suite struct ProxyFastPathTargetTests {
    @Test func theIdPathAndQueryAreSplitAsTheRouterAndTheRouteSplitThem() throws {
        let parts = try #require(ConnectorHubService.proxyTarget("/v1/accounts/bamboohr.acc_1/proxy/v1/employees/directory?fields=name&x=%20"))
        checkEqual(parts.id, "bamboohr.acc_1")
        checkEqual(parts.path, "v1/employees/directory")
        checkEqual(parts.query, "fields=name&x=%20")
        let bare = try #require(ConnectorHubService.proxyTarget("/v1/accounts/a/proxy/users?"))
        checkEqual(bare.query, "", "an empty query (the regular path drops its `?`)")
        checkEqual(ConnectorHubService.proxyTarget("/v1/accounts/a/proxy/users")?.query, nil)
    }

    @Test func targetsTheRegularPathWouldReadDifferentlyFallThrough() {
        for target in [
            "/v1/accounts/a/proxy/", "/v1/accounts/a/proxy/?q=1", "/v1/accounts//proxy/users", "/v1/accounts/a%2Fb/proxy/users",
            "/v1/accounts/a/proxyusers", "/v1/accounts/a/unified/users", "/v1/accounts/a", "/v2/accounts/a/proxy/users",
            "/v1/accounts/a/proxy/100%", "/v1/accounts/a/proxy/a%2", "/v1/accounts/a/proxy/a%zz", "/v1/accounts/a/proxy/caf\u{e9}",
            "/v1/accounts/a/proxy/a b", "/v1/accounts/a/proxy/a|b", "/v1/accounts/a/proxy/a#frag", "/v1/accounts/a/proxy/a\\b",
            "/v1/accounts/a/proxy/a?x=<y>", "http://hub/v1/accounts/a/proxy/users",
        ] {
            check(ConnectorHubService.proxyTarget(target) == nil, "\(target) falls through")
        }
    }
}

/// A seeded generator (SplitMix64), so a test's "random" order is the same on every run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
