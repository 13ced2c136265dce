public import ConnectorRuntime
import ConnectorHubStorage
import ConnectorHubTransport
import Connectors
import Crypto
public import Foundation

/// The Hub's logic, independent of HTTP: link sessions, linking (forms and OAuth), accounts,
/// the proxy and status webhooks. ``HubRoutes`` maps it onto Hummingbird routes.
///
/// Tokens and every field value a person entered are kept in the encrypted token store; the
/// records (sessions, attempts, accounts) hold no credential.
public final class ConnectorHubService: Sendable {
    public let configuration: HubConfiguration
    let records: any RecordStore
    let tokens: any TokenStore
    let transport: any HTTPTransport
    /// The transport ``open(configuration:environment:transport:)`` made, shut down by ``shutdown()``.
    private let ownedTransport: AsyncHTTPClientTransport?
    let connections: ConnectionCache
    /// Follows account changes made by other processes (PostgreSQL); cancelled by ``shutdown()``.
    private let changeFeed: Task<Void, Never>?
    let now: @Sendable () -> Date

    init(
        configuration: HubConfiguration, records: any RecordStore, tokens: any TokenStore, transport: any HTTPTransport,
        ownedTransport: AsyncHTTPClientTransport? = nil, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        self.records = records
        self.tokens = tokens
        self.transport = transport
        self.ownedTransport = ownedTransport
        self.now = now
        let connections = ConnectionCache(
            notifiedLifetime: configuration.accountCacheSeconds,
            unnotifiedLifetime: min(configuration.accountCacheSeconds, HubConfiguration.unnotifiedAccountCacheSeconds))
        self.connections = connections
        if let postgres = records as? PostgresRecordStore {
            changeFeed = Task { await postgres.followAccountChanges(into: connections) }
        } else {
            changeFeed = nil
        }
    }

    deinit {
        // The listener holds the record store, not the service: end it with the service.
        changeFeed?.cancel()
    }

    /// Opens the SQLite stores at ``HubConfiguration/sqlitePath`` (tokens) and next to it
    /// (`.records`: sessions, attempts, accounts). Tokens are sealed with the keys of
    /// `CONNECTOR_HUB_TOKEN_KEYS`, or the public development key when
    /// ``HubConfiguration/development`` is set.
    ///
    /// With ``HubConfiguration/databaseURL`` set, tokens and records are in PostgreSQL instead,
    /// shared by every Hub process on that database; each process listens for account changes
    /// there and forgets its cached record of a changed account at once.
    ///
    /// Outgoing requests use `transport` when given, else the one ``HubConfiguration/transport``
    /// names (created here and closed by ``shutdown()``).
    public static func open(
        configuration: HubConfiguration, environment: [String: String] = ProcessInfo.processInfo.environment,
        transport: (any HTTPTransport)? = nil
    ) async throws -> ConnectorHubService {
        let keys: TokenStoreKeys? = configuration.development ? nil : try TokenStoreKeys.fromEnvironment(environment)
        var owned: AsyncHTTPClientTransport?
        let chosen: any HTTPTransport
        if let transport {
            chosen = transport
        } else {
            switch configuration.transport {
            case .asyncHTTPClient:
                let created = AsyncHTTPClientTransport()
                owned = created
                chosen = created
            case .urlSession:
                chosen = URLSessionTransport.shared
            }
        }
        if let url = configuration.databaseURL {
            let tokens = try await PostgresTokenStore.connect(url: url, keys: keys, development: configuration.development)
            let records = try await PostgresRecordStore.connect(url: url)
            return ConnectorHubService(
                configuration: configuration, records: records, tokens: tokens, transport: chosen, ownedTransport: owned)
        }
        try FileManager.default.createDirectory(
            at: URL(fileURLWithPath: configuration.sqlitePath).deletingLastPathComponent(), withIntermediateDirectories: true)
        let tokens = try SQLiteTokenStore(path: configuration.sqlitePath, keys: keys, development: configuration.development)
        let records = try SQLiteRecordStore(path: configuration.sqlitePath + ".records")
        return ConnectorHubService(configuration: configuration, records: records, tokens: tokens, transport: chosen, ownedTransport: owned)
    }

    /// Stops following account changes, closes the transport this service created and the
    /// database connections. Call it once the HTTP server stopped; requests after it fail.
    public func shutdown() async {
        changeFeed?.cancel()
        await changeFeed?.value
        try? await ownedTransport?.shutdown()
        await (tokens as? PostgresTokenStore)?.shutdown()
        await (records as? PostgresRecordStore)?.shutdown()
    }

