@testable import ConnectorHub
import ConnectorRuntime
import Foundation
import GRDB
import PostgresNIO
import Testing

/// The checkpoint's position (a provider cursor or next URL) is sealed at rest, bound to its
/// account and resource; a checkpoint that does not open makes the run start the list again.
@Suite struct SyncCheckpointSealingTests {
    static let secretNext = "https://api.provider.test/v1/users?api_key=sk-live-CHECKPOINT-SECRET&email=ada%40example.com&page=3"

    static func rawCheckpoint(_ store: any SyncStore, account: String, resource: String) async throws -> String? {
        if let sqlite = store as? SQLiteSyncStore {
            return try await sqlite.pool.read { db in
                try String.fetchOne(
                    db, sql: "SELECT checkpoint FROM hub_sync_state WHERE account = ? AND resource = ?", arguments: [account, resource])
            }
        }
        let postgres = try #require(store as? PostgresSyncStore)
        let rows = try await postgres.client.query(
            "SELECT checkpoint FROM hub_sync_state WHERE account = \(account) AND resource = \(resource)", logger: postgres.logger)
        for try await text in rows.decode(String?.self) { return text }
        return nil
    }

    static func setRawCheckpoint(_ store: any SyncStore, account: String, resource: String, _ text: String) async throws {
        if let sqlite = store as? SQLiteSyncStore {
            try await sqlite.pool.write { db in
                try db.execute(
                    sql: "UPDATE hub_sync_state SET checkpoint = ? WHERE account = ? AND resource = ?", arguments: [text, account, resource])
            }
            return
        }
        let postgres = try #require(store as? PostgresSyncStore)
        try await postgres.client.query(
            "UPDATE hub_sync_state SET checkpoint = \(text) WHERE account = \(account) AND resource = \(resource)", logger: postgres.logger)
    }

    @Test(arguments: SyncStoreTests.Backend.allCases)
    func theStoredCheckpointHoldsNoProviderPosition(_ backend: SyncStoreTests.Backend) async throws {
        let store = try await SyncStoreTests.store(backend)
        let account = SyncStoreTests.account()
        var checkpoint = SyncStoreTests.run(fullScan: true)
        checkpoint.pages = 2
        checkpoint.next = Self.secretNext
        checkpoint.runMark = "2026-12-01T10:00:00Z"
        _ = try await store.commitPage(account: account, resource: "users", records: [SyncStoreTests.user("1", "Ada")], checkpoint: checkpoint)
        let raw = try #require(try await Self.rawCheckpoint(store, account: account, resource: "users"))
        for fragment in ["CHECKPOINT-SECRET", "api_key", "api.provider.test", "example.com", "page=3", checkpoint.runID] {
            #expect(!raw.contains(fragment), "the stored checkpoint contains \(fragment)")
        }
        #expect(try await store.checkpoint(account: account, resource: "users") == checkpoint)
    }

    enum Tamper: String, CaseIterable, Sendable { case flippedByte, otherResource, unsealed }

    /// A checkpoint altered at rest, moved from another resource, or written unsealed does not
    /// open: the run starts the list from its first page and finishes.
    @Test(arguments: SyncStoreTests.Backend.allCases, Tamper.allCases)
    func aCheckpointThatDoesNotOpenRestartsTheList(_ backend: SyncStoreTests.Backend, _ tamper: Tamper) async throws {
        let store = try await SyncStoreTests.store(backend)
        let account = SyncStoreTests.account()
        let runner = SyncRunner(store: store, account: account, resource: "users", lease: nil)
        let requests = SyncRunnerResumeTests.Requests()
        let ids = (0..<50).map { String(format: "%02d", $0) }
        @Sendable func page(_ next: String?, failAt: Int?) throws -> SyncPage {
            requests.add(next)
            let offset = Int(next ?? "0") ?? 0
            if offset == failAt { throw SyncRunnerResumeTests.Interrupted() }
            let slice = ids[offset..<min(offset + 10, ids.count)]
            return SyncPage(
                records: slice.map { SyncStoreTests.user($0, "n") }, next: slice.endIndex < ids.count ? String(slice.endIndex) : nil, mark: nil)
        }
        await #expect(throws: SyncRunnerResumeTests.Interrupted.self) {
            _ = try await runner.run(fullScan: true) { next, _ in try page(next, failAt: 20) }
        }
        let saved = try #require(try await store.checkpoint(account: account, resource: "users"))
        #expect(saved.next == "20")
        let raw = try #require(try await Self.rawCheckpoint(store, account: account, resource: "users"))
        let altered: String
        switch tamper {
        case .flippedByte:
            var envelope = try #require(try JSONSerialization.jsonObject(with: Data(raw.utf8)) as? [String: String])
            let text = try #require(envelope["sealed"])
            var sealed = try #require(Data(base64Encoded: text))
            sealed[sealed.count / 2] ^= 0x01
            envelope["sealed"] = sealed.base64EncodedString()
            altered = String(decoding: try JSONSerialization.data(withJSONObject: envelope), as: UTF8.self)
        case .otherResource:
            _ = try await store.commitPage(account: account, resource: "groups", records: [], checkpoint: saved)
            altered = try #require(try await Self.rawCheckpoint(store, account: account, resource: "groups"))
        case .unsealed:
            altered = try SQLiteSyncStore.encode(saved)
        }
        try await Self.setRawCheckpoint(store, account: account, resource: "users", altered)
        #expect(try await store.checkpoint(account: account, resource: "users") == nil)
        let counts = try await runner.run(fullScan: true) { next, _ in try page(next, failAt: nil) }
        #expect(requests.all == [nil, "10", "20", nil, "10", "20", "30", "40"])
        #expect(counts == SyncCounts(added: 30))
        #expect(try await store.checkpoint(account: account, resource: "users") == nil)
    }
}
