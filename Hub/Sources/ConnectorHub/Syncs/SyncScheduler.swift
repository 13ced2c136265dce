import ConnectorCompilerCore
import ConnectorHubStorage
import ConnectorRuntime
import Foundation

// The scheduler each `connector-hub` process runs (docs/syncs.md): every tick it adds a job for
// each active account and each resource of its connector that has a `sync`, then claims due jobs
// (up to `concurrency` at once) and runs each through ``SyncRunner`` with the account's real
// ``Connection`` and the resource's generated list operation (the pager the MCP tools use).

/// How often the scheduler looks for due jobs and how many it runs at once.
public struct SyncSchedulerSettings: Sendable, Equatable {
    public var enabled: Bool
    public var tickSeconds: Double
    public var concurrency: Int
    public var leaseSeconds: Int

    public init(enabled: Bool = true, tickSeconds: Double = 30, concurrency: Int = 2, leaseSeconds: Int = 300) {
        self.enabled = enabled
        self.tickSeconds = tickSeconds
        self.concurrency = concurrency
        self.leaseSeconds = leaseSeconds
    }

    /// `CONNECTOR_HUB_SYNCS` (`off` stops the scheduler), `CONNECTOR_HUB_SYNC_TICK_SECONDS`,
    /// `CONNECTOR_HUB_SYNC_CONCURRENCY`.
    public init(environment: [String: String]) {
        self.init()
        if let value = environment["CONNECTOR_HUB_SYNCS"], ["off", "0", "false", "no"].contains(value.lowercased()) { enabled = false }
        if let value = environment["CONNECTOR_HUB_SYNC_TICK_SECONDS"].flatMap(Double.init), value > 0 { tickSeconds = value }
        if let value = environment["CONNECTOR_HUB_SYNC_CONCURRENCY"].flatMap(Int.init), value > 0 { concurrency = value }
    }
}

/// The store and queue of the syncs, and the scheduler loop of this process.
final class SyncSystem: Sendable {
    let store: any SyncStore & SyncJobQueue & SyncRunHistory
    /// This process's name on the leases it holds.
    let owner = "hub-" + UUID().uuidString
    private let loop = LoopTask()

    init(store: any SyncStore & SyncJobQueue & SyncRunHistory) { self.store = store }

    /// Starts the loop (once); ``stop()`` ends it.
    func start(_ settings: SyncSchedulerSettings, hub: ConnectorHubService) {
        guard settings.enabled else { return }
        loop.set(Task { [weak hub] in
            while !Task.isCancelled {
                guard let hub else { return }
                _ = await hub.runDueSyncs(settings)
                try? await Task.sleep(nanoseconds: UInt64(settings.tickSeconds * 1_000_000_000))
            }
        })
    }

    func stop() async {
        guard let task = loop.take() else { return }
        task.cancel()
        await task.value
    }

    func shutdown() async {
        await stop()
        await (store as? PostgresSyncStore)?.shutdown()
    }

    private final class LoopTask: @unchecked Sendable {
        private let lock = NSLock()
        private var task: Task<Void, Never>?
        func set(_ new: Task<Void, Never>) { lock.withLock { if task == nil { task = new } else { new.cancel() } } }
        func take() -> Task<Void, Never>? { lock.withLock { defer { task = nil }; return task } }
    }
}

extension ConnectorHubService {
    /// Starts this process's sync scheduler (`connector-hub` calls it; ``shutdown()`` stops it).
    public func startSyncScheduler(_ settings: SyncSchedulerSettings) {
        syncs.start(settings, hub: self)
    }

    /// The resources of an account's connector that have a `sync` and can be listed without
    /// inputs other than the sync's cursor input.
    func syncedResources(_ account: HubAccount) -> [Resource] {
        MCPCatalog.shared.resources(connector: account.connectorID, variant: account.variantID).filter { resource in
            guard let sync = resource.sync, let list = resource.list, resource.idField != nil else { return false }
            return !list.inputs.contains { $0.required && $0.name != sync.cursorInput }
        }
    }

    /// One tick: schedules a job per active account and synced resource, then runs due jobs until
    /// none is due, `concurrency` at a time. Returns the jobs run. `clock` (the Hub's `now` when
    /// `nil`) decides when a full scan is due (tests move it).
    @discardableResult
    func runDueSyncs(_ settings: SyncSchedulerSettings, clock: (@Sendable () -> Date)? = nil) async -> Int {
        let clock = clock ?? now
        let queue = syncs.store
        let accounts = (try? await records.all(HubAccount.self, kind: "account")) ?? []
        for account in accounts where account.status == "active" {
            for resource in syncedResources(account) {
                try? await queue.schedule(account: account.id, resource: resource.name, interval: resource.sync?.interval ?? ResourceSync.defaultInterval)
            }
        }
        let owner = syncs.owner
        return await withTaskGroup(of: Int.self) { group in
            for _ in 0..<max(settings.concurrency, 1) {
                group.addTask {
                    var ran = 0
                    while !Task.isCancelled, let lease = try? await queue.claim(owner: owner, leaseSeconds: settings.leaseSeconds) {
                        await self.runSync(lease, leaseSeconds: settings.leaseSeconds, clock: clock)
                        ran += 1
                    }
                    return ran
                }
            }
            return await group.reduce(0, +)
        }
    }

