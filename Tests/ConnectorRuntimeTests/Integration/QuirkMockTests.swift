import ConnectorRuntime
import Foundation
import Testing

/// Provider quirks Authlib cannot produce, against a MOCK server (Tests/Servers/quirkserver.py):
/// a small local HTTP server of this test suite that imitates those providers and records every
/// request it gets. It is not an OAuth implementation; the real one is in the AuthServer suites.
@Suite(.quirkServer)
struct QuirkMockTests {
    let transport = URLSessionTransport()

    /// A fresh key, so parallel tests never share the mock's counters.
    func key(_ name: String) -> String { "\(name)-\(UUID().uuidString.prefix(8).lowercased())" }

    func endpoint(_ server: TestServer, _ mode: String, _ key: String, client: OAuthClient? = nil, defaultExpiresIn: Int? = nil) -> TokenEndpoint {
        TokenEndpoint(
            tokenURL: server.url("/token/\(mode)/\(key)"), revokeURL: nil,
            client: client ?? OAuthClient(id: "mock-client", secret: Secret("mock-secret"), authentication: .clientSecretBasic),
            defaultExpiresIn: defaultExpiresIn)
    }

    func tokenClient(_ server: TestServer, _ mode: String, _ key: String, client: OAuthClient? = nil, defaultExpiresIn: Int? = nil, timeout: TimeInterval = 10)
        -> TokenClient
    {
        TokenClient(endpoint: endpoint(server, mode, key, client: client, defaultExpiresIn: defaultExpiresIn), transport: transport, timeout: timeout)
    }

    /// A connection whose API is the mock, authenticated with `auth`.
    func connection(_ server: TestServer, auth: AuthScheme, baseURL: URL? = nil) -> Connection {
        Connection(
            configuration: ConnectionConfiguration(connectorID: "mock", variantID: "mock", baseURL: .fixed(baseURL ?? server.baseURL), auth: auth),
            account: "acme", store: InMemoryTokenStore(), transport: transport)
    }

    // MARK: Token responses

    @Test func mockExpiresInAsANumericStringIsALifetime() async throws {
        let server = try TestServer.current(.quirk)
        let tokens = try await tokenClient(server, "expires-string", key("string")).clientCredentials()
        let expiresAt = try unwrap(tokens.expiresAt)
        check(abs(expiresAt.timeIntervalSinceNow - 3600) < 30)
    }

    @Test func mockExpiresInNullMeansUnknownLifetime() async throws {
        let server = try TestServer.current(.quirk)
        let tokens = try await tokenClient(server, "expires-null", key("null")).clientCredentials()
        checkEqual(tokens.expiresAt, nil)
        check(!tokens.accessToken.isEmpty)
    }

    @Test func mockAbsentExpiresInIsUnknownOrTheConfiguredDefault() async throws {
        let server = try TestServer.current(.quirk)
        let unknown = try await tokenClient(server, "expires-absent", key("absent")).clientCredentials()
        checkEqual(unknown.expiresAt, nil)
        let defaulted = try await tokenClient(server, "expires-absent", key("absent"), defaultExpiresIn: 120).clientCredentials()
        let expiresAt = try unwrap(defaulted.expiresAt)
        check(abs(expiresAt.timeIntervalSinceNow - 120) < 30)
    }

    @Test func mockErrorInsideA200IsAnErrorNotAToken() async throws {
        let server = try TestServer.current(.quirk)
        let error = await connectorError { _ = try await tokenClient(server, "error-in-200", key("e200")).refresh(Secret("rt-old")) }
        guard case .reconnectRequired = error else {
            Issue.record("invalid_grant inside a 200 on refresh should require reconnecting, got \(String(describing: error))")
            return
        }
    }

    @Test(arguments: ["form", "text-plain"])
    func mockFormEncodedTokenResponseIsParsed(mode: String) async throws {
        let server = try TestServer.current(.quirk)
        let name = key(mode)
        let tokens = try await tokenClient(server, mode, name).refresh(Secret("rt-old"))
        checkEqual(tokens.accessToken.reveal(), "at-\(name)-1")
        checkEqual(tokens.refreshToken?.reveal(), "rt-\(name)-1")
        checkEqual(tokens.tokenType.lowercased(), "bearer")
        checkNotEqual(tokens.expiresAt, nil)
    }

    @Test func mockUnknownTokenResponseFieldsAreKept() async throws {
        let server = try TestServer.current(.quirk)
        let tokens = try await tokenClient(server, "json", key("extra")).clientCredentials()
        checkEqual(tokens.extra["instance_url"], "https://example.my.salesforce.com")
    }

    @Test func mockRefreshWithoutANewRefreshTokenKeepsTheOldOne() async throws {
        let server = try TestServer.current(.quirk)
        let tokens = try await tokenClient(server, "no-refresh", key("keep")).refresh(Secret("rt-original"))
        checkEqual(tokens.refreshToken?.reveal(), "rt-original")
    }

