import ConnectorHubStorage
import ConnectorRuntime
import Foundation
import GRDB

/// ``SyncStore`` in a SQLite file (WAL). Writes are `BEGIN IMMEDIATE` transactions, so SQLite's
/// single writer lock orders them: one transaction assigns feed positions at a time, and they
/// commit in that order.
final class SQLiteSyncStore: SyncStore {
    let pool: DatabasePool
    private let sealing: SyncSealing
    private let counter = Counter()

    var statementCount: Int { counter.value }

    /// Opens (creating when missing) the file at `path` and creates or migrates the tables
    /// (SyncSchema.swift; `schemaVersion`: an older version, for the migration tests).
    init(path: String, keys: TokenStoreKeys, schemaVersion: Int = SQLiteSyncStore.migrations.count) throws {
        try FileManager.default.createDirectory(
            at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        try SQLiteFileModes.restrict(path)
        pool = try DatabasePool(path: path, configuration: configuration)
        sealing = SyncSealing(sealing: RecordSealing(keys: keys))
        try pool.write { db in
            try Self.migrate(db, upTo: schemaVersion)
        }
    }

    func commitPage(
        account: String, resource: String, records: [SyncRecordInput], checkpoint: SyncCheckpoint, lease: SyncLease?,
        beforeCommit: (@Sendable () async -> Void)?
    ) async throws -> SyncCounts {
        counter.add()
        let sealing = self.sealing
        let page = Self.lastByID(records)
        let checkpointText = try sealing.sealCheckpoint(checkpoint, account: account, resource: resource)
        // GRDB's write closure is synchronous: the test hook runs before it, while no lock is held
        // yet; SQLite orders writers by its lock anyway.
        if let beforeCommit { await beforeCommit() }
        return try await pool.write { db in
            try Self.checkLease(db, lease)
            var counts = SyncCounts()
            var position = try Int64.fetchOne(db, sql: "SELECT last_position FROM hub_sync_feeds WHERE account = ?", arguments: [account]) ?? 0
            var pageSealing = SyncPageSealing(sealing, account: account, resource: resource, count: page.count)
            for input in page {
                let row = try Row.fetchOne(
                    db, sql: "SELECT key_id, fingerprint, deleted FROM hub_sync_records WHERE account = ? AND resource = ? AND id = ?",
                    arguments: [account, resource, input.id])
                let stored = row.map { StoredRecord(keyID: $0["key_id"], fingerprint: $0["fingerprint"], deleted: $0["deleted"]) }
                // Serialised once: the canonical form is fingerprinted and sealed.
                let canonical = input.record.data
                let matches = try stored.map { try pageSealing.fingerprint(canonical: canonical, keyID: $0.keyID) == $0.fingerprint } ?? false
                guard let kind = SyncDiff.change(stored: stored, fingerprintMatches: matches, deleted: input.deleted) else {
                    if stored != nil, checkpoint.fullScan {
                        try db.execute(
                            sql: "UPDATE hub_sync_records SET seen_run = ? WHERE account = ? AND resource = ? AND id = ?",
                            arguments: [checkpoint.runID, account, resource, input.id])
                    }
                    continue
                }
                let keyID = sealing.sealing.currentKeyID
                let body = try pageSealing.seal(canonical: canonical, id: input.id)
                let print = try pageSealing.fingerprint(canonical: canonical, keyID: keyID)
                position += 1
                // The body is kept once, in the change; the record row points at it.
                try db.execute(
                    sql: """
                        INSERT INTO hub_sync_records (account, resource, id, key_id, fingerprint, deleted, seen_run, position, kind)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account, resource, id) DO UPDATE SET key_id = excluded.key_id,
                        fingerprint = excluded.fingerprint, deleted = excluded.deleted, seen_run = excluded.seen_run,
                        position = excluded.position, kind = excluded.kind
                        """,
                    arguments: [account, resource, input.id, keyID, print, kind == .deleted, checkpoint.runID, position, kind.rawValue])
                try db.execute(
                    sql: "INSERT INTO hub_sync_changes (account, position, resource, record_id, kind, key_id, body) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    arguments: [account, position, resource, input.id, kind.rawValue, keyID, body])
                counts.add(kind)
            }
            try Self.savePosition(db, account: account, position: position)
            try db.execute(
                sql: """
                    INSERT INTO hub_sync_state (account, resource, checkpoint) VALUES (?, ?, ?)
                    ON CONFLICT (account, resource) DO UPDATE SET checkpoint = excluded.checkpoint
                    """,
                arguments: [account, resource, checkpointText])
            return counts
        }
    }

    private static func savePosition(_ db: Database, account: String, position: Int64) throws {
        try db.execute(
            sql: """
                INSERT INTO hub_sync_feeds (account, last_position) VALUES (?, ?)
                ON CONFLICT (account) DO UPDATE SET last_position = excluded.last_position
                """,
            arguments: [account, position])
    }

    func finishRun(account: String, resource: String, checkpoint: SyncCheckpoint, lease: SyncLease?) async throws -> SyncCounts {
        counter.add()
        return try await pool.write { db in
            try Self.checkLease(db, lease)
            var counts = SyncCounts()
            if checkpoint.fullScan {
                var position = try Int64.fetchOne(db, sql: "SELECT last_position FROM hub_sync_feeds WHERE account = ?", arguments: [account]) ?? 0
                let unseen = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT r.id, c.key_id, c.body FROM hub_sync_records r
                        JOIN hub_sync_changes c ON c.account = r.account AND c.position = r.position
                        WHERE r.account = ? AND r.resource = ? AND r.deleted = 0 AND (r.seen_run IS NULL OR r.seen_run <> ?) ORDER BY r.id
                        """,
                    arguments: [account, resource, checkpoint.runID])
                for row in unseen {
                    let id: String = row["id"]
                    position += 1
                    try db.execute(
                        sql: "UPDATE hub_sync_records SET deleted = 1, seen_run = ? WHERE account = ? AND resource = ? AND id = ?",
                        arguments: [checkpoint.runID, account, resource, id])
                    try db.execute(
                        sql: "INSERT INTO hub_sync_changes (account, position, resource, record_id, kind, key_id, body) VALUES (?, ?, ?, ?, 'DELETED', ?, ?)",
                        arguments: [account, position, resource, id, row["key_id"] as String, row["body"] as Data])
                    counts.deleted += 1
                }
                try Self.savePosition(db, account: account, position: position)
            }
            let old = try String.fetchOne(db, sql: "SELECT mark FROM hub_sync_state WHERE account = ? AND resource = ?", arguments: [account, resource])
            try db.execute(
                sql: """
                    INSERT INTO hub_sync_state (account, resource, mark, checkpoint) VALUES (?, ?, ?, NULL)
                    ON CONFLICT (account, resource) DO UPDATE SET mark = excluded.mark, checkpoint = NULL
                    """,
                arguments: [account, resource, SyncMark.later(old, checkpoint.runMark)])
            return counts
        }
    }

    func checkpoint(account: String, resource: String) async throws -> SyncCheckpoint? {
        counter.add()
        let text = try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT checkpoint FROM hub_sync_state WHERE account = ? AND resource = ?", arguments: [account, resource])
        }
        return text.flatMap { sealing.openCheckpoint($0, account: account, resource: resource) }
    }

    func mark(account: String, resource: String) async throws -> String? {
        counter.add()
        return try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT mark FROM hub_sync_state WHERE account = ? AND resource = ?", arguments: [account, resource])
        }
    }

    func lastPosition(account: String) async throws -> Int64 {
        counter.add()
        return try await pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT last_position FROM hub_sync_feeds WHERE account = ?", arguments: [account]) ?? 0
        }
    }

    func changes(account: String, after position: Int64, resource: String?, limit: Int) async throws -> [SyncChange] {
        counter.add()
        let rows = try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT position, resource, record_id, kind, key_id, body FROM hub_sync_changes
                    WHERE account = ? AND position > ? AND (? IS NULL OR resource = ?) ORDER BY position LIMIT ?
                    """,
                arguments: [account, position, resource, resource, limit]
            ).map { row -> (Int64, String, String, String, String, Data) in
                (row["position"], row["resource"], row["record_id"], row["kind"], row["key_id"], row["body"])
            }
        }
        return try rows.map { position, resource, id, kind, keyID, body in
            SyncChange(
                position: position, resource: resource, recordID: id, kind: SyncChangeKind(rawValue: kind) ?? .updated,
                record: try sealing.open(body, keyID: keyID, account: account, resource: resource, id: id))
        }
    }

    func records(account: String, resource: String, after: String?, limit: Int) async throws -> [(id: String, record: JSONValue)] {
        counter.add()
        let rows = try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT r.id, c.key_id, c.body FROM hub_sync_records r
                    JOIN hub_sync_changes c ON c.account = r.account AND c.position = r.position
                    WHERE r.account = ? AND r.resource = ? AND r.deleted = 0 AND r.id > ? ORDER BY r.id LIMIT ?
                    """,
                arguments: [account, resource, after ?? "", limit]
            ).map { row -> (String, String, Data) in (row["id"], row["key_id"], row["body"]) }
        }
        return try rows.map { id, keyID, body in
            (id, try sealing.open(body, keyID: keyID, account: account, resource: resource, id: id))
        }
    }

    static func lastByID(_ records: [SyncRecordInput]) -> [SyncRecordInput] {
        var index: [String: Int] = [:]
        var result: [SyncRecordInput] = []
        for record in records {
            if let at = index[record.id] { result[at] = record } else { index[record.id] = result.count; result.append(record) }
        }
        return result
    }

    static func encode(_ checkpoint: SyncCheckpoint) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(checkpoint), as: UTF8.self)
    }

    static func decodeCheckpoint(_ text: String) throws -> SyncCheckpoint {
        try JSONDecoder().decode(SyncCheckpoint.self, from: Data(text.utf8))
    }
}

/// High-water marks: ISO 8601 date-times (any offset) or integers, compared by value.
enum SyncMark {
    /// The later of two marks (`nil` is earliest).
    static func later(_ a: String?, _ b: String?) -> String? {
        guard let a else { return b }
        guard let b else { return a }
        return compare(a, b) < 0 ? b : a
    }

    /// Negative when `a` is earlier than `b`.
    static func compare(_ a: String, _ b: String) -> Int {
        if let x = Int64(a), let y = Int64(b) { return x < y ? -1 : (x == y ? 0 : 1) }
        if let x = date(a), let y = date(b) { return x < y ? -1 : (x == y ? 0 : 1) }
        return a < b ? -1 : (a == b ? 0 : 1)
    }

    /// Where an incremental run starts reading, for its cursor input: `lookback` before the mark,
    /// and at least one second (one unit for an integer cursor) before it, so an API whose filter
    /// is exclusive (`updated_after > since`) still returns records updated at the mark's exact
    /// instant. `nil` (no mark yet, or one that is neither an integer nor an ISO 8601 date-time):
    /// read everything.
    enum Start: Equatable, Sendable {
        case date(Date)
        case integer(Int64)
    }

    static func start(from mark: String?, lookback: Int) -> Start? {
        guard let mark else { return nil }
        let back = max(lookback, 1)
        if let value = Int64(mark) { return .integer(value - Int64(back)) }
        if let instant = date(mark) { return .date(instant.addingTimeInterval(-Double(back))) }
        return nil
    }

    static func date(_ text: String) -> Date? {
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = withFraction.date(from: text) { return date }
        return ISO8601DateFormatter().date(from: text)
    }
}
