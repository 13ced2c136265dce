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
// change holding the record's last seen body. Version 3 adds the record row's `kind` and, on
// PostgreSQL, the function that writes a page (`hub_sync_commit_page`).

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
        // Version 3: the page is written by one function (`commitPageFunction`, below), whose common
        // path decides each record inside its upsert; the record row gains `kind`, the kind of the
        // change its position points at (NULL on rows written before version 3), which that
        // upsert's RETURNING reads. Adding a nullable column rewrites nothing.
        [
            "ALTER TABLE hub_sync_records ADD COLUMN kind text",
            commitPageFunction,
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
        // Version 3, the same layout as on PostgreSQL: `kind`, the kind of the change the row's
        // position points at (NULL on rows written before version 3).
        ["ALTER TABLE hub_sync_records ADD COLUMN kind TEXT"],
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

// The page write of the PostgreSQL sync store (schema version 3, docs/syncs.md, "What a page
// does"): one server-side function, called as a single autocommitted statement, so a page costs
// one round trip and no planning (PL/pgSQL keeps its statements' plans), and, on the common path
// (one configured key, no record flagged deleted), one primary-key probe per record.

extension PostgresSyncStore {
    /// `hub_sync_commit_page(…)`: locks the account's feed row, checks the lease (a row
    /// `LEASE_LOST` and nothing written when it is not held), decides and writes the page, and
    /// returns the changes per kind. A stored record under a key that is not configured raises
    /// `hub_sync_unreadable` (its key in the detail), which rolls the page back.
    static let commitPageFunction = """
    CREATE OR REPLACE FUNCTION hub_sync_commit_page(
        p_account text, p_resource text, p_run text, p_full_scan boolean, p_key_id text,
        p_ids text[], p_prints bytea[], p_bodies bytea[], p_deleted boolean[],
        p_other_keys text[], p_other_ids text[], p_other_prints bytea[], p_checkpoint text,
        p_lease_account text, p_lease_resource text, p_lease_owner text, p_lease_epoch bigint)
    RETURNS TABLE (out_kind text, out_count bigint, out_key text)
    LANGUAGE plpgsql AS $fn$
    DECLARE
        v_last bigint;
        v_kinds text[];
        v_counts bigint[];
        v_keys text[];
        v_at integer;
        v_tids tid[];
        v_positions bigint[];
    BEGIN
        -- The feed row first: positions are handed out under its lock. Each later statement of this
        -- (volatile) function takes a new snapshot, so it sees every page committed before the lock.
        SELECT f.last_position INTO v_last FROM hub_sync_feeds f WHERE f.account = p_account FOR UPDATE;
        IF NOT FOUND THEN
            INSERT INTO hub_sync_feeds (account, last_position) VALUES (p_account, 0) ON CONFLICT (account) DO NOTHING;
            SELECT f.last_position INTO v_last FROM hub_sync_feeds f WHERE f.account = p_account FOR UPDATE;
        END IF;
        IF p_lease_owner IS NOT NULL THEN
            PERFORM 1 FROM hub_sync_jobs j WHERE j.account = p_lease_account AND j.resource = p_lease_resource
                AND j.owner = p_lease_owner AND j.epoch = p_lease_epoch FOR SHARE;
            IF NOT FOUND THEN
                out_kind := 'LEASE_LOST'; out_count := 0; out_key := NULL;
                RETURN NEXT;
                RETURN;
            END IF;
        END IF;
        -- With other configured keys (a rotation) or a record the provider flags deleted, the stored rows
        -- are read first and the page decided from them (the statement of version 2).
        IF cardinality(p_other_keys) > 0 OR true = ANY(p_deleted) THEN
            WITH page AS (
                SELECT u.id, u.fingerprint, u.body, u.deleted, u.n
                FROM unnest(p_ids, p_prints, p_bodies, p_deleted) WITH ORDINALITY AS u(id, fingerprint, body, deleted, n)),
            other AS (
                SELECT o.key_id, o.id, o.fingerprint
                FROM unnest(p_other_keys, p_other_ids, p_other_prints) AS o(key_id, id, fingerprint)),
            stored AS (
                SELECT s.id, s.key_id, s.fingerprint, s.deleted, s.ctid FROM page p
                JOIN LATERAL (
                    SELECT r.id, r.key_id, r.fingerprint, r.deleted, r.ctid FROM hub_sync_records r
                    WHERE r.account = p_account AND r.resource = p_resource AND r.id = p.id LIMIT 1) s ON true),
            decided AS (
                SELECT p.id, p.fingerprint, p.body, p.n, s.id IS NOT NULL AS known, s.key_id AS stored_key, s.ctid,
                    CASE
                        WHEN s.id IS NULL OR s.deleted THEN CASE WHEN p.deleted THEN NULL ELSE 'ADDED' END
                        WHEN p.deleted THEN 'DELETED'
                        WHEN s.key_id = p_key_id THEN CASE WHEN s.fingerprint = p.fingerprint THEN NULL ELSE 'UPDATED' END
                        WHEN o.fingerprint IS NULL THEN 'UNREADABLE'
                        WHEN s.fingerprint = o.fingerprint THEN NULL
                        ELSE 'UPDATED'
                    END AS kind
                FROM page p LEFT JOIN stored s ON s.id = p.id LEFT JOIN other o ON o.id = p.id AND o.key_id = s.key_id),
            numbered AS (
                SELECT d.id, d.fingerprint, d.body, d.kind, v_last + row_number() OVER (ORDER BY d.n) AS position
                FROM decided d WHERE d.kind IN ('ADDED', 'UPDATED', 'DELETED')),
            seen AS (
                UPDATE hub_sync_records SET seen_run = p_run
                WHERE p_full_scan AND ctid = ANY(ARRAY(SELECT d.ctid FROM decided d WHERE d.known AND d.kind IS NULL))),
            saved AS (
                INSERT INTO hub_sync_records (account, resource, id, key_id, fingerprint, deleted, seen_run, position, kind)
                SELECT p_account, p_resource, m.id, p_key_id, m.fingerprint, m.kind = 'DELETED', p_run, m.position, m.kind FROM numbered m
                ON CONFLICT (account, resource, id) DO UPDATE SET key_id = excluded.key_id, fingerprint = excluded.fingerprint,
                    deleted = excluded.deleted, seen_run = excluded.seen_run, position = excluded.position, kind = excluded.kind),
            logged AS (
                INSERT INTO hub_sync_changes (account, position, resource, record_id, kind, key_id, body)
                SELECT p_account, m.position, p_resource, m.id, m.kind, p_key_id, m.body FROM numbered m),
            feed AS (
                UPDATE hub_sync_feeds SET last_position = v_last + (SELECT count(*) FROM numbered)
                WHERE account = p_account AND EXISTS (SELECT 1 FROM numbered)),
            state AS (
                INSERT INTO hub_sync_state (account, resource, checkpoint) VALUES (p_account, p_resource, p_checkpoint)
                ON CONFLICT (account, resource) DO UPDATE SET checkpoint = excluded.checkpoint)
            SELECT array_agg(t.kind), array_agg(t.count), array_agg(t.stored_key)
            INTO v_kinds, v_counts, v_keys
            FROM (SELECT d.kind, count(*)::bigint AS count, min(d.stored_key) AS stored_key FROM decided d
                WHERE d.kind IS NOT NULL GROUP BY d.kind) t;
        ELSE
        -- Otherwise one upsert decides and writes each record with a single probe of the primary key:
        -- a new record is inserted (ADDED); a stored one is updated only when it was deleted (ADDED),
        -- is under another key (UNREADABLE: not configured), its fingerprint differs (UPDATED), or a
        -- full scan has not seen it yet (seen mark only, its position and kind kept). A written
        -- change gets the slot v_last + its ordinal in the page, above every stored position, which
        -- is how RETURNING tells it from a seen mark. The changes take the positions after v_last
        -- in the page's order without a gap; a record whose slot differs from its change's position
        -- (an unchanged record before it in the page) is repointed by its ctid afterwards.
        WITH page AS (
            SELECT u.id, u.fingerprint, u.body, u.n
            FROM unnest(p_ids, p_prints, p_bodies) WITH ORDINALITY AS u(id, fingerprint, body, n)),
        saved AS (
            INSERT INTO hub_sync_records AS r (account, resource, id, key_id, fingerprint, deleted, seen_run, position, kind)
            SELECT p_account, p_resource, p.id, p_key_id, p.fingerprint, false, p_run, v_last + p.n, 'ADDED' FROM page p
            ON CONFLICT (account, resource, id) DO UPDATE SET
                kind = CASE WHEN r.deleted THEN 'ADDED' WHEN r.key_id <> excluded.key_id THEN 'UNREADABLE'
                    WHEN r.fingerprint <> excluded.fingerprint THEN 'UPDATED' ELSE r.kind END,
                position = CASE WHEN r.deleted OR r.key_id <> excluded.key_id OR r.fingerprint <> excluded.fingerprint
                    THEN excluded.position ELSE r.position END,
                key_id = CASE WHEN NOT r.deleted AND r.key_id <> excluded.key_id THEN r.key_id ELSE excluded.key_id END,
                fingerprint = excluded.fingerprint, deleted = false, seen_run = excluded.seen_run
            WHERE r.deleted OR r.key_id <> excluded.key_id OR r.fingerprint <> excluded.fingerprint
                OR (p_full_scan AND r.seen_run IS DISTINCT FROM excluded.seen_run)
            RETURNING r.id, r.position AS slot, CASE WHEN r.position > v_last THEN r.kind END AS change, r.key_id, r.ctid),
        numbered AS (
            SELECT s.id, s.slot, s.change, s.ctid, v_last + row_number() OVER (ORDER BY s.slot) AS position
            FROM saved s WHERE s.change IN ('ADDED', 'UPDATED')),
        logged AS (
            INSERT INTO hub_sync_changes (account, position, resource, record_id, kind, key_id, body)
            SELECT p_account, m.position, p_resource, m.id, m.change, p_key_id, p.body FROM numbered m JOIN page p ON p.id = m.id),
        feed AS (
            UPDATE hub_sync_feeds SET last_position = v_last + (SELECT count(*) FROM numbered)
            WHERE account = p_account AND EXISTS (SELECT 1 FROM numbered)),
        state AS (
            INSERT INTO hub_sync_state (account, resource, checkpoint) VALUES (p_account, p_resource, p_checkpoint)
            ON CONFLICT (account, resource) DO UPDATE SET checkpoint = excluded.checkpoint)
        SELECT t.kinds, t.counts, t.keys, g.tids, g.positions
        INTO v_kinds, v_counts, v_keys, v_tids, v_positions
        FROM (SELECT array_agg(c.change) AS kinds, array_agg(c.count) AS counts, array_agg(c.key_id) AS keys
                FROM (SELECT s.change, count(*)::bigint AS count, min(s.key_id) AS key_id FROM saved s
                    WHERE s.change IS NOT NULL GROUP BY s.change) c) t,
            (SELECT array_agg(m.ctid) AS tids, array_agg(m.position) AS positions FROM numbered m WHERE m.position <> m.slot) g;
        IF v_tids IS NOT NULL AND array_position(v_kinds, 'UNREADABLE') IS NULL THEN
            UPDATE hub_sync_records r SET position = f.position FROM unnest(v_tids, v_positions) AS f(tid, position) WHERE r.ctid = f.tid;
        END IF;
        END IF;
        v_at := array_position(v_kinds, 'UNREADABLE');
        IF v_at IS NOT NULL THEN
            RAISE EXCEPTION 'hub_sync_unreadable' USING DETAIL = coalesce(v_keys[v_at], '');
        END IF;
        RETURN QUERY SELECT k.kind, k.count, k.stored_key FROM unnest(v_kinds, v_counts, v_keys) AS k(kind, count, stored_key);
    END
    $fn$
    """
}
