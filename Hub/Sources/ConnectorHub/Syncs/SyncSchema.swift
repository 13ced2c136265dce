import ConnectorHubStorage
import Foundation
import GRDB
import Logging
import PostgresNIO

// The versioned schema of the sync store (docs/syncs.md, "Storage"). Version 1 is the layout the
// Hub created with `CREATE TABLE IF NOT EXISTS` before the schema had a version: its statements are
// kept as they were, so a database of such a Hub reaches version 1 without a change, and a new
// database is created by running every migration in turn. Version 2 keeps a record's sealed body
// only in the change that wrote it: `hub_sync_records` loses `body` and gains `position`, the
// change holding the record's last seen body.

/// Thrown at start when the database's sync schema is newer than this Hub knows.
struct SyncSchemaTooNew: Error, CustomStringConvertible {
    var found: Int
    var known: Int

    var description: String {
        "The sync tables are at schema version \(found), newer than this Hub's \(known): run a Hub at least as recent as the one that migrated them."
    }
}

extension PostgresSyncStore {
    /// Migration n (1-based) brings the schema from version n - 1 to n. Append only.
    static let migrations: [[String]] = [
        [
            """
            CREATE TABLE IF NOT EXISTS hub_sync_records (account text NOT NULL, resource text NOT NULL, id text NOT NULL,
                key_id text NOT NULL, fingerprint bytea NOT NULL, body bytea NOT NULL, deleted boolean NOT NULL, seen_run text,
                PRIMARY KEY (account, resource, id))
            """,
            """
            CREATE TABLE IF NOT EXISTS hub_sync_changes (account text NOT NULL, position bigint NOT NULL, resource text NOT NULL,
                record_id text NOT NULL, kind text NOT NULL, key_id text NOT NULL, body bytea NOT NULL,
                PRIMARY KEY (account, position))
            """,
            "CREATE TABLE IF NOT EXISTS hub_sync_feeds (account text PRIMARY KEY, last_position bigint NOT NULL)",
            """
            CREATE TABLE IF NOT EXISTS hub_sync_state (account text NOT NULL, resource text NOT NULL, mark text, checkpoint text,
                PRIMARY KEY (account, resource))
            """,
            """
            CREATE TABLE IF NOT EXISTS hub_sync_jobs (account text NOT NULL, resource text NOT NULL, interval_seconds integer NOT NULL,
                due_at timestamptz NOT NULL, paused boolean NOT NULL DEFAULT false, owner text, lease_until timestamptz,
                epoch bigint NOT NULL DEFAULT 0, runs bigint NOT NULL DEFAULT 0, last_error text, PRIMARY KEY (account, resource))
            """,
        ] + statusSchema + fullScanSchema,
        // The record row points at its last change; the latest change of a record holds the same
        // sealed bytes its row held (every write put one copy in each). A record without a change
        // (which no Hub wrote) fails the migration at SET NOT NULL rather than lose its body.
        [
            "ALTER TABLE hub_sync_records ADD COLUMN position bigint",
            """
            UPDATE hub_sync_records r SET position = c.position
            FROM (SELECT account, resource, record_id, max(position) AS position FROM hub_sync_changes
                GROUP BY account, resource, record_id) c
            WHERE c.account = r.account AND c.resource = r.resource AND c.record_id = r.id
            """,
            "ALTER TABLE hub_sync_records ALTER COLUMN position SET NOT NULL",
            "ALTER TABLE hub_sync_records DROP COLUMN body",
        ],
    ]

    /// The schema version this Hub writes.
    static var schemaVersion: Int { migrations.count }

    /// The deadline of the migrating transaction: an hour, not one operation's. A migration
    /// rewrites whole tables (version 2 updates every record row), and every process starting
    /// meanwhile waits for it behind the lock; with 120 s, four stores starting together under
    /// a loaded test run gave up while the first one's statements were still being sent.
    static let migrationTimeout: TimeInterval = 3600

    /// Applies the missing migrations (`upTo`: only that far, for the migration tests) in one
    /// transaction that holds `hub_sync_schema` locked, so processes starting together migrate once.
    func migrate(upTo target: Int = PostgresSyncStore.migrations.count, seconds: TimeInterval) async throws {
        do {
            try await execute("CREATE TABLE IF NOT EXISTS hub_sync_schema (version integer NOT NULL)", operation: "connect", seconds: seconds)
        } catch let error as PSQLError where error.isConcurrentCreate {
            // Another process created it at the same moment (IF NOT EXISTS does not cover the race).
        }
        let logger = self.logger
        do {
            try await withConnection("connect", seconds: max(seconds, Self.migrationTimeout)) { connection in
                try await connection.withTransaction(logger: logger) { connection in
                    try await drainRows(connection.query("LOCK TABLE hub_sync_schema IN EXCLUSIVE MODE", logger: logger))
                    var stored = 0
                    for try await version in try await connection.query("SELECT version FROM hub_sync_schema", logger: logger).decode(Int.self) {
                        stored = version
                    }
                    guard stored <= Self.migrations.count else { throw SyncSchemaTooNew(found: stored, known: Self.migrations.count) }
                    guard stored < target else { return }
                    for migration in Self.migrations[stored..<target] {
                        for statement in migration { try await drainRows(connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)) }
                    }
                    try await drainRows(connection.query("DELETE FROM hub_sync_schema", logger: logger))
                    try await drainRows(connection.query("INSERT INTO hub_sync_schema (version) VALUES (\(target))", logger: logger))
                }
            }
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error.beginError ?? error.commitError ?? error
        }
    }

    /// The schema version the database is at (0 before the first migration).
    func storedSchemaVersion() async throws -> Int {
        try await query("SELECT coalesce(max(version), 0) FROM hub_sync_schema") { rows in
            for try await version in rows.decode(Int.self) { return version }
            return 0
        }
    }
}

