import Foundation
import PostgresNIO

/// Runs and shared waits on PostgreSQL; times on the database's clock, so processes whose clocks
/// differ still wait for the same instant.
extension PostgresSyncStore: SyncRunHistory {
    static let statusSchema = [
        """
        CREATE TABLE IF NOT EXISTS hub_sync_runs (account text NOT NULL, resource text NOT NULL, started_at timestamptz NOT NULL,
            finished_at timestamptz, outcome text NOT NULL, added bigint NOT NULL DEFAULT 0, updated bigint NOT NULL DEFAULT 0,
            deleted bigint NOT NULL DEFAULT 0, PRIMARY KEY (account, resource))
        """,
        "CREATE TABLE IF NOT EXISTS hub_sync_waits (account text PRIMARY KEY, not_before timestamptz NOT NULL)",
    ]

    func runStarted(account: String, resource: String) async throws {
        try await execute(
            """
            INSERT INTO hub_sync_runs (account, resource, started_at, outcome) VALUES (\(account), \(resource), now(), 'running')
            ON CONFLICT (account, resource) DO UPDATE SET started_at = now(), finished_at = NULL, outcome = 'running',
                added = 0, updated = 0, deleted = 0
            """)
    }

    func runEnded(account: String, resource: String, counts: SyncCounts, failed: Bool) async throws {
        let outcome = failed ? "failed" : "succeeded"
        try await execute(
            """
            UPDATE hub_sync_runs SET finished_at = now(), outcome = \(outcome), added = \(counts.added), updated = \(counts.updated),
                deleted = \(counts.deleted)
            WHERE account = \(account) AND resource = \(resource)
            """)
    }

    func runStatus(account: String) async throws -> [SyncRunStatus] {
        let logger = self.logger
        return try await withConnection { connection in
            var result: [String: SyncRunStatus] = [:]
            let runs = try await connection.query(
                """
                SELECT resource, extract(epoch FROM started_at)::float8, extract(epoch FROM finished_at)::float8, outcome, added, updated, deleted
                FROM hub_sync_runs WHERE account = \(account)
                """,
                logger: logger)
            for try await (resource, started, finished, outcome, added, updated, deleted) in runs.decode(
                (String, Double, Double?, String, Int64, Int64, Int64).self)
            {
                result[resource] = SyncRunStatus(
                    resource: resource, startedAt: Date(timeIntervalSince1970: started), finishedAt: finished.map(Date.init(timeIntervalSince1970:)),
                    outcome: outcome, counts: SyncCounts(added: Int(added), updated: Int(updated), deleted: Int(deleted)), records: 0)
            }
            let counts = try await connection.query(
                "SELECT resource, count(*) FROM hub_sync_records WHERE account = \(account) AND NOT deleted GROUP BY resource", logger: logger)
            for try await (resource, count) in counts.decode((String, Int64).self) {
                result[resource, default: SyncRunStatus(resource: resource, counts: SyncCounts(), records: 0)].records = Int(count)
            }
            return result.values.sorted { $0.resource < $1.resource }
        }
    }

    func holdOff(account: String, seconds: Double) async throws {
        try await execute(
            """
            INSERT INTO hub_sync_waits (account, not_before) VALUES (\(account), now() + make_interval(secs => \(seconds)))
            ON CONFLICT (account) DO UPDATE SET not_before = GREATEST(hub_sync_waits.not_before, EXCLUDED.not_before)
            """)
    }

    func waitLeft(account: String) async throws -> Double {
        return try await query(
            "SELECT GREATEST(0, extract(epoch FROM not_before - clock_timestamp()))::float8 FROM hub_sync_waits WHERE account = \(account)"
        ) { rows in
            for try await seconds in rows.decode(Double.self) { return seconds }
            return 0
        }
    }
}
