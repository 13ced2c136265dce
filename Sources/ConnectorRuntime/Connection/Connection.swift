public import Foundation

/// One linked account of one connector: makes authenticated API requests and keeps its OAuth
/// tokens fresh.
///
/// - Proactive refresh: a token expiring within ``refreshMargin`` seconds (at most half its
///   lifetime, see ``TokenSet/refreshMargin(_:)``) is refreshed before use.
/// - Reactive refresh: an OAuth request answered 401 refreshes once and is retried once. A 401
///   on a token that had expired by the time the answer came (the request waited in a queue
///   longer than the token lives) refreshes and retries again, up to three times, and is then
///   reported as retryable ``ConnectorError/providerUnavailable(detail:retryable:)``, never as
///   invalid credentials.
/// - Deadlines: a request's `timeout` covers the whole exchange, the wait for a token included.
///   Each token request has its own deadline, ``tokenRequestTimeout``.
/// - Provider text that enters an error is redacted of every secret the connection knows.
/// - Single-flight: any number of concurrent callers cause exactly one token request; the others
///   wait for it. Across processes and machines sharing the ``TokenStore`` too: the process that
///   takes the account's refresh lease makes the request, the others wait for and adopt the
///   tokens it writes (see docs/token-storage.md).
/// - Discovery: when the configuration has a ``DiscoveryRequest`` whose values the stored tokens
///   lack, it is made once (single-flight) with the access token before the first request, and
///   its values are saved with the tokens.
/// - Rotation: a refreshed token set (with its new refresh token) is saved to the store, with
///   compare-and-swap on the record's version, before the new access token is used; a response
///   without a refresh token keeps the old one. After `invalid_grant`, a newer token set a peer
///   saved is adopted before the account is declared ``ConnectionStatus/reconnectRequired``.
///
/// ```swift
/// let connection = Connection(configuration: try Zelt.OAuth.configuration(fields), account: "acme",
///                             store: try FileTokenStore(directory: tokensDirectory),
///                             redirectURI: URL(string: "https://app.example.com/oauth/callback")!)
/// let response = try await connection.send(path: "/v1/users")
/// ```
public actor Connection {
    public nonisolated let configuration: ConnectionConfiguration
    public nonisolated let account: String
    /// The redirect URI registered with the provider (authorization code connections); also the
    /// value of ``ParameterValue/redirectURI`` parameters.
    public nonisolated let redirectURI: URL?
    /// Seconds before expiry at which a token is refreshed proactively (at most half the
    /// token's lifetime).
    public nonisolated let refreshMargin: TimeInterval
    /// The deadline of each token request, in seconds. A caller whose own deadline is shorter
    /// stops waiting earlier; the token request goes on for the others.
    public nonisolated let tokenRequestTimeout: TimeInterval
    /// Seconds a refresh lease is taken for: longer than a token request and the store write
    /// (see ``init(configuration:account:store:transport:redirectURI:refreshMargin:tokenRequestTimeout:refreshLeaseDuration:now:)``).
    public nonisolated let refreshLeaseDuration: TimeInterval
    private let store: any TokenStore
    /// The store's part of the in-process refresh lock's key: the lock is for connections that
    /// share a store (the store's lease serialises the rest), so a store object adds its
    /// identity. A store that is a value (a struct wrapping another) cannot be told apart and
    /// shares the lock with every value store of the same account, as before.
    private nonisolated let refreshLockStoreScope: String
    private nonisolated let transport: any HTTPTransport
    private nonisolated let now: @Sendable () -> Date
    /// The tokens requests may use without entering the actor (see ``TokenCache``).
    private nonisolated let cache = TokenCache()

    /// The current state; also published by ``statusUpdates()``.
    public private(set) var status: ConnectionStatus = .active
    private var tokens: TokenSet?
    /// Tokens received but not yet saved because the store failed; saved before next use.
    private var unsaved: RefreshCoordinator.Unsaved?
    /// Who this connection is when it takes a refresh lease: `host/pid/id`.
    private nonisolated let leaseOwner = RefreshCoordinator.processOwner + "/" + UUID().uuidString.prefix(8).lowercased()
    /// A refresh token the provider rejected with `invalid_grant`; not tried again.
    private var rejectedRefreshToken: Secret?
    private var inflight: Task<Result<TokenSet, ConnectorError>, Never>?
    private var discoveryInflight: Task<Result<TokenSet, ConnectorError>, Never>?
    private var observers: [UUID: AsyncStream<ConnectionStatus>.Continuation] = [:]

    /// - Parameters:
    ///   - transport: defaults to ``URLSessionTransport/shared``.
    ///   - redirectURI: required for authorization code connections whose refresh parameters use
    ///     the redirect URI.
    ///   - refreshMargin: seconds before expiry to refresh (default 60; at most half the token's
    ///     lifetime).
    ///   - tokenRequestTimeout: the deadline of each token request (default 30 s).
    ///   - refreshLeaseDuration: seconds the refresh lease is held at most (default: the token
    ///     request timeout + 15 s, so 45 s): longer than a token request plus the store write. A
    ///     process killed while holding it delays its peers' refresh by at most this long.
    ///   - now: the clock, injectable for tests.
    public init(
        configuration: ConnectionConfiguration, account: String, store: any TokenStore,
        transport: any HTTPTransport = URLSessionTransport.shared, redirectURI: URL? = nil, refreshMargin: TimeInterval = 60,
        tokenRequestTimeout: TimeInterval = HTTPRequest.defaultTimeout, refreshLeaseDuration: TimeInterval? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.tokenRequestTimeout = tokenRequestTimeout
        self.configuration = configuration
        self.account = account
        self.store = store
        self.refreshLockStoreScope = type(of: store) is AnyObject.Type ? "@\(UInt(bitPattern: ObjectIdentifier(store as AnyObject)))" : ""
        self.transport = transport
        self.redirectURI = redirectURI
        self.refreshMargin = refreshMargin
        self.refreshLeaseDuration = refreshLeaseDuration ?? tokenRequestTimeout + 15
        self.now = now
    }

    // MARK: Requests

    /// Sends `request` with credentials. A relative URL is resolved against the base URL; an
    /// absolute one must be on the base URL's origin.
    ///
    /// Returns every response except these, which throw: 401 (after one refresh and retry for
    /// OAuth) → ``ConnectorError/invalidCredentials(detail:)``, unless the token had expired by
    /// the time the 401 came (then refresh and retry again, and finally a retryable
    /// ``ConnectorError/providerUnavailable(detail:retryable:)``); 403 `insufficient_scope` →
    /// ``ConnectorError/missingScopes(_:)``; 429 → ``ConnectorError/rateLimited(retryAfter:)``;
    /// 5xx → ``ConnectorError/providerUnavailable(detail:retryable:)``. The request's `timeout`
    /// covers the whole call, the wait for a token included.
    ///
    /// With a valid cached token this runs outside the actor: concurrent requests do not queue
    /// on it. Loading, refreshing, the 401 retry and status changes go through the actor.
    public nonisolated func send(_ request: HTTPRequest) async throws(ConnectorError) -> HTTPResponse {
        try await send(request, authenticate: true)
    }

    /// Sends a request to `path` (relative to the base URL, may include a query).
    public nonisolated func send(
        _ method: String = "GET", path: String, headers: HTTPHeaders = HTTPHeaders(), body: Data? = nil,
        timeout: TimeInterval = HTTPRequest.defaultTimeout
    ) async throws(ConnectorError) -> HTTPResponse {
        guard let request = HTTPRequest(method: method, path: path, headers: headers, body: body, timeout: timeout) else {
            throw .misconfigured("The request path is not a valid URL reference.")
        }
        return try await send(request)
    }

    /// Runs the spec's verification request (proof that the credentials work). Returns `nil` when
    /// the spec has none. Non-2xx answers throw: 401/403 → invalid credentials or missing scopes,
    /// 404 → misconfigured (wrong subdomain or host name).
    @discardableResult
    public func verify() async throws(ConnectorError) -> HTTPResponse? {
        guard let verification = configuration.verification else { return nil }
        guard let request = HTTPRequest(method: verification.method, path: verification.path, body: verification.body) else {
            throw .misconfigured("The verification path is not a valid URL reference.")
        }
        let response = try await send(request, authenticate: verification.usesAuth)
        if response.isSuccess { return response }
        switch response.status {
        case 401:
            throw .invalidCredentials(detail: "The verification request was answered 401.")
        case 403:
            throw .invalidCredentials(detail: "The verification request was answered 403: the account lacks the permissions the connector needs.")
        case 404:
            throw .misconfigured("The verification request was answered 404: check the subdomain, host name or region.")
        default:
            throw .providerUnavailable(detail: "The verification request was answered \(response.status).", retryable: response.status >= 500)
        }
    }

    /// A valid token set, refreshing or fetching it first when needed (OAuth connections only).
    public func currentTokens() async throws(ConnectorError) -> TokenSet {
        try await validTokens()
    }

    /// The account metadata the spec keeps from the token response (``ConnectionConfiguration/accountMetadata``,
    /// such as Notion's `workspace_id`), from the stored tokens; empty when there are none.
    public func accountMetadata() async throws(ConnectorError) -> [String: String] {
        guard isOAuth, !configuration.accountMetadata.isEmpty else { return [:] }
        try await loadIfNeeded()
        return tokens?.metadata(configuration.accountMetadata) ?? [:]
    }

    /// Refreshes now, whatever the expiry (OAuth connections only).
    @discardableResult
    public func refreshNow() async throws(ConnectorError) -> TokenSet {
        try await loadIfNeeded()
        return try await refreshSingleFlight(replacing: tokens)
    }

    /// Revokes the tokens when the spec has a revocation URL, then removes them from the store.
    /// The stored tokens are removed even when revocation fails; the revocation error is thrown
    /// afterwards.
    public func disconnect() async throws(ConnectorError) {
        var revokeError: ConnectorError?
        if let endpoint = oauthEndpoint, endpoint.revokeURL != nil {
            try? await loadIfNeeded()
            if let current = tokens {
                let client = tokenClient(endpoint)
                do {
                    if let refresh = current.refreshToken {
                        try await client.revoke(refresh, hint: "refresh_token")
                    } else {
                        try await client.revoke(current.accessToken, hint: "access_token")
                    }
                } catch {
                    revokeError = error
                }
            }
        }
        tokens = nil
        unsaved = nil
        cache.set(nil)
        do {
            try await store.remove(account: account)
        } catch {
            throw .providerUnavailable(detail: "Could not remove the stored tokens.", retryable: true)
        }
        setStatus(.disconnected)
        if let revokeError { throw revokeError }
    }

    // MARK: Status

    /// A stream of status changes, starting with the current status. Ends when the caller stops
    /// iterating.
    public func statusUpdates() -> AsyncStream<ConnectionStatus> {
        let (stream, continuation) = AsyncStream<ConnectionStatus>.makeStream(bufferingPolicy: .bufferingNewest(16))
        let id = UUID()
        observers[id] = continuation
        continuation.yield(status)
        continuation.onTermination = { [weak self] _ in
            Task { await self?.removeObserver(id) }
        }
        return stream
    }

    private func removeObserver(_ id: UUID) {
        observers.removeValue(forKey: id)
    }

    private func setStatus(_ newStatus: ConnectionStatus) {
        guard newStatus != status else { return }
        status = newStatus
        for continuation in observers.values { continuation.yield(newStatus) }
    }

    // MARK: Sending

    private nonisolated var isOAuth: Bool { oauthEndpoint != nil }

    private nonisolated var oauthEndpoint: TokenEndpoint? {
        switch configuration.auth {
        case let .authorizationCode(code): code.endpoint
        case let .clientCredentials(credentials): credentials.endpoint
        case let .refreshToken(refresh): refresh.endpoint
        default: nil
        }
    }

    /// Retries after a 401 on a token that expired while the request was on its way.
    private static let expiredTokenRetries = 3

    /// What a caller that forwards a request itself (the Hub's proxy fast path) adds to it right
    /// now, without waiting: the same fields ``send(_:)`` would add, from the cached tokens.
    public struct ImmediateCredentials: Sendable {
        /// The fixed base URL the request is resolved against (credentials may go to it: https,
        /// or http to a loopback host).
        public let baseURL: URL
        /// The configuration's headers: a request's own field of the same name wins.
        public let defaults: [HTTPField]
        /// The credential fields: they replace any field of the same name.
        public let credentials: [HTTPField]
        /// The tokens the credentials come from (OAuth), for ``send(_:sentWith:answer:)``.
        public let tokens: TokenSet?
    }

    /// The fields ``send(_:)`` would add to a request now, when it could add them without
    /// waiting; `nil` when sending needs more than the cache: OAuth tokens that are not loaded,
    /// expire within the refresh margin or are being saved, a discovery request, a base URL or
    /// headers from the token response, an API key in the query, or a base URL credentials may
    /// not go to (``send(_:)`` then refuses it with its own error). A request sent with them
    /// whose answer needs the connection (a 401 to refresh and retry, a status ``send(_:)``
    /// turns into an error) is completed with ``send(_:sentWith:answer:)``.
    public nonisolated func immediateCredentials() -> ImmediateCredentials? {
        guard configuration.discovery == nil, configuration.tokenHeaders == nil, case let .fixed(base) = configuration.baseURL,
            TransportSecurity.allowsCredentials(to: base)
        else { return nil }
        var tokens: TokenSet?
        if isOAuth {
            guard let cached = cache.valid(at: now(), margin: refreshMargin) else { return nil }
            tokens = cached
        }
        guard let credentials = AuthApplier(configuration: configuration).credentialFields(tokens: tokens) else { return nil }
        return ImmediateCredentials(baseURL: base, defaults: configuration.headers, credentials: credentials, tokens: tokens)
    }

    /// Completes `request` as ``send(_:)`` would, when its first transmission happened outside
    /// the connection with ``immediateCredentials()``: `tokens` are the ones it used, and
    /// `answer` gives that transmission's outcome for the request as ``send(_:)`` prepares it
    /// (resolved against the base URL, with the configuration's headers and the credentials),
    /// in place of the transport's. What follows is ``send(_:)``'s own: its status checks and
    /// errors, and for OAuth a 401 refreshes the tokens and sends the request again through the
    /// transport. The request's `timeout` starts again for what follows.
    public nonisolated func send(
        _ request: HTTPRequest, sentWith tokens: TokenSet?, answer: @escaping @Sendable (HTTPRequest) async throws -> HTTPResponse
    ) async throws(ConnectorError) -> HTTPResponse {
        try await send(request, authenticate: true, first: (tokens, answer))
    }

    private nonisolated func send(
        _ request: HTTPRequest, authenticate: Bool,
        first: (tokens: TokenSet?, answer: @Sendable (HTTPRequest) async throws -> HTTPResponse)? = nil
    ) async throws(ConnectorError) -> HTTPResponse {
        let deadline = RequestDeadline(seconds: request.timeout)
        let applier = AuthApplier(configuration: configuration)
        let usesToken = authenticate && isOAuth
        let needsTokenForURL: Bool = {
            if configuration.discovery != nil && isOAuth { return true }
            if case .fromTokenResponse = configuration.baseURL { return true }
            return configuration.tokenHeaders != nil && isOAuth
        }()
        var used: TokenSet?
        var response: HTTPResponse
        if let first {
            used = first.tokens
            let prepared = try applier.prepare(request, tokens: used, authenticate: authenticate)
            do {
                response = try await first.answer(prepared)
            } catch {
                throw Self.mappedTransportFailure(error)
            }
        } else {
            used = usesToken || needsTokenForURL ? try await usableTokens(deadline) : nil
            if let current = used, let discovery = configuration.discovery, !discovery.isSatisfied(by: current) {
                used = try await deadline.run { () async throws(ConnectorError) in try await self.discovered(current) }
            }
            response = try await transmit(applier.prepare(request, tokens: used, authenticate: authenticate), deadline)
        }
        guard response.status == 401, usesToken, var stale = used, OAuthErrorMapping.insufficientScope(response) == nil else {
            return try check(response, authenticated: authenticate, tokens: used)
        }
        for retry in 1...Self.expiredTokenRetries {
            let replacing = stale
            var fresh = try await deadline.run { () async throws(ConnectorError) in try await self.refreshSingleFlight(replacing: replacing) }
            if let discovery = configuration.discovery, !discovery.isSatisfied(by: fresh) {
                let current = fresh
                fresh = try await deadline.run { () async throws(ConnectorError) in try await self.discovered(current) }
            }
            response = try await transmit(applier.prepare(request, tokens: fresh, authenticate: true), deadline)
            // A 401 on a token that has expired by now says nothing about the credentials: the
            // request waited (in the HTTP client's queue, on the network) longer than the token
            // lives. Refresh and try again; if that keeps happening, it is load, not a bad secret.
            guard response.status == 401, fresh.isExpired(at: now()), OAuthErrorMapping.insufficientScope(response) == nil else {
                return try check(response, authenticated: true, tokens: fresh)
            }
            if retry == Self.expiredTokenRetries { break }
            stale = fresh
        }
        let lifetime = used.flatMap { tokens in tokens.issuedAt.flatMap { issued in tokens.expiresAt.map { $0.timeIntervalSince(issued) } } }
        throw .providerUnavailable(
            detail: "The API answered 401 because the access token\(lifetime.map { " (valid \(Int($0.rounded())) s)" } ?? "") expired before each request reached it; requests are waiting longer than a token lives. Send fewer requests at once",
            retryable: true)
    }

    private nonisolated func check(_ response: HTTPResponse, authenticated: Bool, tokens: TokenSet?) throws(ConnectorError) -> HTTPResponse {
        if let limited = OAuthErrorMapping.rateLimit(response, now: now()) { throw limited }
        if response.status == 403, let missing = OAuthErrorMapping.insufficientScope(response) {
            // Scope names are provider text: a provider may quote the credentials it was sent.
            let redact = Redactor(configuredSecrets + [tokens?.accessToken, tokens?.refreshToken])
            throw .missingScopes(missing.map { redact($0) })
        }
        if response.status == 401 && authenticated {
            throw .invalidCredentials(detail: isOAuth ? "The API rejected a freshly refreshed access token (401)." : "The API answered 401.")
        }
        if response.status >= 500 {
            throw .providerUnavailable(detail: "The API answered \(response.status).", retryable: true)
        }
        return response
    }

    /// Sends `request` with what is left of `deadline` as its timeout.
    private nonisolated func transmit(_ request: HTTPRequest, _ deadline: RequestDeadline) async throws(ConnectorError) -> HTTPResponse {
        var limited = request
        limited.timeout = try deadline.remaining()
        return try await transmit(limited)
    }

    private nonisolated func transmit(_ request: HTTPRequest) async throws(ConnectorError) -> HTTPResponse {
        do {
            return try await transport.send(request)
        } catch {
            throw Self.mappedTransportFailure(error)
        }
    }

    /// A transport's failure as the error a request throws (and noted for the transport's
    /// failure counts).
    private static func mappedTransportFailure(_ error: any Error) -> ConnectorError {
        if let failure = error as? TransportError { TransportFailureRecorder.note(failure.kind) }
        return OAuthErrorMapping.transportFailure(error)
    }

    // MARK: Tokens

    /// The cached tokens when still valid (no actor hop), else ``validTokens()`` on the actor,
    /// waited for no longer than `deadline`.
    private nonisolated func usableTokens(_ deadline: RequestDeadline) async throws(ConnectorError) -> TokenSet {
        if let cached = cache.valid(at: now(), margin: refreshMargin) { return cached }
        return try await deadline.run { () async throws(ConnectorError) in try await self.validTokens() }
    }

    /// The credentials of the configuration, removed from provider text in errors.
    /// Removes the connection's configured secrets from provider text (action error messages).
    nonisolated var redactor: Redactor { Redactor(configuredSecrets) }

    private nonisolated var configuredSecrets: [Secret?] {
        switch configuration.auth {
        case let .apiKeyHeader(field): [field.value]
        case let .apiKeyQuery(_, value): [value]
        case let .basic(username, password):
            [username, password, Secret(TemplateFilters.base64(username.reveal() + ":" + password.reveal()))]
        case let .headers(fields): fields.map(\.value)
        case let .bearer(token): [token]
        case let .authorizationCode(code): [code.endpoint.client.secret]
        case let .clientCredentials(credentials): [credentials.endpoint.client.secret]
        case let .refreshToken(refresh): [refresh.endpoint.client.secret, refresh.refreshToken]
        }
    }

    /// A token client for `endpoint` with this connection's timeout, told every secret the
    /// connection holds so provider text in its errors is redacted of them.
    private func tokenClient(_ endpoint: TokenEndpoint, stale: TokenSet? = nil) -> TokenClient {
        var client = TokenClient(endpoint: endpoint, transport: transport, timeout: tokenRequestTimeout, now: now)
        let held: [Secret?] = [
            tokens?.accessToken, tokens?.refreshToken, unsaved?.tokens.accessToken, unsaved?.tokens.refreshToken,
            stale?.accessToken, stale?.refreshToken, rejectedRefreshToken,
        ]
        client.knownSecrets = (configuredSecrets + held).compactMap { $0 }
        return client
    }

    private func validTokens() async throws(ConnectorError) -> TokenSet {
        guard isOAuth else { throw .misconfigured("This connection does not use OAuth tokens.") }
        if let pending = unsaved { try await flush(pending) }
        try await loadIfNeeded()
        if let tokens, !tokens.isExpired(at: now(), margin: tokens.refreshMargin(refreshMargin)) {
            return tokens
        }
        return try await refreshSingleFlight(replacing: tokens)
    }

    // MARK: Discovery

    /// The extra fields of the current tokens (token-response fields by name, discovered values
    /// as `discovered.NAME`), looking the discovered values up first when they are missing. For
    /// resource paths that insert `{{token.NAME}}` or `{{discovered.NAME}}`.
    func tokenExtras() async throws(ConnectorError) -> [String: String] {
        var current = try await validTokens()
        if let discovery = configuration.discovery, !discovery.isSatisfied(by: current) {
            current = try await discovered(current)
        }
        return current.extra
    }

    /// `current` with the discovered values, looking them up first (once, however many callers
    /// wait) and saving them with the tokens.
    private func discovered(_ current: TokenSet) async throws(ConnectorError) -> TokenSet {
        guard let discovery = configuration.discovery else { return current }
        if let tokens, discovery.isSatisfied(by: tokens), tokens.accessToken == current.accessToken { return tokens }
        if let discoveryInflight { return try await discoveryInflight.value.get() }
        let task = Task { await self.discoverAndPersist(discovery, with: current) }
        discoveryInflight = task
        let result = await task.value
        discoveryInflight = nil
        return try result.get()
    }

    private func discoverAndPersist(_ discovery: DiscoveryRequest, with current: TokenSet) async -> Result<TokenSet, ConnectorError> {
        do throws(ConnectorError) {
            try TransportSecurity.requireSecure(discovery.url, purpose: "discovery endpoint")
            var request = HTTPRequest(url: discovery.url)
            request.headers["Accept"] = "application/json"
            request.headers["Authorization"] = "Bearer " + current.accessToken.reveal()
            var limitedRequest = request
            limitedRequest.timeout = tokenRequestTimeout
            let response = try await transmit(limitedRequest)
            if let limited = OAuthErrorMapping.rateLimit(response, now: now()) { throw limited }
            switch response.status {
            case 200..<300:
                break
            case 401, 403:
                throw .invalidCredentials(detail: "The discovery request was answered \(response.status).")
            case 500...:
                throw .providerUnavailable(detail: "The discovery request was answered \(response.status).", retryable: true)
            default:
                throw .misconfigured("The discovery request was answered \(response.status).")
            }
            let values = try discovery.select(from: response.body)
            // A refresh (here or in a peer) may have replaced the tokens meanwhile: add the values
            // to the newest stored set.
            let record = try await coordinator.merge(values, fallback: tokens ?? current)
            adopt(record.tokens)
            return .success(record.tokens)
        } catch {
            return .failure(error)
        }
    }

    private func loadIfNeeded() async throws(ConnectorError) {
        guard tokens == nil else { return }
        do {
            let loaded = try await store.record(account: account)?.tokens
            // A refresh may have completed while the store was read: keep its newer tokens.
            guard tokens == nil else { return }
            tokens = loaded
            if unsaved == nil { cache.set(loaded) }
        } catch {
            throw RefreshCoordinator.mapped(error)
        }
    }

    /// Starts a token request unless one is in flight, and waits for it. When `stale` is no
    /// longer the current token set, someone already refreshed: the current set is returned.
    private func refreshSingleFlight(replacing stale: TokenSet?) async throws(ConnectorError) -> TokenSet {
        if let inflight { return try await inflight.value.get() }
        if let stale, let current = tokens, current.accessToken != stale.accessToken,
            !current.isExpired(at: now(), margin: current.refreshMargin(refreshMargin))
        {
            return current
        }
        let task = Task { await self.obtainAndPersist(replacing: stale) }
        inflight = task
        let result = await task.value
        inflight = nil
        return try result.get()
    }

    private func obtainAndPersist(replacing stale: TokenSet?) async -> Result<TokenSet, ConnectorError> {
        let before = status
        setStatus(.refreshing)
        do throws(ConnectorError) {
            // `obtain` has persisted the tokens: a rotated refresh token must survive a crash
            // right after this, and other connections must see it before they refresh.
            let fresh = try await obtain(replacing: stale)
            rejectedRefreshToken = nil
            setStatus(.active)
            return .success(fresh)
        } catch {
            if case .reconnectRequired = error {
                setStatus(.reconnectRequired)
            } else {
                setStatus(before == .refreshing ? .active : before)
            }
            return .failure(error)
        }
    }

    private nonisolated var coordinator: RefreshCoordinator {
        RefreshCoordinator(
            store: store, account: account, owner: leaseOwner, leaseDuration: refreshLeaseDuration, margin: refreshMargin, now: now)
    }

    /// Makes `fresh` (saved in the store) the connection's tokens, usable without the actor.
    private func adopt(_ fresh: TokenSet) {
        tokens = fresh
        unsaved = nil
        cache.set(fresh)
    }

    /// Saves tokens a refresh obtained but could not save; when the store moved on meanwhile,
    /// forgets them and reads the store again.
    private func flush(_ pending: RefreshCoordinator.Unsaved) async throws(ConnectorError) {
        if let record = try await coordinator.flush(pending) {
            adopt(record.tokens)
        } else {
            unsaved = nil
            tokens = nil
        }
    }

    /// New tokens, already persisted: this process's token request, or a peer's (see
    /// ``RefreshCoordinator``).
    private func obtain(replacing stale: TokenSet?) async throws(ConnectorError) -> TokenSet {
        guard let endpoint = oauthEndpoint else { throw .misconfigured("This connection does not use OAuth tokens.") }
        let client = tokenClient(endpoint, stale: stale)
        let request: RefreshCoordinator.TokenRequest
        switch configuration.auth {
        case let .clientCredentials(credentials):
            let grantType = credentials.grantType
            request = { _ throws(ConnectorError) in try await client.clientCredentials(grantType: grantType) }
        case let .authorizationCode(code):
            let url = code.refreshURL
            let parameters = code.refreshParameters
            request = { base throws(ConnectorError) in
                try await self.refreshRequest(client, base: base, fallback: nil, url: url, parameters: parameters)
            }
        case let .refreshToken(refresh):
            let fallback = refresh.refreshToken
            let parameters = refresh.refreshParameters
            request = { base throws(ConnectorError) in
                try await self.refreshRequest(client, base: base, fallback: fallback, url: nil, parameters: parameters)
            }
        default:
            throw .misconfigured("This connection does not use OAuth tokens.")
        }
        // Refresh grants are also serialised per account inside the process (so only one
        // connection per process waits on the store), as before the lease existed; client
        // credentials spend no refresh token and only take the store's lease (serialising them
        // here would also make unrelated connections that share an id wait on each other).
        var key: String?
        if case .clientCredentials = configuration.auth {} else {
            key = "\(configuration.connectorID)/\(configuration.variantID)/\(account)" + refreshLockStoreScope
        }
        if let key { await RefreshLocks.shared.acquire(key) }
        let outcome: Result<RefreshCoordinator.Outcome, ConnectorError>
        do throws(ConnectorError) {
            outcome = .success(try await coordinator.obtain(replacing: stale, request: request))
        } catch {
            outcome = .failure(error)
        }
        if let key { await RefreshLocks.shared.release(key) }
        switch try outcome.get() {
        case let .adopted(record), let .refreshed(record):
            adopt(record.tokens)
            return record.tokens
        case let .unsaved(pending):
            // Not usable outside the actor until saved: a rotated refresh token must be stored first.
            unsaved = pending
            tokens = pending.tokens
            cache.set(nil)
            throw .providerUnavailable(detail: "Could not save the new tokens to the token store", retryable: true)
        }
    }

    /// The token request of a refresh, with the newest refresh token: the store's (`base`), or
    /// the configured one (static refresh-token connections). A refresh token the provider
    /// rejected is not sent again.
    private func refreshRequest(
        _ client: TokenClient, base: TokenSet?, fallback: Secret?, url: URL?, parameters: [OAuthParameter]
    ) async throws(ConnectorError) -> TokenSet {
        guard let refreshToken = base?.refreshToken ?? fallback else {
            throw .reconnectRequired(detail: "No tokens are stored for this account; link it first")
        }
        if refreshToken == rejectedRefreshToken {
            throw .reconnectRequired(detail: "The provider rejected this refresh token")
        }
        // The stored tokens may be a peer's: their secrets are redacted from errors too.
        var client = client
        client.knownSecrets += [base?.accessToken, base?.refreshToken].compactMap { $0 }
        do {
            let fresh = try await client.refresh(refreshToken, url: url, parameters: parameters, redirectURI: redirectURI)
            return base?.updated(with: fresh) ?? fresh
        } catch {
            if case .reconnectRequired = error { rejectedRefreshToken = refreshToken }
            throw error
        }
    }
}