    /// Runs one claimed job and releases it with its outcome (an error the app can read in the
    /// status, never a secret: the runtime's errors name no credential).
    func runSync(_ lease: SyncLease, leaseSeconds: Int, clock: (@Sendable () -> Date)? = nil) async {
        let queue = syncs.store
        var failure: String?
        var started = false
        var runCounts = SyncCounts()
        do {
            guard let account = try await account(lease.account), account.status == "active" else {
                failure = "The account is not active."
                _ = try? await queue.complete(lease, error: failure)
                return
            }
            guard let resource = syncedResources(account).first(where: { $0.name == lease.resource }), let sync = resource.sync,
                let list = resource.list
            else {
                failure = "The connector no longer syncs \(lease.resource)."
                _ = try? await queue.complete(lease, error: failure)
                return
            }
            let connection = try await syncConnection(for: account)
            let reader = SyncPageReader(resource: resource, list: list, sync: sync, connection: connection) { [queue] in
                guard try await queue.renew(lease, leaseSeconds: leaseSeconds) else {
                    throw SyncLeaseLost(account: lease.account, resource: lease.resource)
                }
            }
            let mark = try await syncs.store.mark(account: account.id, resource: resource.name)
            // A run resumed from a checkpoint keeps its kind; else a full scan is due by the policy
            // (an incremental sync with `fullScan` deletions: every `fullScanInterval`).
            let scans = syncs.store as? any SyncFullScanLog
            let startedAt = (clock ?? now)()
            let fullScan: Bool
            if let resumed = try await syncs.store.checkpoint(account: account.id, resource: resource.name) {
                fullScan = resumed.fullScan
            } else {
                let last = try await scans?.lastFullScan(account: account.id, resource: resource.name)
                fullScan = SyncFullScanPolicy.fullScanDue(sync, mark: mark, lastFullScan: last, now: startedAt)
            }
            let before = try await syncs.store.lastPosition(account: account.id)
            try? await queue.runStarted(account: lease.account, resource: lease.resource)
            started = true
            let counts = try await SyncRunner(store: syncs.store, account: account.id, resource: resource.name, lease: lease).run(fullScan: fullScan) {
                next, startMark in try await reader.page(next: next, startMark: startMark)
            }
            runCounts = counts
            if fullScan { try? await scans?.fullScanFinished(account: account.id, resource: resource.name, startedAt: startedAt) }
            if counts.total > 0 { await sendRecordsChanged(account, resource: resource.name, counts: counts, after: before) }
        } catch let lost as SyncLeaseLost {
            HubLog.warning("sync lease lost: \(lost.resource)")
            return
        } catch where Task.isCancelled {
            // The process is stopping: not a failure of the sync. Release the job due now (outside
            // the cancelled task, whose queries would fail), so any process resumes it from its
            // checkpoint at once rather than after its interval.
            await Task {
                if (try? await queue.complete(lease, error: nil)) == true {
                    _ = try? await queue.runNow(account: lease.account, resource: lease.resource)
                }
            }.value
            return
        } catch {
            if Self.isReconnect(error) {
                try? await setStatus(lease.account, "reconnect_required")
                failure = "The account must be linked again."
            } else {
                failure = Self.syncFailureText(error)
            }
        }
        if started { try? await queue.runEnded(account: lease.account, resource: lease.resource, counts: runCounts, failed: failure != nil) }
        _ = try? await queue.complete(lease, error: failure)
    }
}

