import ConnectorHubStorage
import ConnectorRuntime
import Foundation
import Logging
import NIOCore
import PostgresNIO
#if canImport(Glibc)
import Glibc
#endif

/// `sync-worker --bench`: a full sync of N generated records and an incremental sync after 1% of
/// them changed, through ``SyncRunner`` and ``PostgresSyncStore``, against a hand-written page loop
/// that upserts the same pages with `INSERT … ON CONFLICT` into the same database (no change log,
/// no sealing, no fingerprints): time ratio, peak memory, rows written per change.
enum SyncBench {
    static func record(_ id: Int, version: Int) -> JSONValue {
        .object([
            "id": .integer(id), "first_name": .string("First\(id)"), "last_name": .string("Last\(id)"),
            "email": .string("person\(id)@example.com"), "department": .string("Dept \(id % 40)"),
            "updated_at": .string("2026-12-0\(1 + version % 9)T10:00:00Z"), "version": .integer(version),
        ])
    }

    /// Records changed by the incremental run: every 100th.
    static func changed(_ id: Int) -> Bool { id % 100 == 0 }

    static func peakRSSMiB() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    /// CPU seconds (user and system) the process has used so far.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func value(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return value(usage.ru_utime) + value(usage.ru_stime)
    }

    /// CPU seconds (user and system) of process `pid` on this machine (`/proc`), or `nil`: the
    /// bench's PostgreSQL backend, when the server runs here (`scripts/postgres.sh`).
    static func processCPUSeconds(_ pid: Int) -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = text.lastIndex(of: ")") else {
            return nil
        }
        // After the command's ")": the state (field 3) first; utime and stime are fields 14 and 15.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    static func seconds(_ work: () async throws -> Void) async rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try await work()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    static func run(url: String, records total: Int, pageSize: Int) async throws {
        // One connection, so one server backend runs the syncs and the loop, whose CPU is measured.
        let store = try await PostgresSyncStore.connect(url: url, keys: .development, maximumConnections: 1)
        let logger = Logger(label: "sync-bench")
        func backendPID() async throws -> Int? {
            for try await pid in try await store.client.query("SELECT pg_backend_pid()", logger: logger).decode(Int32.self) { return Int(pid) }
            return nil
        }
        let account = "bench-\(UUID().uuidString.prefix(8))"
        let ids = Array(0..<total)
        let changedIDs = ids.filter(changed)
        func pages(_ list: [Int], version: @escaping @Sendable (Int) -> Int) -> @Sendable (String?, String?) async throws -> SyncPage {
            { next, _ in
                let offset = Int(next ?? "0") ?? 0
                let slice = list[offset..<min(offset + pageSize, list.count)]
                let records = slice.map { SyncRecordInput(id: String($0), record: record($0, version: version($0))) }
                return SyncPage(records: records, next: slice.endIndex < list.count ? String(slice.endIndex) : nil, mark: nil)
            }
        }
        let runner = SyncRunner(store: store, account: account, resource: "employees", lease: nil)
        var fullCounts = SyncCounts()
        var incrementalCounts = SyncCounts()
        let syncPID = try await backendPID()
        let syncServerCPU = syncPID.flatMap(processCPUSeconds)
        let syncCPU = cpuSeconds()
        let fullSync = try await seconds { fullCounts = try await runner.run(fullScan: true, fetch: pages(ids) { _ in 1 }) }
        let incrementalSync = try await seconds {
            incrementalCounts = try await runner.run(fullScan: false, fetch: pages(changedIDs) { _ in 2 })
        }
        let syncRSS = peakRSSMiB()
        let loopCPU = cpuSeconds()
        let loopServerCPU = syncPID.flatMap(processCPUSeconds)

        // The hand-written loop: the same pages, serialised the same way, upserted in one statement each.
        try await store.client.query(
            "CREATE TABLE IF NOT EXISTS bench_plain_records (account text, id text, body text, PRIMARY KEY (account, id))", logger: logger)
        func plain(_ list: [Int], version: Int) async throws {
            var offset = 0
            while offset < list.count {
                let slice = list[offset..<min(offset + pageSize, list.count)]
                let keys = slice.map(String.init)
                let bodies = slice.map { record($0, version: version).description }
                try await store.client.query(
                    """
                    INSERT INTO bench_plain_records (account, id, body) SELECT \(account), u.id, u.body
                    FROM unnest(\(keys)::text[], \(bodies)::text[]) AS u(id, body)
                    ON CONFLICT (account, id) DO UPDATE SET body = excluded.body
                    """,
                    logger: logger)
                offset = slice.endIndex
            }
        }
        let fullPlain = try await seconds { try await plain(ids, version: 1) }
        let incrementalPlain = try await seconds { try await plain(changedIDs, version: 2) }
        let endCPU = cpuSeconds()
        let endServerCPU = try await backendPID() == syncPID ? syncPID.flatMap(processCPUSeconds) : nil

        let fullPages = (total + pageSize - 1) / pageSize
        let incrementalPages = (changedIDs.count + pageSize - 1) / pageSize
        // Rows written: records and changes per change, plus the feed row and the state row per page
        // and once more at the end of the run.
        let fullRows = 2 * fullCounts.total + 2 * fullPages + 2
        let incrementalRows = 2 * incrementalCounts.total + 2 * incrementalPages + 2
        func line(_ name: String, _ ours: Double, _ theirs: Double, _ counts: SyncCounts, _ rows: Int) -> String {
            String(
                format: "%@: sync %.2f s, INSERT … ON CONFLICT loop %.2f s, ratio %.2fx; %d changes (%d added, %d updated), %.2f rows written per change",
                name, ours, theirs, ours / max(theirs, 1e-9), counts.total, counts.added, counts.updated,
                Double(rows) / Double(max(counts.total, 1)))
        }
        print("sync bench: \(total) records, pages of \(pageSize), PostgreSQL")
        print(line("full sync", fullSync, fullPlain, fullCounts, fullRows))
        print(line("incremental after 1% changed", incrementalSync, incrementalPlain, incrementalCounts, incrementalRows))
        print(String(format: "peak RSS after the syncs: %.1f MiB (two pages in memory at most)", syncRSS))
        print(String(
            format: "CPU of this process (user and system): syncs %.2f s in %.2f s, loop %.2f s in %.2f s",
            loopCPU - syncCPU, fullSync + incrementalSync, endCPU - loopCPU, fullPlain + incrementalPlain))
        if let syncServerCPU, let loopServerCPU, let endServerCPU {
            let syncs = loopServerCPU - syncServerCPU
            let loop = endServerCPU - loopServerCPU
            print(String(
                format: "CPU of the PostgreSQL backend (user and system): syncs %.2f s, loop %.2f s, ratio %.2fx", syncs, loop, syncs / max(loop, 1e-9)))
        }
        guard fullCounts.added == total, incrementalCounts.updated == changedIDs.count else {
            throw SyncStoreError(description: "The bench's syncs produced \(fullCounts) and \(incrementalCounts).")
        }
        await store.shutdown()
    }
}
