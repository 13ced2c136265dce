import ConnectorRuntime
import Foundation
import Testing

/// A clock tests move forward by hand; the Authlib server keeps real time.
final class ServerTestClock: Sendable {
    private let offset = LockedBox<TimeInterval>(0)

    var now: @Sendable () -> Date {
        { [offset] in Date().addingTimeInterval(offset.value) }
    }

    func advance(by seconds: TimeInterval) {
        offset.mutate { $0 += seconds }
    }
}

/// A value behind a lock.
final class LockedBox<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value

    init(_ value: Value) { stored = value }

    var value: Value { lock.withLock { stored } }

    func mutate<T>(_ body: (inout Value) -> T) -> T {
        lock.withLock { body(&stored) }
    }
}

extension TestServer {
    /// An authorization-code connection configuration for a registered client (PKCE required,
    /// rotating refresh tokens), with the API on this server.
    func codeConfiguration(_ client: RegisteredClient, scopes: [String] = ["read"], required: [String] = []) -> ConnectionConfiguration {
        ConnectionConfiguration(
            connectorID: "authlib", variantID: "oauth", baseURL: .fixed(baseURL),
            verification: VerificationRequest(path: "/api/me"),
            auth: .authorizationCode(
                AuthorizationCodeConfiguration(
                    endpoint: endpoint(client, scopes: scopes, required: required), authorizeURL: url("/authorize"), pkce: .required,
                    rotatesRefreshToken: true)))
    }

    /// A client-credentials connection configuration for a registered client.
    func clientCredentialsConfiguration(_ client: RegisteredClient) -> ConnectionConfiguration {
        ConnectionConfiguration(
            connectorID: "authlib", variantID: "client-credentials", baseURL: .fixed(baseURL),
            auth: .clientCredentials(ClientCredentialsConfiguration(endpoint: endpoint(client))))
    }

    /// Links `account` through the whole authorization-code flow: start, follow the authorize
    /// redirect like a browser (auto-consent), complete with the callback URL.
    @discardableResult
    func link(
        _ configuration: ConnectionConfiguration, client: RegisteredClient, account: String, store: any TokenStore,
        transport: any HTTPTransport
    ) async throws -> TokenSet {
        let flow = try AuthorizationCodeFlow(
            configuration: configuration, account: account, store: store, transport: transport, redirectURI: client.redirectURI)
        let (url, pending) = try flow.start()
        let callback = try await Browser.callbackURL(for: url)
        return try await flow.complete(callbackURL: callback, pending: pending)
    }
}

/// ``AuthorizationCodeFlow`` and ``Connection`` against a real OAuth 2.0 authorization server
/// (Authlib, Tests/Servers/authserver.py).
@Suite(.authServer)
struct AuthServerConnectionTests {
    let transport = URLSessionTransport()

    @Test(arguments: [ClientAuthentication.clientSecretBasic, .clientSecretPost])
    func codeFlowWithRequiredPKCELinksTheAccountAndCallsTheAPI(authentication: ClientAuthentication) async throws {
        let server = try TestServer.current(.auth)
        let client = try await server.registerClient("link", authentication: authentication)
        let configuration = server.codeConfiguration(client)
        let flow = try AuthorizationCodeFlow(
            configuration: configuration, account: "acme", store: InMemoryTokenStore(), transport: transport, redirectURI: client.redirectURI)
        let (url, _) = try flow.start()
        let query = Browser.query(url)
        checkEqual(query["code_challenge_method"], "S256")
        checkEqual(query["redirect_uri"], client.redirectURI.absoluteString)

        let store = InMemoryTokenStore()
        let linked = try await server.link(configuration, client: client, account: "acme", store: store, transport: transport)
        checkNotEqual(linked.refreshToken, nil)
        checkEqual(try await store.load(account: "acme")?.accessToken, linked.accessToken)

        let connection = Connection(configuration: configuration, account: "acme", store: store, transport: transport)
        let response = try await connection.send(path: "/api/me")
        checkEqual(response.status, 200)
        check(response.text.contains("\"user\":\"alice\""))
        checkEqual(try await connection.verify()?.status, 200)
        let stats = try await server.stats(client.id)
        checkEqual(stats.tokenRequests, ["authorization_code": 1])
        checkEqual(stats.apiCalls, 2)
    }

