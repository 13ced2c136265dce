@testable import ConnectorHub
import ConnectorHubStorage
import ConnectorRuntime
import Foundation
import GRDB
import PostgresNIO
import Testing

/// The sync schema's migrations from version 1 (the layout of a Hub before the schema had a
/// version: every record's sealed body both in its row and in each change) to version 2 (the body
/// only in the change, the row pointing at its last change) and 3 (the row's `kind`; on
/// PostgreSQL the page function), on a store holding data written the way the older Hub wrote it. After the migration the feed, the records and the next run must be
/// exactly what they would have been without it.
@Suite(.serialized)
struct SyncSchemaMigrationTests {
    /// What the older Hub wrote: (position, record id, kind, name). Record 1 was updated, record 3
    /// deleted by a full scan (its DELETED change carries the body as last seen).
    static let history: [(Int64, String, SyncChangeKind, String)] = [
        (1, "1", .added, "Ada"), (2, "2", .added, "Grace"), (3, "3", .added, "Edsger"), (4, "4", .added, "Barbara"),
        (5, "1", .updated, "Ada L."), (6, "3", .deleted, "Edsger"),
    ]

    struct Row {
        var position: Int64
        var id: String
        var kind: String
        var fingerprint: Data
        var body: Data
    }

    /// The rows of ``history`` sealed and fingerprinted as the older Hub did (development keys).
    static func rows(account: String) throws -> [Row] {
        let sealing = SyncSealing(sealing: RecordSealing(keys: .development))
        return try history.map { position, id, kind, name in
            let record = SyncStoreTests.user(id, name).record
            return Row(
                position: position, id: id, kind: kind.rawValue,
                fingerprint: try sealing.fingerprint(record, keyID: TokenStoreKeys.developmentKeyID),
                body: try sealing.seal(record, account: account, resource: "users", id: id))
        }
    }

    /// Writes ``history`` into a version 1 store with the older Hub's statements: the change, and
    /// the record row upserted with the same sealed body.
    static func writeVersion1(_ store: any SyncStore, account: String) async throws {
        let key = TokenStoreKeys.developmentKeyID
        let rows = try rows(account: account)
        if let sqlite = store as? SQLiteSyncStore {
            try await sqlite.pool.write { db in
                for row in rows {
                    try db.execute(
                        sql: "INSERT INTO hub_sync_changes (account, position, resource, record_id, kind, key_id, body) VALUES (?, ?, 'users', ?, ?, ?, ?)",
                        arguments: [account, row.position, row.id, row.kind, key, row.body])
                    try db.execute(
                        sql: """
                            INSERT INTO hub_sync_records (account, resource, id, key_id, fingerprint, body, deleted, seen_run)
                            VALUES (?, 'users', ?, ?, ?, ?, ?, 'old-run') ON CONFLICT (account, resource, id) DO UPDATE SET
                            fingerprint = excluded.fingerprint, body = excluded.body, deleted = excluded.deleted
                            """,
                        arguments: [account, row.id, key, row.fingerprint, row.body, row.kind == "DELETED"])
                }
                try db.execute(sql: "INSERT INTO hub_sync_feeds (account, last_position) VALUES (?, 6)", arguments: [account])
            }
        } else if let postgres = store as? PostgresSyncStore {
            for row in rows {
                let deleted = row.kind == "DELETED"
                try await postgres.execute(
                    """
                    INSERT INTO hub_sync_changes (account, position, resource, record_id, kind, key_id, body)
                    VALUES (\(account), \(row.position), 'users', \(row.id), \(row.kind), \(key), \(ByteBuffer(bytes: row.body)))
                    """)
                try await postgres.execute(
                    """
                    INSERT INTO hub_sync_records (account, resource, id, key_id, fingerprint, body, deleted, seen_run)
                    VALUES (\(account), 'users', \(row.id), \(key), \(ByteBuffer(bytes: row.fingerprint)), \(ByteBuffer(bytes: row.body)),
                        \(deleted), 'old-run')
                    ON CONFLICT (account, resource, id) DO UPDATE SET fingerprint = excluded.fingerprint, body = excluded.body,
                        deleted = excluded.deleted
                    """)
            }
            try await postgres.execute("INSERT INTO hub_sync_feeds (account, last_position) VALUES (\(account), 6)")
        }
    }

    /// Whether `hub_sync_records` still has a `body` column.
    static func recordsHaveBodies(_ store: any SyncStore) async throws -> Bool {
        try await recordsHaveColumn(store, "body")
    }

    /// Whether `hub_sync_records` has the column `name`.
    static func recordsHaveColumn(_ store: any SyncStore, _ name: String) async throws -> Bool {
        if let sqlite = store as? SQLiteSyncStore {
            return try await sqlite.pool.read { db in try db.columns(in: "hub_sync_records").contains { $0.name == name } }
        }
        let postgres = try #require(store as? PostgresSyncStore)
        return try await postgres.query(
            "SELECT count(*) FROM information_schema.columns WHERE table_name = 'hub_sync_records' AND column_name = \(name)"
        ) { rows in
            for try await count in rows.decode(Int64.self) { return count > 0 }
            return false
        }
    }

