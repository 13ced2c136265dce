import ConnectorRuntime
import Foundation
import Testing

/// Runtime hardening (issue 10) against the quirk MOCK server (Tests/Servers/quirkserver.py, a
/// local imitation of provider behaviour, not an OAuth implementation): providers that quote
/// secrets, non-Bearer tokens, short-lived tokens under load, hanging token endpoints, redirect
/// loops, every Retry-After date form and chunked bodies past the cap.
@Suite(.quirkServer)
struct QuirkHardeningTests {
    let transport = URLSessionTransport()

    func key(_ name: String) -> String { "\(name)-\(UUID().uuidString.prefix(8).lowercased())" }

    func endpoint(_ server: TestServer, _ path: String, client: OAuthClient? = nil) -> TokenEndpoint {
        TokenEndpoint(
            tokenURL: server.url(path),
            client: client ?? OAuthClient(id: "mock-client", secret: Secret("client-secret-Q7x9"), authentication: .clientSecretBasic))
    }

    func connection(_ server: TestServer, auth: AuthScheme, store: InMemoryTokenStore = InMemoryTokenStore()) -> Connection {
        Connection(
            configuration: ConnectionConfiguration(connectorID: "mock", variantID: "mock", baseURL: .fixed(server.baseURL), auth: auth),
            account: "acme", store: store, transport: transport)
    }

    /// Records an issue for each of `secrets` that `error`'s description shows.
    func checkRedacted(_ error: ConnectorError?, _ secrets: [String], keeps provider: String, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let error else {
            Issue.record("Expected an error", sourceLocation: sourceLocation)
            return
        }
        let text = error.description
        for secret in secrets where text.contains(secret) {
            Issue.record("The error shows the secret \(secret): \(text)", sourceLocation: sourceLocation)
        }
        check(text.contains(provider), "the provider's own words stay: \(text)", sourceLocation: sourceLocation)
    }

    // MARK: Secrets quoted by providers

    @Test(arguments: [ClientAuthentication.clientSecretBasic, .clientSecretPost])
    func mockTokenErrorQuotingTheClientSecretAndRefreshTokenIsRedacted(authentication: ClientAuthentication) async throws {
        let server = try TestServer.current(.quirk)
        let client = OAuthClient(id: "mock-client", secret: Secret("client-secret-Q7x9"), authentication: authentication)
        let tokenClient = TokenClient(endpoint: endpoint(server, "/token/echo-secrets/\(key("echo"))", client: client), transport: transport)
        let error = await connectorError { _ = try await tokenClient.refresh(Secret("rt-secret-4Kp2")) }
        guard case .reconnectRequired = error else {
            Issue.record("Expected reconnectRequired, got \(String(describing: error))")
            return
        }
        let basic = String(TokenClient.basicAuthorization(clientID: "mock-client", secret: Secret("client-secret-Q7x9")).dropFirst(6))
        checkRedacted(error, ["client-secret-Q7x9", "rt-secret-4Kp2", basic], keeps: "Rejected:")
    }

    @Test func mockConnectionRefreshErrorQuotingItsSecretsIsRedacted() async throws {
        let server = try TestServer.current(.quirk)
        let name = key("echo-connection")
        let stored = TokenSet(accessToken: Secret("at-stored-8Hn3"), refreshToken: Secret("rt-stored-2Wq5"), expiresAt: Date().addingTimeInterval(-60))
        let client = OAuthClient(id: "mock-client", secret: Secret("client-secret-Q7x9"), authentication: .clientSecretPost)
        let connection = connection(
            server,
            auth: .authorizationCode(
                AuthorizationCodeConfiguration(endpoint: endpoint(server, "/token/echo-client/\(name)", client: client), authorizeURL: server.url("/authorize"))),
            store: InMemoryTokenStore(["acme": stored]))
        let error = await connectorError { _ = try await connection.send(path: "/api/ok/\(name)") }
        guard case .invalidCredentials = error else {
            Issue.record("Expected invalidCredentials, got \(String(describing: error))")
            return
        }
        checkRedacted(error, ["client-secret-Q7x9", "rt-stored-2Wq5"], keeps: "Unknown client:")
    }

