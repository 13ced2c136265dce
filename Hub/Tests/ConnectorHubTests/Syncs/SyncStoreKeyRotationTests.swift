@testable import ConnectorHub
import ConnectorHubStorage
import ConnectorRuntime
import Foundation
import Testing

/// What the page write's shortcuts (docs/syncs.md, "Benchmark": the fingerprint key derived once
/// per key set, each record serialised once and fingerprinted under the current key before the
/// transaction) must keep: the fingerprints of rows stored by an older Hub still match, and a record
/// stored under an older key is compared under that key, so a key rotation alone changes nothing.
@Suite(.serialized)
struct SyncStoreKeyRotationTests {
    static func hex(_ data: Data) -> String { data.map { String(format: "%02x", $0) }.joined() }

    @Test func fingerprintsKeepTheirFormat() throws {
        // HMAC-SHA256 under SHA-256("connector-hub record fingerprint v1\0" ‖ key), computed outside
        // Swift (Python's hashlib and hmac).
        let record = Data(#"{"id":1,"name":"Ada"}"#.utf8)
        let development = RecordSealing(keys: .development)
        #expect(development.fingerprint(record, keyID: TokenStoreKeys.developmentKeyID).map(Self.hex)
            == "fcebf6551c0f4a2fb2810328ab9155ea6694ddfdda72ec0ccfc7030cf4ff53c1")
        let sevens = RecordSealing(keys: try TokenStoreKeys(current: "k1", keys: ["k1": Data(repeating: 7, count: 32)]))
        #expect(sevens.fingerprint(record, keyID: "k1").map(Self.hex) == "882ce95065095f7a0af9fdc818ce97b29f364b242ddaa7cd6825e224f9c6e136")
        #expect(sevens.fingerprint(record, keyID: "k2") == nil)
    }

    /// A page's batch (the HMAC key state built once per key and copied per record) gives the same
    /// bytes as one call per record, whatever the order of records and keys.
    @Test func aBatchFingerprintsWithTheSameBytes() throws {
        let record = Data(#"{"id":1,"name":"Ada"}"#.utf8)
        let other = Data(#"{"id":2,"name":"Grace"}"#.utf8)
        let keys = try TokenStoreKeys(current: "k1", keys: ["k1": Data(repeating: 7, count: 32), "k2": Data(repeating: 9, count: 32)])
        let sealing = RecordSealing(keys: keys)
        var batch = sealing.batch(count: 3)
        for _ in 0..<3 {
            #expect(batch.fingerprint(record, keyID: "k1").map(Self.hex) == "882ce95065095f7a0af9fdc818ce97b29f364b242ddaa7cd6825e224f9c6e136")
            #expect(batch.fingerprint(other, keyID: "k2") == sealing.fingerprint(other, keyID: "k2"))
            #expect(batch.fingerprint(other, keyID: "k1") == sealing.fingerprint(other, keyID: "k1"))
            #expect(batch.fingerprint(record, keyID: "k3") == nil)
        }
        #expect(sealing.fingerprint(other, keyID: "k1") != sealing.fingerprint(record, keyID: "k1"))
        var development = RecordSealing(keys: .development).batch(count: 1)
        #expect(development.fingerprint(record, keyID: TokenStoreKeys.developmentKeyID).map(Self.hex)
            == "fcebf6551c0f4a2fb2810328ab9155ea6694ddfdda72ec0ccfc7030cf4ff53c1")
    }

    /// A batch's sealed values open as the one-call ones do, with the same associated data only,
    /// and every value has its own nonce, also across refills of the nonce block.
    @Test func aBatchSealsWithAFreshNonceEachAndTheSameFormat() throws {
        let sealing = RecordSealing(keys: try TokenStoreKeys(current: "k1", keys: ["k1": Data(repeating: 7, count: 32)]))
        var batch = sealing.batch(count: 5)
        let plain = Data(#"{"id":1}"#.utf8)
        var nonces = Set<Data>()
        for index in 0..<200 {
            let context = Data("row \(index)".utf8)
            let sealed = try batch.seal(plain, context: context)
            #expect(sealed.count == 12 + plain.count + 16)
            #expect(sealing.open(sealed, keyID: "k1", context: context) == plain)
            #expect(sealing.open(sealed, keyID: "k1", context: Data("row \(index + 1)".utf8)) == nil)
            nonces.insert(sealed.prefix(12))
        }
        #expect(nonces.count == 200)
        #expect(!nonces.contains(Data(repeating: 0, count: 12)))

        // A page's sealing binds account, resource and id as SyncSealing.context does.
        let syncSealing = SyncSealing(sealing: sealing)
        var page = SyncPageSealing(syncSealing, account: "acct", resource: "users", count: 2)
        let body = try page.seal(canonical: plain, id: "42")
        #expect(try syncSealing.open(body, keyID: "k1", account: "acct", resource: "users", id: "42") == .object(["id": .integer(1)]))
        #expect(throws: SyncStoreError.self) { try syncSealing.open(body, keyID: "k1", account: "acct", resource: "users", id: "4") }
        #expect(try page.fingerprint(canonical: plain, keyID: "k1") == (try syncSealing.fingerprint(canonical: plain, keyID: "k1")))
        #expect(throws: SyncStoreError.self) { try page.fingerprint(canonical: plain, keyID: "k2") }
    }

    @Test(arguments: SyncStoreTests.Backend.allCases)
    func aRecordStoredUnderAnOlderKeyIsComparedUnderThatKey(_ backend: SyncStoreTests.Backend) async throws {
        let k1 = Data(repeating: 7, count: 32)
        let before = try TokenStoreKeys(current: "k1", keys: ["k1": k1])
        let after = try TokenStoreKeys(current: "k2", keys: ["k1": k1, "k2": Data(repeating: 9, count: 32)])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sync-\(UUID().uuidString).sqlite").path
        func store(_ keys: TokenStoreKeys) async throws -> any SyncStore { try await Self.store(backend, path: path, keys: keys) }
        let account = SyncStoreTests.account()
        let old = try await store(before)
        let first = SyncStoreTests.run(fullScan: true)
        let page = [SyncStoreTests.user("1", "Ada"), SyncStoreTests.user("2", "Grace")]
        #expect(try await old.commitPage(account: account, resource: "users", records: page, checkpoint: first) == SyncCounts(added: 2))
        #expect(try await old.finishRun(account: account, resource: "users", checkpoint: first) == SyncCounts())

        // Rotated: record 1 unchanged (still under k1), record 2 edited (now sealed under k2).
        let rotated = try await store(after)
        let second = SyncStoreTests.run(fullScan: true)
        let edited = [SyncStoreTests.user("1", "Ada"), SyncStoreTests.user("2", "Grace H.")]
        #expect(try await rotated.commitPage(account: account, resource: "users", records: edited, checkpoint: second) == SyncCounts(updated: 1))
        #expect(try await rotated.finishRun(account: account, resource: "users", checkpoint: second) == SyncCounts(), "record 1 was seen")
        // The same records again: one row under each key, no change.
        let third = SyncStoreTests.run(fullScan: true)
        #expect(try await rotated.commitPage(account: account, resource: "users", records: edited, checkpoint: third) == SyncCounts())
        #expect(try await rotated.finishRun(account: account, resource: "users", checkpoint: third) == SyncCounts())

        let feed = try await rotated.changes(account: account, after: 0, resource: nil, limit: 10)
        #expect(feed.map { "\($0.position) \($0.kind.rawValue) \($0.recordID)" } == ["1 ADDED 1", "2 ADDED 2", "3 UPDATED 2"])
        #expect(feed.last?.record["name"] == .string("Grace H."))
        #expect(try await rotated.records(account: account, resource: "users", after: nil, limit: 10).map(\.record["name"])
            == [.string("Ada"), .string("Grace H.")])
        // The change sealed under k2 does not open without it.
        await #expect(throws: SyncStoreError.self) {
            _ = try await old.changes(account: account, after: 2, resource: nil, limit: 10)
        }
        if let old = old as? PostgresSyncStore { await old.shutdown() }
        if let rotated = rotated as? PostgresSyncStore { await rotated.shutdown() }
    }