    static func schemaVersion(_ store: any SyncStore) async throws -> Int {
        if let sqlite = store as? SQLiteSyncStore { return try await sqlite.storedSchemaVersion() }
        return try await #require(store as? PostgresSyncStore).storedSchemaVersion()
    }

    @Test(arguments: SyncStoreTests.Backend.allCases)
    func aVersion1StoreWithDataMigratesAndKeepsItsFeedRecordsAndChanges(_ backend: SyncStoreTests.Backend) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sync-\(UUID().uuidString).sqlite").path
        let url = backend == .postgres ? try await SyncStoreTests.freshDatabaseURL("migrate") : ""
        func open(_ version: Int? = nil) async throws -> any SyncStore {
            switch backend {
            case .sqlite: try SQLiteSyncStore(path: path, keys: .development, schemaVersion: version ?? SQLiteSyncStore.schemaVersion)
            case .postgres:
                try await PostgresSyncStore.connect(
                    url: url, keys: .development, maximumConnections: 2, schemaVersion: version ?? PostgresSyncStore.schemaVersion)
            }
        }
        func close(_ store: any SyncStore) async { if let store = store as? PostgresSyncStore { await store.shutdown() } }
        let account = SyncStoreTests.account()

        let old = try await open(1)
        #expect(try await Self.schemaVersion(old) == 1)
        #expect(try await Self.recordsHaveBodies(old))
        try await Self.writeVersion1(old, account: account)
        await close(old)

        // Version 2 first (the layout version 3 starts from), then the current version.
        let second = try await open(2)
        #expect(try await Self.schemaVersion(second) == 2)
        #expect(try await Self.recordsHaveColumn(second, "body") == false)
        #expect(try await Self.recordsHaveColumn(second, "kind") == false)
        await close(second)

        let store = try await open()
        #expect(try await Self.schemaVersion(store) == 3)
        #expect(try await Self.recordsHaveBodies(store) == false, "the sealed body is kept once, in the change")
        #expect(try await Self.recordsHaveColumn(store, "kind"))
        let feed = try await store.changes(account: account, after: 0, resource: nil, limit: 100)
        #expect(feed.map { "\($0.position) \($0.kind.rawValue) \($0.recordID) \($0.record["name"]?.description ?? "")" } == [
            "1 ADDED 1 \"Ada\"", "2 ADDED 2 \"Grace\"", "3 ADDED 3 \"Edsger\"", "4 ADDED 4 \"Barbara\"", "5 UPDATED 1 \"Ada L.\"",
            "6 DELETED 3 \"Edsger\"",
        ], "each change still returns the record as it was at that change")
        #expect(try await store.records(account: account, resource: "users", after: nil, limit: 10).map { "\($0.id) \($0.record["name"]!)" }
            == ["1 \"Ada L.\"", "2 \"Grace\"", "4 \"Barbara\""])

        // The next full scan compares against the migrated fingerprints: record 1 unchanged, 2
        // edited, 3 back after its deletion, 4 missing (DELETED with its body as last seen). On
        // PostgreSQL the page takes version 3's one-probe path, where record 1 (unchanged, first in
        // the page) shifts the positions of 2 and 3: their rows must point at changes 7 and 8,
        // which the current records below read.
        let run = SyncStoreTests.run(fullScan: true)
        let page = [SyncStoreTests.user("1", "Ada L."), SyncStoreTests.user("2", "Grace H."), SyncStoreTests.user("3", "Edsger")]
        #expect(try await store.commitPage(account: account, resource: "users", records: page, checkpoint: run) == SyncCounts(added: 1, updated: 1))
        #expect(try await store.finishRun(account: account, resource: "users", checkpoint: run) == SyncCounts(deleted: 1))
        let after = try await store.changes(account: account, after: 6, resource: nil, limit: 100)
        #expect(after.map { "\($0.position) \($0.kind.rawValue) \($0.recordID) \($0.record["name"]?.description ?? "")" } == [
            "7 UPDATED 2 \"Grace H.\"", "8 ADDED 3 \"Edsger\"", "9 DELETED 4 \"Barbara\"",
        ])
        #expect(try await store.changes(account: account, after: 0, resource: nil, limit: 100).prefix(6) == feed[...])
        #expect(try await store.records(account: account, resource: "users", after: nil, limit: 10).map { "\($0.id) \($0.record["name"]!)" }
            == ["1 \"Ada L.\"", "2 \"Grace H.\"", "3 \"Edsger\""])
        await close(store)

        // Opened again: nothing to migrate. A schema newer than this Hub's is refused.
        let again = try await open()
        #expect(try await Self.schemaVersion(again) == 3)
        if let sqlite = again as? SQLiteSyncStore {
            try await sqlite.pool.write { db in try db.execute(sql: "UPDATE hub_sync_schema SET version = 99") }
        } else if let postgres = again as? PostgresSyncStore {
            try await postgres.execute("UPDATE hub_sync_schema SET version = 99")
        }
        await close(again)
        await #expect(throws: SyncSchemaTooNew.self) { _ = try await open() }
    }
}