extension SQLiteSyncStore {
    /// Migration n (1-based) brings the schema from version n - 1 to n. Append only.
    static let migrations: [[String]] = [
        [
            """
            CREATE TABLE IF NOT EXISTS hub_sync_records (account TEXT NOT NULL, resource TEXT NOT NULL, id TEXT NOT NULL,
                key_id TEXT NOT NULL, fingerprint BLOB NOT NULL, body BLOB NOT NULL, deleted INTEGER NOT NULL, seen_run TEXT,
                PRIMARY KEY (account, resource, id)) WITHOUT ROWID
            """,
            """
            CREATE TABLE IF NOT EXISTS hub_sync_changes (account TEXT NOT NULL, position INTEGER NOT NULL, resource TEXT NOT NULL,
                record_id TEXT NOT NULL, kind TEXT NOT NULL, key_id TEXT NOT NULL, body BLOB NOT NULL,
                PRIMARY KEY (account, position)) WITHOUT ROWID
            """,
            "CREATE TABLE IF NOT EXISTS hub_sync_feeds (account TEXT PRIMARY KEY, last_position INTEGER NOT NULL)",
            """
            CREATE TABLE IF NOT EXISTS hub_sync_state (account TEXT NOT NULL, resource TEXT NOT NULL, mark TEXT, checkpoint TEXT,
                PRIMARY KEY (account, resource))
            """,
            """
            CREATE TABLE IF NOT EXISTS hub_sync_jobs (account TEXT NOT NULL, resource TEXT NOT NULL, interval_seconds INTEGER NOT NULL,
                due_at REAL NOT NULL, paused INTEGER NOT NULL DEFAULT 0, owner TEXT, lease_until REAL, epoch INTEGER NOT NULL DEFAULT 0,
                runs INTEGER NOT NULL DEFAULT 0, last_error TEXT, PRIMARY KEY (account, resource))
            """,
        ] + statusSchema + fullScanSchema,
        // As on PostgreSQL; SQLite rebuilds the table (its ALTER TABLE cannot add a NOT NULL
        // column without a default).
        [
            """
            CREATE TABLE hub_sync_records_v2 (account TEXT NOT NULL, resource TEXT NOT NULL, id TEXT NOT NULL,
                key_id TEXT NOT NULL, fingerprint BLOB NOT NULL, deleted INTEGER NOT NULL, seen_run TEXT, position INTEGER NOT NULL,
                PRIMARY KEY (account, resource, id)) WITHOUT ROWID
            """,
            """
            INSERT INTO hub_sync_records_v2 (account, resource, id, key_id, fingerprint, deleted, seen_run, position)
            SELECT r.account, r.resource, r.id, r.key_id, r.fingerprint, r.deleted, r.seen_run, c.position
            FROM hub_sync_records r LEFT JOIN (SELECT account, resource, record_id, max(position) AS position FROM hub_sync_changes
                GROUP BY account, resource, record_id) c ON c.account = r.account AND c.resource = r.resource AND c.record_id = r.id
            """,
            "DROP TABLE hub_sync_records",
            "ALTER TABLE hub_sync_records_v2 RENAME TO hub_sync_records",
        ],
    ]

    /// The schema version this Hub writes.
    static var schemaVersion: Int { migrations.count }

    /// Applies the missing migrations (`upTo`: only that far, for the migration tests) in the
    /// caller's write transaction.
    static func migrate(_ db: Database, upTo target: Int = migrations.count) throws {
        try db.execute(sql: "CREATE TABLE IF NOT EXISTS hub_sync_schema (version INTEGER NOT NULL)")
        let stored = try Int.fetchOne(db, sql: "SELECT coalesce(max(version), 0) FROM hub_sync_schema") ?? 0
        guard stored <= migrations.count else { throw SyncSchemaTooNew(found: stored, known: migrations.count) }
        guard stored < target else { return }
        for migration in migrations[stored..<target] {
            for statement in migration { try db.execute(sql: statement) }
        }
        try db.execute(sql: "DELETE FROM hub_sync_schema")
        try db.execute(sql: "INSERT INTO hub_sync_schema (version) VALUES (?)", arguments: [target])
    }

    /// The schema version the file is at (0 before the first migration).
    func storedSchemaVersion() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT coalesce(max(version), 0) FROM hub_sync_schema") ?? 0 }
    }
}
