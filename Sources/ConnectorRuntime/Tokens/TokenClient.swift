public import Foundation

/// Makes the token-endpoint requests of one OAuth client: code exchange, refresh, client
/// credentials and revocation (RFC 6749 §4.1.3, §4.4, §6; RFC 7009). Stateless; caching and
/// single-flight live in ``Connection``.
///
/// ```swift
/// let client = TokenClient(endpoint: endpoint, transport: URLSessionTransport.shared)
/// let tokens = try await client.clientCredentials()
/// ```
public struct TokenClient: Sendable {
    public var endpoint: TokenEndpoint
    public var transport: any HTTPTransport
    /// The clock used to turn `expires_in` into a date.
    public var now: @Sendable () -> Date
    /// Deadline of each token request, in seconds.
    public var timeout: TimeInterval
    /// Secrets besides the ones this client sends (the client secret, the code, the refresh
    /// token) that must never appear in an error: provider text is redacted of all of them.
    /// ``Connection`` passes the tokens and credentials it holds.
    public var knownSecrets: [Secret] = []

    public init(
        endpoint: TokenEndpoint, transport: any HTTPTransport, timeout: TimeInterval = HTTPRequest.defaultTimeout,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.endpoint = endpoint
        self.transport = transport
        self.timeout = timeout
        self.now = now
    }

