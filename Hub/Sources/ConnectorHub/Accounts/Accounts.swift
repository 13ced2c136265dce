import ConnectorRuntime
import ConnectorHubStorage
import ConnectorHubTransport
import Connectors
import Crypto
import Foundation

// Accounts: listing, removal, connections, status changes and their webhooks.
extension ConnectorHubService {
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
        connections.remove(id)
        try? await tokens.remove(account: id)
        try? await tokens.remove(account: "fields:" + id)
        try await records.delete(kind: "account", id: id)
        // Again: a request running meanwhile may have cached the record before it was deleted.
        connections.remove(id)
        var removed = account
        removed.status = "disconnected"
        await sendWebhook(removed, previous: account.status)
        return revokeFailed
    }

    /// The account's connection, built once and cached (with a valid cached token, a proxied
    /// request touches no database).
    func connection(for account: HubAccount) async throws -> Connection {
        if let cached = connections.get(account.id) { return cached }
        let generation = connections.generation
        guard let (_, variant) = lookupVariant(account.connectorID, account.variantID) else { throw HubError.notFound }
        let values: [String: String] = try await SealedValues.load(account: "fields:" + account.id, in: tokens) ?? [:]
        let built = try buildConfiguration(connectorID: account.connectorID, variant: variant, personValues: values)
        let connection = Connection(
            configuration: built, account: account.id, store: tokens, transport: transport,
            redirectURI: variant.usesAuthorizationCode ? configuration.redirectURI(connector: account.connectorID) : nil)
        return connections.insert(account.id, connection, ifGeneration: generation)
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
        connections.forgetAccount(accountID)
        if previous.value != status { await sendWebhook(updated, previous: previous.value ?? "") }
    }

    // MARK: Webhooks

    /// POSTs `account.status_changed` (with the previous status) to the configured URL, signed
    /// (see ``WebhookSignature``).
    func sendWebhook(_ account: HubAccount, previous: String) async {
        await sendWebhook(account, type: "account.status_changed", previous: previous)
    }

    /// POSTs an event about `account` (`account.linked`, `account.status_changed`), signed (see
    /// ``WebhookSignature``); the account has the app API's field names. Failures are logged
    /// without the body.
    func sendWebhook(_ account: HubAccount, type: String, previous: String? = nil) async {
        // Read again on the next request: caching this copy could overwrite a newer change that
        // another process made meanwhile.
        connections.forgetAccount(account.id)
        guard let url = configuration.webhookURL, let secret = configuration.webhookSecret else { return }
        // The account exactly as the app API shows it (one set of field names for both).
        var event: [String: any Sendable] = ["type": type, "account": Self.accountJSON(account), "occurredAt": Self.date(now())]
        if let previous { event["previousStatus"] = previous }
        guard let body = try? JSONSerialization.data(withJSONObject: event, options: [.sortedKeys]) else { return }
        let timestamp = Int(now().timeIntervalSince1970)
        var headers = HTTPHeaders()
        headers["Content-Type"] = "application/json"
        headers[WebhookSignature.header] = WebhookSignature.sign(body: body, timestamp: timestamp, secret: secret)
        do {
            let response = try await webhookTransport.send(HTTPRequest(method: "POST", url: url, headers: headers, body: body, timeout: 10))
            if !response.isSuccess { HubLog.warning("webhook \(type) answered \(response.status) for account \(account.id)") }
        } catch {
            HubLog.warning("webhook \(type) delivery failed for account \(account.id)")
        }
    }
}
