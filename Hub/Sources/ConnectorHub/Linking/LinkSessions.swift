import ConnectorRuntime
import ConnectorHubStorage
import ConnectorHubTransport
import Connectors
import Crypto
public import Foundation

// The catalog a link session offers, and link sessions: created by the app, opened by the person.
extension ConnectorHubService {
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

    /// Whether the app's setup holds the variant's client: every required setup field without a
    /// default has a value. Decides, for a `"client": "either"` variant, whether the person is
    /// asked for the client on the form.
    func appHasClient(_ connectorID: String, _ variant: AuthVariantDescriptor) -> Bool {
        let setupFields = variant.fields.filter { $0.supplier == .setup }
        guard !setupFields.isEmpty else { return false }
        return setupFields.allSatisfy { field in
            !field.required || field.defaultValue != nil || !(configuration.setup[connectorID]?[field.key] ?? "").isEmpty
        }
    }

    /// The fields the Link Account form asks for now (the person's, and an `either` variant's
    /// client fields while the app has none set up).
    func formFields(_ connectorID: String, _ variant: AuthVariantDescriptor) -> [FieldDescriptor] {
        variant.formFields(appHasClient: appHasClient(connectorID, variant))
    }

    /// Whether these values carry the person's own OAuth client for an `either` variant (any of
    /// its client fields typed): the link then uses it, and never the app's.
    static func personSuppliedClient(_ variant: AuthVariantDescriptor, personValues: [String: String]) -> Bool {
        variant.client == .either && variant.fields.contains { $0.supplier == .setup && !(personValues[$0.key] ?? "").isEmpty }
    }

    /// The variant's configuration from the app's setup values and the person's values, with the
    /// configured endpoint overrides applied. In an `either` variant, an account whose stored
    /// values hold the client (it was linked with the person's own client) keeps using it even
    /// once the app sets one up; otherwise the app's setup values are used.
    func buildConfiguration(
        connectorID: String, variant: AuthVariantDescriptor, personValues: [String: String]
    ) throws(ConnectorError) -> ConnectionConfiguration {
        var values: [String: String] = [:]
        for field in variant.fields where field.supplier == .person {
            if let value = personValues[field.key] { values[field.key] = value }
        }
        let setupFields = variant.fields.filter { $0.supplier == .setup }
        let personsClient = Self.personSuppliedClient(variant, personValues: personValues)
        for field in setupFields {
            if personsClient {
                values[field.key] = personValues[field.key]
                continue
            }
            values[field.key] = configuration.setup[connectorID]?[field.key]
            if values[field.key]?.isEmpty ?? true, field.required, field.defaultValue == nil {
                if variant.client == .either { throw .invalidField(key: field.key, reason: "is required") }
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
        /// A new browser secret for the cookie; the token is used once a page sees it back.
        case opened(LinkSession, browserSecret: String)
        /// The browser already holds this session's cookie: carry on where it was.
        case continued(LinkSession)
        case expired
        case used
        case unknown
    }

    /// Opens a link token for a browser. A browser that already holds the session's cookie (the
    /// person opened the link again) continues its session. Otherwise the browser gets a new
    /// secret, remembered as pending: the token counts as used only when a browser comes back
    /// with a pending secret (``session(cookie:)``), so a frame the browser refused to show or a
    /// browser that dropped the cookie leaves the link working. Once one browser came back, the
    /// link is used for every other.
    func openSession(token: String, cookie: String?) async throws -> OpenResult {
        guard let sessionID = try await records.get(String.self, kind: "session-token", id: Digest.sha256(token)) else { return .unknown }
        if let (current, _) = try await session(cookie: cookie), current.id == sessionID { return .continued(current) }
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
                // A few browsers at most (the link opened in a refused frame, then in a tab).
                session.pendingBrowserHashes = Array(((session.pendingBrowserHashes ?? []) + [Digest.sha256(browserSecret)]).suffix(4))
                outcome.value = .opened(session, browserSecret: browserSecret)
            }
        }
        guard updated != nil else { return .unknown }
        return outcome.value
    }

    /// The session of a link token that has not been used yet and has not expired.
    func unusedSession(token: String) async throws -> LinkSession? {
        guard let sessionID = try await records.get(String.self, kind: "session-token", id: Digest.sha256(token)),
            let session = try await records.get(LinkSession.self, kind: "session", id: sessionID), session.consumedAt == nil,
            session.expiresAt > now()
        else { return nil }
        return session
    }

    /// The session of a browser cookie (`<session id>.<browser secret>`), when valid and unexpired.
    /// The first browser to come back with a pending secret uses the link token (see
    /// ``openSession(token:cookie:)``).
    func session(cookie: String?) async throws -> (LinkSession, String)? {
        guard let cookie, let dot = cookie.firstIndex(of: ".") else { return nil }
        let id = String(cookie[..<dot])
        let secret = String(cookie[cookie.index(after: dot)...])
        let hash = Digest.sha256(secret)
        guard let session = try await records.get(LinkSession.self, kind: "session", id: id), session.expiresAt > now() else { return nil }
        if let bound = session.browserHash { return Digest.constantTimeEqual(bound, hash) ? (session, secret) : nil }
        guard session.pendingBrowserHashes?.contains(hash) == true else { return nil }
        let moment = now()
        let claimed = try await records.update(LinkSession.self, kind: "session", id: id) { session in
            guard session.browserHash == nil, session.pendingBrowserHashes?.contains(hash) == true else { return }
            session.consumedAt = moment
            session.browserHash = hash
            session.pendingBrowserHashes = nil
        }
        guard let claimed, let bound = claimed.browserHash, Digest.constantTimeEqual(bound, hash) else { return nil }
        return (claimed, secret)
    }

    /// The session a cookie names, valid or not (to tell "expired" from "no session here").
    func namedSession(cookie: String?) async throws -> LinkSession? {
        guard let cookie, let dot = cookie.firstIndex(of: ".") else { return nil }
        return try await records.get(LinkSession.self, kind: "session", id: String(cookie[..<dot]))
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

}
