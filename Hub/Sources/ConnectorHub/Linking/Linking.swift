import ConnectorRuntime
import ConnectorHubStorage
import ConnectorHubTransport
import Connectors
import Crypto
import Foundation

// Linking an account: forms, the OAuth authorization code flow, reconnects, imports.
extension ConnectorHubService {
    // MARK: Linking

    enum LinkOutcome {
        /// Field values failed their checks: each is shown next to its field, all at once.
        case invalidFields([(key: String, reason: String)])
        /// Send the browser to the provider; the attempt's status is polled.
        case authorize(URL, attemptID: String)
        case linked(HubAccount)
        /// The OAuth callback came back again (back or reload) after it linked the account.
        case alreadyLinked(HubAccount)
        /// The credentials work but name an account the person already linked (same connector
        /// and label): nothing was linked; the form asks again.
        case duplicate(label: String)
        case failed(LinkFailure, scopes: [String], connector: ConnectorDescriptor)
        case tooManyAttempts
    }

    /// Handles a form post: checks the values, then verifies the credentials (static and
    /// client-credential variants) or starts the OAuth round trip.
    func link(session: LinkSession, connectorID: String, variantID: String, values: [String: String]) async throws -> LinkOutcome {
        guard let (connector, variant) = lookupVariant(connectorID, variantID) else { throw HubError.notFound }
        // Only what the form asks for counts: values posted for other fields (an app's client
        // the app has set up) are dropped.
        let shownFields = formFields(connectorID, variant)
        var personValues: [String: String] = [:]
        for field in shownFields { personValues[field.key] = values[field.key] }
        let errors = Self.fieldErrors(shownFields, values: personValues)
        if !errors.isEmpty { return .invalidFields(errors) }
        let built: ConnectionConfiguration
        do {
            built = try buildConfiguration(connectorID: connectorID, variant: variant, personValues: personValues)
        } catch {
            if case .invalidField(let key, let reason) = error { return .invalidFields([(key, reason)]) }
            return .failed(.misconfigured, scopes: [], connector: connector)
        }
        if let (key, reason) = await privateAddressRefusal(variant: variant, values: values) {
            return .invalidFields([(key, reason)])
        }
        guard try await countAttempt(sessionID: session.id) else { return .tooManyAttempts }
        // Connector-qualified: the token store seals each row with the account id as associated
        // data, so the id binds the ciphertext to its connector as well as to its account.
        let reconnectID = try await reconnectTarget(session, connectorID: connectorID, variantID: variantID)
        let accountID = reconnectID ?? (connectorID + ".acc_" + Random.token(bytes: 12))
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
        let reconnecting = reconnectID != nil
        let slot = reconnecting ? Self.stagingKey(attempt.id) : accountID
        let connection = Connection(configuration: built, account: slot, store: tokens, transport: transport)
        let verifiedLabel: String?
        do {
            verifiedLabel = try await verify(connection, variant: variant)
            if reconnecting { try await adoptStagedTokens(from: slot, into: accountID) }
        } catch {
            if reconnecting { try? await connection.disconnect() } else { try? await tokens.remove(account: accountID) }
            let (failure, scopes) = LinkFailure.from(error)
            return .failed(failure, scopes: scopes, connector: connector)
        }
        // The same account again (a form sent twice, a reload): linked only when asked for.
        if !reconnecting, values["duplicate"] != "1",
            let label = AccountLabel.make(variant: variant, values: personValues, metadata: [:]),
            try await accounts(endUserID: session.endUserID).contains(where: { $0.connectorID == connectorID && $0.label == label })
        {
            try? await tokens.remove(account: accountID)
            return .duplicate(label: label)
        }
        let account = try await saveAccount(
            id: accountID, session: session, connectorID: connectorID, variantID: variantID, personValues: personValues,
            verifiedLabel: verifiedLabel)
        return .linked(account)
    }

    /// The account a link in `session` re-links: the session's reconnect account, only when the
    /// link is for that account's own connector and variant (linking anything else in the same
    /// browser session creates a new account and leaves the reconnected one alone).
    func reconnectTarget(_ session: LinkSession, connectorID: String, variantID: String) async throws -> String? {
        guard let id = session.reconnectAccountID, let account = try await account(id),
            account.connectorID == connectorID, account.variantID == variantID
        else { return nil }
        return id
    }

    /// Every error of the fields the form shows, at once, by the runtime's own checks in the order the
    /// generated configuration runs them (``FieldValues`` for presence and type, then
    /// ``FieldCheck``), so the person sees all of them after one post. The generated
    /// configuration still runs afterwards and has the last word.
    static func fieldErrors(_ fields: [FieldDescriptor], values: [String: String]) -> [(key: String, reason: String)] {
        var errors: [(key: String, reason: String)] = []
        for field in fields {
            do {
                try check(field, values)
                if !field.hostSuffixes.isEmpty, let value = values[field.key], !value.isEmpty {
                    _ = try FieldCheck.hostSuffix(value, key: field.key, suffixes: field.hostSuffixes)
                }
            } catch {
                if case .invalidField(let key, let reason) = error { errors.append((key, reason)) }
            }
        }
        return errors
    }