    /// A stored record under a key that is no longer configured cannot be compared: the page
    /// fails with the key named, and nothing of it is kept (on PostgreSQL the page function raises
    /// inside its one statement, which rolls back the page's other records and the checkpoint).
    @Test(arguments: SyncStoreTests.Backend.allCases)
    func aRecordUnderAKeyNoLongerConfiguredFailsItsPageAndNothingIsWritten(_ backend: SyncStoreTests.Backend) async throws {
        let before = try TokenStoreKeys(current: "k1", keys: ["k1": Data(repeating: 7, count: 32)])
        let after = try TokenStoreKeys(current: "k2", keys: ["k2": Data(repeating: 9, count: 32)])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sync-\(UUID().uuidString).sqlite").path
        func store(_ keys: TokenStoreKeys) async throws -> any SyncStore { try await Self.store(backend, path: path, keys: keys) }
        let account = SyncStoreTests.account()
        let old = try await store(before)
        let first = SyncStoreTests.run(fullScan: true)
        #expect(try await old.commitPage(
            account: account, resource: "users", records: [SyncStoreTests.user("1", "Ada")], checkpoint: first) == SyncCounts(added: 1))

        let rotated = try await store(after)
        let second = SyncStoreTests.run(fullScan: true)
        await #expect(throws: SyncStoreError.unreadable("a stored record is sealed under key 'k1', which is not configured")) {
            _ = try await rotated.commitPage(
                account: account, resource: "users", records: [SyncStoreTests.user("2", "Grace"), SyncStoreTests.user("1", "Ada")],
                checkpoint: second)
        }
        #expect(try await rotated.lastPosition(account: account) == 1)
        #expect(try await old.checkpoint(account: account, resource: "users")?.runID == first.runID, "the failed page's checkpoint is not kept")
        #expect(try await old.records(account: account, resource: "users", after: nil, limit: 10).map(\.id) == ["1"])
        if let old = old as? PostgresSyncStore { await old.shutdown() }
        if let rotated = rotated as? PostgresSyncStore { await rotated.shutdown() }
    }

    /// A store of `backend` with `keys`: on SQLite the file at `path`, on PostgreSQL the test database.
    static func store(_ backend: SyncStoreTests.Backend, path: String, keys: TokenStoreKeys) async throws -> any SyncStore {
        switch backend {
        case .sqlite: try SQLiteSyncStore(path: path, keys: keys)
        case .postgres: try await PostgresSyncStore.connect(url: try SyncStoreTests.postgresURL(), keys: keys)
        }
    }
}
