import ConnectorRuntime
import Foundation
import Testing

@Suite struct TokenClientTests {
    @Test func revocationReportsUnsupportedTokenType() async {
        let transport = MockTransport { _ in json(400, ["error": "unsupported_token_type"]) }
        let client = TokenClient(endpoint: Fixtures.endpoint(revoke: true), transport: transport)
        await #expect { try await client.revoke(Secret("t"), hint: "refresh_token") } throws: { error in
            guard case .misconfigured = error as? ConnectorError else { return false }
            return true
        }
    }

    @Test func revocationWithoutARevokeURLSendsNothing() async throws {
        let transport = MockTransport { _ in HTTPResponse(status: 500) }
        try await TokenClient(endpoint: Fixtures.endpoint(), transport: transport).revoke(Secret("t"), hint: "access_token")
        #expect(transport.requests.isEmpty)
    }

    @Test func smartsheetRefreshHashesTheRefreshToken() async throws {
        let transport = MockTransport { _ in json(["access_token": "a", "token_type": "bearer"]) }
        let client = TokenClient(endpoint: Fixtures.endpoint(auth: .smartsheetHash), transport: transport)
        let tokens: TokenSet = try await client.refresh(Secret("rt-9"))
        let kept: String? = tokens.refreshToken?.reveal()
        #expect(kept == "rt-9")
        let request: HTTPRequest = try #require(transport.requests.first)
        let fields: [String: String] = formFields(request)
        let expected: [String: String] = [
            "grant_type": "refresh_token", "refresh_token": "rt-9", "client_id": "client-1",
            "hash": SHA256.hexDigest(of: "s3cret-value|rt-9"),
        ]
        #expect(fields == expected)
    }

    @Test func tokenParametersAndRefreshParametersAreSent() async throws {
        let transport = MockTransport { _ in json(["access_token": "a", "token_type": "Bearer"]) }
        var endpoint = Fixtures.endpoint()
        endpoint.tokenParameters = [OAuthParameter(name: "audience", value: .text("api"))]
        let client = TokenClient(endpoint: endpoint, transport: transport)
        _ = try await client.refresh(
            Secret("rt"), parameters: [OAuthParameter(name: "redirect_uri", value: .redirectURI)], redirectURI: Fixtures.redirectURI)
        let fields: [String: String] = formFields(try #require(transport.requests.first))
        let expected: [String: String] = [
            "grant_type": "refresh_token", "refresh_token": "rt", "audience": "api", "redirect_uri": Fixtures.redirectURI.absoluteString,
        ]
        #expect(fields == expected)
    }

    // Inspects the request TokenClient builds (no transport involved).
    @Test func aJSONEndpointSendsOneStringMemberPerParameterWithItsHeaders() throws {
        var endpoint = Fixtures.endpoint()
        endpoint.encoding = .json
        endpoint.headers = [HTTPField(name: "accept", value: "application/vnd.acme+json"), HTTPField(name: "X-Trace", value: "1")]
        let client = TokenClient(endpoint: endpoint, transport: MockTransport { _ in HTTPResponse(status: 500) })
        let request: HTTPRequest = try client.tokenRequest(
            url: endpoint.tokenURL, form: [("grant_type", "authorization_code"), ("code", "a\"b\\c\n\u{1}")], hashInput: nil)
        #expect(request.headers["Content-Type"] == "application/json")
        #expect(request.headers["Accept"] == "application/vnd.acme+json")
        #expect(request.headers["X-Trace"] == "1")
        #expect(request.headers["Authorization"]?.hasPrefix("Basic ") == true)
        let body = String(decoding: try #require(request.body), as: UTF8.self)
        #expect(body == #"{"grant_type":"authorization_code","code":"a\"b\\c\n\u0001"}"#)
        let decoded = try JSONSerialization.jsonObject(with: try #require(request.body)) as? [String: String]
        #expect(decoded == ["grant_type": "authorization_code", "code": "a\"b\\c\n\u{1}"])
    }

    @Test func extraHeadersNeverReplaceTheContentTypeOrTheClientsAuthorization() throws {
        var endpoint = Fixtures.endpoint()
        endpoint.headers = [HTTPField(name: "Content-Type", value: "text/plain"), HTTPField(name: "Authorization", value: "x")]
        let client = TokenClient(endpoint: endpoint, transport: MockTransport { _ in HTTPResponse(status: 500) })
        let request: HTTPRequest = try client.tokenRequest(url: endpoint.tokenURL, form: [("grant_type", "refresh_token")], hashInput: nil)
        #expect(request.headers["Content-Type"] == "application/x-www-form-urlencoded")
        #expect(request.headers["Authorization"]?.hasPrefix("Basic ") == true)
    }

    @Test func aNetworkFailureIsRetryable() async {
        let transport = MockTransport { _ in throw TransportError(.network, detail: "refused") }
        let client = TokenClient(endpoint: Fixtures.endpoint(), transport: transport)
        await #expect { try await client.clientCredentials() } throws: { ($0 as? ConnectorError)?.isRetryable == true }
    }
}