    private static func check(_ field: FieldDescriptor, _ values: [String: String]) throws(ConnectorError) {
        guard let value = values[field.key], !value.isEmpty else {
            if field.required, field.defaultValue == nil { throw .invalidField(key: field.key, reason: "is required") }
            return
        }
        switch field.kind {
        case .text: _ = try FieldCheck.text(value, key: field.key, pattern: field.pattern)
        case .secret: _ = try FieldCheck.secret(Secret(value), key: field.key, pattern: field.pattern)
        case .url: _ = try FieldCheck.url(value, key: field.key)
        case .hostname: _ = try FieldCheck.hostname(value, key: field.key)
        case .email: _ = try FieldCheck.email(value, key: field.key)
        case .number: _ = try FieldValues.optionalInteger(values, field.key)
        case .boolean: _ = try FieldValues.optionalBoolean(values, field.key)
        case .select:
            guard field.options.contains(where: { $0.value == value }) else {
                throw .invalidField(key: field.key, reason: "is not one of the options (" + field.options.map(\.value).joined(separator: ", ") + ")")
            }
        }
    }

    /// Whether a link with these values uses the app's OAuth client (its setup values), not the
    /// person's: an `app` variant always, an `either` variant when the person typed no client
    /// (``buildConfiguration(connectorID:variant:personValues:)`` decides the same way).
    static func usesAppClient(_ variant: AuthVariantDescriptor, personValues: [String: String]) -> Bool {
        switch variant.client {
        case .app?: return true
        case .either?: return !Self.personSuppliedClient(variant, personValues: personValues)
        default: return false
        }
    }

    /// The token endpoint refused the app's own OAuth client: nothing the person can fix. Logged
    /// for the operators (connector and account only: never a value) and kept as a setup problem
    /// the operators' Accounts page shows.
    func reportAppClientRejected(connectorID: String, variant: AuthVariantDescriptor, accountID: String) async {
        let keys = variant.fields.filter { $0.supplier == .setup }.map(\.key).joined(separator: ", ")
        HubLog.warning(
            "\(connectorID): the token endpoint refused the app's OAuth client (invalid_client) while linking \(accountID); "
                + "check setup.\(connectorID) (\(keys)) and the redirect URI registered at the provider")
        let problem = SetupProblem(
            connectorID: connectorID, variantID: variant.id,
            text: "The token endpoint refused the app's OAuth client (invalid_client). Check setup.\(connectorID) (\(keys)) and the redirect URI registered at the provider.",
            at: now())
        try? await records.put(problem, kind: "setup-problem", id: connectorID + "/" + variant.id)
    }

    /// The token store key a reconnect attempt's new grant is exchanged and verified under, so
    /// that a grant failing its checks never replaces the account's working tokens.
    static func stagingKey(_ attemptID: String) -> String { "reconnect:" + attemptID }

