public import Foundation

/// Links an account with the OAuth 2.0 authorization code grant (RFC 6749 §4.1, PKCE per
/// RFC 7636): builds the authorize URL, checks the callback, exchanges the code and saves the
/// tokens in the store, where a ``Connection`` for the same account finds them.
///
/// ```swift
/// let flow = try AuthorizationCodeFlow(configuration: config, account: "acme", store: store,
///                                      redirectURI: URL(string: "https://app.example.com/oauth/callback")!)
/// let (url, pending) = try flow.start()          // send the person to `url`, keep `pending`
/// let tokens = try await flow.complete(callbackURL: callback, pending: pending)
/// ```
public actor AuthorizationCodeFlow {
    public nonisolated let configuration: ConnectionConfiguration
    public nonisolated let code: AuthorizationCodeConfiguration
    public nonisolated let account: String
    public nonisolated let redirectURI: URL
    /// How long a pending authorization stays usable, in seconds (default 10 minutes).
    public nonisolated let maxPendingAge: TimeInterval
    private let store: any TokenStore
    private let transport: any HTTPTransport
    private let now: @Sendable () -> Date
    private var usedStates: Set<String> = []

    /// Fails with ``ConnectorError/misconfigured(_:)`` unless the configuration uses the
    /// authorization code grant and the redirect URI is https (or loopback http).
    public init(
        configuration: ConnectionConfiguration, account: String, store: any TokenStore,
        transport: any HTTPTransport = URLSessionTransport.shared, redirectURI: URL, maxPendingAge: TimeInterval = 600,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws(ConnectorError) {
        guard case let .authorizationCode(code) = configuration.auth else {
            throw .misconfigured("Connector \(configuration.connectorID) variant \(configuration.variantID) does not use the authorization code grant.")
        }
        guard TransportSecurity.allowsCredentials(to: redirectURI) else {
            throw .misconfigured("The redirect URI must use https (http only for 127.0.0.1, ::1 or localhost).")
        }
        self.configuration = configuration
        self.code = code
        self.account = account
        self.store = store
        self.transport = transport
        self.redirectURI = redirectURI
        self.maxPendingAge = maxPendingAge
        self.now = now
    }

    /// The authorize URL to open and the pending state to keep until the callback.
    /// `extraParameters` are added after the spec's authorize parameters (e.g. `login_hint`).
    public nonisolated func start(extraParameters: [(String, String)] = []) throws(ConnectorError) -> (url: URL, pending: PendingAuthorization) {
        try TransportSecurity.requireSecure(code.authorizeURL, purpose: "authorization endpoint")
        let state = PKCE.makeState()
        let verifier = code.pkce == .unsupported ? nil : PKCE.makeVerifier()
        var query: [(String, String)] = [
            ("response_type", "code"), ("client_id", code.endpoint.client.id), ("redirect_uri", redirectURI.absoluteString),
        ]
        let client = TokenClient(endpoint: code.endpoint, transport: transport)
        if let scope = client.scopeParameter() { query.append(("scope", scope)) }
        query.append(("state", state))
        if let verifier {
            query += [("code_challenge", PKCE.challenge(for: verifier)), ("code_challenge_method", "S256")]
        }
        for parameter in code.authorizeParameters {
            switch parameter.value {
            case let .text(text): query.append((parameter.name, text))
            case .redirectURI: query.append((parameter.name, redirectURI.absoluteString))
            }
        }
        query += extraParameters
        let base = code.authorizeURL.absoluteString
        let separator = base.contains("?") ? "&" : "?"
        guard let url = URL(string: base + separator + FormEncoding.body(query)) else {
            throw .misconfigured("Could not build the authorize URL.")
        }
        let pending = PendingAuthorization(state: state, codeVerifier: verifier.map(Secret.init), redirectURI: redirectURI, createdAt: now())
        return (url, pending)
    }

    /// Checks the callback, exchanges the code (with the same redirect URI and the PKCE
    /// verifier), checks the granted scopes, and saves the tokens in the store.
    ///
    /// Throws ``ConnectorError/invalidCallback(detail:)`` for a state mismatch, a reused or stale
    /// pending authorization, or a missing code; ``ConnectorError/accessDenied(detail:)`` when
    /// the person declined.
    public func complete(callbackURL: URL, pending: PendingAuthorization) async throws(ConnectorError) -> TokenSet {
        guard !usedStates.contains(pending.state) else {
            throw .invalidCallback(detail: "this authorization was already completed; start again")
        }
        guard now().timeIntervalSince(pending.createdAt) <= maxPendingAge else {
            throw .invalidCallback(detail: "linking took too long; start again")
        }
        let authorizationCode = try Self.authorizationCode(from: callbackURL, pending: pending)
        usedStates.insert(pending.state)
        let client = TokenClient(endpoint: code.endpoint, transport: transport, now: now)
        let tokens = try await client.exchangeCode(
            authorizationCode, codeVerifier: pending.codeVerifier?.reveal(), redirectURI: pending.redirectURI)
        do {
            try await store.save(tokens, account: account)
        } catch {
            throw .providerUnavailable(detail: "Could not save the new tokens to the token store", retryable: true)
        }
        return tokens
    }

    /// The `code` of a callback URL whose `state` equals `pending.state` exactly; maps
    /// `error=access_denied` and other error redirects (RFC 6749 §4.1.2.1).
    public static func authorizationCode(from callbackURL: URL, pending: PendingAuthorization) throws(ConnectorError) -> String {
        let query = URLComponents(url: callbackURL, resolvingAgainstBaseURL: false)?.percentEncodedQuery ?? ""
        var parameters: [String: String] = [:]
        for (name, value) in FormEncoding.decode(query) where parameters[name] == nil {
            parameters[name] = value
        }
        guard let state = parameters["state"] else {
            throw .invalidCallback(detail: "the callback has no state parameter")
        }
        guard state == pending.state else {
            throw .invalidCallback(detail: "the state parameter does not match this linking attempt")
        }
        if let error = parameters["error"] {
            let summary = OAuthErrorResponse(error: error, description: parameters["error_description"]).summary
            switch error {
            case "access_denied":
                throw .accessDenied(detail: summary)
            case "invalid_scope", "unauthorized_client", "unsupported_response_type", "invalid_request":
                throw .misconfigured("The authorization server refused the request (\(summary)).")
            case "server_error", "temporarily_unavailable":
                throw .providerUnavailable(detail: summary, retryable: true)
            default:
                throw .invalidCallback(detail: "the provider returned an error (\(summary))")
            }
        }
        guard let code = parameters["code"], !code.isEmpty else {
            throw .invalidCallback(detail: "the callback has no authorization code")
        }
        return code
    }
}