    @Test func callbackWithAnotherAttemptsStateIsRejectedBeforeAnyTokenRequest() async throws {
        let server = try TestServer.current(.auth)
        let client = try await server.registerClient("state")
        let flow = try AuthorizationCodeFlow(
            configuration: server.codeConfiguration(client), account: "acme", store: InMemoryTokenStore(), transport: transport,
            redirectURI: client.redirectURI)
        let (firstURL, _) = try flow.start()
        let (_, secondPending) = try flow.start()
        let callback = try await Browser.callbackURL(for: firstURL)
        let error = await connectorError { _ = try await flow.complete(callbackURL: callback, pending: secondPending) }
        guard case .invalidCallback = error else {
            Issue.record("Expected invalidCallback, got \(String(describing: error))")
            return
        }
        checkEqual(try await server.stats(client.id).tokenRequestsTotal, 0)
    }

    @Test func callbackCanBeCompletedOnlyOnce() async throws {
        let server = try TestServer.current(.auth)
        let client = try await server.registerClient("once")
        let flow = try AuthorizationCodeFlow(
            configuration: server.codeConfiguration(client), account: "acme", store: InMemoryTokenStore(), transport: transport,
            redirectURI: client.redirectURI)
        let (url, pending) = try flow.start()
        let callback = try await Browser.callbackURL(for: url)
        _ = try await flow.complete(callbackURL: callback, pending: pending)
        let error = await connectorError { _ = try await flow.complete(callbackURL: callback, pending: pending) }
        guard case .invalidCallback = error else {
            Issue.record("Expected invalidCallback, got \(String(describing: error))")
            return
        }
        checkEqual(try await server.stats(client.id).tokenRequestsTotal, 1)
    }

    @Test func codeExchangeWithAnotherVerifierIsRejectedByTheServer() async throws {
        let server = try TestServer.current(.auth)
        let client = try await server.registerClient("wrong-verifier")
        let store = InMemoryTokenStore()
        let flow = try AuthorizationCodeFlow(
            configuration: server.codeConfiguration(client), account: "acme", store: store, transport: transport,
            redirectURI: client.redirectURI)
        let (url, pending) = try flow.start()
        var tampered = pending
        tampered.codeVerifier = Secret(PKCE.makeVerifier())
        let callback = try await Browser.callbackURL(for: url)
        let error = await connectorError { _ = try await flow.complete(callbackURL: callback, pending: tampered) }
        guard case .invalidCallback = error else {
            Issue.record("Expected invalidCallback (invalid_grant on the code), got \(String(describing: error))")
            return
        }
        let stats = try await server.stats(client.id)
        checkEqual(stats.tokenRequests, ["authorization_code": 1])
        checkEqual(stats.tokenErrors, 1)
        checkEqual(try await store.load(account: "acme"), nil)
    }

    @Test func declinedConsentGivesAccessDenied() async throws {
        let server = try TestServer.current(.auth)
        let client = try await server.registerClient("deny")
        try await server.control("POST", "/_control/deny?client_id=\(client.id)&on=1")
        let flow = try AuthorizationCodeFlow(
            configuration: server.codeConfiguration(client), account: "acme", store: InMemoryTokenStore(), transport: transport,
            redirectURI: client.redirectURI)
        let (url, pending) = try flow.start()
        let callback = try await Browser.callbackURL(for: url)
        checkEqual(Browser.query(callback)["error"], "access_denied")
        let error = await connectorError { _ = try await flow.complete(callbackURL: callback, pending: pending) }
        guard case .accessDenied = error else {
            Issue.record("Expected accessDenied, got \(String(describing: error))")
            return
        }
        checkEqual(try await server.stats(client.id).tokenRequestsTotal, 0)
    }

