import Foundation

// The scheduler's jobs: one row per account and resource in `hub_sync_jobs`, due at a time, held
// by at most one process at a time through a lease. A lease carries an epoch that grows with every
// claim; the store refuses a page or a finished run whose lease is no longer the job's (a process
// that stalled past its lease and was taken over cannot write), which is what makes "exactly once
// at a time" hold even when a lease expires under a slow holder.

/// A process's hold on one job.
struct SyncLease: Sendable, Equatable {
    var account: String
    var resource: String
    var owner: String
    var epoch: Int64
}

/// A job's state, for the status API and the Accounts pages.
struct SyncJobStatus: Sendable, Equatable {
    var account: String
    var resource: String
    var paused: Bool
    var interval: Int
    var running: Bool
    var lastError: String?
    var runs: Int64
}

struct SyncLeaseLost: Error, CustomStringConvertible, Equatable {
    var account: String
    var resource: String
    var description: String {
        "The sync of '\(resource)' for account '\(account)' lost its lease to another process; its work since the last committed page is dropped."
    }
}

/// Jobs in the database: on PostgreSQL claimed with `FOR UPDATE SKIP LOCKED` and a lease measured
/// on the database's clock; on SQLite (one process) in a write transaction.
protocol SyncJobQueue: Sendable {
    /// Adds the job (due now) unless it exists; an existing job keeps its state.
    func schedule(account: String, resource: String, interval: Int) async throws
    /// The most overdue job that is not paused and not held (or whose lease expired), now held by
    /// `owner` for `leaseSeconds`; `nil` when none is due.
    func claim(owner: String, leaseSeconds: Int) async throws -> SyncLease?
    /// Extends the lease; `false` when it was lost.
    func renew(_ lease: SyncLease, leaseSeconds: Int) async throws -> Bool
    /// Releases the job, due again after its interval; `false` when the lease was lost.
    func complete(_ lease: SyncLease, error: String?) async throws -> Bool
    /// Makes the job due now (`POST …/syncs/{resource}/run`).
    func runNow(account: String, resource: String) async throws -> Bool
    func setPaused(_ paused: Bool, account: String, resource: String) async throws -> Bool
    func status(account: String) async throws -> [SyncJobStatus]
}