    /// Moves the tokens a reconnect verified under `staging` to the account (sealed again under
    /// the account's id); without staged tokens (static credentials), the account's earlier
    /// tokens, which belong to the replaced credentials, are removed.
    func adoptStagedTokens(from staging: String, into accountID: String) async throws(ConnectorError) {
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

    /// The verification request, or for token grants without one, a token request. Returns the
    /// account's name the spec's `verify.label` pointers find in the response, if any.
    func verify(_ connection: Connection, variant: AuthVariantDescriptor) async throws(ConnectorError) -> String? {
        guard let response = try await connection.verify() else {
            if variant.type.hasPrefix("oauth2") { _ = try await connection.currentTokens() }
            return nil
        }
        return connection.configuration.verification?.accountLabel(from: response.body)
    }

    func saveAccount(
        id: String, session: LinkSession, connectorID: String, variantID: String, personValues: [String: String],
        verifiedLabel: String? = nil
    ) async throws -> HubAccount {
        try await SealedValues.save(personValues, account: "fields:" + id, in: tokens)
        let moment = now()
        let previous = try await records.get(HubAccount.self, kind: "account", id: id)
        var label: String?
        if let (_, variant) = lookupVariant(connectorID, variantID) {
            // Only the token-response fields the spec keeps as account metadata.
            let names = (try? buildConfiguration(connectorID: connectorID, variant: variant, personValues: personValues))?.accountMetadata ?? []
            let metadata = (try? await tokens.load(account: id))?.metadata(names) ?? [:]
            // The person's fields and token metadata first, then the name the verification
            // response gave (an OAuth account with neither: Zelt).
            label = AccountLabel.make(variant: variant, values: personValues, metadata: metadata) ?? verifiedLabel
            // A link that worked shows the variant's setup is fine again.
            try? await records.delete(kind: "setup-problem", id: connectorID + "/" + variantID)
        }
        let account = HubAccount(
            id: id, connectorID: connectorID, variantID: variantID, endUserID: session.endUserID, endUserName: session.endUserName,
            status: "active", linkedAt: previous?.linkedAt ?? moment, lastRefreshAt: previous == nil ? nil : moment, updatedAt: moment,
            label: label ?? previous?.label)
        try await records.put(account, kind: "account", id: id)
        connections.remove(id)
        if let previous {
            if previous.status != account.status { await sendWebhook(account, previous: previous.status) }
        } else {
            await sendWebhook(account, type: "account.linked")
        }
        return account
    }

    /// Completes an OAuth round trip from the callback URL: state looked up (and used once),
    /// the attempt's browser session checked, code exchanged, credentials verified.
    func completeAuthorization(callbackURL: URL, state: String?, browserSession: LinkSession?) async throws -> (LinkAttempt, LinkOutcome) {
        guard let state, let attemptID = try await records.get(String.self, kind: "state", id: Digest.sha256(state)),
            let attempt = try await records.get(LinkAttempt.self, kind: "attempt", id: attemptID),
            let (connector, variant) = lookupVariant(attempt.connectorID, attempt.variantID)
        else { throw HubError.invalidCallback }
        guard let session = try await records.get(LinkSession.self, kind: "session", id: attempt.sessionID) else { throw HubError.invalidCallback }
        // The callback must come back to the browser that started it: otherwise a link started by
        // someone else could be completed with the victim's provider account (login CSRF).
        guard let browserSession, browserSession.id == session.id else { throw HubError.invalidCallback }
        // The state works once. The same browser coming back to it (back, reload) is told how
        // that attempt ended: nothing is exchanged again.
        guard attempt.status == "pending" else {
            switch attempt.status {
            case "succeeded":
                guard let account = try await account(attempt.accountID) else { throw HubError.invalidCallback }
                return (attempt, .alreadyLinked(account))
            case "failed":
                let failure = LinkFailure(rawValue: attempt.failure ?? "") ?? .invalidCallback
                let scopes = (attempt.failureDetail ?? "").split(separator: " ").map(String.init)
                return (attempt, .failed(failure, scopes: scopes, connector: connector))
            default:
                throw HubError.invalidCallback
            }
        }
        // Claim the attempt atomically (a concurrent replay finds it taken).
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
            let received: TokenSet
            do {
                received = try await flow.complete(callbackURL: callbackURL, pending: saved.pending)
            } catch {
                // invalid_client for the app's own client: the app is misconfigured, not the person.
                if case .invalidCredentials = error, Self.usesAppClient(variant, personValues: saved.values) {
                    await reportAppClientRejected(connectorID: attempt.connectorID, variant: variant, accountID: attempt.accountID)
                    throw ConnectorError.misconfigured("The token endpoint refused the app's OAuth client.")
                }
                throw error
            }
            granted = received.scope
            let connection = Connection(configuration: built, account: slot, store: tokens, transport: transport, redirectURI: redirectURI)
            exchanged = connection
            let missing = TokenResponseParser.missingScopes(required: required, granted: received.scope)
            if !missing.isEmpty { throw ConnectorError.missingScopes(missing) }
            let verified = try await connection.verify()
            let verifiedLabel = verified.flatMap { built.verification?.accountLabel(from: $0.body) }
            if reconnecting { try await adoptStagedTokens(from: slot, into: attempt.accountID) }
            outcome = .linked(
                try await saveAccount(
                    id: attempt.accountID, session: session, connectorID: attempt.connectorID, variantID: attempt.variantID,
                    personValues: saved.values, verifiedLabel: verifiedLabel))
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
        // The app asked for this account: a second one of the same label is its choice.
        var values = values
        values["duplicate"] = "1"
        switch try await link(session: session, connectorID: connectorID, variantID: variantID, values: values) {
        case .linked(let account): return account
        case .invalidFields(let errors):
            let first = errors.first ?? (key: "", reason: "is not valid")
            throw ConnectorError.invalidField(key: first.key, reason: first.reason)
        case .failed(let failure, let scopes, _): throw HubError.badRequest("Linking failed: \(failure.rawValue) \(scopes.joined(separator: " "))")
        case .duplicate(let label): throw HubError.badRequest("An account of \(connectorID) labelled \(label) is already linked for this end user.")
        default: throw HubError.badRequest("Linking did not complete.")
        }
    }

    /// Statements the token store sent (SQL stores), for the benchmark's per-request count.
    public var tokenStoreStatements: Int? {
        (storedTokens as? SQLiteTokenStore)?.statementCount ?? (storedTokens as? PostgresTokenStore)?.statementCount
    }

    /// Statements the record store (sessions, attempts, accounts) sent, for the benchmark and tests.
    public var recordStoreStatements: Int { records.statementCount }

    /// Whether this process receives account change notifications right now (PostgreSQL, once
    /// its listener is connected). While it does, a cached account record is trusted for
    /// ``HubConfiguration/accountCacheSeconds``; otherwise for at most
    /// ``HubConfiguration/unnotifiedAccountCacheSeconds``.
    public var followsAccountChanges: Bool {
        get async { connections.notified }
    }

}
