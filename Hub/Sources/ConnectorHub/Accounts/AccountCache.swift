// The per-process cache of connections and account records, and how long a cached record may be
// trusted: until a change notification says otherwise (PostgreSQL LISTEN/NOTIFY, see
// PostgresRecordStore.followAccountChanges), or for a short time when no notification can reach
// this process (SQLite, or while the listener reconnects).
import ConnectorRuntime
import Foundation

/// Connections and account records by account id, so a proxied request with a valid cached
/// token makes no database query.
///
/// Every invalidation bumps ``generation``. A reader notes the generation before it reads the
/// database and caches what it read only if no invalidation happened meanwhile: a record read
/// just before another process changed it is never cached after the change notice arrived.
actor ConnectionCache {
    private var connections: [String: Connection] = [:]
    private var accounts: [String: (account: HubAccount, at: Date)] = [:]
    /// Reads of a record in flight: requests that find the record stale at the same moment share
    /// one database read instead of sending one each.
    private var reads: [String: Task<HubAccount?, any Error>] = [:]
    /// Bumped by every invalidation.
    private(set) var generation: UInt64 = 0
    /// Whether account change notifications reach this process right now.
    private(set) var notified = false
    /// How long a cached record is trusted while ``notified`` (a safety net only: notifications
    /// invalidate it at once).
    let notifiedLifetime: TimeInterval
    /// How long a cached record is trusted when no notification can reach this process.
    let unnotifiedLifetime: TimeInterval

    init(notifiedLifetime: TimeInterval, unnotifiedLifetime: TimeInterval) {
        self.notifiedLifetime = notifiedLifetime
        self.unnotifiedLifetime = unnotifiedLifetime
    }

    func get(_ id: String) -> Connection? { connections[id] }

    /// Caches `connection` unless an invalidation happened since `generation` was read; returns
    /// the cached connection when another task inserted one first.
    func insert(_ id: String, _ connection: Connection, ifGeneration expected: UInt64) -> Connection {
        if let existing = connections[id] { return existing }
        guard generation == expected else { return connection }
        connections[id] = connection
        return connection
    }

    /// The cached record while it is trusted (see ``notifiedLifetime``, ``unnotifiedLifetime``).
    func account(_ id: String, now: Date) -> HubAccount? {
        guard let entry = accounts[id], now.timeIntervalSince(entry.at) < (notified ? notifiedLifetime : unnotifiedLifetime)
        else { return nil }
        return entry.account
    }

    /// Caches a record read at `moment`, unless an invalidation happened since `expected`.
    func setAccount(_ account: HubAccount, at moment: Date, ifGeneration expected: UInt64) {
        guard generation == expected else { return }
        accounts[account.id] = (account, moment)
    }

    /// Runs `read` for `id`, or joins the one already running.
    func read(_ id: String, _ read: @escaping @Sendable () async throws -> HubAccount?) async throws -> HubAccount? {
        if let running = reads[id] { return try await running.value }
        let task = Task { try await read() }
        reads[id] = task
        defer { reads[id] = nil }
        return try await task.value
    }

    /// Forgets the account's record (its connection stays: its tokens are still valid).
    func forgetAccount(_ id: String) {
        accounts[id] = nil
        generation &+= 1
    }

    /// Forgets the account's record and connection.
    func remove(_ id: String) {
        connections[id] = nil
        accounts[id] = nil
        generation &+= 1
    }

    /// Another process (or this one) changed the account: forget what this process cached.
    func changed(_ id: String) { remove(id) }

    /// Notifications flow from now on, or stopped. Either way what was cached may have missed a
    /// change (none was received while not listening; none will be now), so everything is
    /// dropped.
    func setNotified(_ flowing: Bool) {
        connections = [:]
        accounts = [:]
        notified = flowing
        generation &+= 1
    }
}
