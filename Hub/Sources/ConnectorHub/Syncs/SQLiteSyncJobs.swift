import Foundation
import GRDB

/// On SQLite one process runs the scheduler (docs/syncs.md); the lease still fences a run whose
/// process stalled, and every change is a write transaction, which SQLite serialises.
extension SQLiteSyncStore: SyncJobQueue {
    static func checkLease(_ db: Database, _ lease: SyncLease?) throws {
        guard let lease else { return }
        let held = try Bool.fetchOne(
            db, sql: "SELECT 1 FROM hub_sync_jobs WHERE account = ? AND resource = ? AND owner = ? AND epoch = ?",
            arguments: [lease.account, lease.resource, lease.owner, lease.epoch]) ?? false
        if !held { throw SyncLeaseLost(account: lease.account, resource: lease.resource) }
    }

    private static var now: Double { Date().timeIntervalSince1970 }

    func schedule(account: String, resource: String, interval: Int) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO hub_sync_jobs (account, resource, interval_seconds, due_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (account, resource) DO NOTHING
                    """,
                arguments: [account, resource, interval, Self.now])
        }
    }

    func claim(owner: String, leaseSeconds: Int) async throws -> SyncLease? {
        try await pool.write { db in
            let now = Self.now
            guard let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT account, resource, epoch FROM hub_sync_jobs
                    WHERE paused = 0 AND due_at <= ? AND (owner IS NULL OR lease_until < ?) ORDER BY due_at LIMIT 1
                    """,
                arguments: [now, now])
            else { return nil }
            let lease = SyncLease(account: row["account"], resource: row["resource"], owner: owner, epoch: (row["epoch"] as Int64) + 1)
            try db.execute(
                sql: "UPDATE hub_sync_jobs SET owner = ?, lease_until = ?, epoch = ? WHERE account = ? AND resource = ?",
                arguments: [owner, now + Double(leaseSeconds), lease.epoch, lease.account, lease.resource])
            return lease
        }
    }

    private func updateHeld(_ lease: SyncLease, _ set: String, _ arguments: StatementArguments) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE hub_sync_jobs SET \(set) WHERE account = ? AND resource = ? AND owner = ? AND epoch = ?",
                arguments: arguments + [lease.account, lease.resource, lease.owner, lease.epoch])
            return db.changesCount > 0
        }
    }

    func renew(_ lease: SyncLease, leaseSeconds: Int) async throws -> Bool {
        try await updateHeld(lease, "lease_until = ?", [Self.now + Double(leaseSeconds)])
    }

    func complete(_ lease: SyncLease, error: String?) async throws -> Bool {
        try await updateHeld(
            lease, "owner = NULL, lease_until = NULL, runs = runs + 1, last_error = ?, due_at = ? + interval_seconds", [error, Self.now])
    }

    func runNow(account: String, resource: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "UPDATE hub_sync_jobs SET due_at = ? WHERE account = ? AND resource = ?", arguments: [Self.now, account, resource])
            return db.changesCount > 0
        }
    }

    func setPaused(_ paused: Bool, account: String, resource: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "UPDATE hub_sync_jobs SET paused = ? WHERE account = ? AND resource = ?", arguments: [paused, account, resource])
            return db.changesCount > 0
        }
    }

    func status(account: String) async throws -> [SyncJobStatus] {
        let now = Self.now
        return try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT account, resource, paused, interval_seconds, owner IS NOT NULL AND lease_until >= ? AS running, last_error, runs
                    FROM hub_sync_jobs WHERE account = ? ORDER BY resource
                    """,
                arguments: [now, account]
            ).map { row in
                SyncJobStatus(
                    account: row["account"], resource: row["resource"], paused: row["paused"], interval: row["interval_seconds"],
                    running: row["running"], lastError: row["last_error"], runs: row["runs"])
            }
        }
    }
}