    // MARK: Catalog

    /// The connectors a session offers, in catalog order.
    func offeredConnectors(for session: LinkSession) -> [ConnectorDescriptor] {
        ConnectorCatalog.all.map { $0.descriptor }.filter { connector in
            (session.connectors.isEmpty || session.connectors.contains(connector.id))
                && (session.categories.isEmpty || !Set(session.categories).isDisjoint(with: connector.categories))
        }
    }

    func connector(_ id: String) -> ConnectorDescriptor? {
        ConnectorCatalog.connector(id: id)?.descriptor
    }

    func lookupVariant(_ connectorID: String, _ variantID: String) -> (ConnectorDescriptor, AuthVariantDescriptor)? {
        guard let connector = connector(connectorID), let variant = connector.authVariants.first(where: { $0.id == variantID }) else {
            return nil
        }
        return (connector, variant)
    }

    /// The variant's configuration from the app's setup values and the person's values, with the
    /// configured endpoint overrides applied.
    func buildConfiguration(
        connectorID: String, variant: AuthVariantDescriptor, personValues: [String: String]
    ) throws(ConnectorError) -> ConnectionConfiguration {
        var values: [String: String] = [:]
        for field in variant.fields where field.supplier == .person {
            if let value = personValues[field.key] { values[field.key] = value }
        }
        for field in variant.fields where field.supplier == .setup {
            values[field.key] = configuration.setup[connectorID]?[field.key]
            if values[field.key]?.isEmpty ?? true, field.required, field.defaultValue == nil {
                throw .misconfigured("The app has not set up \(field.key) for \(connectorID).")
            }
        }
        let built = try variant.configuration(values: values)
        guard let overrides = configuration.endpointOverrides[connectorID], !overrides.isEmpty else { return built }
        return built.overridingEndpoints(overrides)
    }

    // MARK: Link sessions

    /// What the app API returns for a new session.
    public struct CreatedSession: Sendable {
        public var id: String
        /// The single-use link URL to send to the person or open in an iframe.
        public var url: URL
        public var expiresAt: Date
    }

    /// Creates a link session; only the token's SHA-256 is stored.
    ///
    /// `embedOrigin`: the app origin that will frame the session's pages; it must be exactly one
    /// of ``HubConfiguration/allowedOrigins``. The pages then send their postMessage events to
    /// it and only it may frame them. Without it, events go to the first allowed origin.
    public func createSession(
        endUserID: String, endUserName: String, connectors: [String] = [], categories: [String] = [],
        lifetime: TimeInterval? = nil, reconnectAccountID: String? = nil, embedOrigin: String? = nil
    ) async throws -> CreatedSession {
        if let embedOrigin, !configuration.allowedOrigins.contains(embedOrigin) {
            throw HubError.badRequest(
                configuration.allowedOrigins.isEmpty
                    ? "embedOrigin \(embedOrigin) is not allowed: the Hub has no allowed embedding origins configured."
                    : "embedOrigin \(embedOrigin) is not one of the allowed origins (exact match): "
                        + configuration.allowedOrigins.joined(separator: ", ") + ".")
        }
        let token = Random.token()
        let created = now()
        let session = LinkSession(
            id: "ls_" + Random.token(bytes: 12), tokenHash: Digest.sha256(token), endUserID: endUserID, endUserName: endUserName,
            connectors: connectors, categories: categories, createdAt: created,
            expiresAt: created.addingTimeInterval(min(lifetime ?? configuration.defaultSessionLifetime, 7 * 86400)),
            reconnectAccountID: reconnectAccountID, embedOrigin: embedOrigin)
        try await records.put(session, kind: "session", id: session.id)
        try await records.put(session.id, kind: "session-token", id: session.tokenHash)
        return CreatedSession(
            id: session.id, url: configuration.publicBaseURL.appendingPathComponent("link/start/" + token), expiresAt: session.expiresAt)
    }

    enum OpenResult {
        case opened(LinkSession, browserSecret: String)
        case expired
        case used
        case unknown
    }

