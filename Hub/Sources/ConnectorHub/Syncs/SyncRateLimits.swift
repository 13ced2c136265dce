import ConnectorRuntime
import Foundation

// Shared 429 waits (docs/syncs.md, "Rate limits"): a provider that answers a sync's request with
// 429 and `Retry-After` limits the account, not one process. The wait is kept in the database the
// sync jobs use (`hub_sync_waits`, on the database's clock on PostgreSQL), and every request of
// every process's sync of that account waits for it before it is sent.

/// The transport of a sync's connection: before each request, waits for the account's shared
/// wait; after a 429, extends that wait by the answer's `Retry-After` (1 s without one).
struct SyncRateLimitTransport: HTTPTransport {
    let inner: any HTTPTransport
    let account: String
    let waits: any SyncRunHistory
    /// No single wait is longer, whatever the provider or the database says.
    var maxWait: Double = 300

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        // Another process may extend the wait while this one sleeps: look again after each sleep
        // (a bounded number of times).
        for _ in 0..<8 {
            let left = (try? await waits.waitLeft(account: account)) ?? 0
            guard left > 0 else { break }
            try await Task.sleep(nanoseconds: UInt64(min(left, maxWait) * 1_000_000_000))
        }
        let response = try await inner.send(request)
        if response.status == 429 {
            let after = OAuthErrorMapping.retryAfter(response.headers["Retry-After"]) ?? 1
            try? await waits.holdOff(account: account, seconds: min(after, maxWait))
        }
        return response
    }
}

extension ConnectorHubService {
    /// The account's connection for a sync run: like ``connection(for:)`` (refreshes, 401 retries
    /// and the private-address rule apply, tokens are the same rows), with requests going through
    /// ``SyncRateLimitTransport``.
    func syncConnection(for account: HubAccount) async throws -> Connection {
        guard let (_, variant) = lookupVariant(account.connectorID, account.variantID) else { throw HubError.notFound }
        let values: [String: String] = try await SealedValues.load(account: "fields:" + account.id, in: tokens) ?? [:]
        let built = try buildConfiguration(connectorID: account.connectorID, variant: variant, personValues: values)
        return Connection(
            configuration: built, account: account.id, store: tokens,
            transport: SyncRateLimitTransport(inner: transport, account: account.id, waits: syncs.store),
            redirectURI: variant.usesAuthorizationCode ? configuration.redirectURI(connector: account.connectorID) : nil)
    }
}
