@testable import ConnectorHub
import ConnectorRuntime
import Foundation
import Testing

/// A run that fails after two committed pages resumes at the third page: the pages before are not
/// read again, and the run id (so a full scan's deletions) carries over; a record missing after the
/// resumed scan is confirmed by the second pass, then DELETED once.
@Suite struct SyncRunnerResumeTests {
    final class Requests: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [String?] = []
        func add(_ next: String?) { lock.withLock { list.append(next) } }
        var all: [String?] { lock.withLock { list } }
    }

    struct Interrupted: Error {}

    @Test(arguments: SyncStoreTests.Backend.allCases)
    func aFailedRunResumesFromTheLastCommittedPage(_ backend: SyncStoreTests.Backend) async throws {
        let store = try await SyncStoreTests.store(backend)
        let account = SyncStoreTests.account()
        // Stored before: record "gone" must be DELETED by the resumed full scan.
        let before = SyncStoreTests.run(fullScan: true)
        _ = try await store.commitPage(account: account, resource: "users", records: [SyncStoreTests.user("gone", "x")], checkpoint: before)
        _ = try await store.finishRun(account: account, resource: "users", checkpoint: before)
        let runner = SyncRunner(store: store, account: account, resource: "users", lease: nil)
        let requests = Requests()
        let ids = (0..<50).map { String(format: "%02d", $0) }
        @Sendable func page(_ next: String?, failAt: Int?) throws -> SyncPage {
            requests.add(next)
            let offset = Int(next ?? "0") ?? 0
            if offset == failAt { throw Interrupted() }
            let slice = ids[offset..<min(offset + 10, ids.count)]
            return SyncPage(
                records: slice.map { SyncStoreTests.user($0, "n") }, next: slice.endIndex < ids.count ? String(slice.endIndex) : nil, mark: nil)
        }
        await #expect(throws: Interrupted.self) {
            _ = try await runner.run(fullScan: true) { next, _ in try page(next, failAt: 20) }
        }
        let saved = try #require(try await store.checkpoint(account: account, resource: "users"))
        #expect(saved.pages == 2 && saved.next == "20")
        let counts = try await runner.run(fullScan: true) { next, _ in try page(next, failAt: nil) }
        // The resumed run reads pages 3-5 only; "gone" was not seen, so the scan's second pass
        // (SyncRunner.confirmDeletions, docs/syncs.md) reads the list once more before DELETED.
        #expect(requests.all == [nil, "10", "20", "20", "30", "40", nil, "10", "20", "30", "40"])
        #expect(counts == SyncCounts(added: 30, deleted: 1))
        let feed = try await store.changes(account: account, after: 0, resource: nil, limit: 100)
        #expect(feed.filter { $0.kind == .added }.count == 51)
        #expect(feed.filter { $0.kind == .deleted }.map(\.recordID) == ["gone"])
        #expect(try await store.checkpoint(account: account, resource: "users") == nil)
    }
}
