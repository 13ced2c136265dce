import ConnectorCompilerCore
import ConnectorRuntime
import Foundation

// The operators' view of the syncs (docs/syncs.md, "Status"): per account and resource, the last
// run (start, end, outcome, the changes it made), the current record count, and the last error in
// plain words. Kept in `hub_sync_runs` (one row per account and resource, written when a run
// starts and ends), next to the jobs; and the account's shared 429 wait (`hub_sync_waits`, see
// SyncRateLimits.swift).

/// The last run of one account's resource, and its records now.
struct SyncRunStatus: Sendable, Equatable {
    var resource: String
    var startedAt: Date?
    var finishedAt: Date?
    /// `running`, `succeeded` or `failed` as stored; a `running` run whose job no process holds
    /// any more is shown `interrupted` (its process stopped; the next run resumes it).
    var outcome: String?
    /// The changes the last run made (a resumed run counts the pages it committed itself).
    var counts: SyncCounts
    /// Current records (not deleted).
    var records: Int
}

/// Where the runs' starts and ends are kept, and the account's shared 429 wait.
protocol SyncRunHistory: Sendable {
    func runStarted(account: String, resource: String) async throws
    func runEnded(account: String, resource: String, counts: SyncCounts, failed: Bool) async throws
    /// One entry per resource of the account that ran or has records.
    func runStatus(account: String) async throws -> [SyncRunStatus]
    /// No request for `account` before `seconds` from now (on the database's clock, shared by
    /// every process using the database); an earlier wait that ends later is kept.
    func holdOff(account: String, seconds: Double) async throws
    /// Seconds left of the account's wait (0 when none).
    func waitLeft(account: String) async throws -> Double
}

extension SyncRunStatus {
    /// The outcome as shown: a stored `running` whose job is not held is `interrupted`.
    func shownOutcome(running: Bool) -> String? {
        guard let outcome else { return nil }
        return outcome == "running" && !running ? "interrupted" : outcome
    }
}

extension ConnectorHubService {
    /// The status entries of `GET /v1/accounts/{id}/syncs` and of the operators' page: one per
    /// resource the account syncs.
    func syncStatusEntries(_ account: HubAccount) async throws -> [SyncStatusEntry] {
        let resources = syncedResources(account)
        guard !resources.isEmpty else { return [] }
        let store = syncs.store
        let jobs = try await store.status(account: account.id)
        let runs = try await store.runStatus(account: account.id)
        return resources.map { resource in
            let job = jobs.first { $0.resource == resource.name }
            let run = runs.first { $0.resource == resource.name }
            return SyncStatusEntry(resource: resource.name, job: job, run: run)
        }
    }

    /// The error a failed run keeps, in plain words: what went wrong and what happens next. Built
    /// from the runtime's messages, which name no credential; URLs lose their query (where an API
    /// key could travel) all the same.
    static func syncFailureText(_ error: any Error) -> String {
        let text: String
        switch error {
        case ResourceError.retriesExhausted(_, let page, let attempts, .rateLimited(let after)):
            text = "The provider kept answering \"too many requests\" (HTTP 429) at page \(page), \(attempts) times"
                + (after.map { "; it last asked to wait \(Int($0.rounded(.up))) s" } ?? "")
                + ". The sync tries again at its next run, from the last saved page."
        case ResourceError.retriesExhausted(_, let page, let attempts, _):
            text = "The provider was unavailable at page \(page) (\(attempts) attempts). The sync tries again at its next run, from the last saved page."
        case ResourceError.unexpectedStatus(_, let page, let status):
            text = "The provider answered HTTP \(status) at page \(page). The sync tries again at its next run, from the last saved page."
        case let error as ResourceError:
            text = "The provider's list could not be read: \(error.description)."
        case let error as ConnectorError:
            text = "The request to the provider failed: \(error)."
        case let error as SyncStoreUnavailable:
            text = "The Hub's database did not answer within \(SyncStoreUnavailable.format(error.seconds)) s while the sync was saving its work "
                + "(\(error.operation)). The sync tries again at its next run, from the last saved page."
        default:
            text = "The sync failed: \(error)."
        }
        return String(redactingQueries(text).prefix(500))
    }

    /// Drops the query of every URL in `text`.
    static func redactingQueries(_ text: String) -> String {
        var result = ""
        var inURL = false
        var dropping = false
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if !inURL, text[index...].hasPrefix("http://") || text[index...].hasPrefix("https://") { inURL = true }
            if inURL, character.isWhitespace || character == "'" || character == "\"" || character == ")" {
                inURL = false
                dropping = false
            }
            if inURL, character == "?" {
                dropping = true
                result += "?…"
            }
            if !dropping { result.append(character) }
            index = text.index(after: index)
        }
        return result
    }
}

/// One resource's status, as the API and the page show it.
struct SyncStatusEntry: Sendable {
    var resource: String
    var job: SyncJobStatus?
    var run: SyncRunStatus?

    var running: Bool { job?.running ?? false }
    var outcome: String? { run?.shownOutcome(running: running) }

    /// The API's object (Hub/openapi.json, `SyncStatus`).
    var json: [String: any Sendable] {
        var entry: [String: any Sendable] = [
            "resource": resource, "paused": job?.paused ?? false, "running": running, "runs": Int(job?.runs ?? 0),
            "scheduled": job != nil, "records": run?.records ?? 0,
        ]
        if let job { entry["intervalSeconds"] = job.interval }
        if let error = job?.lastError { entry["lastError"] = error }
        if let run, let started = run.startedAt, let outcome {
            var last: [String: any Sendable] = [
                "startedAt": ConnectorHubService.date(started), "outcome": outcome,
                "changes": ["added": run.counts.added, "updated": run.counts.updated, "deleted": run.counts.deleted],
            ]
            if let finished = run.finishedAt { last["finishedAt"] = ConnectorHubService.date(finished) }
            entry["lastRun"] = last
        }
        return entry
    }
}
