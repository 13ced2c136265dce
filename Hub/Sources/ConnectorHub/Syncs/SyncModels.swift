import ConnectorHubStorage
import ConnectorRuntime
import Foundation

// The values a sync stores and the change feed returns (see docs/syncs.md). A record is keyed by
// account, resource and id; a change has a position in its account's feed.

/// What happened to a record.
enum SyncChangeKind: String, Sendable, Codable, CaseIterable {
    case added = "ADDED"
    case updated = "UPDATED"
    case deleted = "DELETED"
}

/// A record read from the provider in one page of a run.
struct SyncRecordInput: Sendable {
    var id: String
    var record: JSONValue
    /// The provider marks it deleted (`deletions: flag`).
    var deleted: Bool = false
}

/// One entry of an account's change feed.
struct SyncChange: Sendable, Equatable {
    /// Position in the account's feed: 1, 2, 3... without gaps, in commit order.
    var position: Int64
    var resource: String
    var recordID: String
    var kind: SyncChangeKind
    /// The record as this change wrote it (for `DELETED`, as it was last seen): a later change of
    /// the record does not alter it.
    var record: JSONValue
}

/// Where an interrupted run resumes: written with each committed page, in the same transaction.
struct SyncCheckpoint: Sendable, Codable, Equatable {
    /// The run; records seen by it carry this id, so a full scan finds the unseen (deleted) ones.
    var runID: String
    /// Whether this run reads every record (deletions by difference apply at its end).
    var fullScan: Bool
    /// Pages committed so far.
    var pages: Int
    /// What the next page request needs (a cursor, an offset, a next URL), opaque to the store;
    /// `nil` after the last page.
    var next: String?
    /// The high-water mark the run started from (its cursor input).
    var startMark: String?
    /// The highest cursor value seen by this run so far.
    var runMark: String?
}

/// Counts of one page or run.
struct SyncCounts: Sendable, Equatable, Codable {
    var added = 0
    var updated = 0
    var deleted = 0

    var total: Int { added + updated + deleted }

    mutating func add(_ kind: SyncChangeKind, count: Int = 1) {
        switch kind {
        case .added: added += count
        case .updated: updated += count
        case .deleted: deleted += count
        }
    }

    static func + (lhs: SyncCounts, rhs: SyncCounts) -> SyncCounts {
        SyncCounts(added: lhs.added + rhs.added, updated: lhs.updated + rhs.updated, deleted: lhs.deleted + rhs.deleted)
    }
}

/// A record as stored.
struct StoredRecord: Sendable {
    var keyID: String
    var fingerprint: Data
    var deleted: Bool
}

/// Which change (if any) a record read now makes against what is stored. An unchanged record makes
/// none; a record deleted before it was ever stored makes none. The SQLite store calls it; the
/// PostgreSQL store's page statement makes the same decision in SQL (its `decided` step), and the
/// store tests run both.
enum SyncDiff {
    static func change(stored: StoredRecord?, fingerprintMatches: Bool, deleted: Bool) -> SyncChangeKind? {
        guard let stored else { return deleted ? nil : .added }
        if stored.deleted { return deleted ? nil : .added }
        if deleted { return .deleted }
        return fingerprintMatches ? nil : .updated
    }
}

/// Sealing and fingerprints of records and changes, bound to account, resource and record id.
struct SyncSealing: Sendable {
    let sealing: RecordSealing

    static func context(account: String, resource: String, id: String) -> Data {
        var context = contextPrefix(account: account, resource: resource)
        context.append(contentsOf: id.utf8)
        return context
    }

    /// ``context(account:resource:id:)`` up to the record id (a page's records share it).
    static func contextPrefix(account: String, resource: String) -> Data {
        Data("connector-hub record v1\u{0}\(account)\u{0}\(resource)\u{0}".utf8)
    }

    func seal(_ record: JSONValue, account: String, resource: String, id: String) throws -> Data {
        try seal(canonical: record.data, account: account, resource: resource, id: id)
    }