    /// Exchanges a link token for a browser session, once.
    func openSession(token: String) async throws -> OpenResult {
        guard let sessionID = try await records.get(String.self, kind: "session-token", id: Digest.sha256(token)) else { return .unknown }
        let browserSecret = Random.token()
        let moment = now()
        final class Outcome: @unchecked Sendable { var value: OpenResult = .unknown }
        let outcome = Outcome()
        let updated = try await records.update(LinkSession.self, kind: "session", id: sessionID) { session in
            if session.consumedAt != nil {
                outcome.value = .used
            } else if session.expiresAt <= moment {
                outcome.value = .expired
            } else {
                session.consumedAt = moment
                session.browserHash = Digest.sha256(browserSecret)
                outcome.value = .opened(session, browserSecret: browserSecret)
            }
        }
        guard updated != nil else { return .unknown }
        return outcome.value
    }

    /// The session of a browser cookie (`<session id>.<browser secret>`), when valid and unexpired.
    func session(cookie: String?) async throws -> (LinkSession, String)? {
        guard let cookie, let dot = cookie.firstIndex(of: ".") else { return nil }
        let id = String(cookie[..<dot])
        let secret = String(cookie[cookie.index(after: dot)...])
        guard let session = try await records.get(LinkSession.self, kind: "session", id: id), let hash = session.browserHash,
            Digest.constantTimeEqual(hash, Digest.sha256(secret)), session.expiresAt > now()
        else { return nil }
        return (session, secret)
    }

    /// Counts one link attempt; `false` once the session used its allowance.
    func countAttempt(sessionID: String) async throws -> Bool {
        let limit = configuration.maxAttemptsPerSession
        final class Flag: @unchecked Sendable { var allowed = false }
        let flag = Flag()
        _ = try await records.update(LinkSession.self, kind: "session", id: sessionID) { session in
            flag.allowed = session.attempts < limit
            if flag.allowed { session.attempts += 1 }
        }
        return flag.allowed
    }

    // MARK: Linking

    enum LinkOutcome {
        /// A field value failed its compiled check: show it next to the field.
        case invalidField(key: String, reason: String)
        /// Send the browser to the provider; the attempt's status is polled.
        case authorize(URL, attemptID: String)
        case linked(HubAccount)
        case failed(LinkFailure, scopes: [String], connector: ConnectorDescriptor)
        case tooManyAttempts
    }

    /// Handles a form post: checks the values, then verifies the credentials (static and
    /// client-credential variants) or starts the OAuth round trip.
    func link(session: LinkSession, connectorID: String, variantID: String, values: [String: String]) async throws -> LinkOutcome {
        guard let (connector, variant) = lookupVariant(connectorID, variantID) else { throw HubError.notFound }
        let built: ConnectionConfiguration
        do {
            built = try buildConfiguration(connectorID: connectorID, variant: variant, personValues: values)
        } catch {
            if case .invalidField(let key, let reason) = error { return .invalidField(key: key, reason: reason) }
            return .failed(.misconfigured, scopes: [], connector: connector)
        }
        guard try await countAttempt(sessionID: session.id) else { return .tooManyAttempts }
        // Connector-qualified: the token store seals each row with the account id as associated
        // data, so the id binds the ciphertext to its connector as well as to its account.
        let accountID = session.reconnectAccountID ?? (connectorID + ".acc_" + Random.token(bytes: 12))
        var personValues: [String: String] = [:]
        for field in variant.fields where field.supplier == .person { personValues[field.key] = values[field.key] }
        let attempt = LinkAttempt(
            id: "la_" + Random.token(bytes: 12), sessionID: session.id, connectorID: connectorID, variantID: variantID,
            accountID: accountID, status: "pending", createdAt: now())
        if variant.usesAuthorizationCode {
            let redirectURI = configuration.redirectURI(connector: connectorID)
            do {
                let flow = try AuthorizationCodeFlow(
                    configuration: built, account: accountID, store: tokens, transport: transport, redirectURI: redirectURI)
                let (url, pending) = try flow.start()
                try await SealedValues.save(
                    PendingLink(values: personValues, pending: pending), account: "attempt:" + attempt.id, in: tokens)
                try await records.put(attempt, kind: "attempt", id: attempt.id)
                try await records.put(attempt.id, kind: "state", id: Digest.sha256(pending.state))
                return .authorize(url, attemptID: attempt.id)
            } catch let error as ConnectorError {
                let (failure, scopes) = LinkFailure.from(error)
                return .failed(failure, scopes: scopes, connector: connector)
            }
        }
        // A reconnect verifies the new credentials under a staging key: the account's own
        // tokens and field values stay as they are unless the new ones pass.
        let reconnecting = session.reconnectAccountID != nil
        let slot = reconnecting ? Self.stagingKey(attempt.id) : accountID
        let connection = Connection(configuration: built, account: slot, store: tokens, transport: transport)
        do {
            try await verify(connection, variant: variant)
            if reconnecting { try await adoptStagedTokens(from: slot, into: accountID) }
        } catch {
            if reconnecting { try? await connection.disconnect() } else { try? await tokens.remove(account: accountID) }
            let (failure, scopes) = LinkFailure.from(error)
            return .failed(failure, scopes: scopes, connector: connector)
        }
        let account = try await saveAccount(
            id: accountID, session: session, connectorID: connectorID, variantID: variantID, personValues: personValues)
        return .linked(account)
    }

