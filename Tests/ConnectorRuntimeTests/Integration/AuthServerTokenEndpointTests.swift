import ConnectorRuntime
import Foundation
import Testing

/// ``TokenClient`` against a real OAuth 2.0 authorization server (Authlib, Tests/Servers/authserver.py).
@Suite(.authServer)
struct AuthServerTokenEndpointTests {
    let transport = URLSessionTransport()

    /// Runs the authorize step by hand (as a browser would) and returns the code, verifier and
    /// redirect URI for an exchange.
    func authorize(_ client: RegisteredClient, server: TestServer, scope: String = "read") async throws -> (code: String, verifier: String) {
        let verifier = PKCE.makeVerifier()
        var components = URLComponents(url: server.url("/authorize"), resolvingAgainstBaseURL: false)!
        components.queryItems = [
            URLQueryItem(name: "response_type", value: "code"), URLQueryItem(name: "client_id", value: client.id),
            URLQueryItem(name: "redirect_uri", value: client.redirectURI.absoluteString), URLQueryItem(name: "scope", value: scope),
            URLQueryItem(name: "state", value: "s1"), URLQueryItem(name: "code_challenge", value: PKCE.challenge(for: verifier)),
            URLQueryItem(name: "code_challenge_method", value: "S256"),
        ]
        let callback = try await Browser.callbackURL(for: components.url!)
        let code = try unwrap(Browser.query(callback)["code"], "no code in \(Browser.query(callback).keys.sorted())")
        return (code, verifier)
    }

    func apiMe(_ tokens: TokenSet, server: TestServer) async throws -> HTTPResponse {
        try await transport.send(HTTPRequest(url: server.url("/api/me"), headers: ["Authorization": "Bearer " + tokens.accessToken.reveal()]))
    }

    @Test func clientCredentialsWithBasicAuthenticationGetsATokenTheResourceAccepts() async throws {
        let server = try TestServer.current(.auth)
        let client = try await server.registerClient("cc-basic", grants: ["client_credentials"])
        let tokens = try await TokenClient(endpoint: server.endpoint(client), transport: transport).clientCredentials()
        checkEqual(tokens.refreshToken, nil)
        checkNotEqual(tokens.expiresAt, nil)
        checkEqual(try await apiMe(tokens, server: server).status, 200)
        checkEqual(try await server.stats(client.id).tokenRequests, ["client_credentials": 1])
    }

    @Test func clientCredentialsWithPostAuthenticationGetsAToken() async throws {
        let server = try TestServer.current(.auth)
        let client = try await server.registerClient("cc-post", authentication: .clientSecretPost, grants: ["client_credentials"])
        let tokens = try await TokenClient(endpoint: server.endpoint(client), transport: transport).clientCredentials()
        checkEqual(try await apiMe(tokens, server: server).status, 200)
    }

    @Test func clientIDAndSecretWithReservedCharactersAreFormEncodedBeforeBasic() async throws {
        let server = try TestServer.current(.auth)
        // Authlib splits on the first ':' and then percent-decodes each half, so this only works
        // when the client form-encodes id and secret before base64 (RFC 6749 section 2.3.1).
        let suffix = UUID().uuidString.prefix(6)
        let client = try await server.registerClient(
            "odd", grants: ["client_credentials"], id: "odd:id?&=\(suffix)", secret: "s/e+c=r%t&?:\(suffix)")
        let tokens = try await TokenClient(endpoint: server.endpoint(client), transport: transport).clientCredentials()
        check(!tokens.accessToken.isEmpty)
    }

    @Test func wrongClientSecretWithBasicGivesInvalidCredentialsWithoutHanging() async throws {
        let server = try TestServer.current(.auth)
        var client = try await server.registerClient("wrong-basic", grants: ["client_credentials"])
        client.secret = "not-the-secret"
        let tokenClient = TokenClient(endpoint: server.endpoint(client), transport: transport, timeout: 10)
        // Authlib answers 401 + WWW-Authenticate: Basic, which hangs a plain URLSession on Linux.
        let error = try await withDeadline(8, "the token request with a wrong Basic secret") {
            await connectorError { _ = try await tokenClient.clientCredentials() }
        }
        guard case .invalidCredentials = error else {
            Issue.record("Expected invalidCredentials, got \(String(describing: error))")
            return
        }
        check(!String(describing: error).contains("not-the-secret"))
    }