    /// Seals a record's canonical form (`JSONValue.data`), serialised once by a caller that also
    /// fingerprints it.
    func seal(canonical: Data, account: String, resource: String, id: String) throws -> Data {
        try sealing.seal(canonical, context: Self.context(account: account, resource: resource, id: id))
    }

    func open(_ sealed: Data, keyID: String, account: String, resource: String, id: String) throws -> JSONValue {
        guard let plain = sealing.open(sealed, keyID: keyID, context: Self.context(account: account, resource: resource, id: id))
        else {
            throw SyncStoreError.unreadable(
                "a stored record of account '\(account)' (\(resource)) does not open with key '\(keyID.prefix(64))': unknown key, or the row was altered")
        }
        return try JSONValue.parse(plain)
    }

    /// The canonical form's fingerprint under `keyID` (the stored row's key, so a key rotation
    /// alone does not make every record UPDATED).
    func fingerprint(_ record: JSONValue, keyID: String) throws -> Data {
        try fingerprint(canonical: record.data, keyID: keyID)
    }

    /// The fingerprint of a record's canonical form (`JSONValue.data`).
    func fingerprint(canonical: Data, keyID: String) throws -> Data {
        guard let print = sealing.fingerprint(canonical, keyID: keyID) else { throw SyncStoreError.unconfiguredKey(keyID) }
        return print
    }
}

/// Sealing and fingerprints of one page's records, with the same bytes as ``SyncSealing``: the key,
/// the HMAC key states and the nonces are set up once per page (``RecordSealing/Batch``), and the
/// associated data's account and resource part is built once. One task uses it.
struct SyncPageSealing {
    private var batch: RecordSealing.Batch
    /// `SyncSealing.context` up to the record id.
    private let contextPrefix: Data

    init(_ sealing: SyncSealing, account: String, resource: String, count: Int) {
        batch = sealing.sealing.batch(count: count)
        contextPrefix = SyncSealing.contextPrefix(account: account, resource: resource)
    }

    /// As ``SyncSealing/seal(canonical:account:resource:id:)``.
    mutating func seal(canonical: Data, id: String) throws -> Data {
        var context = contextPrefix
        context.append(contentsOf: id.utf8)
        return try batch.seal(canonical, context: context)
    }

    /// As ``SyncSealing/fingerprint(canonical:keyID:)``.
    mutating func fingerprint(canonical: Data, keyID: String) throws -> Data {
        guard let print = batch.fingerprint(canonical, keyID: keyID) else { throw SyncStoreError.unconfiguredKey(keyID) }
        return print
    }
}

struct SyncStoreError: Error, CustomStringConvertible, Equatable {
    var description: String

    static func unreadable(_ detail: String) -> SyncStoreError { SyncStoreError(description: "The sync store cannot read \(detail).") }

    /// A stored record's key id that no configured key has.
    static func unconfiguredKey(_ keyID: String) -> SyncStoreError {
        unreadable("a stored record is sealed under key '\(keyID.prefix(64))', which is not configured")
    }
}

/// Records, change feed and checkpoints of the syncs; SQLite (one process writes at a time) or
/// PostgreSQL (any number of processes).
///
/// The feed guarantee: a change's position is assigned inside the transaction that writes it, while
/// that transaction holds the account's feed row (`hub_sync_feeds`), and the row's counter is
/// updated in the same transaction. The next writer of the account waits for that row, so
/// positions commit in increasing order: once a reader sees position p, every position below p is
/// committed and visible. A reader that asks for `position > cursor` therefore never skips a change
/// that commits late (the trap of a global sequence, whose numbers commit out of order).
protocol SyncStore: Sendable {
    /// Stores one page of a run in one transaction: the records that changed, their changes in the
    /// feed, and `checkpoint` (where to resume). `beforeCommit` runs inside the transaction (tests
    /// hold it open to commit late).
    /// With a `lease`, the page is refused (``SyncLeaseLost``, nothing written) unless the lease is
    /// still the job's.
    func commitPage(
        account: String, resource: String, records: [SyncRecordInput], checkpoint: SyncCheckpoint, lease: SyncLease?,
        beforeCommit: (@Sendable () async -> Void)?
    ) async throws -> SyncCounts

