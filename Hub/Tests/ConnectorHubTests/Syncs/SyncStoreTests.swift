@testable import ConnectorHub
import ConnectorHubStorage
import ConnectorRuntime
import Foundation
import PostgresNIO
import Testing

/// The sync store on SQLite and on the real PostgreSQL server `make hub-test` starts
/// (scripts/postgres.sh sets CONNECTOR_TEST_POSTGRES_URL): changes by fingerprint, sealing at
/// rest, checkpoints, and the feed guarantee under transactions that commit late.
@Suite(.serialized)
struct SyncStoreTests {
    enum Backend: String, CaseIterable, Sendable { case sqlite, postgres }

    static func store(_ backend: Backend, keys: TokenStoreKeys = .development) async throws -> any SyncStore {
        switch backend {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("sync-\(UUID().uuidString).sqlite").path
            return try SQLiteSyncStore(path: path, keys: keys)
        case .postgres:
            return try await PostgresSyncStore.connect(url: try postgresURL(), keys: keys)
        }
    }

    static func postgresURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["CONNECTOR_TEST_POSTGRES_URL"], !url.isEmpty else {
            throw ServerError("CONNECTOR_TEST_POSTGRES_URL is not set: run the Hub tests with `make hub-test` (it starts a PostgreSQL server).")
        }
        return url
    }

    /// A new, empty database on the test PostgreSQL server, for a test whose tables must not be
    /// shared (a scheduler claims any due job of its database); its URL.
    static func freshDatabaseURL(_ prefix: String) async throws -> String {
        let shared = try postgresURL()
        let name = "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
        let admin = try await PostgresSyncStore.connect(url: shared, keys: .development, maximumConnections: 1)
        do {
            try await admin.client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: admin.logger)
        } catch {
            await admin.shutdown()
            throw error
        }
        await admin.shutdown()
        guard var components = URLComponents(string: shared) else { throw ServerError("CONNECTOR_TEST_POSTGRES_URL is not a URL") }
        components.path = "/" + name
        guard let url = components.string else { throw ServerError("no URL for database \(name)") }
        return url
    }

    static func user(_ id: String, _ name: String, updated: String = "2026-12-01T10:00:00Z") -> SyncRecordInput {
        SyncRecordInput(id: id, record: .object(["id": .string(id), "name": .string(name), "updated_at": .string(updated)]))
    }

    static func run(_ id: String = UUID().uuidString, fullScan: Bool) -> SyncCheckpoint {
        SyncCheckpoint(runID: id, fullScan: fullScan, pages: 0, next: nil, startMark: nil, runMark: nil)
    }

    static func account() -> String { "acct-\(UUID().uuidString.prefix(8))" }

    @Test(arguments: Backend.allCases)
    func changesFollowTheRecordsNotTheReads(_ backend: Backend) async throws {
        let store = try await Self.store(backend)
        let account = Self.account()
        let first = Self.run(fullScan: true)
        let page = [Self.user("1", "Ada"), Self.user("2", "Grace"), Self.user("3", "Edsger")]
        #expect(try await store.commitPage(account: account, resource: "users", records: page, checkpoint: first) == SyncCounts(added: 3))
        #expect(try await store.finishRun(account: account, resource: "users", checkpoint: first) == SyncCounts())

        // The same records again, keys in another order: no change.
        let again = Self.run(fullScan: true)
        let reordered = page.map { input in
            SyncRecordInput(id: input.id, record: .object(["updated_at": input.record["updated_at"]!, "name": input.record["name"]!, "id": .string(input.id)]))
        }
        #expect(try await store.commitPage(account: account, resource: "users", records: reordered, checkpoint: again) == SyncCounts())
        #expect(try await store.finishRun(account: account, resource: "users", checkpoint: again) == SyncCounts())

        // One edited, one flagged deleted, one missing from a full scan, one new.
        let third = Self.run(fullScan: true)
        var flagged = Self.user("2", "Grace")
        flagged.deleted = true
        let counts = try await store.commitPage(
            account: account, resource: "users", records: [Self.user("1", "Ada L."), flagged, Self.user("4", "Barbara")], checkpoint: third)
        #expect(counts == SyncCounts(added: 1, updated: 1, deleted: 1))
        #expect(try await store.finishRun(account: account, resource: "users", checkpoint: third) == SyncCounts(deleted: 1))

        // An incremental run that does not see record 4 deletes nothing.
        let incremental = Self.run(fullScan: false)
        #expect(try await store.commitPage(account: account, resource: "users", records: [Self.user("3", "Edsger W.")], checkpoint: incremental) == SyncCounts(added: 1))
        #expect(try await store.finishRun(account: account, resource: "users", checkpoint: incremental) == SyncCounts())

        let feed = try await store.changes(account: account, after: 0, resource: nil, limit: 100)
        #expect(feed.map(\.position) == Array(1...8))
        #expect(feed.map { "\($0.kind.rawValue) \($0.recordID)" } == [
            "ADDED 1", "ADDED 2", "ADDED 3", "UPDATED 1", "DELETED 2", "ADDED 4", "DELETED 3", "ADDED 3",
        ])
        #expect(feed[3].record["name"] == .string("Ada L."))
        #expect(feed[6].record["name"] == .string("Edsger"), "a DELETED change carries the record as last seen")
        let current = try await store.records(account: account, resource: "users", after: nil, limit: 10)
        #expect(current.map(\.id) == ["1", "3", "4"])
        let paged = try await store.records(account: account, resource: "users", after: "1", limit: 1)
        #expect(paged.map(\.id) == ["3"])
        #expect(try await store.changes(account: account, after: 0, resource: "groups", limit: 10).isEmpty)
        #expect(try await store.changes(account: Self.account(), after: 0, resource: nil, limit: 10).isEmpty)
    }

    @Test(arguments: Backend.allCases)
    func checkpointsAndMarksSurviveAndFinish(_ backend: Backend) async throws {
        let store = try await Self.store(backend)
        let account = Self.account()
        var run = Self.run(fullScan: false)
        run.startMark = "2026-12-01T00:00:00Z"
        run.pages = 1
        run.next = "cursor-2"
        run.runMark = "2026-12-01T10:00:00+01:00"
        _ = try await store.commitPage(account: account, resource: "users", records: [Self.user("1", "Ada")], checkpoint: run)
        #expect(try await store.checkpoint(account: account, resource: "users") == run)
        #expect(try await store.mark(account: account, resource: "users") == nil)
        _ = try await store.finishRun(account: account, resource: "users", checkpoint: run)
        #expect(try await store.checkpoint(account: account, resource: "users") == nil)
        #expect(try await store.mark(account: account, resource: "users") == "2026-12-01T10:00:00+01:00")
        // Marks compare as instants, whatever the offset: 10:00+01:00 is 09:00Z, so 09:30Z is later
        // (a text comparison would say the opposite), and 09:10+00:00 is earlier than 09:30Z.
        var next = Self.run(fullScan: false)
        next.runMark = "2026-12-01T09:30:00Z"
        _ = try await store.finishRun(account: account, resource: "users", checkpoint: next)
        #expect(try await store.mark(account: account, resource: "users") == "2026-12-01T09:30:00Z")
        var older = Self.run(fullScan: false)
        older.runMark = "2026-12-01T09:10:00+00:00"
        _ = try await store.finishRun(account: account, resource: "users", checkpoint: older)
        #expect(try await store.mark(account: account, resource: "users") == "2026-12-01T09:30:00Z")
    }

    @Test(arguments: Backend.allCases)
    func recordsAreSealedWithTheTokenKeysAndBoundToTheirRow(_ backend: Backend) async throws {
        let keys = try TokenStoreKeys(current: "k1", keys: ["k1": Data(repeating: 7, count: 32)])
        let store = try await Self.store(backend, keys: keys)
        let account = Self.account()
        _ = try await store.commitPage(
            account: account, resource: "users", records: [Self.user("1", "plaintext-marker-ada")], checkpoint: Self.run(fullScan: false))
        let sealing = SyncSealing(sealing: RecordSealing(keys: keys))
        let sealed = try sealing.seal(.string("plaintext-marker-ada"), account: account, resource: "users", id: "1")
        #expect(!String(decoding: sealed, as: UTF8.self).contains("plaintext-marker"))
        #expect(throws: SyncStoreError.self) {
            _ = try sealing.open(sealed, keyID: "k1", account: account, resource: "users", id: "2")
        }
        #expect(try sealing.open(sealed, keyID: "k1", account: account, resource: "users", id: "1") == .string("plaintext-marker-ada"))
        // Another key set cannot read the feed.
        let other = try await Self.store(backend, keys: .development)
        if backend == .postgres {
            await #expect(throws: SyncStoreError.self) {
                _ = try await other.changes(account: account, after: 0, resource: nil, limit: 10)
            }
        }
    }

    /// Holds a transaction open until released.
    final class Gate: @unchecked Sendable {
        private let lock = NSLock()
        private var entered = false
        private var waiters: [CheckedContinuation<Void, Never>] = []
        private var open = false

        func hold() async {
            await withCheckedContinuation { continuation in
                let resumeNow = lock.withLock { () -> Bool in
                    entered = true
                    if open { return true }
                    waiters.append(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }

        var hasEntered: Bool { lock.withLock { entered } }

        func release() {
            let list = lock.withLock { () -> [CheckedContinuation<Void, Never>] in
                open = true
                defer { waiters = [] }
                return waiters
            }
            list.forEach { $0.resume() }
        }
    }

    final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        func set() { lock.withLock { value = true } }
        var isSet: Bool { lock.withLock { value } }
    }

    /// The classic trap: transaction A takes position 1 and commits late; B, started after it,
    /// commits first. A reader at cursor 0 that saw B's change would move past A's forever. Here
    /// B cannot take a position until A commits, so the reader sees nothing, then both in order.
    @Test func aReaderNeverSkipsAChangeThatCommitsLate() async throws {
        let store = try await Self.store(.postgres)
        let account = Self.account()
        let gate = Gate()
        let late = Task {
            try await store.commitPage(
                account: account, resource: "users", records: [Self.user("a", "late")], checkpoint: Self.run(fullScan: false),
                beforeCommit: { await gate.hold() })
        }
        while !gate.hasEntered { try await Task.sleep(nanoseconds: 5_000_000) }
        let early = Task {
            try await store.commitPage(account: account, resource: "users", records: [Self.user("b", "early")], checkpoint: Self.run(fullScan: false))
        }
        // However long B waits, no change is visible before A commits.
        for _ in 0..<20 {
            #expect(try await store.changes(account: account, after: 0, resource: nil, limit: 10).isEmpty)
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        gate.release()
        _ = try await late.value
        _ = try await early.value
        let feed = try await store.changes(account: account, after: 0, resource: nil, limit: 10)
        #expect(feed.map { "\($0.position) \($0.recordID)" } == ["1 a", "2 b"])
    }

    /// Many writers on one account, each holding its transaction open a random while before
    /// committing, and a reader polling with its cursor all along: the reader must receive every
    /// change exactly once, positions 1...N without a gap.
    @Test(arguments: Backend.allCases)
    func aPollingReaderReceivesEveryChangeOnceUnderConcurrentWriters(_ backend: Backend) async throws {
        let store = try await Self.store(backend)
        let account = Self.account()
        let writers = 6
        let pages = 15
        let perPage = 4
        let done = Flag()
        let reader = Task { () -> [SyncChange] in
            var seen: [SyncChange] = []
            var cursor: Int64 = 0
            var finished = false
            while true {
                let batch = try await store.changes(account: account, after: cursor, resource: nil, limit: 7)
                seen += batch
                cursor = batch.last?.position ?? cursor
                if batch.isEmpty {
                    if finished { return seen }
                    finished = done.isSet
                    try await Task.sleep(nanoseconds: 1_000_000)
                }
            }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    for page in 0..<pages {
                        let records = (0..<perPage).map { Self.user("w\(writer)-p\(page)-r\($0)", "x") }
                        let hold = UInt64.random(in: 0...8_000_000)
                        _ = try await store.commitPage(
                            account: account, resource: "users", records: records, checkpoint: Self.run(fullScan: false),
                            beforeCommit: { try? await Task.sleep(nanoseconds: hold) })
                    }
                }
            }
            try await group.waitForAll()
        }
        done.set()
        let seen = try await withDeadline(60, "the reader") { try await reader.value }
        let total = writers * pages * perPage
        #expect(seen.map(\.position) == (1...Int64(total)).map { $0 })
        #expect(Set(seen.map(\.recordID)).count == total)
        #expect(seen.allSatisfy { $0.kind == .added })
    }
}

