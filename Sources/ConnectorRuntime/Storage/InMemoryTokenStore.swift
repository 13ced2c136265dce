public import Foundation

/// A ``TokenStore`` in memory, for tests and single-process apps. Also keeps every write in
/// order, which tests use to check persistence order.
public actor InMemoryTokenStore: TokenStore {
    private var records: [String: TokenRecord] = [:]
    private var leases: [String: RefreshLease] = [:]
    /// Every successful write in order, as (account, tokens).
    public private(set) var saveHistory: [(account: String, tokens: TokenSet)] = []

    /// Starts with `tokens` saved, each at version 1.
    public init(_ tokens: [String: TokenSet] = [:]) {
        records = tokens.mapValues { TokenRecord(tokens: $0, version: 1) }
    }

    public func record(account: String) async throws -> TokenRecord? {
        records[account]
    }

    public func write(_ tokens: TokenSet, account: String, expectedVersion: Int64, lease: RefreshLease?) async throws -> TokenRecord {
        let current = records[account]?.version ?? 0
        guard current == expectedVersion else {
            throw TokenStoreError.versionConflict(account: account, expected: expectedVersion, current: current)
        }
        if let lease, leases[account]?.id != lease.id {
            throw TokenStoreError.leaseLost(account: account)
        }
        let record = TokenRecord(tokens: tokens, version: current + 1)
        records[account] = record
        saveHistory.append((account, tokens))
        return record
    }

    public func remove(account: String) async throws {
        records.removeValue(forKey: account)
    }

    public func acquireRefreshLease(account: String, owner: String, duration: TimeInterval) async throws -> LeaseAcquisition {
        let now = Date()
        if let held = leases[account], held.expiresAt > now {
            return .held(owner: held.owner, expiresIn: held.expiresAt.timeIntervalSince(now))
        }
        let lease = RefreshLease(account: account, owner: owner, id: UUID().uuidString, expiresAt: now.addingTimeInterval(duration))
        leases[account] = lease
        return .acquired(lease)
    }

    public func releaseRefreshLease(_ lease: RefreshLease) async throws {
        // Expire it rather than forget it: a write with it stays valid until someone takes over.
        guard var held = leases[lease.account], held.id == lease.id else { return }
        held.expiresAt = .distantPast
        leases[lease.account] = held
    }
}