    @Test func grantShortOfRequiredScopesNamesTheMissingOnes() async throws {
        let server = try TestServer.current(.auth)
        // The client may only be granted "read"; the connector requires "read" and "write".
        let client = try await server.registerClient("scopes", scope: "read")
        let configuration = server.codeConfiguration(client, scopes: ["read", "write"], required: ["read", "write"])
        let error = await connectorError {
            try await server.link(configuration, client: client, account: "acme", store: InMemoryTokenStore(), transport: transport)
        }
        checkEqual(error, .missingScopes(["write"]))
    }

    @Test func insufficientScopeAtTheAPIGivesMissingScopesWithoutRefreshing() async throws {
        let server = try TestServer.current(.auth)
        let client = try await server.registerClient("admin")
        let configuration = server.codeConfiguration(client, scopes: ["read"])
        let store = InMemoryTokenStore()
        try await server.link(configuration, client: client, account: "acme", store: store, transport: transport)
        let connection = Connection(configuration: configuration, account: "acme", store: store, transport: transport)
        let error = await connectorError { _ = try await connection.send(path: "/api/admin") }
        guard case .missingScopes = error else {
            Issue.record("Expected missingScopes, got \(String(describing: error))")
            return
        }
        checkEqual(try await server.stats(client.id).tokenRequests, ["authorization_code": 1])
    }

    @Test func clientCredentialsTokenIsCachedAndFetchedAgainAfterExpiry() async throws {
        let server = try TestServer.current(.auth)
        let client = try await server.registerClient("cc-cache", grants: ["client_credentials"], tokenLifetime: 3600)
        let clock = ServerTestClock()
        let connection = Connection(
            configuration: server.clientCredentialsConfiguration(client), account: "acme", store: InMemoryTokenStore(),
            transport: transport, refreshMargin: 60, now: clock.now)
        for _ in 0..<3 { checkEqual(try await connection.send(path: "/api/me").status, 200) }
        checkEqual(try await server.stats(client.id).tokenRequests, ["client_credentials": 1])

        clock.advance(by: 3600 - 30)  // inside the 60 s margin
        checkEqual(try await connection.send(path: "/api/me").status, 200)
        checkEqual(try await server.stats(client.id).tokenRequests, ["client_credentials": 2])
        checkEqual(try await connection.send(path: "/api/me").status, 200)
        checkEqual(try await server.stats(client.id).tokenRequests, ["client_credentials": 2])
    }

    @Test func clientCredentialsWithAWrongBasicSecretFailsFastWithInvalidCredentials() async throws {
        let server = try TestServer.current(.auth)
        var client = try await server.registerClient("cc-wrong", grants: ["client_credentials"])
        client.secret = "wrong-secret"
        let connection = Connection(
            configuration: server.clientCredentialsConfiguration(client), account: "acme", store: InMemoryTokenStore(), transport: transport)
        let error = try await withDeadline(8, "a request with a wrong Basic client secret") {
            await connectorError { _ = try await connection.send(path: "/api/me") }
        }
        guard case .invalidCredentials = error else {
            Issue.record("Expected invalidCredentials, got \(String(describing: error))")
            return
        }
        check(!"\(String(describing: error))".contains("wrong-secret"))
    }

    @Test func proactiveRefreshRotatesAndPersistsTheNewRefreshToken() async throws {
        let server = try TestServer.current(.auth)
        let client = try await server.registerClient("rotate")
        let configuration = server.codeConfiguration(client)
        let store = InMemoryTokenStore()
        let linked = try await server.link(configuration, client: client, account: "acme", store: store, transport: transport)
        let clock = ServerTestClock()
        let connection = Connection(
            configuration: configuration, account: "acme", store: store, transport: transport, refreshMargin: 60, now: clock.now)
        clock.advance(by: 3600)
        checkEqual(try await connection.send(path: "/api/me").status, 200)
        let stored = try unwrap(try await store.load(account: "acme"))
        checkNotEqual(stored.refreshToken, nil)
        checkNotEqual(stored.refreshToken, linked.refreshToken, "the rotated refresh token replaced the old one in the store")
        checkNotEqual(stored.accessToken, linked.accessToken)
        let stats = try await server.stats(client.id)
        checkEqual(stats.tokenRequests, ["authorization_code": 1, "refresh_token": 1])
        checkEqual(stats.refreshTokensActive, 1)
    }