/// Where incremental runs start: the mark minus the lookback, never less than one unit before it,
/// compared as instants whatever the provider's offset.
@Suite struct SyncMarkTests {
    @Test func startsAtLeastOneUnitBeforeTheMark() {
        let utc = ISO8601DateFormatter()
        #expect(SyncMark.start(from: nil, lookback: 60) == nil)
        #expect(SyncMark.start(from: "not a mark", lookback: 60) == nil)
        #expect(SyncMark.start(from: "42", lookback: 0) == .integer(41))
        #expect(SyncMark.start(from: "42", lookback: 5) == .integer(37))
        #expect(SyncMark.start(from: "2026-12-01T10:00:00+01:00", lookback: 0) == .date(utc.date(from: "2026-12-01T08:59:59Z")!))
        #expect(SyncMark.start(from: "2026-12-01T10:00:00.250Z", lookback: 300) == .date(utc.date(from: "2026-12-01T09:55:00Z")!.addingTimeInterval(0.25)))
    }

    @Test func marksCompareAsInstantsOrNumbers() {
        #expect(SyncMark.later("2026-12-01T10:00:00+01:00", "2026-12-01T09:30:00Z") == "2026-12-01T09:30:00Z")
        #expect(SyncMark.later("2026-12-01T09:30:00-05:00", "2026-12-01T10:00:00Z") == "2026-12-01T09:30:00-05:00")
        #expect(SyncMark.later("9", "10") == "10")
        #expect(SyncMark.later(nil, "10") == "10")
        #expect(SyncMark.later("10", nil) == "10")
    }
}

