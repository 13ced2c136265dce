import ConnectorRuntime
import Foundation
import Testing

@Suite struct TokenResponseParserTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    private func parse(_ response: HTTPResponse, grant: TokenGrant = .refreshToken, defaultExpiresIn: Int? = nil) throws(ConnectorError) -> TokenSet {
        try TokenResponseParser.parse(response, grant: grant, now: now, defaultExpiresIn: defaultExpiresIn)
    }

    @Test func expiresInAsNumber() throws {
        let tokens = try parse(json(["access_token": "a", "token_type": "Bearer", "expires_in": 3600]))
        #expect(tokens.expiresAt == now.addingTimeInterval(3600))
    }

    @Test func expiresInAsNumericString() throws {
        let tokens = try parse(json(["access_token": "a", "token_type": "Bearer", "expires_in": "3600"]))
        #expect(tokens.expiresAt == now.addingTimeInterval(3600))
    }

    @Test func expiresInNullMeansUnknown() throws {
        let tokens = try parse(json(["access_token": "a", "token_type": "Bearer", "expires_in": NSNull()]))
        #expect(tokens.expiresAt == nil)
    }

    @Test func expiresInAbsentUsesSpecDefault() throws {
        let tokens = try parse(json(["access_token": "a", "token_type": "Bearer"]), defaultExpiresIn: 7200)
        #expect(tokens.expiresAt == now.addingTimeInterval(7200))
    }

    @Test func expiresInAbsentWithoutDefaultIsUnknownAndNeverExpired() throws {
        let tokens = try parse(json(["access_token": "a", "token_type": "Bearer"]))
        #expect(tokens.expiresAt == nil)
        #expect(!tokens.isExpired(at: now.addingTimeInterval(1e9), margin: 60))
    }

    @Test func errorInsideA200IsAnError() {
        #expect(throws: ConnectorError.reconnectRequired(detail: "invalid_grant: token revoked")) {
            try parse(json(["error": "invalid_grant", "error_description": "token revoked"]))
        }
    }

    @Test func missingAccessTokenIsAnError() {
        #expect(throws: ConnectorError.misconfigured("The token response has no access_token.")) {
            try parse(json(["token_type": "Bearer"]))
        }
    }

    @Test func formEncodedBodyIsParsed() throws {
        let tokens = try parse(text(200, "access_token=abc%2B1&scope=repo%2Cuser&token_type=bearer", contentType: "application/x-www-form-urlencoded"))
        #expect(tokens.accessToken.reveal() == "abc+1")
        #expect(tokens.scope == ["repo", "user"])
        #expect(tokens.tokenType.lowercased() == "bearer")
    }

    @Test func textPlainFormBodyIsParsed() throws {
        let tokens = try parse(text(200, "access_token=xyz&expires=5183999"))
        #expect(tokens.accessToken.reveal() == "xyz")
        #expect(tokens.extra["expires"] == "5183999")
    }

    @Test func unknownFieldsAreKeptRaw() throws {
        let nested: [String: Any] = ["x": 1]
        var body: [String: Any] = ["access_token": "a", "token_type": "Bearer"]
        body["instance_url"] = "https://acme.my.salesforce.com"
        body["issued_at"] = "1700000000000"
        body["nested"] = nested
        body["flag"] = true
        let extra: [String: String] = try parse(json(body)).extra
        let expected: [String: String] = [
            "instance_url": "https://acme.my.salesforce.com", "issued_at": "1700000000000", "nested": #"{"x":1}"#, "flag": "true",
        ]
        #expect(extra == expected)
    }

    @Test func refreshTokenAndScopeAreRead() throws {
        let tokens = try parse(json(["access_token": "a", "token_type": "BEARER", "refresh_token": "r", "scope": "read write"]))
        #expect(tokens.refreshToken?.reveal() == "r")
        #expect(tokens.scope == ["read", "write"])
    }

    @Test func scopesAreComparedAsASet() {
        #expect(TokenResponseParser.missingScopes(required: ["a", "b"], granted: ["b", "a", "c"]).isEmpty)
        #expect(TokenResponseParser.missingScopes(required: ["a", "b", "C"], granted: ["a", "c"]) == ["b", "C"])
        #expect(TokenResponseParser.missingScopes(required: ["a"], granted: nil).isEmpty)
    }
}

@Suite struct OAuthErrorMappingTests {
    private func tokenError(_ response: HTTPResponse, _ grant: TokenGrant = .refreshToken) -> ConnectorError {
        OAuthErrorMapping.tokenError(response, grant: grant)
    }

    @Test func invalidGrantOnRefreshRequiresReconnect() {
        guard case .reconnectRequired = tokenError(json(400, ["error": "invalid_grant"])) else {
            Issue.record("expected reconnectRequired"); return
        }
    }

    @Test func invalidClientAndBare401AreInvalidCredentials() {
        guard case .invalidCredentials = tokenError(json(401, ["error": "invalid_client"])) else { Issue.record("invalid_client"); return }
        guard case .invalidCredentials = tokenError(HTTPResponse(status: 401, headers: ["WWW-Authenticate": "Basic"])) else {
            Issue.record("bare 401"); return
        }
    }

    @Test func invalidScopeAndUnauthorizedClientAreMisconfiguration() {
        guard case .misconfigured = tokenError(json(400, ["error": "invalid_scope"])) else { Issue.record("invalid_scope"); return }
        guard case .misconfigured = tokenError(json(400, ["error": "unauthorized_client"])) else { Issue.record("unauthorized_client"); return }
    }

    @Test func serverErrorsAreRetryable() {
        let error = tokenError(text(502, "<html>bad gateway</html>", contentType: "text/html"))
        #expect(error.isRetryable)
        guard case .providerUnavailable(_, true) = error else { Issue.record("expected retryable unavailable"); return }
    }

    @Test func rateLimitReadsRetryAfterSeconds() {
        #expect(tokenError(HTTPResponse(status: 429, headers: ["Retry-After": "120"])) == .rateLimited(retryAfter: 120))
    }

    @Test func retryAfterAcceptsHTTPDate() {
        let now = Date(timeIntervalSince1970: 1_445_412_480)  // Wed, 21 Oct 2015 07:28:00 GMT
        #expect(OAuthErrorMapping.retryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now: now) == 30)
        #expect(OAuthErrorMapping.retryAfter("soon", now: now) == nil)
    }

    @Test func insufficientScopeNamesTheScopesFromTheChallenge() {
        let response = HTTPResponse(
            status: 403, headers: ["www-authenticate": #"Bearer realm="api", error="insufficient_scope", scope="users:read groups:read""#])
        #expect(OAuthErrorMapping.insufficientScope(response) == ["users:read", "groups:read"])
        #expect(OAuthErrorMapping.insufficientScope(HTTPResponse(status: 403)) == nil)
    }
}
