@testable import ConnectorHub
import ConnectorCompilerCore
import ConnectorHubStorage
import ConnectorRuntime
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// PostgreSQL restarted in the middle of a sync (`make hub-sync-crash-test`, run alone: it stops
/// the shared test server). Each trial stops the server between two pages, at a page that varies
/// from trial to trial, and starts it again a second later; the run's next commit finds every
/// pooled connection dead and must reconnect, or fail (the run is then run again, as the
/// scheduler would). Either way the feed must end exactly as without the restart: one ADDED per
/// record in the first run, one UPDATED per record in the second, positions without a gap, no
/// checkpoint left. `SYNC_RESTART_TRIALS` trials (default 6).
@Suite(.serialized)
struct SyncRestartTests {
    static func control(_ action: String) throws {
        guard let control = ProcessInfo.processInfo.environment["CONNECTOR_TEST_POSTGRES_CONTROL"] else {
            throw ServerError("CONNECTOR_TEST_POSTGRES_CONTROL is not set: run under scripts/postgres.sh (make hub-sync-crash-test).")
        }
        // system(3), output to /dev/null: the server pg_ctl starts must not hold the test's pipes.
        let status = system(control + " " + action + " >/dev/null 2>&1")
        guard status == 0 else { throw ServerError("postgres \(action) failed (\(status))") }
    }

    final class Restarts: @unchecked Sendable {
        private let lock = NSLock()
        private var pages = 0
        private(set) var count = 0

        /// Before page `at` of the run is read: stops the server, and starts it again a second
        /// later (the pool's connections are then all dead). The runner reads a page while the
        /// page before it commits, so the stop can also meet that commit in flight; the commit then
        /// fails, and the runner cancels this read: the server is started again all the same (the
        /// pause is an unstructured task, which does not inherit the cancellation; with
        /// `Task.sleep` here the cancelled read left the server stopped, and every later attempt
        /// of the run failed). A stop while a commit is in flight, held open on purpose:
        /// `aStopDuringAPageCommitFailsTheRunAtTheDeadlineAndTheNextRunResumes`.
        func beforePage(at: Int) async throws {
            let page = lock.withLock { pages += 1; return pages }
            guard page == at else { return }
            lock.withLock { count += 1 }
            try SyncRestartTests.control("stop")
            await Task.detached { try? await Task.sleep(nanoseconds: 1_000_000_000) }.value
            try SyncRestartTests.control("start")
        }
    }

    struct TooSlow: Error {}

    /// Runs `body`, failing with ``TooSlow`` after `seconds` (a run that hangs fails the test
    /// instead of blocking the suite). Not a task group: a group waits for a body that never returns.
    static func within(_ seconds: Double, _ body: @escaping @Sendable () async throws -> Void) async throws {
        do {
            try await SyncStoreDeadline(seconds: seconds).run("test") { _ in try await body() }
        } catch is SyncStoreUnavailable {
            throw TooSlow()
        }
    }

    static var trials: Int { Int(ProcessInfo.processInfo.environment["SYNC_RESTART_TRIALS"] ?? "") ?? 6 }

    @Test func aSyncAcrossAPostgresRestartLosesAndRepeatsNothing() async throws {
        let url = try SyncStoreTests.postgresURL()
        var restarts = 0
        var failedRuns = 0
        for trial in 0..<Self.trials {
            let provider = try SyncProviderEmulation(SyncProviderEmulation.people(20))
            defer { provider.stop() }
            let store = try await PostgresSyncStore.connect(url: url, keys: .development, maximumConnections: 2)
            let account = SyncStoreTests.account()
            for version in 1...2 {
                if version == 2 { provider.people = provider.people.map { var person = $0; person.name += " v2"; return person } }
                let restart = Restarts()
                var finished = false
                for attempt in 0..<10 where !finished {
                    let reader = try provider.reader("employees", sync: SyncProviderEmulation.full) {
                        if attempt == 0 { try await restart.beforePage(at: 2 + (trial + version) % 8) }
                    }
                    do {
                        try await Self.within(30) {
                            _ = try await SyncRunner(store: store, account: account, resource: "people", lease: nil).run(fullScan: true) {
                                next, mark in try await reader.page(next: next, startMark: mark)
                            }
                        }
                        finished = true
                    } catch {
                        failedRuns += 1
                        try await Task.sleep(nanoseconds: 200_000_000)
                    }
                }
                restarts += restart.count
                #expect(finished, "trial \(trial): the run finishes once the server is back")
            }
            let feed = try await store.changes(account: account, after: 0, resource: nil, limit: 1_000)
            #expect(feed.map(\.position) == Array(1...40), "trial \(trial)")
            let added = feed.filter { $0.kind == .added }.map(\.recordID)
            let updated = feed.filter { $0.kind == .updated }
            #expect(added.count == 20 && Set(added).count == 20, "trial \(trial)")
            #expect(updated.count == 20 && Set(updated.map(\.recordID)).count == 20, "trial \(trial)")
            #expect(updated.allSatisfy { ($0.record["first_name"]).map { "\($0)".contains("v2") } ?? false })
            #expect(try await store.checkpoint(account: account, resource: "people") == nil)
            await store.shutdown()
        }
        #expect(restarts == 2 * Self.trials, "every run saw a restart")
        print("SyncRestartTests: \(Self.trials) trials, \(restarts) PostgreSQL restarts mid-sync, \(failedRuns) runs failed and were run again, no change lost or repeated")
    }
}