    /// The part of a page's work that needs no database (PostgreSQL: each record serialised,
    /// fingerprinted and sealed, the arrays the page's call binds), done ahead so that
    /// ``SyncRunner`` can do it for the next page while the previous page commits. The default
    /// does nothing ahead.
    func preparePage(account: String, resource: String, records: [SyncRecordInput]) throws -> SyncPreparedPage

    /// ``commitPage(account:resource:records:checkpoint:lease:beforeCommit:)`` of a page prepared by
    /// ``preparePage(account:resource:records:)``: the same transaction, the same rows.
    func commitPage(
        account: String, resource: String, prepared page: SyncPreparedPage, checkpoint: SyncCheckpoint, lease: SyncLease?,
        beforeCommit: (@Sendable () async -> Void)?
    ) async throws -> SyncCounts

    /// Ends a run: for a full scan, every stored record the run did not see is DELETED; the mark
    /// becomes the run's, and the checkpoint is cleared. Fenced by `lease` like ``commitPage``.
    func finishRun(account: String, resource: String, checkpoint: SyncCheckpoint, lease: SyncLease?) async throws -> SyncCounts

    /// The checkpoint of an unfinished run.
    func checkpoint(account: String, resource: String) async throws -> SyncCheckpoint?

    /// The high-water mark of the last finished run.
    func mark(account: String, resource: String) async throws -> String?

    /// The changes after `position`, oldest first (`resource`: only that resource's).
    func changes(account: String, after position: Int64, resource: String?, limit: Int) async throws -> [SyncChange]

    /// The last position of the account's feed (0 before its first change).
    func lastPosition(account: String) async throws -> Int64

    /// The current records (not deleted), ordered by id, after id `after`.
    func records(account: String, resource: String, after: String?, limit: Int) async throws -> [(id: String, record: JSONValue)]

    /// Statements sent so far (the bench reports rows written per change).
    var statementCount: Int { get }
}

/// A page's records with the work its store did ahead (``SyncStore/preparePage(account:resource:records:)``).
struct SyncPreparedPage: Sendable {
    var account: String
    var resource: String
    var records: [SyncRecordInput]
    /// What the store computed ahead, in its own form (`nil`: nothing); a store that finds
    /// another form here, or another account or resource, prepares the page again.
    var ahead: (any Sendable)?
}

extension SyncStore {
    func preparePage(account: String, resource: String, records: [SyncRecordInput]) throws -> SyncPreparedPage {
        SyncPreparedPage(account: account, resource: resource, records: records, ahead: nil)
    }

    func commitPage(
        account: String, resource: String, prepared page: SyncPreparedPage, checkpoint: SyncCheckpoint, lease: SyncLease?,
        beforeCommit: (@Sendable () async -> Void)?
    ) async throws -> SyncCounts {
        try await commitPage(
            account: account, resource: resource, records: page.records, checkpoint: checkpoint, lease: lease, beforeCommit: beforeCommit)
    }

    func commitPage(
        account: String, resource: String, records: [SyncRecordInput], checkpoint: SyncCheckpoint, lease: SyncLease? = nil
    ) async throws -> SyncCounts {
        try await commitPage(account: account, resource: resource, records: records, checkpoint: checkpoint, lease: lease, beforeCommit: nil)
    }

    func commitPage(
        account: String, resource: String, records: [SyncRecordInput], checkpoint: SyncCheckpoint,
        beforeCommit: (@Sendable () async -> Void)?
    ) async throws -> SyncCounts {
        try await commitPage(account: account, resource: resource, records: records, checkpoint: checkpoint, lease: nil, beforeCommit: beforeCommit)
    }

    func finishRun(account: String, resource: String, checkpoint: SyncCheckpoint) async throws -> SyncCounts {
        try await finishRun(account: account, resource: resource, checkpoint: checkpoint, lease: nil)
    }
}