    /// Exchanges an authorization code. `redirectURI` must be the one of the authorize request.
    public func exchangeCode(_ code: String, codeVerifier: String?, redirectURI: URL) async throws(ConnectorError) -> TokenSet {
        var form = [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI.absoluteString)]
        if let codeVerifier { form.append(("code_verifier", codeVerifier)) }
        form += resolve(endpoint.tokenParameters, redirectURI: redirectURI)
        let request = try tokenRequest(url: endpoint.tokenURL, form: form, hashInput: code)
        let tokens = try await perform(request, grant: .authorizationCode, sent: [Secret(code), codeVerifier.map(Secret.init)])
        try checkScopes(tokens)
        return tokens
    }

    /// Refreshes with `grant_type=refresh_token`; the result keeps `refreshToken` when the
    /// response has none. `parameters` are the spec's refresh parameters.
    public func refresh(
        _ refreshToken: Secret, url: URL? = nil, parameters: [OAuthParameter] = [], redirectURI: URL? = nil
    ) async throws(ConnectorError) -> TokenSet {
        var form = [("grant_type", "refresh_token"), ("refresh_token", refreshToken.reveal())]
        form += resolve(endpoint.tokenParameters, redirectURI: redirectURI)
        form += resolve(parameters, redirectURI: redirectURI)
        let request = try tokenRequest(url: url ?? endpoint.tokenURL, form: form, hashInput: refreshToken.reveal())
        let tokens = try await perform(request, grant: .refreshToken, sent: [refreshToken])
        var merged = tokens
        if merged.refreshToken == nil { merged.refreshToken = refreshToken }
        return merged
    }

    /// Fetches a token with the client credentials grant (no refresh token expected), or with a
    /// provider grant of the same shape such as Zoom's `account_credentials`.
    public func clientCredentials(grantType: String = "client_credentials") async throws(ConnectorError) -> TokenSet {
        var form = [("grant_type", grantType)]
        if let scope = scopeParameter() { form.append(("scope", scope)) }
        form += resolve(endpoint.tokenParameters, redirectURI: nil)
        let request = try tokenRequest(url: endpoint.tokenURL, form: form, hashInput: nil)
        let tokens = try await perform(request, grant: .clientCredentials, sent: [])
        try checkScopes(tokens)
        return tokens
    }

    /// Revokes a token (RFC 7009) at the endpoint's `revokeURL`; does nothing without one.
    /// A 200 counts as success even for tokens the server no longer knows; a 503 is retryable.
    public func revoke(_ token: Secret, hint: String) async throws(ConnectorError) {
        guard let url = endpoint.revokeURL else { return }
        let request = try tokenRequest(url: url, form: [("token", token.reveal()), ("token_type_hint", hint)], hashInput: token.reveal())
        let response = try await send(request)
        if response.isSuccess { return }
        if let limited = OAuthErrorMapping.rateLimit(response, now: now()) { throw limited }
        if response.status == 503 {
            throw .providerUnavailable(detail: "The revocation endpoint is unavailable (503).", retryable: true)
        }
        if let oauth = TokenResponseParser.errorBody(response), oauth.error == "unsupported_token_type" {
            throw .misconfigured("The revocation endpoint does not support revoking \(hint)s (unsupported_token_type).")
        }
        throw OAuthErrorMapping.tokenError(response, grant: .refreshToken, redacting: redactor(sent: [token]))
    }

    /// The `scope` parameter: requested scopes joined with the separator, or `nil` when scopes
    /// are not sent. A `+` separator is a form-encoded space, so it is joined as a space.
    public func scopeParameter() -> String? {
        let scopes = endpoint.scopes
        guard scopes.sendInRequest, !scopes.requested.isEmpty else { return nil }
        let separator = scopes.separator == "+" ? " " : scopes.separator
        return scopes.requested.joined(separator: separator)
    }

    /// The POST request for `form` with client authentication applied, encoded as the endpoint
    /// says (form or JSON), with the endpoint's extra headers. `hashInput` is the code or refresh
    /// token Smartsheet's hash covers.
    public func tokenRequest(url: URL, form: [(String, String)], hashInput: String?) throws(ConnectorError) -> HTTPRequest {
        try TransportSecurity.requireSecure(url, purpose: "token endpoint")
        var headers: HTTPHeaders = ["Accept": "application/json"]
        for field in endpoint.headers { headers[field.name] = field.value }
        var body = form
        let client = endpoint.client
        switch client.authentication {
        case .clientSecretBasic:
            let secret = try requireSecret()
            headers["Authorization"] = Self.basicAuthorization(clientID: client.id, secret: secret)
        case .clientSecretPost:
            let secret = try requireSecret()
            body += [("client_id", client.id), ("client_secret", secret.reveal())]
        case .smartsheetHash:
            let secret = try requireSecret()
            body.append(("client_id", client.id))
            if let hashInput {
                body.append(("hash", SHA256.hexDigest(of: secret.reveal() + "|" + hashInput)))
            }
        case .none:
            body.append(("client_id", client.id))
        }
        let encoded: Data
        switch endpoint.encoding {
        case .form:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            encoded = Data(FormEncoding.body(body).utf8)
        case .json:
            headers["Content-Type"] = "application/json"
            encoded = Self.jsonBody(body)
        }
        return HTTPRequest(method: "POST", url: url, headers: headers, body: encoded, timeout: timeout)
    }

    /// A JSON object with one string member per parameter, in order (the last of a repeated name
    /// wins, as JSON objects cannot repeat names).
    static func jsonBody(_ parameters: [(String, String)]) -> Data {
        var seen: [String: Int] = [:]
        var members: [(String, String)] = []
        for (name, value) in parameters {
            if let index = seen[name] {
                members[index].1 = value
            } else {
                seen[name] = members.count
                members.append((name, value))
            }
        }
        let text = "{" + members.map { JSONString.quote($0.0) + ":" + JSONString.quote($0.1) }.joined(separator: ",") + "}"
        return Data(text.utf8)
    }

    /// `Basic base64(form(id) ":" form(secret))` (RFC 6749 §2.3.1).
    public static func basicAuthorization(clientID: String, secret: Secret) -> String {
        "Basic " + TemplateFilters.base64(FormEncoding.encode(clientID) + ":" + FormEncoding.encode(secret.reveal()))
    }

    private func requireSecret() throws(ConnectorError) -> Secret {
        guard let secret = endpoint.client.secret, !secret.isEmpty else {
            throw .misconfigured("The OAuth client has no client secret but its authentication is \(endpoint.client.authentication.rawValue).")
        }
        return secret
    }

    private func resolve(_ parameters: [OAuthParameter], redirectURI: URL?) -> [(String, String)] {
        parameters.compactMap { parameter in
            switch parameter.value {
            case let .text(text): return (parameter.name, text)
            case .redirectURI: return redirectURI.map { (parameter.name, $0.absoluteString) }
            }
        }
    }

    private func checkScopes(_ tokens: TokenSet) throws(ConnectorError) {
        let missing = TokenResponseParser.missingScopes(required: endpoint.scopes.required, granted: tokens.scope)
        if !missing.isEmpty { throw .missingScopes(missing) }
    }

    /// Everything secret this client knows about a request that sent `sent`: provider text in
    /// errors is redacted of it.
    private func redactor(sent: [Secret?]) -> Redactor {
        var secrets: [Secret?] = sent + knownSecrets + [endpoint.client.secret]
        if let secret = endpoint.client.secret, !secret.isEmpty {
            // The Authorization value itself, should a provider echo the header.
            secrets.append(Secret(String(Self.basicAuthorization(clientID: endpoint.client.id, secret: secret).dropFirst("Basic ".count))))
        }
        return Redactor(secrets)
    }

    private func perform(_ request: HTTPRequest, grant: TokenGrant, sent: [Secret?]) async throws(ConnectorError) -> TokenSet {
        let response = try await send(request)
        return try TokenResponseParser.parse(
            response, grant: grant, now: now(), defaultExpiresIn: endpoint.defaultExpiresIn, bearerTokenTypes: endpoint.bearerTokenTypes,
            redacting: redactor(sent: sent))
    }

    private func send(_ request: HTTPRequest) async throws(ConnectorError) -> HTTPResponse {
        do {
            return try await transport.send(request)
        } catch {
            throw OAuthErrorMapping.transportFailure(error)
        }
    }
}
