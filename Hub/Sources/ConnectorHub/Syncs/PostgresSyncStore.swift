import ConnectorHubStorage
import ConnectorRuntime
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// ``SyncStore`` in PostgreSQL, shared by any number of Hub processes. Each page is one
/// transaction that first locks the account's row of `hub_sync_feeds` (`SELECT … FOR UPDATE`):
/// feed positions are handed out under that lock and committed before it is released, so they
/// become visible in order (see ``SyncStore``). Tables are created by this module
/// (`CREATE TABLE IF NOT EXISTS`). Every operation has a deadline (``operationTimeout``,
/// SyncStoreDeadline.swift) that fires even when PostgresNIO never answers.
final class PostgresSyncStore: SyncStore {
    let client: PostgresClient
    /// Seconds one operation (a page's transaction, a claim, a read) may take, waiting for a
    /// connection included, before it fails with ``SyncStoreUnavailable``.
    let operationTimeout: TimeInterval
    let deadline: SyncStoreDeadline
    private let runner: Task<Void, Never>
    let logger: Logger
    private let sealing: SyncSealing
    private let counter = Counter()

    var statementCount: Int { counter.value }

    private init(client: PostgresClient, runner: Task<Void, Never>, logger: Logger, sealing: SyncSealing, operationTimeout: TimeInterval) {
        self.client = client
        self.operationTimeout = operationTimeout
        self.deadline = SyncStoreDeadline(seconds: operationTimeout)
        self.runner = runner
        self.logger = logger
        self.sealing = sealing
    }

    deinit { runner.cancel() }

    func shutdown() async {
        runner.cancel()
        _ = await runner.value
    }

    static let schema = [
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
    ] + statusSchema + fullScanSchema

    /// The default ``operationTimeout``: a page of 1,000 records commits in well under a second.
    static let defaultOperationTimeout: TimeInterval = 30

