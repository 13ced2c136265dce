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
///
/// A lock, not an actor: a proxied request reads its account and connection with one short
/// critical section (two dictionary lookups) on the thread it runs on, instead of hopping to the
/// actor's executor and back twice. Nothing that waits runs under the lock.
final class ConnectionCache: @unchecked Sendable {
    private let lock = NSLock()
    private var connections: [String: Connection] = [:]
    private var accounts: [String: (account: HubAccount, at: Date)] = [:]
    /// Reads of a record in flight: requests that find the record stale at the same moment share
    /// one database read instead of sending one each.
    private var reads: [String: Task<HubAccount?, any Error>] = [:]
    private var generationValue: UInt64 = 0
    private var notifiedValue = false
    /// How long a cached record is trusted while ``notified`` (a safety net only: notifications
    /// invalidate it at once).
    let notifiedLifetime: TimeInterval
    /// How long a cached record is trusted when no notification can reach this process.
    let unnotifiedLifetime: TimeInterval

    init(notifiedLifetime: TimeInterval, unnotifiedLifetime: TimeInterval) {
        self.notifiedLifetime = notifiedLifetime
        self.unnotifiedLifetime = unnotifiedLifetime
    }

    /// Bumped by every invalidation.
    var generation: UInt64 { lock.withLock { generationValue } }

    /// Whether account change notifications reach this process right now.
    var notified: Bool { lock.withLock { notifiedValue } }

    func get(_ id: String) -> Connection? { lock.withLock { connections[id] } }

    /// The trusted record (see ``account(_:now:)``) and the cached connection, in one lookup.
    func lookup(_ id: String, now: Date) -> (account: HubAccount, connection: Connection?)? {
        lock.withLock {
            guard let entry = accounts[id], trusted(entry.at, now: now) else { return nil }
            return (entry.account, connections[id])
        }
    }

    /// Caches `connection` unless an invalidation happened since `generation` was read; returns
    /// the cached connection when another task inserted one first.
    func insert(_ id: String, _ connection: Connection, ifGeneration expected: UInt64) -> Connection {
        lock.withLock {
            if let existing = connections[id] { return existing }
            guard generationValue == expected else { return connection }
            connections[id] = connection
            return connection
        }
    }

    /// The cached record while it is trusted (see ``notifiedLifetime``, ``unnotifiedLifetime``).
    func account(_ id: String, now: Date) -> HubAccount? {
        lock.withLock {
            guard let entry = accounts[id], trusted(entry.at, now: now) else { return nil }
            return entry.account
        }
    }

    /// Called under the lock.
    private func trusted(_ moment: Date, now: Date) -> Bool {
        now.timeIntervalSince(moment) < (notifiedValue ? notifiedLifetime : unnotifiedLifetime)
    }

    /// Caches a record read at `moment`, unless an invalidation happened since `expected`.
    func setAccount(_ account: HubAccount, at moment: Date, ifGeneration expected: UInt64) {
        lock.withLock {
            guard generationValue == expected else { return }
            accounts[account.id] = (account, moment)
        }
    }

    /// Runs `read` for `id`, or joins the one already running.
    func read(_ id: String, _ read: @escaping @Sendable () async throws -> HubAccount?) async throws -> HubAccount? {
        let (task, started) = lock.withLock { () -> (Task<HubAccount?, any Error>, Bool) in
            if let running = reads[id] { return (running, false) }
            let task = Task { try await read() }
            reads[id] = task
            return (task, true)
        }
        guard started else { return try await task.value }
        defer { lock.withLock { reads[id] = nil } }
        return try await task.value
    }

    /// Forgets the account's record (its connection stays: its tokens are still valid).
    func forgetAccount(_ id: String) {
        lock.withLock {
            accounts[id] = nil
            generationValue &+= 1
        }
    }

    /// Forgets the account's record and connection.
    func remove(_ id: String) {
        lock.withLock {
            connections[id] = nil
            accounts[id] = nil
            generationValue &+= 1
        }
    }

    /// Another process (or this one) changed the account: forget what this process cached.
    func changed(_ id: String) { remove(id) }

    /// Notifications flow from now on, or stopped. Either way what was cached may have missed a
    /// change (none was received while not listening; none will be now), so everything is
    /// dropped.
    func setNotified(_ flowing: Bool) {
        lock.withLock {
            connections = [:]
            accounts = [:]
            notifiedValue = flowing
            generationValue &+= 1
        }
    }
}