    /// The token store key a reconnect attempt's new grant is exchanged and verified under, so
    /// that a grant failing its checks never replaces the account's working tokens.
    static func stagingKey(_ attemptID: String) -> String { "reconnect:" + attemptID }

    /// Moves the tokens a reconnect verified under `staging` to the account (sealed again under
    /// the account's id); without staged tokens (static credentials), the account's earlier
    /// tokens, which belong to the replaced credentials, are removed.
    private func adoptStagedTokens(from staging: String, into accountID: String) async throws(ConnectorError) {
        do {
            if let staged = try await tokens.load(account: staging) {
                try await tokens.save(staged, account: accountID)
            } else {
                try await tokens.remove(account: accountID)
            }
            try? await tokens.remove(account: staging)
        } catch {
            throw .providerUnavailable(detail: "Could not save the new tokens.", retryable: true)
        }
    }

    /// The verification request, or for token grants without one, a token request.
    private func verify(_ connection: Connection, variant: AuthVariantDescriptor) async throws(ConnectorError) {
        if try await connection.verify() == nil, variant.type.hasPrefix("oauth2") {
            _ = try await connection.currentTokens()
        }
    }

    private func saveAccount(
        id: String, session: LinkSession, connectorID: String, variantID: String, personValues: [String: String]
    ) async throws -> HubAccount {
        try await SealedValues.save(personValues, account: "fields:" + id, in: tokens)
        let moment = now()
        let previous = try await records.get(HubAccount.self, kind: "account", id: id)
        let account = HubAccount(
            id: id, connectorID: connectorID, variantID: variantID, endUserID: session.endUserID, endUserName: session.endUserName,
            status: "active", linkedAt: previous?.linkedAt ?? moment, lastRefreshAt: previous == nil ? nil : moment, updatedAt: moment)
        try await records.put(account, kind: "account", id: id)
        await connections.remove(id)
        if let previous, previous.status != account.status { await sendWebhook(account, previous: previous.status) }
        return account
    }

