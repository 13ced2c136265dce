@testable import ConnectorHub
import ConnectorHubStorage
import ConnectorRuntime
import Foundation
import Testing

/// The deadline of the PostgreSQL sync store's operations (SyncStoreDeadline.swift): it fires even
/// when the operation never returns, which a task group racing a sleep cannot do.
struct SyncStoreDeadlineTests {
    /// Stands in for a query whose promise PostgresNIO dropped (a mock: a real server cannot be
    /// made to drop a promise on demand; `SyncRestartTests` below does it with a real stop). It is
    /// resumed at the end, so the test leaves no task behind.
    final class NeverAnswers: @unchecked Sendable {
        private let lock = NSLock()
        private var waiting: CheckedContinuation<Void, Never>?
        private var resumed = false
        private(set) var sawCancellation = false

        func wait() async -> Int {
            await withCheckedContinuation { continuation in
                let now = lock.withLock {
                    if resumed { return true }
                    waiting = continuation
                    return false
                }
                if now { continuation.resume() }
            }
            lock.withLock { sawCancellation = Task.isCancelled }
            return 1
        }

        func release() {
            let continuation = lock.withLock {
                resumed = true
                defer { waiting = nil }
                return waiting
            }
            continuation?.resume()
        }
    }

    @Test func anOperationThatNeverAnswersFailsAtTheDeadlineAndIsCancelled() async throws {
        let never = NeverAnswers()
        let deadline = SyncStoreDeadline(seconds: 0.5)
        do {
            let value = try await deadline.run("commitPage") { _ in await never.wait() }
            Issue.record("the operation never answers, yet returned \(value)")
        } catch let error as SyncStoreUnavailable {
            #expect(error == SyncStoreUnavailable(operation: "commitPage", seconds: 0.5))
            #expect(error.description == "The sync database (PostgreSQL) did not answer within 0.5 s (commitPage).")
        }
        never.release()
        for _ in 0..<1_000 where !never.sawCancellation { try await Task.sleep(nanoseconds: 1_000_000) }  // a bound on polls
        #expect(never.sawCancellation, "the operation's task is cancelled at the deadline")
    }

    @Test func anOperationThatAnswersInTimeReturnsItsValueOrItsError() async throws {
        let deadline = SyncStoreDeadline(seconds: 60)
        #expect(try await deadline.run("mark") { _ in 7 } == 7)
        struct Refused: Error, Equatable {}
        await #expect(throws: Refused.self) { try await deadline.run("claim") { _ in throw Refused() } }
    }

    @Test func cancellingTheCallerCancelsTheOperation() async throws {
        let deadline = SyncStoreDeadline(seconds: 60)
        let caller = Task { try await deadline.run("claim") { _ in try await Task.sleep(nanoseconds: 60_000_000_000); return 1 } }
        caller.cancel()
        await #expect(throws: CancellationError.self) { try await caller.value }
    }

    @Test func theStatusSaysInPlainWordsThatTheDatabaseDidNotAnswer() {
        #expect(ConnectorHubService.syncFailureText(SyncStoreUnavailable(operation: "commitPage", seconds: 30))
            == "The Hub's database did not answer within 30 s while the sync was saving its work (commitPage). "
            + "The sync tries again at its next run, from the last saved page.")
    }
}

/// A sync store that stops the test PostgreSQL inside page `stopAt`'s transaction, just before its
/// `COMMIT`: the server closes the connection, and PostgresNIO never answers that `COMMIT`.
final class StopBeforeCommit: ForwardingSyncStore, @unchecked Sendable {
    let base: PostgresSyncStore
    let stopAt: Int
    private let lock = NSLock()
    private var pages = 0

    init(_ base: PostgresSyncStore, stopAt page: Int) {
        self.base = base
        self.stopAt = page
    }

    func commitPage(
        account: String, resource: String, records: [SyncRecordInput], checkpoint: SyncCheckpoint, lease: SyncLease?,
        beforeCommit: (@Sendable () async -> Void)?
    ) async throws -> SyncCounts {
        let page = lock.withLock { pages += 1; return pages }
        let stop: @Sendable () async -> Void = { try? SyncRestartTests.control("stop") }
        return try await base.commitPage(
            account: account, resource: resource, records: records, checkpoint: checkpoint, lease: lease,
            beforeCommit: page == stopAt ? stop : beforeCommit)
    }

