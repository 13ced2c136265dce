@testable import ConnectorHub
import ConnectorRuntime
import Foundation
import Testing

/// ``SyncRunner`` reads (and prepares) the next page while a page commits, and still commits pages
/// in order, each with its checkpoint: a failed commit fails the run with its own error, and the
/// next run resumes after the last committed page, with no page lost or repeated in the feed.
@Suite struct SyncRunnerReadAheadTests {
    struct InjectedCommitFailure: Error {}

    /// A store that runs `hook(page)` (1-based, in commit order) before each page's commit, and
    /// otherwise forwards to `base`, prepared pages included.
    final class CommitHook: ForwardingSyncStore, @unchecked Sendable {
        let base: any SyncStore
        let hook: @Sendable (Int) async throws -> Void
        private let lock = NSLock()
        private var pages = 0

        init(_ base: any SyncStore, hook: @escaping @Sendable (Int) async throws -> Void) {
            self.base = base
            self.hook = hook
        }

        private func next() -> Int { lock.withLock { pages += 1; return pages } }

        func preparePage(account: String, resource: String, records: [SyncRecordInput]) throws -> SyncPreparedPage {
            try base.preparePage(account: account, resource: resource, records: records)
        }

        func commitPage(
            account: String, resource: String, prepared page: SyncPreparedPage, checkpoint: SyncCheckpoint, lease: SyncLease?,
            beforeCommit: (@Sendable () async -> Void)?
        ) async throws -> SyncCounts {
            try await hook(next())
            return try await base.commitPage(
                account: account, resource: resource, prepared: page, checkpoint: checkpoint, lease: lease, beforeCommit: beforeCommit)
        }

        func commitPage(
            account: String, resource: String, records: [SyncRecordInput], checkpoint: SyncCheckpoint, lease: SyncLease?,
            beforeCommit: (@Sendable () async -> Void)?
        ) async throws -> SyncCounts {
            try await hook(next())
            return try await base.commitPage(
                account: account, resource: resource, records: records, checkpoint: checkpoint, lease: lease, beforeCommit: beforeCommit)
        }

        var forwarded: any SyncStore { base }
    }

    static let ids = (0..<50).map { String(format: "%02d", $0) }

    /// Pages of 10 of ``ids``, each request noted in `requests` when it starts.
    static func page(_ next: String?, _ requests: SyncRunnerResumeTests.Requests) -> SyncPage {
        requests.add(next)
        let offset = Int(next ?? "0") ?? 0
        let slice = ids[offset..<min(offset + 10, ids.count)]
        return SyncPage(
            records: slice.map { SyncStoreTests.user($0, "n") }, next: slice.endIndex < ids.count ? String(slice.endIndex) : nil, mark: nil)
    }

    @Test(arguments: SyncStoreTests.Backend.allCases)
    func theNextPageIsReadWhileAPageCommits(_ backend: SyncStoreTests.Backend) async throws {
        let base = try await SyncStoreTests.store(backend)
        let account = SyncStoreTests.account()
        let requests = SyncRunnerResumeTests.Requests()
        let overlapped = SyncRunnerResumeTests.Requests()
        // Each page's commit waits for the next page's request before it goes on (at most 1,000
        // polls, a bound on attempts, not a time limit): a runner that read only after the commit
        // never shows it.
        let store = CommitHook(base) { page in
            let expected = page * 10 < Self.ids.count ? String(page * 10) : nil
            guard let expected else { return }
            for _ in 0..<1_000 where !requests.all.contains(expected) { try await Task.sleep(nanoseconds: 5_000_000) }
            if requests.all.contains(expected) { overlapped.add(expected) }
        }
        let counts = try await SyncRunner(store: store, account: account, resource: "users", lease: nil).run(fullScan: true) { next, _ in
            Self.page(next, requests)
        }
        #expect(counts == SyncCounts(added: 50))
        #expect(overlapped.all == ["10", "20", "30", "40"], "pages 2-5 were requested while the page before them committed")
        #expect(requests.all == [nil, "10", "20", "30", "40"], "each page requested once")
        let feed = try await base.changes(account: account, after: 0, resource: nil, limit: 100)
        #expect(feed.map(\.position) == Array(1...50))
        #expect(feed.map(\.recordID) == Self.ids, "ADDED once each, in list order")
    }

    @Test(arguments: SyncStoreTests.Backend.allCases)
    func aFailedCommitFailsTheRunAndThePageReadAheadIsReadAgain(_ backend: SyncStoreTests.Backend) async throws {
        let base = try await SyncStoreTests.store(backend)
        let account = SyncStoreTests.account()
        let requests = SyncRunnerResumeTests.Requests()
        // Page 2's commit fails once page 3's request has started (the read ahead, which succeeds).
        let failing = CommitHook(base) { page in
            guard page == 2 else { return }
            for _ in 0..<1_000 where !requests.all.contains("20") { try await Task.sleep(nanoseconds: 5_000_000) }
            throw InjectedCommitFailure()
        }
        await #expect(throws: InjectedCommitFailure.self) {
            _ = try await SyncRunner(store: failing, account: account, resource: "users", lease: nil).run(fullScan: true) { next, _ in
                Self.page(next, requests)
            }
        }
        #expect(requests.all == [nil, "10", "20"], "page 3 was read ahead while page 2 committed")
        let saved = try #require(try await base.checkpoint(account: account, resource: "users"))
        #expect(saved.pages == 1 && saved.next == "10", "only page 1 and its checkpoint are committed")
        #expect(try await base.lastPosition(account: account) == 10)

        let counts = try await SyncRunner(store: base, account: account, resource: "users", lease: nil).run(fullScan: true) { next, _ in
            Self.page(next, requests)
        }
        #expect(Array(requests.all.dropFirst(3)) == ["10", "20", "30", "40"], "the resumed run starts at page 2")
        #expect(counts == SyncCounts(added: 40))
        let feed = try await base.changes(account: account, after: 0, resource: nil, limit: 100)
        #expect(feed.map(\.position) == Array(1...50))
        #expect(feed.map(\.recordID) == Self.ids, "no page lost or repeated")
        #expect(try await base.checkpoint(account: account, resource: "users") == nil)
    }
}