    /// Completes an OAuth round trip from the callback URL: state looked up (and used once),
    /// the attempt's browser session checked, code exchanged, credentials verified.
    func completeAuthorization(callbackURL: URL, state: String?, browserSession: LinkSession?) async throws -> (LinkAttempt, LinkOutcome) {
        guard let state, let attemptID = try await records.get(String.self, kind: "state", id: Digest.sha256(state)),
            let attempt = try await records.get(LinkAttempt.self, kind: "attempt", id: attemptID),
            let (connector, variant) = lookupVariant(attempt.connectorID, attempt.variantID)
        else { throw HubError.invalidCallback }
        guard attempt.status == "pending", let session = try await records.get(LinkSession.self, kind: "session", id: attempt.sessionID)
        else { throw HubError.invalidCallback }
        // The callback must come back to the browser that started it: otherwise a link started by
        // someone else could be completed with the victim's provider account (login CSRF).
        guard let browserSession, browserSession.id == session.id else { throw HubError.invalidCallback }
        // The state works once: claim the attempt atomically (a concurrent replay finds it taken).
        try await records.delete(kind: "state", id: Digest.sha256(state))
        final class Claim: @unchecked Sendable { var won = false }
        let claim = Claim()
        _ = try await records.update(LinkAttempt.self, kind: "attempt", id: attempt.id) { attempt in
            if attempt.status == "pending" {
                attempt.status = "completing"
                claim.won = true
            }
        }
        guard claim.won else { throw HubError.invalidCallback }
        let outcome: LinkOutcome
        var granted: [String]?
        var exchanged: Connection?
        // A reconnect is all-or-nothing: the new grant is exchanged and verified under a staging
        // key and replaces the account's tokens only once it passed both the scope check and the
        // verification request. A new account has no tokens to lose: its own key is used.
        let reconnecting = try await records.get(HubAccount.self, kind: "account", id: attempt.accountID) != nil
        let slot = reconnecting ? Self.stagingKey(attempt.id) : attempt.accountID
        do {
            guard let saved: PendingLink = try await SealedValues.load(account: "attempt:" + attempt.id, in: tokens) else {
                throw HubError.invalidCallback
            }
            try? await tokens.remove(account: "attempt:" + attempt.id)
            let built = try buildConfiguration(connectorID: attempt.connectorID, variant: variant, personValues: saved.values)
            let redirectURI = configuration.redirectURI(connector: attempt.connectorID)
            // The Hub checks the granted scopes itself after the exchange (not the runtime during
            // it), so that a grant short of them is saved and can be revoked below.
            var exchange = built
            var required: [String] = []
            if case .authorizationCode(var code) = exchange.auth {
                required = code.endpoint.scopes.required
                code.endpoint.scopes.required = []
                exchange.auth = .authorizationCode(code)
            }
            let flow = try AuthorizationCodeFlow(
                configuration: exchange, account: slot, store: tokens, transport: transport, redirectURI: redirectURI)
            let received = try await flow.complete(callbackURL: callbackURL, pending: saved.pending)
            granted = received.scope
            let connection = Connection(configuration: built, account: slot, store: tokens, transport: transport, redirectURI: redirectURI)
            exchanged = connection
            let missing = TokenResponseParser.missingScopes(required: required, granted: received.scope)
            if !missing.isEmpty { throw ConnectorError.missingScopes(missing) }
            try await connection.verify()
            if reconnecting { try await adoptStagedTokens(from: slot, into: attempt.accountID) }
            outcome = .linked(
                try await saveAccount(
                    id: attempt.accountID, session: session, connectorID: attempt.connectorID, variantID: attempt.variantID,
                    personValues: saved.values))
        } catch let error as ConnectorError {
            let (failure, scopes) = LinkFailure.from(error, granted: granted)
            outcome = .failed(failure, scopes: scopes, connector: connector)
            // A grant that failed its checks belongs to no account: revoke it where the spec can,
            // and forget its tokens. A reconnect's failed grant is the staged one, so the
            // account keeps its earlier tokens and status.
            if let exchanged { try? await exchanged.disconnect() } else { try? await tokens.remove(account: slot) }
        }
        let finished = try await records.update(LinkAttempt.self, kind: "attempt", id: attempt.id) { attempt in
            switch outcome {
            case .linked: attempt.status = "succeeded"
            case .failed(let failure, let scopes, _):
                attempt.status = "failed"
                attempt.failure = failure.rawValue
                attempt.failureDetail = scopes.joined(separator: " ")
            default: break
            }
        }
        return (finished ?? attempt, outcome)
    }

    func attempt(_ id: String) async throws -> LinkAttempt? {
        try await records.get(LinkAttempt.self, kind: "attempt", id: id)
    }

    /// Links an account from values the app already has (an API key it collected, a migration),
    /// without the pages: the same field checks and verification request as the form. Not for
    /// authorization-code variants, which need the person at the provider.
    public func importAccount(
        endUserID: String, endUserName: String, connectorID: String, variantID: String, values: [String: String]
    ) async throws -> HubAccount {
        guard let (_, variant) = lookupVariant(connectorID, variantID), !variant.usesAuthorizationCode else { throw HubError.notFound }
        let created = now()
        let session = LinkSession(
            id: "ls_" + Random.token(bytes: 12), tokenHash: "", endUserID: endUserID, endUserName: endUserName, connectors: [connectorID],
            categories: [], createdAt: created, expiresAt: created.addingTimeInterval(60))
        try await records.put(session, kind: "session", id: session.id)
        defer { Task { [records] in try? await records.delete(kind: "session", id: session.id) } }
        switch try await link(session: session, connectorID: connectorID, variantID: variantID, values: values) {
        case .linked(let account): return account
        case .invalidField(let key, let reason): throw ConnectorError.invalidField(key: key, reason: reason)
        case .failed(let failure, let scopes, _): throw HubError.badRequest("Linking failed: \(failure.rawValue) \(scopes.joined(separator: " "))")
        default: throw HubError.badRequest("Linking did not complete.")
        }
    }

    /// Statements the token store sent (SQL stores), for the benchmark's per-request count.
    public var tokenStoreStatements: Int? {
        (tokens as? SQLiteTokenStore)?.statementCount ?? (tokens as? PostgresTokenStore)?.statementCount
    }

