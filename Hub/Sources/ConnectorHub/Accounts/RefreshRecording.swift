// "Last refresh" on the Accounts pages and `lastRefreshAt` in the API: the runtime refreshes
// tokens inside Connection, under the store's refresh lease, so the Hub sees each refresh as a
// write under a lease through this wrapper of its token store.
import ConnectorRuntime
import Foundation

/// The token store the Hub's connections use: the real store, and when a refresh writes new
/// tokens of an account (a write under a refresh lease), the account record's `lastRefreshAt`.
final class RefreshRecordingStore: TokenStore {
    let base: any TokenStore
    private let records: any RecordStore
    private let connections: ConnectionCache
    private let now: @Sendable () -> Date

    init(base: any TokenStore, records: any RecordStore, connections: ConnectionCache, now: @escaping @Sendable () -> Date) {
        self.base = base
        self.records = records
        self.connections = connections
        self.now = now
    }

    func record(account: String) async throws -> TokenRecord? { try await base.record(account: account) }

    func write(_ tokens: TokenSet, account: String, expectedVersion: Int64, lease: RefreshLease?) async throws -> TokenRecord {
        let written = try await base.write(tokens, account: account, expectedVersion: expectedVersion, lease: lease)
        // Account keys have no colon; staging, field and attempt keys do (`reconnect:…`).
        if lease != nil, !account.contains(":") { await recordRefresh(account) }
        return written
    }

    func remove(account: String) async throws { try await base.remove(account: account) }

    func acquireRefreshLease(account: String, owner: String, duration: TimeInterval) async throws -> LeaseAcquisition {
        try await base.acquireRefreshLease(account: account, owner: owner, duration: duration)
    }

    func releaseRefreshLease(_ lease: RefreshLease) async throws { try await base.releaseRefreshLease(lease) }

    /// Best effort: a refresh that worked is never failed by its bookkeeping.
    private func recordRefresh(_ accountID: String) async {
        let moment = now()
        _ = try? await records.update(HubAccount.self, kind: "account", id: accountID) { account in
            account.lastRefreshAt = moment
        }
        connections.forgetAccount(accountID)
    }
}