    /// Each kind of static credential, and an OAuth access token, quoted in a 403 challenge.
    @Test(arguments: ["api-key-header", "api-key-query", "basic", "headers", "bearer", "access-token"])
    func mockAPIChallengeQuotingTheCredentialsIsRedacted(kind: String) async throws {
        let server = try TestServer.current(.quirk)
        let name = key("echo-\(kind)")
        let auth: AuthScheme
        var secrets: [String]
        switch kind {
        case "api-key-header":
            auth = .apiKeyHeader(SecretHTTPField(name: "X-Api-Key", value: Secret("api-key-5Tr8")))
            secrets = ["api-key-5Tr8"]
        case "api-key-query":
            auth = .apiKeyQuery(name: "api_key", value: Secret("query-key-3Mn6"))
            secrets = ["query-key-3Mn6"]
        case "basic":
            auth = .basic(username: Secret("svc-user-9Lk1"), password: Secret("password-7Vb4"))
            secrets = ["svc-user-9Lk1", "password-7Vb4", TemplateFilters.base64("svc-user-9Lk1:password-7Vb4")]
        case "headers":
            auth = .headers([SecretHTTPField(name: "X-Service-Secret", value: Secret("service-secret-6Zc2"))])
            secrets = ["service-secret-6Zc2"]
        case "bearer":
            auth = .bearer(Secret("static-bearer-1Qa7"))
            secrets = ["static-bearer-1Qa7"]
        default:
            auth = .clientCredentials(ClientCredentialsConfiguration(endpoint: endpoint(server, "/token/json/\(name)")))
            secrets = ["at-\(name)-1", "client-secret-Q7x9"]
        }
        let error = await connectorError { _ = try await connection(server, auth: auth).send(path: "/api/echo-scope/\(name)") }
        guard case let .missingScopes(scopes) = error else {
            Issue.record("Expected missingScopes, got \(String(describing: error))")
            return
        }
        check(scopes.first == "admin", "the provider's scope names stay: \(scopes)")
        checkRedacted(error, secrets, keeps: "admin")
    }

    // MARK: Token types

    @Test(arguments: ["MAC", "DPoP", "N_A"])
    func mockNonBearerTokenTypeIsRefusedAsMisconfigured(type: String) async throws {
        let server = try TestServer.current(.quirk)
        let name = key("type")
        let connection = connection(
            server, auth: .clientCredentials(ClientCredentialsConfiguration(endpoint: endpoint(server, "/token/token-type/\(name)?token_type=\(type)"))))
        let error = await connectorError { _ = try await connection.send(path: "/api/ok/\(name)") }
        guard case let .misconfigured(detail) = error else {
            Issue.record("Expected misconfigured, got \(String(describing: error))")
            return
        }
        check(detail.contains("“\(type)”"), "names the type: \(detail)")
        checkEqual(try await server.recorded(name).filter { $0.path.hasPrefix("/api/") }.count, 0, "the token is never sent")
    }

    /// `bot` is Slack's label for its bot tokens, which its API takes as Bearer.
    @Test(arguments: ["bearer", "BEARER", "Bearer", "bot"])
    func mockBearerTokenTypeInAnyCaseIsAccepted(type: String) async throws {
        let server = try TestServer.current(.quirk)
        let name = key("bearer-case")
        let tokenClient = TokenClient(endpoint: endpoint(server, "/token/token-type/\(name)?token_type=\(type)"), transport: transport)
        checkEqual(try await tokenClient.clientCredentials().accessToken.reveal(), "at-\(name)-1")
    }

    // MARK: Lifetimes

    @Test func mockTokenShorterThanTheRefreshMarginIsNotRefreshedBeforeEveryRequest() async throws {
        let server = try TestServer.current(.quirk)
        let name = key("short-lived")
        // 30 s tokens, the default 60 s margin: the margin is capped at half the lifetime.
        let connection = connection(
            server, auth: .clientCredentials(ClientCredentialsConfiguration(endpoint: endpoint(server, "/token/json/\(name)?expires_in=30"))))
        for _ in 0..<5 {
            checkEqual(try await connection.send(path: "/api/ok/\(name)").status, 200)
        }
        checkEqual(try await server.recorded(name).filter { $0.path.hasPrefix("/token/") }.count, 1)
    }

    @Test func mock401OnATokenThatExpiredInFlightRefreshesAndRetries() async throws {
        let server = try TestServer.current(.quirk)
        let name = key("expired-in-flight")
        // 2 s tokens; the first two API requests wait 2.4 s (queued behind others) before the
        // server looks at the token, so it has expired by then.
        let connection = connection(
            server, auth: .clientCredentials(ClientCredentialsConfiguration(endpoint: endpoint(server, "/token/json/\(name)?expires_in=2"))))
        let response = try await connection.send(path: "/api/expiring/\(name)?slow=2&delay=2.4")
        checkEqual(response.status, 200)
        checkEqual(try await server.recorded(name).filter { $0.path.hasPrefix("/token/") }.count, 3)
    }

    @Test func mock401OnTokensThatAlwaysExpireInFlightIsRetryableNotInvalidCredentials() async throws {
        let server = try TestServer.current(.quirk)
        let name = key("always-expired")
        let connection = connection(
            server, auth: .clientCredentials(ClientCredentialsConfiguration(endpoint: endpoint(server, "/token/json/\(name)?expires_in=2"))))
        // The send's deadline is long enough for every retry to meet its expired token: with the
        // default 30 s, requests queued behind the other tests' slow requests to this server ran out
        // the deadline first on a loaded fresh clone, and the error was the timeout instead.
        let error = await connectorError { _ = try await connection.send(path: "/api/expiring/\(name)?slow=100&delay=2.4", timeout: 300) }
        guard case let .providerUnavailable(detail, retryable) = error else {
            Issue.record("Expected retryable providerUnavailable, got \(String(describing: error))")
            return
        }
        check(retryable)
        check(detail.contains("expired"), detail)
        checkEqual(await connection.status, .active)
    }