    @Test func concurrentRequestsOnAnExpiredTokenMakeOneRotatingRefresh() async throws {
        let server = try TestServer.current(.auth)
        let client = try await server.registerClient("single-flight")
        let configuration = server.codeConfiguration(client)
        let store = InMemoryTokenStore()
        try await server.link(configuration, client: client, account: "acme", store: store, transport: transport)
        let clock = ServerTestClock()
        let connection = Connection(configuration: configuration, account: "acme", store: store, transport: transport, now: clock.now)
        clock.advance(by: 3600)
        let statuses = await concurrentStatuses(50, connection)
        checkEqual(statuses.filter { $0 == 200 }.count, 50, "with rotation, a second refresh would fail with invalid_grant")
        let stats = try await server.stats(client.id)
        checkEqual(stats.tokenRequests, ["authorization_code": 1, "refresh_token": 1])
        checkEqual(stats.tokenErrors, 0)
    }

    @Test(arguments: [false, true])
    func twoConnectionsSharingAStoreSurviveRefreshingTheSameRotatingTokenAtOnce(separateFileStores: Bool) async throws {
        let server = try TestServer.current(.auth)
        let client = try await server.registerClient("shared-store")
        let configuration = server.codeConfiguration(client)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shared-store-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        // One store object shared in memory, or two file stores on one directory (as two
        // processes would have).
        let store: any TokenStore = separateFileStores ? try FileTokenStore(directory: directory) : InMemoryTokenStore()
        let otherStore: any TokenStore = separateFileStores ? try FileTokenStore(directory: directory) : store
        try await server.link(configuration, client: client, account: "acme", store: store, transport: transport)
        let clock = ServerTestClock()
        // Two connections for one account: both see the token expire at the same moment.
        let first = Connection(configuration: configuration, account: "acme", store: store, transport: transport, now: clock.now)
        let second = Connection(configuration: configuration, account: "acme", store: otherStore, transport: transport, now: clock.now)
        clock.advance(by: 3600)
        async let a = concurrentStatuses(10, first)
        async let b = concurrentStatuses(10, second)
        let statuses = await a + b
        // Without coordination the loser of the race gets invalid_grant for the rotated token
        // and asks the person to reconnect; the connections must share the winner's tokens.
        checkEqual(statuses.filter { $0 == 200 }.count, 20, "statuses: \(Set(statuses))")
        checkEqual(await first.status, .active)
        checkEqual(await second.status, .active)
        let refreshes = try await server.stats(client.id).tokenRequests["refresh_token"] ?? 0
        // One store object or two file stores (as two processes): the refresh lease lets one
        // connection make the request; the other adopts its tokens.
        checkEqual(refreshes, 1, "refresh requests")
    }

    /// Starts `count` requests to /api/me at once; the status of each, or -1 for an error.
    func concurrentStatuses(_ count: Int, _ connection: Connection) async -> [Int] {
        await withTaskGroup(of: Int.self) { group in
            for _ in 0..<count {
                group.addTask { (try? await connection.send(path: "/api/me").status) ?? -1 }
            }
            var statuses: [Int] = []
            for await status in group { statuses.append(status) }
            return statuses
        }
    }