    /// Statements the record store (sessions, attempts, accounts) sent, for the benchmark and tests.
    public var recordStoreStatements: Int { records.statementCount }

    /// Whether this process receives account change notifications right now (PostgreSQL, once
    /// its listener is connected). While it does, a cached account record is trusted for
    /// ``HubConfiguration/accountCacheSeconds``; otherwise for at most
    /// ``HubConfiguration/unnotifiedAccountCacheSeconds``.
    public var followsAccountChanges: Bool {
        get async { await connections.notified }
    }

    // MARK: Accounts

    public func accounts(endUserID: String? = nil) async throws -> [HubAccount] {
        let all = try await records.all(HubAccount.self, kind: "account")
        return all.filter { endUserID == nil || $0.endUserID == endUserID }.sorted { $0.linkedAt < $1.linkedAt }
    }

    public func account(_ id: String) async throws -> HubAccount? {
        try await records.get(HubAccount.self, kind: "account", id: id)
    }

    /// Removes an account: revokes at the provider when the spec has a revocation URL, then
    /// deletes its tokens, field values and record. Returns whether revocation was attempted and
    /// failed (the account is removed either way).
    @discardableResult
    public func deleteAccount(_ id: String) async throws -> Bool {
        guard let account = try await account(id) else { throw HubError.notFound }
        var revokeFailed = false
        if let connection = try? await connection(for: account) {
            do { try await connection.disconnect() } catch { revokeFailed = true }
        }
        await connections.remove(id)
        try? await tokens.remove(account: id)
        try? await tokens.remove(account: "fields:" + id)
        try await records.delete(kind: "account", id: id)
        // Again: a request running meanwhile may have cached the record before it was deleted.
        await connections.remove(id)
        var removed = account
        removed.status = "disconnected"
        await sendWebhook(removed, previous: account.status)
        return revokeFailed
    }

    /// The account's connection, built once and cached (with a valid cached token, a proxied
    /// request touches no database).
    func connection(for account: HubAccount) async throws -> Connection {
        if let cached = await connections.get(account.id) { return cached }
        let generation = await connections.generation
        guard let (_, variant) = lookupVariant(account.connectorID, account.variantID) else { throw HubError.notFound }
        let values: [String: String] = try await SealedValues.load(account: "fields:" + account.id, in: tokens) ?? [:]
        let built = try buildConfiguration(connectorID: account.connectorID, variant: variant, personValues: values)
        let connection = Connection(
            configuration: built, account: account.id, store: tokens, transport: transport,
            redirectURI: variant.usesAuthorizationCode ? configuration.redirectURI(connector: account.connectorID) : nil)
        return await connections.insert(account.id, connection, ifGeneration: generation)
    }

    /// Changes an account's status (once) and sends the signed webhook.
    func setStatus(_ accountID: String, _ status: String) async throws {
        final class Previous: @unchecked Sendable { var value: String? }
        let previous = Previous()
        let moment = now()
        guard
            let updated = try await records.update(HubAccount.self, kind: "account", id: accountID, { account in
                previous.value = account.status
                account.status = status
                account.updatedAt = moment
            })
        else { return }
        await connections.forgetAccount(accountID)
        if previous.value != status { await sendWebhook(updated, previous: previous.value ?? "") }
    }

    // MARK: Webhooks

    /// POSTs `account.status_changed` to the configured URL, signed (see ``WebhookSignature``).
    /// Failures are logged without the body.
    func sendWebhook(_ account: HubAccount, previous: String) async {
        // Read again on the next request: caching this copy could overwrite a newer change that
        // another process made meanwhile.
        await connections.forgetAccount(account.id)
        guard let url = configuration.webhookURL, let secret = configuration.webhookSecret else { return }
        let event = WebhookEvent(
            type: "account.status_changed", account: account, previousStatus: previous, occurredAt: now())
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        guard let body = try? encoder.encode(event) else { return }
        let timestamp = Int(now().timeIntervalSince1970)
        var headers = HTTPHeaders()
        headers["Content-Type"] = "application/json"
        headers[WebhookSignature.header] = WebhookSignature.sign(body: body, timestamp: timestamp, secret: secret)
        do {
            let response = try await transport.send(HTTPRequest(method: "POST", url: url, headers: headers, body: body, timeout: 10))
            if !response.isSuccess { HubLog.warning("webhook answered \(response.status) for account \(account.id)") }
        } catch {
            HubLog.warning("webhook delivery failed for account \(account.id)")
        }
    }
}