    @Test func wrongClientSecretWithPostGivesInvalidCredentials() async throws {
        let server = try TestServer.current(.auth)
        var client = try await server.registerClient("wrong-post", authentication: .clientSecretPost, grants: ["client_credentials"])
        client.secret = "not-the-secret"
        let error = await connectorError { _ = try await TokenClient(endpoint: server.endpoint(client), transport: transport).clientCredentials() }
        guard case .invalidCredentials = error else {
            Issue.record("Expected invalidCredentials, got \(String(describing: error))")
            return
        }
    }

    @Test(arguments: [ClientAuthentication.clientSecretBasic, .clientSecretPost])
    func codeExchangeWithPKCEAndRefreshWithRotation(authentication: ClientAuthentication) async throws {
        let server = try TestServer.current(.auth)
        let client = try await server.registerClient("code", authentication: authentication)
        let tokenClient = TokenClient(endpoint: server.endpoint(client), transport: transport)
        let (code, verifier) = try await authorize(client, server: server)
        let first = try await tokenClient.exchangeCode(code, codeVerifier: verifier, redirectURI: client.redirectURI)
        let firstRefresh = try unwrap(first.refreshToken)
        checkEqual(first.scope, ["read"])
        checkEqual(try await apiMe(first, server: server).status, 200)

        let second = try await tokenClient.refresh(firstRefresh)
        let secondRefresh = try unwrap(second.refreshToken)
        checkNotEqual(secondRefresh, firstRefresh, "Authlib rotates refresh tokens")
        checkEqual(try await apiMe(second, server: server).status, 200)
        checkEqual(try await apiMe(first, server: server).status, 401, "the old access token is revoked with the old refresh token")

        let reuse = await connectorError { _ = try await tokenClient.refresh(firstRefresh) }
        guard case .reconnectRequired = reuse else {
            Issue.record("Reusing a rotated refresh token should require reconnecting, got \(String(describing: reuse))")
            return
        }
        checkEqual(try await server.stats(client.id).tokenRequests, ["authorization_code": 1, "refresh_token": 2])
    }

    @Test func codeExchangeWithTheWrongVerifierIsRejected() async throws {
        let server = try TestServer.current(.auth)
        let client = try await server.registerClient("verifier")
        let (code, _) = try await authorize(client, server: server)
        let error = await connectorError {
            _ = try await TokenClient(endpoint: server.endpoint(client), transport: transport)
                .exchangeCode(code, codeVerifier: PKCE.makeVerifier(), redirectURI: client.redirectURI)
        }
        checkNotEqual(error, nil)
        if case .invalidCredentials = error { Issue.record("A wrong verifier is not a credentials problem") }
        checkEqual(try await server.stats(client.id).accessTokensActive, 0)
    }

    @Test func codeExchangeWithoutAVerifierIsRejectedBecausePKCEIsRequired() async throws {
        let server = try TestServer.current(.auth)
        let client = try await server.registerClient("no-verifier")
        let (code, _) = try await authorize(client, server: server)
        let error = await connectorError {
            _ = try await TokenClient(endpoint: server.endpoint(client), transport: transport)
                .exchangeCode(code, codeVerifier: nil, redirectURI: client.redirectURI)
        }
        checkNotEqual(error, nil)
        checkEqual(try await server.stats(client.id).accessTokensActive, 0)
    }

    @Test func revokedRefreshTokenRequiresReconnecting() async throws {
        let server = try TestServer.current(.auth)
        let client = try await server.registerClient("revoke")
        let tokenClient = TokenClient(endpoint: server.endpoint(client), transport: transport)
        let (code, verifier) = try await authorize(client, server: server)
        let tokens = try await tokenClient.exchangeCode(code, codeVerifier: verifier, redirectURI: client.redirectURI)
        let refresh = try unwrap(tokens.refreshToken)

        try await tokenClient.revoke(refresh, hint: "refresh_token")
        checkEqual(try await server.stats(client.id).revocations, 1)
        checkEqual(try await apiMe(tokens, server: server).status, 401)
        let error = await connectorError { _ = try await tokenClient.refresh(refresh) }
        guard case .reconnectRequired = error else {
            Issue.record("Expected reconnectRequired, got \(String(describing: error))")
            return
        }
    }
}