    @Test func mockTokenEndpoint429GivesRateLimitedWithRetryAfter() async throws {
        let server = try TestServer.current(.quirk)
        let error = await connectorError { _ = try await tokenClient(server, "status-429", key("t429")).clientCredentials() }
        checkEqual(error, .rateLimited(retryAfter: 7))
    }

    @Test func mockTokenEndpoint503IsRetryable() async throws {
        let server = try TestServer.current(.quirk)
        let error = await connectorError { _ = try await tokenClient(server, "status-503", key("t503")).clientCredentials() }
        guard case .providerUnavailable(_, let retryable) = error else {
            Issue.record("Expected providerUnavailable, got \(String(describing: error))")
            return
        }
        check(retryable)
    }

    @Test func mockTokenEndpoint401WithBasicChallengeGivesInvalidCredentialsWithoutHanging() async throws {
        let server = try TestServer.current(.quirk)
        let client = tokenClient(server, "invalid-client", key("t401"))
        let error = try await withDeadline(8, "a 401 + WWW-Authenticate: Basic token response") {
            await connectorError { _ = try await client.clientCredentials() }
        }
        guard case .invalidCredentials = error else {
            Issue.record("Expected invalidCredentials, got \(String(describing: error))")
            return
        }
    }

    // MARK: What goes on the wire

    @Test func mockClientSecretBasicFormEncodesIDAndSecretBeforeBase64() async throws {
        let server = try TestServer.current(.quirk)
        let name = key("basic")
        // golang/oauth2 TestURLUnsafeClientConfig vector (research notes section 1).
        let client = OAuthClient(id: "CLIENT_ID??", secret: Secret("CLIENT_SECRET??"), authentication: .clientSecretBasic)
        _ = try await tokenClient(server, "json", name, client: client).clientCredentials()
        let request = try unwrap(try await server.recorded(name).first)
        checkEqual(request.header("Authorization"), "Basic Q0xJRU5UX0lEJTNGJTNGOkNMSUVOVF9TRUNSRVQlM0YlM0Y=")
        checkEqual(request.field("grant_type"), "client_credentials")
        checkEqual(request.field("client_secret"), nil, "never two client authentication methods in one request")
        checkEqual(request.header("Content-Type")?.hasPrefix("application/x-www-form-urlencoded"), true)
    }

    @Test func mockClientSecretPostSendsCredentialsInTheBodyOnly() async throws {
        let server = try TestServer.current(.quirk)
        let name = key("post")
        let client = OAuthClient(id: "id+1", secret: Secret("se cret&="), authentication: .clientSecretPost)
        _ = try await tokenClient(server, "json", name, client: client).refresh(Secret("rt+/="))
        let request = try unwrap(try await server.recorded(name).first)
        checkEqual(request.header("Authorization"), nil)
        checkEqual(request.field("client_id"), "id+1")
        checkEqual(request.field("client_secret"), "se cret&=")
        checkEqual(request.field("refresh_token"), "rt+/=")
        check(request.body.contains("client_secret=se+cret%26%3D"), "form-encoded: space as +, & and = escaped")
        check(!request.path.contains("secret"), "credentials never go in the URI")
    }

    @Test func mockSmartsheetHashIsSHA256OfSecretBarCodeOrRefreshToken() async throws {
        let server = try TestServer.current(.quirk)
        let name = key("smartsheet")
        let client = OAuthClient(id: "smartsheet-app", secret: Secret("smartsheet-secret"), authentication: .smartsheetHash)
        let tokenClient = tokenClient(server, "json", name, client: client)
        _ = try await tokenClient.exchangeCode("code-abc", codeVerifier: nil, redirectURI: URL(string: "https://app.example.com/cb")!)
        _ = try await tokenClient.refresh(Secret("rt-refresh-1"))
        let requests = try await server.recorded(name)
        guard requests.count == 2 else { throw ServerError("expected 2 recorded requests, got \(requests.count)") }
        // Expected values computed independently: hashlib.sha256(b"smartsheet-secret|code-abc").hexdigest()
        checkEqual(requests[0].field("hash"), "0f41b77420d6408d4d951c1a57a903e48d1875126ca6b5164199907ae62b2fe6")
        checkEqual(requests[1].field("hash"), "4bff893802aef1a748781774ab1db2c918bb383b23d5472558d9d8d9eccabf3f")
        for request in requests {
            checkEqual(request.field("client_id"), "smartsheet-app")
            checkEqual(request.field("client_secret"), nil)
            checkEqual(request.header("Authorization"), nil)
        }
    }

    // MARK: Resource responses through a Connection

    @Test func mockCrossHostRedirectDropsAuthorization() async throws {
        let server = try TestServer.current(.quirk)
        let name = key("redirect-bearer")
        let connection = connection(server, auth: .bearer(Secret("static-token")))
        checkEqual(try await connection.send(path: "/api/redirect/\(name)").status, 200)
        let first = try unwrap(try await server.recorded(name).first)
        checkEqual(first.header("Authorization"), "Bearer static-token", "the first hop is the API's own host")
        let landing = try unwrap(try await server.recorded("\(name)-landing").first)
        check(landing.host.hasPrefix("localhost:"))
        checkEqual(landing.header("Authorization"), nil)
    }