    /// Connects to `url` (`postgres://user:password@host:port/database`) and creates the tables.
    static func connect(
        url: String, keys: TokenStoreKeys, maximumConnections: Int = 10, operationTimeout: TimeInterval = defaultOperationTimeout
    ) async throws -> PostgresSyncStore {
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme ?? ""),
            let host = components.host, !host.isEmpty, let user = components.user
        else {
            throw HubConfigurationError("The database URL must look like postgres://user:password@host:port/database.")
        }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        var configuration = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: user, password: components.password,
            database: database.isEmpty ? nil : database, tls: .disable)
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(Int64(max(1, operationTimeout.rounded(.up))))
        var logger = Logger(label: "ConnectorHub.PostgresSyncStore")
        logger.logLevel = .critical
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let runner = Task { await client.run() }
        let store = PostgresSyncStore(
            client: client, runner: runner, logger: logger, sealing: SyncSealing(sealing: RecordSealing(keys: keys)),
            operationTimeout: operationTimeout)
        do {
            for statement in schema {
                do {
                    try await store.execute(PostgresQuery(unsafeSQL: statement), operation: "connect", seconds: max(120, 4 * operationTimeout))
                } catch let error as PSQLError where error.isConcurrentCreate {
                    // Another process created it at the same moment (IF NOT EXISTS does not cover the race).
                }
            }
        } catch {
            await store.shutdown()
            throw error
        }
        return store
    }

    /// Locks the account's feed row and returns its last position; the row is created on the
    /// account's first page (one statement for every later page).
    private static func lockFeed(_ connection: PostgresConnection, account: String, logger: Logger) async throws -> Int64 {
        func locked() async throws -> Int64? {
            let rows = try await connection.query(
                "SELECT last_position FROM hub_sync_feeds WHERE account = \(account) FOR UPDATE", logger: logger)
            var last: Int64?
            for try await value in rows.decode(Int64.self) { last = value }
            return last
        }
        if let last = try await locked() { return last }
        try await drainRows(connection.query(
            "INSERT INTO hub_sync_feeds (account, last_position) VALUES (\(account), 0) ON CONFLICT (account) DO NOTHING",
            logger: logger))
        return try await locked() ?? 0
    }

    /// A record of a page, serialised once (its canonical form is both fingerprinted and sealed)
    /// and fingerprinted under the current key before the transaction starts.
    private struct PageRecord {
        var input: SyncRecordInput
        var canonical: Data
        var fingerprint: Data
    }

    func commitPage(
        account: String, resource: String, records: [SyncRecordInput], checkpoint: SyncCheckpoint, lease: SyncLease?,
        beforeCommit: (@Sendable () async -> Void)?
    ) async throws -> SyncCounts {
        counter.add()
        let logger = self.logger
        let sealing = self.sealing
        let keyID = sealing.sealing.currentKeyID
        let checkpointText = try sealing.sealCheckpoint(checkpoint, account: account, resource: resource)
        let page = try SQLiteSyncStore.lastByID(records).map { input in
            let canonical = input.record.data
            return PageRecord(input: input, canonical: canonical, fingerprint: try sealing.fingerprint(canonical: canonical, keyID: keyID))
        }
        let ids = page.map(\.input.id)
        return try await Self.unwrappingLeaseLost { try await transaction(logger: logger) { connection in
            let last = try await Self.lockFeed(connection, account: account, logger: logger)
            try await Self.checkLease(connection, lease, logger: logger)
            var stored: [String: StoredRecord] = [:]
            let rows = try await connection.query(
                """
                SELECT id, key_id, fingerprint, deleted FROM hub_sync_records
                WHERE account = \(account) AND resource = \(resource) AND id = ANY(\(ids))
                """,
                logger: logger)
            for try await (id, keyID, print, deleted) in rows.decode((String, String, ByteBuffer, Bool).self) {
                stored[id] = StoredRecord(keyID: keyID, fingerprint: Data(print.readableBytesView), deleted: deleted)
            }
            var counts = SyncCounts()
            var seen: [String] = []
            var written = (ids: [String](), prints: [ByteBuffer](), bodies: [ByteBuffer](), kinds: [String]())
            for record in page {
                let old = stored[record.input.id]
                // A row under an older key is compared under that key (a rotation alone is no change).
                let matches = try old.map {
                    try ($0.keyID == keyID ? record.fingerprint : sealing.fingerprint(canonical: record.canonical, keyID: $0.keyID)) == $0.fingerprint
                } ?? false
                guard let kind = SyncDiff.change(stored: old, fingerprintMatches: matches, deleted: record.input.deleted) else {
                    if old != nil { seen.append(record.input.id) }
                    continue
                }
                let id = record.input.id
                written.ids.append(id)
                written.prints.append(ByteBuffer(bytes: record.fingerprint))
                written.bodies.append(ByteBuffer(bytes: try sealing.seal(canonical: record.canonical, account: account, resource: resource, id: id)))
                written.kinds.append(kind.rawValue)
                counts.add(kind)
            }
            if !checkpoint.fullScan { seen = [] }
            let position = last + Int64(written.ids.count)
            // One statement writes the page: the records seen unchanged (full scans), the changed
            // records and their changes (each sealed body sent once; positions follow the page's
            // order after the locked feed position), the feed position and the checkpoint.
            let run = checkpoint.runID
            try await drainRows(connection.query(
                """
                WITH page AS (
                    SELECT u.id, u.fingerprint, u.body, u.kind, \(last)::bigint + u.n AS position
                    FROM unnest(\(written.ids)::text[], \(written.prints)::bytea[], \(written.bodies)::bytea[], \(written.kinds)::text[])
                        WITH ORDINALITY AS u(id, fingerprint, body, kind, n)),
                seen AS (
                    UPDATE hub_sync_records SET seen_run = \(run)
                    WHERE account = \(account) AND resource = \(resource) AND id = ANY(\(seen)::text[])),
                saved AS (
                    INSERT INTO hub_sync_records (account, resource, id, key_id, fingerprint, body, deleted, seen_run)
                    SELECT \(account), \(resource), id, \(keyID), fingerprint, body, kind = 'DELETED', \(run) FROM page
                    ON CONFLICT (account, resource, id) DO UPDATE SET key_id = excluded.key_id, fingerprint = excluded.fingerprint,
                        body = excluded.body, deleted = excluded.deleted, seen_run = excluded.seen_run),
                logged AS (
                    INSERT INTO hub_sync_changes (account, position, resource, record_id, kind, key_id, body)
                    SELECT \(account), position, \(resource), id, kind, \(keyID), body FROM page),
                feed AS (
                    UPDATE hub_sync_feeds SET last_position = \(position) WHERE account = \(account) AND last_position <> \(position))
                INSERT INTO hub_sync_state (account, resource, checkpoint) VALUES (\(account), \(resource), \(checkpointText))
                ON CONFLICT (account, resource) DO UPDATE SET checkpoint = excluded.checkpoint
                """,
                logger: logger))
            if let beforeCommit { await beforeCommit() }
            return counts
        } }
    }

    func finishRun(account: String, resource: String, checkpoint: SyncCheckpoint, lease: SyncLease?) async throws -> SyncCounts {
        counter.add()
        let logger = self.logger
        return try await Self.unwrappingLeaseLost { try await transaction(logger: logger) { connection in
            var counts = SyncCounts()
            // The feed row first, as in commitPage (one lock order: no deadlock), then the job row.
            let last = try await Self.lockFeed(connection, account: account, logger: logger)
            try await Self.checkLease(connection, lease, logger: logger)
            let run = checkpoint.runID
            if checkpoint.fullScan {
                let rows = try await connection.query(
                    """
                    WITH gone AS (
                        UPDATE hub_sync_records SET deleted = true, seen_run = \(run)
                        WHERE account = \(account) AND resource = \(resource) AND NOT deleted AND seen_run IS DISTINCT FROM \(run)
                        RETURNING id, key_id, body),
                    numbered AS (SELECT id, key_id, body, \(last) + row_number() OVER (ORDER BY id) AS position FROM gone),
                    logged AS (
                        INSERT INTO hub_sync_changes (account, position, resource, record_id, kind, key_id, body)
                        SELECT \(account), position, \(resource), id, 'DELETED', key_id, body FROM numbered RETURNING position)
                    SELECT count(*)::bigint, coalesce(max(position), \(last))::bigint FROM logged
                    """,
                    logger: logger)
                var position = last
                for try await (count, top) in rows.decode((Int64, Int64).self) {
                    counts.deleted = Int(count)
                    position = top
                }
                try await drainRows(connection.query(
                    "UPDATE hub_sync_feeds SET last_position = \(position) WHERE account = \(account)", logger: logger))
            }
            let rows = try await connection.query(
                "SELECT mark FROM hub_sync_state WHERE account = \(account) AND resource = \(resource) FOR UPDATE", logger: logger)
            var old: String?
            for try await mark in rows.decode(String?.self) { old = mark }
            let mark = SyncMark.later(old, checkpoint.runMark)
            try await drainRows(connection.query(
                """
                INSERT INTO hub_sync_state (account, resource, mark, checkpoint) VALUES (\(account), \(resource), \(mark), NULL)
                ON CONFLICT (account, resource) DO UPDATE SET mark = excluded.mark, checkpoint = NULL
                """,
                logger: logger))
            return counts
        } }
    }

    /// A lost lease found inside a transaction, as itself rather than wrapped (the transaction was
    /// rolled back).
    private static func unwrappingLeaseLost<Result: Sendable>(_ work: () async throws -> Result) async throws -> Result {
        do {
            return try await work()
        } catch let error as PostgresTransactionError {
            if let lost = error.closureError as? SyncLeaseLost, error.rollbackError == nil { throw lost }
            throw error
        }
    }

    func checkpoint(account: String, resource: String) async throws -> SyncCheckpoint? {
        counter.add()
        let sealing = self.sealing
        return try await query("SELECT checkpoint FROM hub_sync_state WHERE account = \(account) AND resource = \(resource)") { rows in
            for try await text in rows.decode(String?.self) { return text.flatMap { sealing.openCheckpoint($0, account: account, resource: resource) } }
            return nil
        }
    }

    func mark(account: String, resource: String) async throws -> String? {
        counter.add()
        return try await query("SELECT mark FROM hub_sync_state WHERE account = \(account) AND resource = \(resource)") { rows in
            for try await mark in rows.decode(String?.self) { return mark }
            return nil
        }
    }

    func lastPosition(account: String) async throws -> Int64 {
        counter.add()
        return try await query("SELECT last_position FROM hub_sync_feeds WHERE account = \(account)") { rows in
            for try await position in rows.decode(Int64.self) { return position }
            return 0
        }
    }

    func changes(account: String, after position: Int64, resource: String?, limit: Int) async throws -> [SyncChange] {
        counter.add()
        let sealing = self.sealing
        return try await query(
            """
            SELECT position, resource, record_id, kind, key_id, body FROM hub_sync_changes
            WHERE account = \(account) AND position > \(position) AND (\(resource)::text IS NULL OR resource = \(resource))
            ORDER BY position LIMIT \(limit)
            """
        ) { rows in
            var result: [SyncChange] = []
            for try await (position, resource, id, kind, keyID, body) in rows.decode((Int64, String, String, String, String, ByteBuffer).self) {
                result.append(SyncChange(
                    position: position, resource: resource, recordID: id, kind: SyncChangeKind(rawValue: kind) ?? .updated,
                    record: try sealing.open(Data(body.readableBytesView), keyID: keyID, account: account, resource: resource, id: id)))
            }
            return result
        }
    }

    func records(account: String, resource: String, after: String?, limit: Int) async throws -> [(id: String, record: JSONValue)] {
        counter.add()
        let sealing = self.sealing
        let found = try await query(
            """
            SELECT id, key_id, body FROM hub_sync_records
            WHERE account = \(account) AND resource = \(resource) AND NOT deleted AND id > \(after ?? "")
            ORDER BY id LIMIT \(limit)
            """
        ) { rows in
            var result: [SyncRecordRow] = []
            for try await (id, keyID, body) in rows.decode((String, String, ByteBuffer).self) {
                result.append(SyncRecordRow(
                    id: id, record: try sealing.open(Data(body.readableBytesView), keyID: keyID, account: account, resource: resource, id: id)))
            }
            return result
        }
        return found.map { ($0.id, $0.record) }
    }
}

/// A current record, as ``PostgresSyncStore/records(account:resource:after:limit:)`` reads it.
struct SyncRecordRow: Sendable {
    var id: String
    var record: JSONValue
}

func drainRows(_ rows: PostgresRowSequence) async throws {
    for try await _ in rows {}
}
