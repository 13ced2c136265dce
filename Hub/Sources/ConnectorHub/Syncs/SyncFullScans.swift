import ConnectorCompilerCore
import Foundation
import GRDB
import PostgresNIO

// When each account's resource last made a full scan, so the scheduler makes an incremental sync
// with `fullScan` deletions read every record again every `fullScanInterval` seconds (deletions are
// only seen by a complete read), and incremental runs in between (docs/syncs.md, "Full scans of an
// incremental sync").

/// The start of the last successful full scan per account and resource, on the scheduler's clock.
protocol SyncFullScanLog: Sendable {
    func lastFullScan(account: String, resource: String) async throws -> Date?
    /// Notes that a full scan that started at `startedAt` finished.
    func fullScanFinished(account: String, resource: String, startedAt: Date) async throws
}

enum SyncFullScanPolicy {
    /// Whether the next run of `sync` reads every record: always for a `full` sync; for an
    /// incremental sync with `fullScan` deletions, on its first run (no mark), when no full scan
    /// is known, or once `fullScanInterval` seconds passed since the last one started; never for
    /// an incremental sync whose deletions the provider flags.
    static func fullScanDue(_ sync: ResourceSync, mark: String?, lastFullScan: Date?, now: Date) -> Bool {
        switch (sync.mode, sync.deletions) {
        case (.full, _): return true
        case (.incremental, .flag): return false
        case (.incremental, .fullScan):
            guard mark != nil, let last = lastFullScan else { return true }
            return now.timeIntervalSince(last) >= Double(sync.fullScanInterval)
        }
    }
}

extension PostgresSyncStore: SyncFullScanLog {
    static let fullScanSchema = [
        """
        CREATE TABLE IF NOT EXISTS hub_sync_full_scans (account text NOT NULL, resource text NOT NULL, started_at double precision NOT NULL,
            PRIMARY KEY (account, resource))
        """
    ]

    func lastFullScan(account: String, resource: String) async throws -> Date? {
        try await query("SELECT started_at FROM hub_sync_full_scans WHERE account = \(account) AND resource = \(resource)") { rows in
            for try await seconds in rows.decode(Double.self) { return Date(timeIntervalSince1970: seconds) }
            return nil
        }
    }

    func fullScanFinished(account: String, resource: String, startedAt: Date) async throws {
        let seconds = startedAt.timeIntervalSince1970
        try await execute(
            """
            INSERT INTO hub_sync_full_scans (account, resource, started_at) VALUES (\(account), \(resource), \(seconds))
            ON CONFLICT (account, resource) DO UPDATE SET started_at = GREATEST(hub_sync_full_scans.started_at, excluded.started_at)
            """)
    }
}

extension SQLiteSyncStore: SyncFullScanLog {
    static let fullScanSchema = [
        """
        CREATE TABLE IF NOT EXISTS hub_sync_full_scans (account TEXT NOT NULL, resource TEXT NOT NULL, started_at REAL NOT NULL,
            PRIMARY KEY (account, resource))
        """
    ]

    func lastFullScan(account: String, resource: String) async throws -> Date? {
        try await pool.read { db in
            try Double.fetchOne(
                db, sql: "SELECT started_at FROM hub_sync_full_scans WHERE account = ? AND resource = ?", arguments: [account, resource]
            ).map(Date.init(timeIntervalSince1970:))
        }
    }

    func fullScanFinished(account: String, resource: String, startedAt: Date) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO hub_sync_full_scans (account, resource, started_at) VALUES (?, ?, ?)
                    ON CONFLICT (account, resource) DO UPDATE SET started_at = max(started_at, excluded.started_at)
                    """,
                arguments: [account, resource, startedAt.timeIntervalSince1970])
        }
    }
}