    @Test func mockCrossHostRedirectDropsCredentialHeaders() async throws {
        let server = try TestServer.current(.quirk)
        let name = key("redirect-headers")
        let connection = connection(
            server,
            auth: .headers([
                SecretHTTPField(name: "X-Api-Key", value: Secret("key-123")), SecretHTTPField(name: "X-Service-Token", value: Secret("tok-456")),
            ]))
        checkEqual(try await connection.send(path: "/api/redirect/\(name)").status, 200)
        let first = try unwrap(try await server.recorded(name).first)
        checkEqual(first.header("X-Api-Key"), "key-123")
        let landing = try unwrap(try await server.recorded("\(name)-landing").first)
        checkEqual(landing.header("X-Api-Key"), nil)
        checkEqual(landing.header("X-Service-Token"), nil)
    }

    @Test func mockAPI429GivesRateLimitedWithRetryAfter() async throws {
        let server = try TestServer.current(.quirk)
        let error = await connectorError { _ = try await connection(server, auth: .bearer(Secret("t"))).send(path: "/api/status-429/\(key("a429"))?retry_after=12") }
        checkEqual(error, .rateLimited(retryAfter: 12))
    }

    @Test func mockAPI503IsRetryableProviderUnavailable() async throws {
        let server = try TestServer.current(.quirk)
        let error = await connectorError { _ = try await connection(server, auth: .bearer(Secret("t"))).send(path: "/api/status-503/\(key("a503"))") }
        guard case .providerUnavailable(_, let retryable) = error else {
            Issue.record("Expected providerUnavailable, got \(String(describing: error))")
            return
        }
        check(retryable)
    }

    @Test func mockSlowAPIHitsTheRequestDeadline() async throws {
        let server = try TestServer.current(.quirk)
        let connection = connection(server, auth: .bearer(Secret("t")))
        let error = try await withDeadline(8, "a request with a 1 s deadline to a 5 s endpoint") {
            await connectorError { _ = try await connection.send(path: "/api/slow/\(UUID().uuidString)?seconds=5", timeout: 1) }
        }
        guard case .providerUnavailable(_, let retryable) = error else {
            Issue.record("Expected providerUnavailable (timed out), got \(String(describing: error))")
            return
        }
        check(retryable)
    }

    @Test func mockAPI401WithBasicChallengeGivesInvalidCredentialsWithoutHanging() async throws {
        let server = try TestServer.current(.quirk)
        let connection = connection(server, auth: .basic(username: Secret("svc"), password: Secret("wrong")))
        let error = try await withDeadline(8, "a 401 + WWW-Authenticate: Basic API response") {
            await connectorError { _ = try await connection.send(path: "/api/basic-401/\(UUID().uuidString)") }
        }
        guard case .invalidCredentials = error else {
            Issue.record("Expected invalidCredentials, got \(String(describing: error))")
            return
        }
    }

    @Test func mockAPI401InvalidTokenRefreshesOnceAndRetriesOnce() async throws {
        let server = try TestServer.current(.quirk)
        let name = key("reactive")
        // A static refresh token (Workday-like): the first request obtains an access token.
        let connection = connection(
            server,
            auth: .refreshToken(RefreshTokenConfiguration(endpoint: endpoint(server, "json", name), refreshToken: Secret("rt-initial"))))
        checkEqual(try await connection.send(path: "/api/once-401/\(name)").status, 200)
        let requests = try await server.recorded(name)
        let tokenRequests = requests.filter { $0.path.hasPrefix("/token/") }
        let apiRequests = requests.filter { $0.path.hasPrefix("/api/") }
        checkEqual(tokenRequests.count, 2, "one token to start, one refresh after the 401")
        checkEqual(tokenRequests.map { $0.field("refresh_token") }, ["rt-initial", "rt-\(name)-1"])
        checkEqual(apiRequests.count, 2, "the request and one retry")
        checkEqual(apiRequests.map { $0.header("Authorization") }, ["Bearer at-\(name)-1", "Bearer at-\(name)-2"])
    }

    @Test func mockAPI403InsufficientScopeNamesTheMissingScopesWithoutRefreshing() async throws {
        let server = try TestServer.current(.quirk)
        let name = key("scope")
        let connection = connection(
            server,
            auth: .clientCredentials(ClientCredentialsConfiguration(endpoint: endpoint(server, "json", name))))
        let error = await connectorError { _ = try await connection.send(path: "/api/insufficient-scope/\(name)") }
        checkEqual(error, .missingScopes(["admin", "write"]))
        checkEqual(try await server.recorded(name).filter { $0.path.hasPrefix("/token/") }.count, 1)
    }
}
