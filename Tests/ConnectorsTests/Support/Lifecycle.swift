import ConnectorRuntime
import Foundation
import Testing

/// What an end-to-end run expects the emulated provider to have seen: `METHOD /path?query`
/// relative to the provider's origin, i.e. the provider's real paths.
struct ExpectedRequests: Sendable {
    /// The spec's verification request, e.g. `GET /apiv2/users/me`.
    var verify: String
    /// The request the test makes, relative to the connector's base URL, e.g. `/users`.
    var apiPath: String
    /// The same request as the provider sees it, e.g. `GET /apiv2/users`.
    var api: String
}

/// Drives one OAuth account of a catalog connector through its life against an emulated
/// provider: link (authorization code, through the browser), verify, request, survive an access
/// token the server expired, and report a revoked account as reconnect required.
struct OAuthLifecycle: Sendable {
    let server: TestServer
    let provider: EmulatedProvider
    let client: EmulatedClient
    /// The generated configuration, already pointed at the provider's origin.
    let configuration: ConnectionConfiguration
    let expected: ExpectedRequests
    /// Whether the provider rotates refresh tokens (a new one with every refresh).
    let rotates: Bool
    let store = InMemoryTokenStore()
    let account = "acme"
    /// Where API requests land when that is not ``provider`` (Salesforce's instance URL).
    var apiProvider: EmulatedProvider? = nil

    /// Links through the authorization-code flow, playing the browser.
    @discardableResult
    func link() async throws -> TokenSet {
        let flow = try AuthorizationCodeFlow(configuration: configuration, account: account, store: store, redirectURI: testRedirectURI)
        let (url, pending) = try flow.start()
        let callback = try await Browser.callbackURL(for: url)
        return try await withDeadline(20, "code exchange") { try await flow.complete(callbackURL: callback, pending: pending) }
    }

    /// A connection to the linked account; `now` is its clock (ahead of the real one to make
    /// tokens look older).
    func connection(now: @escaping @Sendable () -> Date = { Date() }) -> Connection {
        Connection(configuration: configuration, account: account, store: store, redirectURI: testRedirectURI, now: now)
    }

    /// The whole life of an account linked with the authorization code.
    func runLinked() async throws {
        let tokens: TokenSet = try await link()
        check(tokens.refreshToken != nil, "the code exchange returned a refresh token")
        try await runAfterLinking(refreshGrant: "refresh_token")
    }

    /// Verify, request, expiry and revocation on an account whose tokens are in the store (or,
    /// for static refresh tokens, in the configuration).
    func runAfterLinking(refreshGrant: String) async throws {
        let connection: Connection = connection()
        try await verifyAndRequest(connection)
        try await surviveExpiry(connection, grant: refreshGrant)
        try await revokedMeansReconnect(connection)
    }

    func verifyAndRequest(_ connection: Connection) async throws {
        let verified: HTTPResponse? = try await withDeadline(20, "verify") { try await connection.verify() }
        checkEqual(verified?.status, 200, "verification")
        let path: String = expected.apiPath
        let response: HTTPResponse = try await withDeadline(20, "request") { try await connection.send(path: path) }
        checkEqual(response.status, 200, "API request")
        let seen: [String] = try await (apiProvider ?? provider).apiRequests()
        check(seen.contains(expected.verify), "the provider saw \(expected.verify); it saw \(seen)")
        check(seen.contains(expected.api), "the provider saw \(expected.api); it saw \(seen)")
    }