    // MARK: Deadlines, redirects, retry hints

    @Test func mockHangingTokenEndpointIsBoundByTheSendDeadline() async throws {
        let server = try TestServer.current(.quirk)
        let name = key("hanging-token")
        let connection = connection(
            server, auth: .clientCredentials(ClientCredentialsConfiguration(endpoint: endpoint(server, "/token/slow/\(name)?seconds=12"))))
        let error = try await withDeadline(6, "a 1 s send whose token endpoint takes 12 s") {
            await connectorError { _ = try await connection.send(path: "/api/ok/\(name)", timeout: 1) }
        }
        guard case .providerUnavailable(_, let retryable) = error else {
            Issue.record("Expected providerUnavailable (timed out), got \(String(describing: error))")
            return
        }
        check(retryable)
        checkEqual(try await server.recorded(name).filter { $0.path.hasPrefix("/api/") }.count, 0)
    }

    @Test func mockRedirectLoopIsMisconfiguredNotRetryable() async throws {
        let server = try TestServer.current(.quirk)
        let error = await connectorError {
            _ = try await connection(server, auth: .bearer(Secret("t"))).send(path: "/api/redirect-loop/\(key("loop"))", timeout: 10)
        }
        guard case let .misconfigured(detail) = error else {
            Issue.record("Expected misconfigured, got \(String(describing: error))")
            return
        }
        check(detail.contains("redirects in a loop"), detail)
        check(error?.isRetryable == false)
    }

    /// `date` in each HTTP-date form of RFC 9110 §5.6.7, written independently of the runtime.
    static func httpDates(_ date: Date) -> [String: String] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let day = days[c.weekday! - 1]
        let month = months[c.month! - 1]
        let time = String(format: "%02d:%02d:%02d", c.hour!, c.minute!, c.second!)
        return [
            "imf-fixdate": "\(day.prefix(3)), \(String(format: "%02d", c.day!)) \(month) \(c.year!) \(time) GMT",
            "rfc850": "\(day), \(String(format: "%02d", c.day!))-\(month)-\(String(format: "%02d", c.year! % 100)) \(time) GMT",
            "asctime": "\(day.prefix(3)) \(month) \(String(format: "%2d", c.day!)) \(time) \(c.year!)",
        ]
    }

    @Test(arguments: ["imf-fixdate", "rfc850", "asctime"])
    func mockRetryAfterInEveryHTTPDateFormIsUnderstood(form: String) async throws {
        let server = try TestServer.current(.quirk)
        let value = try unwrap(Self.httpDates(Date().addingTimeInterval(120))[form])
        let query = TemplateFilters.urlencode(value)
        let error = await connectorError {
            _ = try await connection(server, auth: .bearer(Secret("t"))).send(path: "/api/status-429/\(key("date"))?retry_after=\(query)")
        }
        guard case let .rateLimited(retryAfter) = error, let seconds = retryAfter else {
            Issue.record("Expected rateLimited with a delay for \(value), got \(String(describing: error))")
            return
        }
        check((90...121).contains(seconds), "\(value) is about 120 s away, got \(seconds)")
    }

    // MARK: Bodies

    /// The body comes at 64 MiB/s, a pace the client keeps up with: the error must come once
    /// the cap (10 MiB) is passed, not after the body. (At loopback speed FoundationNetworking
    /// may read far ahead of its delegate, and on past a cancel: see docs/runtime.md.)
    @Test func mockChunkedBodyPastTheCapIsRefusedOnceTheCapIsPassed() async throws {
        let server = try TestServer.current(.quirk)
        let name = key("chunked")
        let error = try await withDeadline(30, "a 128 MiB chunked body") {
            await connectorError {
                _ = try await connection(server, auth: .bearer(Secret("t"))).send(path: "/api/chunked/\(name)?mib=128&mib_per_s=64", timeout: 30)
            }
        }
        guard case let .providerUnavailable(detail, retryable) = error else {
            Issue.record("Expected providerUnavailable (too large), got \(String(describing: error))")
            return
        }
        check(!retryable)
        check(detail.contains("larger than"), detail)
        let progress = try unwrap(try await server.control("GET", "/_control/progress/\(name)") as? [String: Any])
        let written = try unwrap(progress["written"] as? Int)
        check(written < 64 * 1024 * 1024, "the server wrote \(written >> 20) MiB of 128 before the error")
    }
}
