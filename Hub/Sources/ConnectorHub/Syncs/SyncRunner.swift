import ConnectorHubStorage
import ConnectorRuntime
import Foundation

/// One page as a run reads it.
struct SyncPage: Sendable {
    var records: [SyncRecordInput]
    /// What the next request needs (cursor, offset, next URL); `nil` on the last page.
    var next: String?
    /// The highest cursor value on this page (`incremental`).
    var mark: String?
}

/// Runs one sync of one account's resource, page by page, resuming an interrupted run from its
/// checkpoint. Each page is committed with its checkpoint, in order; while a page commits, the next
/// one is read (its request needs only the page's `next`, not the commit) and prepared for the store
/// (``SyncStore/preparePage(account:resource:records:)``), so memory is two pages at most. A page
/// read ahead is committed only after the page before it was: when a commit fails, the run fails
/// with that error (the page read ahead is dropped, and its request, if still running, cancelled)
/// and the next run resumes from the last committed page.
struct SyncRunner: Sendable {
    let store: any SyncStore
    let account: String
    let resource: String
    let lease: SyncLease?

    /// A page as read and prepared for the store.
    private struct ReadPage: Sendable {
        var page: SyncPage
        var prepared: SyncPreparedPage
    }

    /// Reads pages from `fetch(next, startMark)` until the last, then finishes the run.
    func run(
        fullScan: Bool, fetch: @Sendable (_ next: String?, _ startMark: String?) async throws -> SyncPage
    ) async throws -> SyncCounts {
        var checkpoint: SyncCheckpoint
        if let saved = try await store.checkpoint(account: account, resource: resource) {
            checkpoint = saved
        } else {
            checkpoint = SyncCheckpoint(
                runID: UUID().uuidString, fullScan: fullScan, pages: 0, next: nil,
                startMark: fullScan ? nil : try await store.mark(account: account, resource: resource), runMark: nil)
        }
        var counts = SyncCounts()
        // A checkpoint after the last page (pages > 0, no next) only needs finishing.
        if checkpoint.pages == 0 || checkpoint.next != nil {
            let startMark = checkpoint.startMark
            let store = self.store
            let account = self.account
            let resource = self.resource
            @Sendable func read(_ next: String?) async throws -> ReadPage {
                let page = try await fetch(next, startMark)
                return ReadPage(page: page, prepared: try store.preparePage(account: account, resource: resource, records: page.records))
            }
            var current = try await read(checkpoint.next)
            while true {
                checkpoint.pages += 1
                checkpoint.next = current.page.next
                checkpoint.runMark = SyncMark.later(checkpoint.runMark, current.page.mark)
                guard let next = current.page.next else {
                    counts = counts + (try await store.commitPage(
                        account: account, resource: resource, prepared: current.prepared, checkpoint: checkpoint, lease: lease, beforeCommit: nil))
                    break
                }
                // The next page is read while this one commits; the commit is awaited first, so its
                // error wins, and leaving this scope cancels a read still running.
                async let ahead = read(next)
                counts = counts + (try await store.commitPage(
                    account: account, resource: resource, prepared: current.prepared, checkpoint: checkpoint, lease: lease, beforeCommit: nil))
                current = try await ahead
            }
        }
        counts = counts + (try await confirmDeletions(checkpoint, fetch: fetch))
        return counts + (try await store.finishRun(account: account, resource: resource, checkpoint: checkpoint, lease: lease))
    }
}

/// The worker process of the sync crash tests (`sync-worker`, Tests/Workers): runs one sync of a
/// generated account against a store and exits 0 when the run finished. Killed at any moment, the
/// next start resumes from the last committed page.
public enum SyncWorkerCommand {
    /// Arguments: `--sqlite PATH` or `--postgres URL`, `--account ID`, `--records N`,
    /// `--page-size N`, `--version V` (changes every record's content when it changes),
    /// `--pause-ms N` (between pages, to widen the kill windows). `--bench yes --postgres URL
    /// --records N --page-size N` runs ``SyncBench`` instead.
    public static func run(_ arguments: [String]) async -> Int32 {
        var options: [String: String] = [:]
        var index = 0
        while index + 1 < arguments.count {
            options[arguments[index]] = arguments[index + 1]
            index += 2
        }
        let account = options["--account"] ?? "worker"
        let total = Int(options["--records"] ?? "") ?? 100
        let pageSize = Int(options["--page-size"] ?? "") ?? 10
        let version = options["--version"] ?? "1"
        let pause = UInt64(options["--pause-ms"] ?? "") ?? 0
        do {
            if options["--bench"] != nil, let url = options["--postgres"] {
                try await SyncBench.run(url: url, records: total, pageSize: pageSize)
                return 0
            }
            let store: any SyncStore
            if let path = options["--sqlite"] {
                store = try SQLiteSyncStore(path: path, keys: .development)
            } else if let url = options["--postgres"] {
                store = try await PostgresSyncStore.connect(url: url, keys: .development, maximumConnections: 2)
            } else {
                FileHandle.standardError.write(Data("sync-worker: --sqlite PATH or --postgres URL\n".utf8))
                return 64
            }
            let counts = try await SyncRunner(store: store, account: account, resource: "people", lease: nil).run(fullScan: true) { next, _ in
                let offset = Int(next ?? "0") ?? 0
                if pause > 0 { try await Task.sleep(nanoseconds: pause * 1_000_000) }
                let ids = offset..<min(offset + pageSize, total)
                let records = ids.map { id in
                    SyncRecordInput(id: String(format: "%08d", id), record: .object([
                        "id": .integer(id), "name": .string("person \(id)"), "version": .string(version),
                    ]))
                }
                return SyncPage(records: records, next: ids.upperBound < total ? String(ids.upperBound) : nil, mark: nil)
            }
            print("done added=\(counts.added) updated=\(counts.updated) deleted=\(counts.deleted)")
            return 0
        } catch {
            FileHandle.standardError.write(Data("sync-worker: \(error)\n".utf8))
            return 1
        }
    }
}
