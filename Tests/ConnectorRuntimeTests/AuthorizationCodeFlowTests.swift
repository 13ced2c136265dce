import ConnectorRuntime
import Foundation
import Testing

@Suite struct AuthorizationCodeFlowTests {
    private func query(_ url: URL) -> [String: String] {
        var result: [String: String] = [:]
        for (name, value) in FormEncoding.decode(URLComponents(url: url, resolvingAgainstBaseURL: false)?.percentEncodedQuery ?? "") {
            result[name] = value
        }
        return result
    }

    private func flow(
        _ transport: MockTransport = MockTransport { _ in json(200, ["access_token": "a", "token_type": "Bearer", "refresh_token": "r"]) },
        pkce: PKCEPolicy = .supported, scopes: ScopeConfiguration = ScopeConfiguration(separator: ",", requested: ["users:read", "groups read"]),
        store: InMemoryTokenStore = InMemoryTokenStore()
    ) throws -> AuthorizationCodeFlow {
        try AuthorizationCodeFlow(
            configuration: Fixtures.codeConfiguration(endpoint: Fixtures.endpoint(scopes: scopes), pkce: pkce), account: "acct",
            store: store, transport: transport, redirectURI: Fixtures.redirectURI)
    }

    @Test func authorizeURLCarriesTheStandardParameters() throws {
        let (url, _) = try flow().start()
        let items: [String: String] = query(url)
        let text: String = url.absoluteString
        #expect(text.hasPrefix("https://auth.example.com/oauth/authorize?"))
        let standard: [String: String] = items.filter { ["response_type", "client_id", "redirect_uri"].contains($0.key) }
        let expected: [String: String] = ["response_type": "code", "client_id": "client-1", "redirect_uri": Fixtures.redirectURI.absoluteString]
        #expect(standard == expected)
    }

    @Test func authorizeURLEncodesScopesWithTheirSeparator() throws {
        let (url, _) = try flow().start()
        let items: [String: String] = query(url)
        #expect(items["scope"] == "users:read,groups read")
        let text: String = url.absoluteString
        #expect(text.contains("scope=users%3Aread%2Cgroups+read"))
    }

    @Test func authorizeURLCarriesStateAndS256Challenge() throws {
        let (url, pending) = try flow().start()
        let items: [String: String] = query(url)
        let verifier: String = try #require(pending.codeVerifier).reveal()
        let expected: String = PKCE.challenge(for: verifier)
        #expect(items["state"] == pending.state)
        #expect(items["code_challenge_method"] == "S256")
        #expect(items["code_challenge"] == expected)
    }

    @Test func authorizeURLCarriesExtraParameters() throws {
        let (url, _) = try flow().start(extraParameters: [("login_hint", "a+b@example.com")])
        let items: [String: String] = query(url)
        #expect(items["login_hint"] == "a+b@example.com")
    }

    @Test func plusSeparatorJoinsScopesAsEncodedSpaces() throws {
        let (url, _) = try flow(scopes: ScopeConfiguration(separator: "+", requested: ["a", "b"])).start()
        #expect(url.absoluteString.contains("scope=a+b"))
    }

    @Test func pkceIsOmittedWhenUnsupported() throws {
        let (url, pending) = try flow(pkce: .unsupported).start()
        #expect(query(url)["code_challenge"] == nil)
        #expect(pending.codeVerifier == nil)
    }

    @Test func exchangeRepeatsRedirectURIAndSendsVerifierThenSaves() async throws {
        let body = Data(#"{"access_token":"a","token_type":"Bearer","refresh_token":"r","expires_in":60}"#.utf8)
        let transport = MockTransport { _ in HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: body) }
        let store = InMemoryTokenStore()
        let flow = try flow(transport, store: store)
        let (_, pending) = try flow.start()
        let callback = URL(string: "https://app.example.com/oauth/callback?code=c%2B1&state=\(pending.state)")!
        let tokens = try await flow.complete(callbackURL: callback, pending: pending)
        #expect(tokens.refreshToken?.reveal() == "r")
        let fields: [String: String] = formFields(try #require(transport.requests.first))
        let expected: [String: String] = [
            "grant_type": "authorization_code", "code": "c+1", "redirect_uri": Fixtures.redirectURI.absoluteString,
            "code_verifier": pending.codeVerifier?.reveal() ?? "-",
        ]
        #expect(fields == expected)
        let saved: TokenSet? = try await store.load(account: "acct")
        #expect(saved?.accessToken.reveal() == "a")
    }

    @Test func stateMismatchIsRejected() throws {
        let (_, pending) = try flow().start()
        #expect(throws: ConnectorError.invalidCallback(detail: "the state parameter does not match this linking attempt")) {
            try AuthorizationCodeFlow.authorizationCode(from: URL(string: "https://app.example.com/cb?code=x&state=other")!, pending: pending)
        }
        #expect(throws: ConnectorError.self) {
            try AuthorizationCodeFlow.authorizationCode(from: URL(string: "https://app.example.com/cb?code=x")!, pending: pending)
        }
    }

    @Test func stateMismatchWinsOverAnErrorRedirect() throws {
        let (_, pending) = try flow().start()
        #expect(throws: ConnectorError.invalidCallback(detail: "the state parameter does not match this linking attempt")) {
            try AuthorizationCodeFlow.authorizationCode(from: URL(string: "https://app.example.com/cb?error=access_denied&state=x")!, pending: pending)
        }
    }

    @Test func accessDeniedMeansTheUserDeclined() throws {
        let (_, pending) = try flow().start()
        let url = URL(string: "https://app.example.com/cb?error=access_denied&error_description=User+said+no&state=\(pending.state)")!
        #expect(throws: ConnectorError.accessDenied(detail: "access_denied: User said no")) {
            try AuthorizationCodeFlow.authorizationCode(from: url, pending: pending)
        }
    }

    @Test func missingCodeIsAnInvalidCallback() throws {
        let (_, pending) = try flow().start()
        #expect(throws: ConnectorError.invalidCallback(detail: "the callback has no authorization code")) {
            try AuthorizationCodeFlow.authorizationCode(from: URL(string: "https://app.example.com/cb?state=\(pending.state)")!, pending: pending)
        }
    }

    @Test func aPendingAuthorizationIsUsableOnce() async throws {
        let flow = try flow()
        let (_, pending) = try flow.start()
        let callback = URL(string: "https://app.example.com/cb?code=x&state=\(pending.state)")!
        _ = try await flow.complete(callbackURL: callback, pending: pending)
        await #expect(throws: ConnectorError.self) { try await flow.complete(callbackURL: callback, pending: pending) }
    }

    @Test func aConnectionUsesTheLinkedTokens() async throws {
        let store = InMemoryTokenStore()
        let transport = MockTransport { request in
            request.url == Fixtures.tokenURL
                ? json(["access_token": "linked", "token_type": "Bearer", "expires_in": 3600, "refresh_token": "r"])
                : json(["ok": true])
        }
        let flow = try flow(transport, store: store)
        let (_, pending) = try flow.start()
        _ = try await flow.complete(callbackURL: URL(string: "https://app.example.com/cb?code=x&state=\(pending.state)")!, pending: pending)
        let connection = Connection(configuration: flow.configuration, account: "acct", store: store, transport: transport)
        #expect(try await connection.verify()?.status == 200)
        #expect(transport.requests.last?.headers["Authorization"] == "Bearer linked")
    }
}