    func surviveExpiry(_ connection: Connection, grant: String) async throws {
        let before: TokenSet? = try await store.load(account: account)
        let countBefore: Int = try await server.tokenRequests(client)[grant] ?? 0
        try await server.expireAccessTokens(client)
        let path: String = expected.apiPath
        let response: HTTPResponse = try await withDeadline(20, "request after expiry") { try await connection.send(path: path) }
        checkEqual(response.status, 200, "the request after expiry succeeded")
        let after: TokenSet? = try await store.load(account: account)
        check(after?.accessToken != before?.accessToken, "a new access token was stored")
        let countAfter: Int = try await server.tokenRequests(client)[grant] ?? 0
        checkEqual(countAfter, countBefore + 1, "exactly one \(grant) token request")
        guard before?.refreshToken != nil else { return }
        checkEqual(after?.refreshToken != before?.refreshToken, rotates, "refresh token rotation")
    }

    func revokedMeansReconnect(_ connection: Connection) async throws {
        try await server.revokeAll(client)
        let path: String = expected.apiPath
        let error: ConnectorError? = await connectorError {
            _ = try await withDeadline(20, "request after revocation") { try await connection.send(path: path) }
        }
        check(isReconnectRequired(error), "revoked account: \(String(describing: error))")
        let status: ConnectionStatus = await connection.status
        checkEqual(status, .reconnectRequired)
    }
}

/// A client-credentials connection's life: verify, request, expiry, revoked tokens (a new token
/// is fetched), and a disabled client (invalid credentials).
struct ClientCredentialsLifecycle: Sendable {
    let server: TestServer
    let provider: EmulatedProvider
    let client: EmulatedClient
    let configuration: ConnectionConfiguration
    let expected: ExpectedRequests
    /// The `grant_type` the connector sends (Zoom: `account_credentials`).
    var grant: String = "client_credentials"

    func run() async throws {
        let life = OAuthLifecycle(
            server: server, provider: provider, client: client, configuration: configuration, expected: expected, rotates: false)
        let connection: Connection = life.connection()
        try await life.verifyAndRequest(connection)
        try await life.surviveExpiry(connection, grant: grant)
        try await server.revokeAll(client)
        let path: String = expected.apiPath
        let recovered: HTTPResponse = try await withDeadline(20, "request after revocation") { try await connection.send(path: path) }
        checkEqual(recovered.status, 200, "revoked tokens are replaced with a new client-credentials token")
        try await server.disable(client)
        try await server.expireAccessTokens(client)
        let error: ConnectorError? = await connectorError {
            _ = try await withDeadline(20, "request with a disabled client") { try await connection.send(path: path) }
        }
        check(isInvalidCredentials(error), "disabled client: \(String(describing: error))")
    }
}

/// A static-credential connection: verify and request with the right credentials; a rejected
/// credential gives ``ConnectorError/invalidCredentials(detail:)``.
struct StaticLifecycle: Sendable {
    let provider: EmulatedProvider
    let configuration: ConnectionConfiguration
    /// The same connector built from wrong credentials.
    let rejected: ConnectionConfiguration
    let expected: ExpectedRequests

    func run() async throws {
        let connection = Connection(configuration: configuration, account: "acme", store: InMemoryTokenStore())
        let verified: HTTPResponse? = try await withDeadline(20, "verify") { try await connection.verify() }
        checkEqual(verified?.status, 200, "verification")
        let path: String = expected.apiPath
        let response: HTTPResponse = try await withDeadline(20, "request") { try await connection.send(path: path) }
        checkEqual(response.status, 200, "API request")
        let seen: [String] = try await provider.apiRequests()
        check(seen == [expected.verify, expected.api], "the provider saw \(seen)")
        let wrong = Connection(configuration: rejected, account: "acme", store: InMemoryTokenStore())
        let error: ConnectorError? = await connectorError {
            _ = try await withDeadline(20, "verify with a wrong credential") { try await wrong.verify() }
        }
        check(isInvalidCredentials(error), "wrong credential: \(String(describing: error))")
    }
}

func isReconnectRequired(_ error: ConnectorError?) -> Bool {
    if case .reconnectRequired = error { return true }
    return false
}

func isInvalidCredentials(_ error: ConnectorError?) -> Bool {
    if case .invalidCredentials = error { return true }
    return false
}