    var forwarded: any SyncStore { base }
}

extension SyncRestartTests {
    /// PostgreSQL stopped while a page's transaction is open (inside it, before its `COMMIT`): the
    /// run fails with ``SyncStoreUnavailable`` at the store's deadline instead of hanging, releasing
    /// the job fails the same way, so the lease expires; once the server is back another owner
    /// claims the job and resumes from the last committed page, and the feed holds each record's
    /// `ADDED` exactly once. Without the deadline the run never ends (the guard below fails it).
    @Test func aStopDuringAPageCommitFailsTheRunAtTheDeadlineAndTheNextRunResumes() async throws {
        // A database of its own: a claim takes whatever job is due.
        let store = try await PostgresSyncStore.connect(
            url: try await SyncStoreTests.freshDatabaseURL("sync_deadline"), keys: .development, maximumConnections: 2, operationTimeout: 3)
        let provider = try SyncProviderEmulation(SyncProviderEmulation.people(20))
        defer { provider.stop() }
        let account = SyncStoreTests.account()
        try await store.schedule(account: account, resource: "people", interval: 3600)
        let first = try #require(try await store.claim(owner: "first", leaseSeconds: 2))
        let reader = try provider.reader("employees", sync: SyncProviderEmulation.full)
        let stopping = StopBeforeCommit(store, stopAt: 3)

        // A hang guard, not a time limit: a run that never ends fails here rather than blocking the suite.
        let guardrail = SyncStoreDeadline(seconds: 120)
        let started = Date()
        var failure: (any Error)?
        do {
            _ = try await guardrail.run("the first run") { _ in
                try await SyncRunner(store: stopping, account: account, resource: "people", lease: first).run(fullScan: true) {
                    next, mark in try await reader.page(next: next, startMark: mark)
                }
            }
        } catch {
            failure = error
        }
        let failedAfter = Date().timeIntervalSince(started)
        #expect(failure as? SyncStoreUnavailable == SyncStoreUnavailable(operation: "commitPage", seconds: 3), "\(String(describing: failure))")
        // The scheduler releases the job with the run's error: with the server down, that fails too.
        await #expect(throws: SyncStoreUnavailable.self) {
            _ = try await guardrail.run("complete") { _ in try await store.complete(first, error: "failed") }
        }
        try Self.control("start")

        // The first lease (2 s, on the database's clock) has expired: another owner takes the job.
        var second: SyncLease?
        for _ in 0..<100 where second == nil {  // a bound on attempts, not a time limit
            second = try? await store.claim(owner: "second", leaseSeconds: 300)
            if second == nil { try await Task.sleep(nanoseconds: 200_000_000) }
        }
        let lease = try #require(second, "the job is claimed again once the server is back")
        #expect(lease.epoch == first.epoch + 1)
        let saved = try #require(try await store.checkpoint(account: account, resource: "people"))
        #expect(saved.pages == 2, "pages 1 and 2 committed; page 3's transaction never did")
        let before = provider.requests.count
        _ = try await guardrail.run("the resumed run") { _ in
            try await SyncRunner(store: store, account: account, resource: "people", lease: lease).run(fullScan: true) {
                next, mark in try await reader.page(next: next, startMark: mark)
            }
        }
        #expect(provider.requests.dropFirst(before).first?.contains("offset=4") == true, "the resumed run starts at page 3: \(provider.requests)")
        #expect(try await store.complete(lease, error: nil))

        let feed = try await store.changes(account: account, after: 0, resource: nil, limit: 1_000)
        #expect(feed.map(\.position) == Array(1...20))
        #expect(feed.allSatisfy { $0.kind == .added })
        #expect(feed.map(\.recordID) == (1...20).map { String(format: "p%02d", $0) }, "each record ADDED once, in list order")
        #expect(try await store.checkpoint(account: account, resource: "people") == nil)
        await store.shutdown()
        print("SyncRestartTests: PostgreSQL stopped before page 3's COMMIT; the run failed after \(String(format: "%.1f", failedAfter)) s (deadline 3 s), and the next owner resumed at page 3")
    }
}
