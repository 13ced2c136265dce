import ConnectorHubStorage
import Foundation
import GRDB
import PostgresNIO

/// The stored records a full scan has not seen (yet): the candidates for DELETED that
/// ``SyncRunner`` confirms with a second pass before ``SyncStore/finishRun`` reports them
/// (docs/syncs.md, "Deletions under offset paging").
protocol SyncUnseenRecords: Sendable {
    /// Up to `limit` ids of the resource's current records not seen by run `runID`, ordered by id.
    func unseenIDs(account: String, resource: String, runID: String, limit: Int) async throws -> [String]
}

extension SQLiteSyncStore: SyncUnseenRecords {
    func unseenIDs(account: String, resource: String, runID: String, limit: Int) async throws -> [String] {
        try await pool.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT id FROM hub_sync_records WHERE account = ? AND resource = ? AND deleted = 0
                    AND (seen_run IS NULL OR seen_run <> ?) ORDER BY id LIMIT ?
                    """,
                arguments: [account, resource, runID, limit])
        }
    }
}

extension PostgresSyncStore: SyncUnseenRecords {
    func unseenIDs(account: String, resource: String, runID: String, limit: Int) async throws -> [String] {
        try await query(
            """
            SELECT id FROM hub_sync_records WHERE account = \(account) AND resource = \(resource) AND NOT deleted
            AND seen_run IS DISTINCT FROM \(runID) ORDER BY id LIMIT \(limit)
            """
        ) { rows in
            var ids: [String] = []
            for try await id in rows.decode(String.self) { ids.append(id) }
            return ids
        }
    }
}

extension SyncRunner {
    /// The most candidates held in memory for the second pass's early stop. With more, the pass
    /// reads the whole list (it still confirms every record it finds).
    static let confirmationLimit = 1_000

    /// The second pass of a full scan that left stored records unseen: the list is read again from
    /// its first page and every page committed with the run's id (a record found is kept, and
    /// UPDATED if it changed), until every candidate was found or the list ends. What is still
    /// unseen then is what ``SyncStore/finishRun`` reports DELETED. Offset and page-number lists
    /// shift left when a record before the read position is deleted, so the first pass can skip a
    /// record that existed throughout; it would have to be skipped by both passes to be reported.
    /// At most one extra read of the list per run, and none when the first pass saw every record.
    func confirmDeletions(
        _ checkpoint: SyncCheckpoint, fetch: @Sendable (_ next: String?, _ startMark: String?) async throws -> SyncPage
    ) async throws -> SyncCounts {
        guard checkpoint.fullScan, let unseen = store as? any SyncUnseenRecords else { return SyncCounts() }
        let ids = try await unseen.unseenIDs(account: account, resource: resource, runID: checkpoint.runID, limit: Self.confirmationLimit + 1)
        guard !ids.isEmpty else { return SyncCounts() }
        // Beyond the limit, not every candidate is known: no early stop.
        var missing = ids.count > Self.confirmationLimit ? nil : Set(ids)
        var counts = SyncCounts()
        var next: String?
        repeat {
            let page = try await fetch(next, checkpoint.startMark)
            next = page.next
            // The finished scan's checkpoint: a run interrupted here resumes with this pass.
            counts = counts + (try await store.commitPage(
                account: account, resource: resource, records: page.records, checkpoint: checkpoint, lease: lease))
            for record in page.records { missing?.remove(record.id) }
        } while next != nil && missing?.isEmpty != true
        return counts
    }
}