    @Test func reusingARotatedRefreshTokenRequiresReconnecting() async throws {
        let server = try TestServer.current(.auth)
        let client = try await server.registerClient("reuse")
        let configuration = server.codeConfiguration(client)
        let store = InMemoryTokenStore()
        let linked = try await server.link(configuration, client: client, account: "acme", store: store, transport: transport)
        // Another process refreshes and rotates; this one still holds the old token set.
        try await Connection(configuration: configuration, account: "acme", store: store, transport: transport).refreshNow()
        let staleStore = InMemoryTokenStore(["acme": linked])
        let stale = Connection(configuration: configuration, account: "acme", store: staleStore, transport: transport)
        let error = await connectorError { try await stale.refreshNow() }
        guard case .reconnectRequired = error else {
            Issue.record("Expected reconnectRequired, got \(String(describing: error))")
            return
        }
        checkEqual(await stale.status, .reconnectRequired)
    }

    @Test func revokedGrantLeadsToReconnectRequiredAndTheStatusChangeIsReported() async throws {
        let server = try TestServer.current(.auth)
        let client = try await server.registerClient("revoked")
        let configuration = server.codeConfiguration(client)
        let store = InMemoryTokenStore()
        try await server.link(configuration, client: client, account: "acme", store: store, transport: transport)
        let connection = Connection(configuration: configuration, account: "acme", store: store, transport: transport)
        checkEqual(try await connection.send(path: "/api/me").status, 200)
        let updates = await connection.statusUpdates()
        let seen = Task {
            var statuses: [ConnectionStatus] = []
            for await status in updates {
                statuses.append(status)
                if status == .reconnectRequired { break }
            }
            return statuses
        }

        try await server.control("POST", "/_control/revoke-all?client_id=\(client.id)")
        let error = await connectorError { _ = try await connection.send(path: "/api/me") }
        guard case .reconnectRequired = error else {
            Issue.record("Expected reconnectRequired, got \(String(describing: error))")
            seen.cancel()
            return
        }
        let statuses = try await withDeadline(5, "the status stream") { await seen.value }
        checkEqual(statuses.first, .active)
        checkEqual(statuses.last, .reconnectRequired)
        checkEqual(await connection.status, .reconnectRequired)
        // One refresh attempt (after the 401), not one per request.
        _ = await connectorError { _ = try await connection.send(path: "/api/me") }
        checkEqual(try await server.stats(client.id).tokenRequests, ["authorization_code": 1, "refresh_token": 1])
    }

    @Test func accessTokenExpiredServerSideIsRefreshedOnceAndTheRequestRetried() async throws {
        let server = try TestServer.current(.auth)
        let client = try await server.registerClient("reactive")
        let configuration = server.codeConfiguration(client)
        let store = InMemoryTokenStore()
        try await server.link(configuration, client: client, account: "acme", store: store, transport: transport)
        let connection = Connection(configuration: configuration, account: "acme", store: store, transport: transport)
        try await server.control("POST", "/_control/expire-access?client_id=\(client.id)")
        checkEqual(try await connection.send(path: "/api/me").status, 200)
        let stats = try await server.stats(client.id)
        checkEqual(stats.tokenRequests, ["authorization_code": 1, "refresh_token": 1])
        checkEqual(stats.apiCalls, 1)
    }

    @Test(arguments: [ClientAuthentication.clientSecretBasic, .clientSecretPost])
    func disconnectRevokesTheGrantAndForgetsTheTokens(authentication: ClientAuthentication) async throws {
        let server = try TestServer.current(.auth)
        let client = try await server.registerClient("disconnect", authentication: authentication)
        let configuration = server.codeConfiguration(client)
        let store = InMemoryTokenStore()
        let linked = try await server.link(configuration, client: client, account: "acme", store: store, transport: transport)
        let connection = Connection(configuration: configuration, account: "acme", store: store, transport: transport)
        try await connection.disconnect()
        let stats = try await server.stats(client.id)
        checkEqual(stats.revocations, 1)
        checkEqual(stats.refreshTokensActive, 0)
        checkEqual(stats.accessTokensActive, 0)
        checkEqual(try await store.load(account: "acme"), nil)
        checkEqual(await connection.status, .disconnected)
        let me = try await transport.send(
            HTTPRequest(url: server.url("/api/me"), headers: ["Authorization": "Bearer " + linked.accessToken.reveal()]))
        checkEqual(me.status, 401)
    }
}