extension ConnectorHubService {
    /// POSTs `records.changed` after a run that changed records, signed like the account events
    /// (``WebhookSignature``): the account, the resource, the counts, and `cursor`, the feed's
    /// position before the run (`GET /v1/accounts/{id}/changes?after=<cursor>` reads them).
    func sendRecordsChanged(_ account: HubAccount, resource: String, counts: SyncCounts, after position: Int64) async {
        guard let url = configuration.webhookURL, let secret = configuration.webhookSecret else { return }
        let event: [String: any Sendable] = [
            "type": "records.changed", "account": Self.accountJSON(account), "resource": resource,
            "counts": ["added": counts.added, "updated": counts.updated, "deleted": counts.deleted],
            "cursor": syncCursor(position, account: account.id), "occurredAt": Self.date(now()),
        ]
        guard let body = try? JSONSerialization.data(withJSONObject: event, options: [.sortedKeys]) else { return }
        var headers = HTTPHeaders()
        headers["Content-Type"] = "application/json"
        headers[WebhookSignature.header] = WebhookSignature.sign(body: body, timestamp: Int(now().timeIntervalSince1970), secret: secret)
        do {
            let response = try await webhookTransport.send(HTTPRequest(method: "POST", url: url, headers: headers, body: body, timeout: 10))
            if !response.isSuccess { HubLog.warning("webhook records.changed answered \(response.status) for account \(account.id)") }
        } catch {
            HubLog.warning("webhook records.changed delivery failed for account \(account.id)")
        }
    }
}

/// Reads a resource's pages for ``SyncRunner``: `next` is the pager's ``ResourcePagePosition``
/// after the last committed page (its `text`), so a run resumed from its checkpoint in another
/// process starts there (``ListOptions/start``) with one request, without reading the committed
/// pages again. The runner calls it one page at a time.
final class SyncPageReader: @unchecked Sendable {
    let resource: Resource
    let list: ListOperation
    let sync: ResourceSync
    let connection: Connection
    let beforePage: @Sendable () async throws -> Void
    private var iterator: PageSequence<MCPRecord>.AsyncIterator?
    /// The position the iterator stands at (`nil` before its first page).
    private var position: String?

    init(
        resource: Resource, list: ListOperation, sync: ResourceSync, connection: Connection,
        beforePage: @escaping @Sendable () async throws -> Void
    ) {
        self.resource = resource
        self.list = list
        self.sync = sync
        self.connection = connection
        self.beforePage = beforePage
    }

    func page(next: String?, startMark: String?) async throws -> SyncPage {
        try await beforePage()
        if iterator == nil || position != next {
            // A checkpoint of an older Hub (a page count, not a position) starts the list again:
            // pages read twice make no change.
            let start = next.flatMap { ResourcePagePosition(text: $0) }
            iterator = try pages(startMark: startMark, start: start).makeAsyncIterator()
            position = start == nil ? nil : next
        }
        var current = iterator!
        // At the list's end the next request (a second pass, ``SyncRunner/confirmDeletions``)
        // starts it again.
        defer { iterator = position == nil ? nil : current }
        guard let page = try await current.next() else {
            position = nil
            return SyncPage(records: [], next: nil, mark: nil)
        }
        position = page.nextPosition?.text
        if position == nil {
            // The list ended, or the pager ends the run with an error it reports on the next step
            // (a loop, a stall): take that step now, so a full scan cut short applies no deletions.
            _ = try await current.next()
        }
        var records: [SyncRecordInput] = []
        var mark: String?
        for record in page.records {
            guard case .object(let members) = record.raw, let idField = resource.idField, let id = Self.text(members[idField]) else { continue }
            records.append(SyncRecordInput(id: id, record: record.raw, deleted: Self.deleted(members, sync)))
            if let field = sync.cursorField { mark = SyncMark.later(mark, Self.text(members[field])) }
        }
        return SyncPage(records: records, next: position, mark: mark)
    }

    private func pages(startMark: String?, start: ResourcePagePosition?) throws -> PageSequence<MCPRecord> {
        var arguments = ListArguments()
        if let name = sync.cursorInput, let input = list.inputs.first(where: { $0.name == name }),
            let start = SyncMark.start(from: startMark, lookback: sync.lookback)
        {
            let value: InputValue
            switch start {
            case .integer(let number): value = .integer(Int(number))
            case .date(let date):
                value = .dateTime(date, ConnectorRuntime.DateTimeFormat(rawValue: input.format.rawValue) ?? .iso8601)
            }
            switch input.location {
            case .query: arguments.query(input.parameter, value)
            case .path: arguments.path(input.name, value)
            case .body: arguments.body(input.parameter, value)
            }
        }
        return PageSequence<MCPRecord>(
            connection: connection, operation: MCPListCall.operation(resource, list), arguments: arguments,
            options: ListOptions(invalidRecords: .skip, deadline: 600, start: start))
    }

    static func text(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text)? where !text.isEmpty: text
        case .integer(let number)?: String(number)
        default: nil
        }
    }

    static func deleted(_ members: [String: JSONValue], _ sync: ResourceSync) -> Bool {
        guard sync.deletions == .flag, let field = sync.deletedField else { return false }
        switch members[field] {
        case .bool(let flag)?: return flag
        case .string(let text)?: return sync.deletedValues.contains(text)
        default: return false
        }
    }
}
