@testable import ConnectorHub
import ConnectorHubStorage
import ConnectorRuntime
import Foundation
import Testing

/// The scheduler's job queue on the real PostgreSQL server (and SQLite): one holder per job at a
/// time, and a holder that lost its lease cannot write.
@Suite(.serialized)
struct SyncJobTests {
    typealias Backend = SyncStoreTests.Backend

    static func queue(_ backend: Backend) async throws -> any SyncStore & SyncJobQueue {
        switch backend {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("jobs-\(UUID().uuidString).sqlite").path
            return try SQLiteSyncStore(path: path, keys: .development)
        case .postgres:
            return try await PostgresSyncStore.connect(url: try SyncStoreTests.postgresURL(), keys: .development, maximumConnections: 2)
        }
    }

    /// Who holds which job now, and every overlap seen.
    final class Holders: @unchecked Sendable {
        private let lock = NSLock()
        private var held: [String: String] = [:]
        private(set) var overlaps: [String] = []
        private(set) var runs: [String: Int] = [:]

        func start(_ job: String, _ owner: String) {
            lock.withLock {
                if let other = held[job] { overlaps.append("\(job): \(owner) while \(other)") }
                held[job] = owner
            }
        }

        func end(_ job: String) {
            lock.withLock {
                held[job] = nil
                runs[job, default: 0] += 1
            }
        }

        func count(_ job: String) -> Int { lock.withLock { runs[job] ?? 0 } }
        var snapshot: (overlaps: [String], runs: [String: Int]) { lock.withLock { (overlaps, runs) } }
    }

    /// Eight claimers, each with its own connection pool (as separate Hub processes would have),
    /// race for five jobs that are due again as soon as they finish. No job is ever held twice.
    @Test(arguments: Backend.allCases)
    func racingClaimersNeverHoldOneJobTwice(_ backend: Backend) async throws {
        let account = SyncStoreTests.account()
        let setup = try await Self.queue(backend)
        let jobs = (0..<5).map { "resource\($0)" }
        for job in jobs { try await setup.schedule(account: account, resource: job, interval: 0) }
        let claimers: [any SyncStore & SyncJobQueue] = backend == .sqlite
            ? Array(repeating: setup, count: 8)
            : try await (0..<8).asyncMap { _ in try await Self.queue(.postgres) }
        let holders = Holders()
        let target = 6
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, queue) in claimers.enumerated() {
                group.addTask {
                    let owner = "claimer-\(index)"
                    var idle = 0
                    while idle < 200 {
                        guard let lease = try await queue.claim(owner: owner, leaseSeconds: 60) else {
                            idle += 1
                            try await Task.sleep(nanoseconds: 2_000_000)
                            continue
                        }
                        idle = 0
                        let job = lease.resource
                        guard lease.account == account else { _ = try await queue.complete(lease, error: nil); continue }
                        holders.start(job, owner)
                        try await Task.sleep(nanoseconds: UInt64.random(in: 0...3_000_000))
                        holders.end(job)
                        let done = holders.count(job) >= target
                        if done { _ = try await queue.setPaused(true, account: account, resource: job) }
                        #expect(try await queue.complete(lease, error: nil))
                        if jobs.allSatisfy({ holders.count($0) >= target }) { return }
                    }
                }
            }
            try await group.waitForAll()
        }
        let result = holders.snapshot
        #expect(result.overlaps == [])
        for job in jobs { #expect((result.runs[job] ?? 0) >= target, "\(job) ran \(result.runs[job] ?? 0) times") }
        let status = try await setup.status(account: account)
        #expect(status.map(\.resource) == jobs)
        #expect(status.allSatisfy { $0.paused && !$0.running && $0.runs >= Int64(target) })
    }

    /// A holder whose lease expired and was taken over cannot commit a page, finish the run or
    /// release the job; the new holder can.
    @Test(arguments: Backend.allCases)
    func aHolderThatLostItsLeaseCannotWrite(_ backend: Backend) async throws {
        let queue = try await Self.queue(backend)
        let account = SyncStoreTests.account()
        try await queue.schedule(account: account, resource: "users", interval: 3600)
        let stale = try #require(try await Self.claim(queue, owner: "slow", account: account, leaseSeconds: 60))
        // Nobody else can take it while the lease runs.
        #expect(try await Self.claim(queue, owner: "other", account: account, leaseSeconds: 1) == nil)
        // Then the lease is cut to 1 s and runs out (a 1-second lease from the start could expire
        // before the check above on a loaded machine).
        #expect(try await queue.renew(stale, leaseSeconds: 1))
        try await Task.sleep(nanoseconds: 1_500_000_000)
        let fresh = try #require(try await Self.claim(queue, owner: "fast", account: account, leaseSeconds: 60))
        #expect(fresh.epoch == stale.epoch + 1)
        let run = SyncStoreTests.run(fullScan: true)
        await #expect(throws: SyncLeaseLost.self) {
            _ = try await queue.commitPage(account: account, resource: "users", records: [SyncStoreTests.user("1", "Ada")], checkpoint: run, lease: stale)
        }
        await #expect(throws: SyncLeaseLost.self) {
            _ = try await queue.finishRun(account: account, resource: "users", checkpoint: run, lease: stale)
        }
        #expect(try await queue.changes(account: account, after: 0, resource: nil, limit: 10).isEmpty)
        #expect(try await queue.checkpoint(account: account, resource: "users") == nil)
        #expect(try await !queue.renew(stale, leaseSeconds: 60))
        #expect(try await !queue.complete(stale, error: "late"))
        #expect(try await queue.commitPage(account: account, resource: "users", records: [SyncStoreTests.user("1", "Ada")], checkpoint: run, lease: fresh) == SyncCounts(added: 1))
        #expect(try await queue.complete(fresh, error: nil))
        // Done: not due for an hour, unless run now; paused jobs are never claimed.
        #expect(try await Self.claim(queue, owner: "x", account: account, leaseSeconds: 60) == nil)
        #expect(try await queue.setPaused(true, account: account, resource: "users"))
        #expect(try await queue.runNow(account: account, resource: "users"))
        #expect(try await Self.claim(queue, owner: "x", account: account, leaseSeconds: 60) == nil)
        #expect(try await queue.setPaused(false, account: account, resource: "users"))
        #expect(try await Self.claim(queue, owner: "x", account: account, leaseSeconds: 60) != nil)
        #expect(try await !queue.runNow(account: account, resource: "groups"))
    }

    /// Claims until a job of `account` comes (other tests' jobs in the shared database are put back).
    static func claim(_ queue: any SyncJobQueue, owner: String, account: String, leaseSeconds: Int) async throws -> SyncLease? {
        var others: [SyncLease] = []
        var found: SyncLease?
        while let lease = try await queue.claim(owner: owner, leaseSeconds: leaseSeconds) {
            if lease.account == account {
                found = lease
                break
            }
            others.append(lease)
        }
        for lease in others { _ = try await queue.complete(lease, error: nil) }
        return found
    }
}

extension Sequence where Element: Sendable {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
