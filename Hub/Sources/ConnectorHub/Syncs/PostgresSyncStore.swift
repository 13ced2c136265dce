import ConnectorHubStorage
import ConnectorRuntime
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// ``SyncStore`` in PostgreSQL, shared by any number of Hub processes. Each page is one
/// transaction that first locks the account's row of `hub_sync_feeds` (`SELECT … FOR UPDATE`):
/// feed positions are handed out under that lock and committed before it is released, so they
/// become visible in order (see ``SyncStore``). Tables are created and migrated by this module
/// (SyncSchema.swift). Every operation has a deadline (``operationTimeout``,
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

    /// The default ``operationTimeout``: a page of 1,000 records commits in well under a second.
    static let defaultOperationTimeout: TimeInterval = 30

    /// Connects to `url` (`postgres://user:password@host:port/database`) and creates or migrates
    /// the tables (SyncSchema.swift; `schemaVersion`: an older version, for the migration tests).
    static func connect(
        url: String, keys: TokenStoreKeys, maximumConnections: Int = 10, operationTimeout: TimeInterval = defaultOperationTimeout,
        schemaVersion: Int = PostgresSyncStore.migrations.count
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
            try await store.migrate(upTo: schemaVersion, seconds: PostgresStoreDeadline.startup(operationTimeout: operationTimeout))
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

    /// A page as the write statement binds it: per record its id, fingerprint under the current
    /// key, sealed body and deleted flag, and its fingerprint under every other configured key (a
    /// stored row under an older key is compared under that key). Encoded ahead as the call's
    /// first seven parameters (`binds`), so that encoding too is done while the previous page commits.
    private struct PageArrays: Sendable {
        var keyID: String
        var binds: PostgresBindings
    }

    func preparePage(account: String, resource: String, records: [SyncRecordInput]) throws -> SyncPreparedPage {
        SyncPreparedPage(account: account, resource: resource, records: records, ahead: try arrays(account: account, resource: resource, records: records))
    }

    private func arrays(account: String, resource: String, records: [SyncRecordInput]) throws -> PageArrays {
        let sealing = self.sealing
        let keyID = sealing.sealing.currentKeyID
        let otherKeys = Array(sealing.sealing.keys.keyIDs.dropFirst())
        var ids: [String] = []
        var prints: [ByteBuffer] = []
        var bodies: [ByteBuffer] = []
        var deleted: [Bool] = []
        var otherKeyIDs: [String] = []
        var otherIDs: [String] = []
        var otherPrints: [ByteBuffer] = []
        // Each record is serialised once (the canonical form is fingerprinted and sealed) and
        // sealed before the transaction: which records changed is decided by the write statement.
        let page = SQLiteSyncStore.lastByID(records)
        var pageSealing = SyncPageSealing(sealing, account: account, resource: resource, count: page.count)
        for input in page {
            let canonical = input.record.data
            ids.append(input.id)
            prints.append(ByteBuffer(bytes: try pageSealing.fingerprint(canonical: canonical, keyID: keyID)))
            bodies.append(ByteBuffer(bytes: try pageSealing.seal(canonical: canonical, id: input.id)))
            deleted.append(input.deleted)
            for other in otherKeys {
                otherKeyIDs.append(other)
                otherIDs.append(input.id)
                otherPrints.append(ByteBuffer(bytes: try pageSealing.fingerprint(canonical: canonical, keyID: other)))
            }
        }
        var binds = PostgresBindings(capacity: 17)
        binds.append(ids)
        binds.append(prints)
        binds.append(bodies)
        binds.append(deleted)
        binds.append(otherKeyIDs)
        binds.append(otherIDs)
        binds.append(otherPrints)
        return PageArrays(keyID: keyID, binds: binds)
    }

    func commitPage(
        account: String, resource: String, records: [SyncRecordInput], checkpoint: SyncCheckpoint, lease: SyncLease?,
        beforeCommit: (@Sendable () async -> Void)?
    ) async throws -> SyncCounts {
        try await commitPage(
            account: account, resource: resource, prepared: try preparePage(account: account, resource: resource, records: records),
            checkpoint: checkpoint, lease: lease, beforeCommit: beforeCommit)
    }

    func commitPage(
        account: String, resource: String, prepared: SyncPreparedPage, checkpoint: SyncCheckpoint, lease: SyncLease?,
        beforeCommit: (@Sendable () async -> Void)?
    ) async throws -> SyncCounts {
        counter.add()
        let logger = self.logger
        let sealing = self.sealing
        let arrays: PageArrays
        if let ahead = prepared.ahead as? PageArrays, prepared.account == account, prepared.resource == resource,
            ahead.keyID == sealing.sealing.currentKeyID
        {
            arrays = ahead
        } else {
            arrays = try self.arrays(account: account, resource: resource, records: prepared.records)
        }
        let checkpointText = try sealing.sealCheckpoint(checkpoint, account: account, resource: resource)
        // One statement: hub_sync_commit_page (SyncSchema.swift, schema version 3) locks the
        // feed row, checks the lease, decides and writes the page and the checkpoint, all or
        // nothing. Autocommitted, the page costs one round trip; a test's beforeCommit hook needs
        // the transaction held open, so with one the call runs inside BEGIN … COMMIT. The page's
        // arrays are $1 to $7 (encoded ahead), the rest follow.
        var binds = arrays.binds
        binds.append(account)
        binds.append(resource)
        binds.append(checkpoint.runID)
        binds.append(checkpoint.fullScan)
        binds.append(arrays.keyID)
        binds.append(checkpointText)
        binds.append(lease?.account)
        binds.append(lease?.resource)
        binds.append(lease?.owner)
        binds.append(lease?.epoch)
        let call = PostgresQuery(
            unsafeSQL: """
                SELECT out_kind, out_count, out_key FROM hub_sync_commit_page(
                    $8, $9, $10, $11, $12, $1::text[], $2::bytea[], $3::bytea[], $4::boolean[], $5::text[], $6::text[], $7::bytea[],
                    $13, $14, $15, $16, $17)
                """,
            binds: binds)
        @Sendable func write(_ connection: PostgresConnection) async throws -> SyncCounts {
            var counts = SyncCounts()
            do {
                for try await (kind, count, _) in try await connection.query(call, logger: logger).decode((String, Int64, String?).self) {
                    if kind == "LEASE_LOST", let lease { throw SyncLeaseLost(account: lease.account, resource: lease.resource) }
                    if let known = SyncChangeKind(rawValue: kind) { counts.add(known, count: Int(count)) }
                }
            } catch let error as PSQLError where error.serverInfo?[.message] == "hub_sync_unreadable" {
                // Raised inside the statement: nothing of the page is kept.
                let key = error.serverInfo?[.detail] ?? ""
                throw SyncStoreError.unconfiguredKey(key)
            }
            return counts
        }
        guard let beforeCommit else {
            return try await withConnection("commitPage") { connection in try await write(connection) }
        }
        return try await Self.unwrappingLeaseLost { try await transaction("commitPage", logger: logger) { connection in
            let counts = try await write(connection)
            await beforeCommit()
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
                // A DELETED change carries the record as last seen: the body of the change its row
                // points at, copied in SQL. The row keeps pointing there (that body is still its last).
                let rows = try await connection.query(
                    """
                    WITH gone AS (
                        UPDATE hub_sync_records SET deleted = true, seen_run = \(run)
                        WHERE account = \(account) AND resource = \(resource) AND NOT deleted AND seen_run IS DISTINCT FROM \(run)
                        RETURNING id, position),
                    numbered AS (
                        SELECT g.id, c.key_id, c.body, \(last) + row_number() OVER (ORDER BY g.id) AS position
                        FROM gone g JOIN hub_sync_changes c ON c.account = \(account) AND c.position = g.position),
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

    /// A lost lease or an unreadable stored record found inside a transaction, as itself rather
    /// than wrapped (the transaction was rolled back).
    private static func unwrappingLeaseLost<Result: Sendable>(_ work: () async throws -> Result) async throws -> Result {
        do {
            return try await work()
        } catch let error as PostgresTransactionError {
            if let lost = error.closureError as? SyncLeaseLost, error.rollbackError == nil { throw lost }
            if let unreadable = error.closureError as? SyncStoreError, error.rollbackError == nil { throw unreadable }
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
            SELECT r.id, c.key_id, c.body FROM hub_sync_records r JOIN hub_sync_changes c ON c.account = r.account AND c.position = r.position
            WHERE r.account = \(account) AND r.resource = \(resource) AND NOT r.deleted AND r.id > \(after ?? "")
            ORDER BY r.id LIMIT \(limit)
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
