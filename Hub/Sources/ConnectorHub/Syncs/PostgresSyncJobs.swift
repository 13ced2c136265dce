import Foundation
import Logging
import PostgresNIO

extension PostgresSyncStore: SyncJobQueue {
    /// Inside a page's transaction: the lease is still the job's (same owner and epoch). `FOR SHARE`
    /// keeps a claim from taking the job over until this transaction ends.
    static func checkLease(_ connection: PostgresConnection, _ lease: SyncLease?, logger: Logger) async throws {
        guard let lease else { return }
        let rows = try await connection.query(
            """
            SELECT 1 FROM hub_sync_jobs WHERE account = \(lease.account) AND resource = \(lease.resource)
            AND owner = \(lease.owner) AND epoch = \(lease.epoch) FOR SHARE
            """,
            logger: logger)
        var held = false
        for try await _ in rows { held = true }
        if !held { throw SyncLeaseLost(account: lease.account, resource: lease.resource) }
    }

    func schedule(account: String, resource: String, interval: Int) async throws {
        try await execute(
            """
            INSERT INTO hub_sync_jobs (account, resource, interval_seconds, due_at) VALUES (\(account), \(resource), \(interval), now())
            ON CONFLICT (account, resource) DO NOTHING
            """)
    }

    func claim(owner: String, leaseSeconds: Int) async throws -> SyncLease? {
        // SKIP LOCKED: processes claiming at the same moment each get another job, never wait.
        return try await query(
            """
            UPDATE hub_sync_jobs AS j SET owner = \(owner), lease_until = now() + make_interval(secs => \(leaseSeconds)),
                epoch = j.epoch + 1
            FROM (SELECT account, resource FROM hub_sync_jobs
                  WHERE NOT paused AND due_at <= now() AND (owner IS NULL OR lease_until < now())
                  ORDER BY due_at LIMIT 1 FOR UPDATE SKIP LOCKED) AS due
            WHERE j.account = due.account AND j.resource = due.resource
            RETURNING j.account, j.resource, j.epoch
            """
        ) { rows in
            for try await (account, resource, epoch) in rows.decode((String, String, Int64).self) {
                return SyncLease(account: account, resource: resource, owner: owner, epoch: epoch)
            }
            return nil
        }
    }

    func renew(_ lease: SyncLease, leaseSeconds: Int) async throws -> Bool {
        return try await query(
            """
            UPDATE hub_sync_jobs SET lease_until = now() + make_interval(secs => \(leaseSeconds))
            WHERE account = \(lease.account) AND resource = \(lease.resource) AND owner = \(lease.owner) AND epoch = \(lease.epoch)
            RETURNING 1
            """
        ) { rows in
            for try await _ in rows { return true }
            return false
        }
    }

    func complete(_ lease: SyncLease, error: String?) async throws -> Bool {
        return try await query(
            """
            UPDATE hub_sync_jobs SET owner = NULL, lease_until = NULL, runs = runs + 1, last_error = \(error),
                due_at = now() + make_interval(secs => interval_seconds)
            WHERE account = \(lease.account) AND resource = \(lease.resource) AND owner = \(lease.owner) AND epoch = \(lease.epoch)
            RETURNING 1
            """
        ) { rows in
            for try await _ in rows { return true }
            return false
        }
    }

    func runNow(account: String, resource: String) async throws -> Bool {
        return try await query(
            "UPDATE hub_sync_jobs SET due_at = now() WHERE account = \(account) AND resource = \(resource) RETURNING 1"
        ) { rows in
            for try await _ in rows { return true }
            return false
        }
    }

    func setPaused(_ paused: Bool, account: String, resource: String) async throws -> Bool {
        return try await query(
            "UPDATE hub_sync_jobs SET paused = \(paused) WHERE account = \(account) AND resource = \(resource) RETURNING 1"
        ) { rows in
            for try await _ in rows { return true }
            return false
        }
    }

    func status(account: String) async throws -> [SyncJobStatus] {
        return try await query(
            """
            SELECT account, resource, paused, interval_seconds, (owner IS NOT NULL AND lease_until >= now()), last_error, runs
            FROM hub_sync_jobs WHERE account = \(account) ORDER BY resource
            """
        ) { rows in
            var result: [SyncJobStatus] = []
            for try await (account, resource, paused, interval, running, error, runs) in rows.decode(
                (String, String, Bool, Int32, Bool, String?, Int64).self)
            {
                result.append(SyncJobStatus(
                    account: account, resource: resource, paused: paused, interval: Int(interval), running: running, lastError: error, runs: runs))
            }
            return result
        }
    }
}