/// The PostgreSQL store decides a page in SQL, on two paths (docs/syncs.md, "What a page does"):
/// one upsert per record (one configured key, no record flagged deleted), whose changed rows are
/// repointed when an unchanged record came before them in the page, or the stored rows read first.
/// The SQLite store decides record by record in Swift (`SyncDiff.change`). Both must write the same
/// feed: the same runs of random pages (new, edited, unchanged and flagged records, repeated ids,
/// full scans and incremental runs, pages mixing them) go to both, and the feeds (position, kind,
/// id, record) and the current records must be equal after every run.
@Suite(.serialized)
struct SyncStoreEquivalenceTests {
    /// A small deterministic generator (the same sequences on every run), so a failure repeats.
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        mutating func chance(_ percent: Int) -> Bool { next(100) < percent }
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func postgresAndSQLiteWriteTheSameFeedForTheSamePages(_ seed: UInt64) async throws {
        let sqlite = try await SyncStoreTests.store(.sqlite)
        let postgres = try #require(try await SyncStoreTests.store(.postgres) as? PostgresSyncStore)
        let account = SyncStoreTests.account()
        var random = Generator(state: seed)
        var versions: [Int: Int] = [:]
        for run in 0..<12 {
            let checkpoint = SyncStoreTests.run("run-\(seed)-\(run)", fullScan: random.chance(60))
            for _ in 0..<(1 + random.next(3)) {
                var page: [SyncRecordInput] = []
                for _ in 0..<(1 + random.next(12)) {
                    let id = random.next(30)
                    if random.chance(40) { versions[id, default: 0] += 1 }
                    var input = SyncStoreTests.user(String(format: "%02d", id), "person \(id) v\(versions[id, default: 0])")
                    input.deleted = random.chance(8)
                    page.append(input)
                }
                let counts = try await sqlite.commitPage(account: account, resource: "users", records: page, checkpoint: checkpoint)
                #expect(try await postgres.commitPage(account: account, resource: "users", records: page, checkpoint: checkpoint) == counts,
                    "run \(run)")
            }
            #expect(try await postgres.finishRun(account: account, resource: "users", checkpoint: checkpoint)
                == (try await sqlite.finishRun(account: account, resource: "users", checkpoint: checkpoint)), "run \(run)")
            func feed(_ store: any SyncStore) async throws -> [String] {
                try await store.changes(account: account, after: 0, resource: nil, limit: 1000).map {
                    "\($0.position) \($0.kind.rawValue) \($0.recordID) \($0.record["name"]?.description ?? "")"
                }
            }
            func current(_ store: any SyncStore) async throws -> [String] {
                try await store.records(account: account, resource: "users", after: nil, limit: 1000).map { "\($0.id) \($0.record["name"]!)" }
            }
            #expect(try await feed(postgres) == (try await feed(sqlite)), "run \(run)")
            #expect(try await current(postgres) == (try await current(sqlite)), "run \(run)")
        }
        #expect(try await postgres.lastPosition(account: account) == (try await sqlite.lastPosition(account: account)))
        #expect(try await postgres.lastPosition(account: account) > 20, "the runs made changes")
        await postgres.shutdown()
    }
}
