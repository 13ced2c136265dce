@testable import ConnectorHub
import ConnectorCompilerCore
import ConnectorRuntime
import Foundation
import Testing

/// The guarantees of issue 22 against the provider emulation (``SyncProviderEmulation``), through
/// the generated pager of acme_resources.json's resources (``SyncPageReader``, as the scheduler
/// runs it), ``SyncRunner`` and the real stores.
@Suite(.serialized)
struct SyncGuaranteeTests {
    typealias Backend = SyncStoreTests.Backend
    typealias Person = SyncProviderEmulation.Person

    /// acme_resources.json's resource of each pagination style.
    static let styles = ["employees", "users", "contacts", "tickets", "groups", "candidates"]

    struct Interrupted: Error {}

    final class Count: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func next() -> Int { lock.withLock { value += 1; return value } }
    }

    static func run(
        _ store: any SyncStore, _ account: String, _ reader: SyncPageReader, resource: String = "people", fullScan: Bool = true
    ) async throws -> SyncCounts {
        try await SyncRunner(store: store, account: account, resource: resource, lease: nil).run(fullScan: fullScan) { next, mark in
            try await reader.page(next: next, startMark: mark)
        }
    }

    static func feed(_ store: any SyncStore, _ account: String, after: Int64 = 0) async throws -> [String] {
        try await store.changes(account: account, after: after, resource: nil, limit: 1_000).map { change in
            "\(change.kind.rawValue) \(change.recordID) \(change.record["first_name"]?.stringValue ?? "")"
        }
    }

    /// Item 4 of the guarantees: a full sync per pagination style, then the provider changes (one
    /// renamed, one deleted, one added) and the next run reports exactly that.
    @Test(arguments: styles)
    func everyPaginationStyleSyncsAndReportsExactlyWhatChanged(_ style: String) async throws {
        let provider = try SyncProviderEmulation(SyncProviderEmulation.people(7))
        defer { provider.stop() }
        let store = try await SyncStoreTests.store(.sqlite)
        let account = SyncStoreTests.account()
        let first = try await Self.run(store, account, try provider.reader(style, sync: SyncProviderEmulation.full))
        #expect(first == SyncCounts(added: 7), "\(style): \(provider.requests)")
        #expect(provider.requests.count >= 4, "\(style) reads 7 records in pages of 2")
        var people = provider.people
        people[1].name = "Renamed"
        people.remove(at: 4)
        people.append(Person(id: "p08", name: "Person 8", updated: "2026-12-02T10:00:00Z"))
        provider.people = people
        let second = try await Self.run(store, account, try provider.reader(style, sync: SyncProviderEmulation.full))
        #expect(second == SyncCounts(added: 1, updated: 1, deleted: 1), "\(style)")
        let feed = try await Self.feed(store, account, after: 7)
        #expect(feed == ["UPDATED p02 Renamed", "ADDED p08 Person 8", "DELETED p05 Person 5"], "\(style)")
        #expect(try await store.checkpoint(account: account, resource: "people") == nil)
    }

    /// Item 5: a run killed after its third page resumes at the fourth with the pager's position
    /// (`ListOptions.start`): no request of the resumed run repeats one of the first, and the first
    /// one asks for page 4.
    @Test(arguments: styles)
    func aResumedRunStartsAtTheFirstPageItHasNotCommitted(_ style: String) async throws {
        let provider = try SyncProviderEmulation(SyncProviderEmulation.people(20))
        defer { provider.stop() }
        let store = try await SyncStoreTests.store(.sqlite)
        let account = SyncStoreTests.account()
        let pages = Count()
        let failing = try provider.reader(style, sync: SyncProviderEmulation.full) {
            if pages.next() == 4 { throw Interrupted() }
        }
        await #expect(throws: Interrupted.self) { _ = try await Self.run(store, account, failing) }
        let saved = try #require(try await store.checkpoint(account: account, resource: "people"))
        #expect(saved.pages == 3)
        let before = provider.requests
        #expect(before.count == 3, "\(style): three pages read before the kill")
        // Another process: a new reader, the checkpoint from the store.
        let counts = try await Self.run(store, account, try provider.reader(style, sync: SyncProviderEmulation.full))
        #expect(counts == SyncCounts(added: 14))
        let resumed = Array(provider.requests.dropFirst(before.count))
        #expect(Set(resumed).isDisjoint(with: before), "\(style): pages 1-3 read again: \(resumed)")
        let fourth = ["employees": "offset=6", "users": "page=4", "contacts": "cursor=p06", "tickets": "page=4", "groups": "page=4", "candidates": "\"n6\""]
        #expect(resumed.first?.contains(fourth[style]!) == true, "\(style): resumed at \(resumed.first ?? "-")")
        // Pages 4...10 (the page-number style also asks for the empty page 11 that ends its list).
        #expect(resumed.count == (style == "users" ? 8 : 7), "\(style): \(resumed)")
        let feed = try await store.changes(account: account, after: 0, resource: nil, limit: 100)
        #expect(feed.map(\.position) == Array(1...20))
        #expect(Set(feed.map(\.recordID)).count == 20 && feed.allSatisfy { $0.kind == .added })
    }

    /// Item 2: records sharing the high-water mark's timestamp, one of them updated at exactly that
    /// instant (written in another time zone) after its page was read, and a provider whose filter
    /// is exclusive (`updated_at > updated_after`). The next incremental run reports that update
    /// once; a run after it reports nothing.
    @Test(arguments: Backend.allCases)
    func anUpdateAtTheMarksExactTimeIsNeitherLostNorRepeated(_ backend: Backend) async throws {
        let mark = "2026-12-01T10:00:00Z"
        let provider = try SyncProviderEmulation(SyncProviderEmulation.people(6, updated: mark))
        defer { provider.stop() }
        let store = try await SyncStoreTests.store(backend)
        let account = SyncStoreTests.account()
        let sync = ResourceSync(
            pointer: "", mode: .incremental, cursorInput: "updatedAfter", cursorField: "updated_at", lookback: 0)
        // After page 2 (p03, p04) was read: p03 changes at the mark's instant, as 11:00 at +01:00.
        provider.before(request: 3) { people in people[2].name = "Changed at the mark"; people[2].updated = "2026-12-01T11:00:00+01:00" }
        let first = try await Self.run(store, account, try provider.reader("employees", sync: sync), fullScan: true)
        #expect(first == SyncCounts(added: 6))
        #expect(try await store.mark(account: account, resource: "people").flatMap(SyncMark.date) == SyncMark.date(mark))
        let second = try await Self.run(store, account, try provider.reader("employees", sync: sync), fullScan: false)
        #expect(second == SyncCounts(updated: 1))
        #expect(provider.requests.last?.contains("updated_after=") == true, "the incremental run sends the mark: \(provider.requests)")
        let third = try await Self.run(store, account, try provider.reader("employees", sync: sync), fullScan: false)
        #expect(third == SyncCounts())
        let feed = try await Self.feed(store, account)
        #expect(feed.count == 7)
        #expect(feed.filter { $0.hasPrefix("ADDED") }.count == 6)
        #expect(feed.last == "UPDATED p03 Changed at the mark")
    }

    /// Item 3: an offset-paged full scan during which the provider deletes a record
    /// on a page already read and inserts one before the read position. The deletion shifts the
    /// later records one place left, so the first pass skips p05, which existed throughout; the
    /// second pass (``SyncRunner/confirmDeletions``) finds it, so it is neither DELETED nor ADDED. The deleted p02 was read
    /// before its deletion, so the run after reports it, with the inserted p00.
    @Test func anOffsetScanUnderInsertsAndDeletesReportsNoFalseDeletion() async throws {
        let provider = try SyncProviderEmulation(SyncProviderEmulation.people(10))
        defer { provider.stop() }
        let store = try await SyncStoreTests.store(.sqlite)
        let account = SyncStoreTests.account()
        _ = try await Self.run(store, account, try provider.reader("employees", sync: SyncProviderEmulation.full))
        let before = provider.requests.count
        provider.before(request: before + 3) { people in people.removeAll { $0.id == "p02" } }
        provider.before(request: before + 4) { people in people.insert(Person(id: "p00", name: "Person 0", updated: "2026-12-02T10:00:00Z"), at: 0) }
        _ = try await Self.run(store, account, try provider.reader("employees", sync: SyncProviderEmulation.full))
        // p02 was read before it was deleted: the next complete read reports it, and adds p00.
        _ = try await Self.run(store, account, try provider.reader("employees", sync: SyncProviderEmulation.full))
        let feed = try await Self.feed(store, account, after: 10)
        #expect(feed.contains("DELETED p02 Person 2") && feed.contains("ADDED p00 Person 0"), "\(feed)")
        #expect(feed == ["ADDED p00 Person 0", "DELETED p02 Person 2"])
    }

    /// Item 3, the other side: a record really deleted is reported DELETED exactly once, by the run
    /// that first misses it (its second pass does not find it either), and a full scan that saw every
    /// record makes no second pass.
    @Test(arguments: Backend.allCases)
    func aRealDeletionIsReportedOnceByTheRunThatMissesIt(_ backend: Backend) async throws {
        let provider = try SyncProviderEmulation(SyncProviderEmulation.people(10))
        defer { provider.stop() }
        let store = try await SyncStoreTests.store(backend)
        let account = SyncStoreTests.account()
        _ = try await Self.run(store, account, try provider.reader("employees", sync: SyncProviderEmulation.full))
        // Pages of 2: offsets 0...8, and none after the short or empty last page.
        let onePass = provider.requests.count
        provider.people.removeAll { $0.id == "p05" }
        let second = try await Self.run(store, account, try provider.reader("employees", sync: SyncProviderEmulation.full))
        #expect(second == SyncCounts(deleted: 1))
        #expect(provider.requests.count - onePass > onePass - 1, "the second pass read the list again: \(provider.requests)")
        let third = provider.requests.count
        #expect(try await Self.run(store, account, try provider.reader("employees", sync: SyncProviderEmulation.full)) == SyncCounts())
        #expect(provider.requests.count - third <= onePass, "no second pass without candidates: \(provider.requests)")
        #expect(try await Self.feed(store, account, after: 10) == ["DELETED p05 Person 5"])
    }
}

extension JSONValue {
    fileprivate var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }
}
