import Foundation
import GRDB

/// Runs and waits on SQLite (one process runs the scheduler; its clock is the only one).
extension SQLiteSyncStore: SyncRunHistory {
    static let statusSchema = [
        """
        CREATE TABLE IF NOT EXISTS hub_sync_runs (account TEXT NOT NULL, resource TEXT NOT NULL, started_at REAL NOT NULL,
            finished_at REAL, outcome TEXT NOT NULL, added INTEGER NOT NULL DEFAULT 0, updated INTEGER NOT NULL DEFAULT 0,
            deleted INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (account, resource))
        """,
        "CREATE TABLE IF NOT EXISTS hub_sync_waits (account TEXT PRIMARY KEY, not_before REAL NOT NULL)",
    ]

    private static var clock: Double { Date().timeIntervalSince1970 }

    func runStarted(account: String, resource: String) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO hub_sync_runs (account, resource, started_at, outcome) VALUES (?, ?, ?, 'running')
                    ON CONFLICT (account, resource) DO UPDATE SET started_at = excluded.started_at, finished_at = NULL,
                        outcome = 'running', added = 0, updated = 0, deleted = 0
                    """,
                arguments: [account, resource, Self.clock])
        }
    }

    func runEnded(account: String, resource: String, counts: SyncCounts, failed: Bool) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE hub_sync_runs SET finished_at = ?, outcome = ?, added = ?, updated = ?, deleted = ?
                    WHERE account = ? AND resource = ?
                    """,
                arguments: [Self.clock, failed ? "failed" : "succeeded", counts.added, counts.updated, counts.deleted, account, resource])
        }
    }

    func runStatus(account: String) async throws -> [SyncRunStatus] {
        try await pool.read { db in
            var result: [String: SyncRunStatus] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT resource, started_at, finished_at, outcome, added, updated, deleted FROM hub_sync_runs WHERE account = ?",
                arguments: [account])
            {
                let resource: String = row["resource"]
                let finished: Double? = row["finished_at"]
                result[resource] = SyncRunStatus(
                    resource: resource, startedAt: Date(timeIntervalSince1970: row["started_at"]),
                    finishedAt: finished.map(Date.init(timeIntervalSince1970:)), outcome: row["outcome"],
                    counts: SyncCounts(added: row["added"], updated: row["updated"], deleted: row["deleted"]), records: 0)
            }
            for row in try Row.fetchAll(
                db, sql: "SELECT resource, count(*) AS n FROM hub_sync_records WHERE account = ? AND deleted = 0 GROUP BY resource",
                arguments: [account])
            {
                let resource: String = row["resource"]
                result[resource, default: SyncRunStatus(resource: resource, counts: SyncCounts(), records: 0)].records = row["n"]
            }
            return result.values.sorted { $0.resource < $1.resource }
        }
    }

    func holdOff(account: String, seconds: Double) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO hub_sync_waits (account, not_before) VALUES (?, ?)
                    ON CONFLICT (account) DO UPDATE SET not_before = max(not_before, excluded.not_before)
                    """,
                arguments: [account, Self.clock + seconds])
        }
    }

    func waitLeft(account: String) async throws -> Double {
        let notBefore = try await pool.read { db in
            try Double.fetchOne(db, sql: "SELECT not_before FROM hub_sync_waits WHERE account = ?", arguments: [account])
        }
        return max(0, (notBefore ?? 0) - Self.clock)
    }
}
