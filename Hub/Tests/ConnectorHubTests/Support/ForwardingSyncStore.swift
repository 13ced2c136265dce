@testable import ConnectorHub
import ConnectorRuntime

/// A test's sync store that intercepts a few calls and passes every other one to `forwarded`:
/// conforming stores implement only what they intercept.
protocol ForwardingSyncStore: SyncStore {
    var forwarded: any SyncStore { get }
}

extension ForwardingSyncStore {
    func finishRun(account: String, resource: String, checkpoint: SyncCheckpoint, lease: SyncLease?) async throws -> SyncCounts {
        try await forwarded.finishRun(account: account, resource: resource, checkpoint: checkpoint, lease: lease)
    }

    func checkpoint(account: String, resource: String) async throws -> SyncCheckpoint? {
        try await forwarded.checkpoint(account: account, resource: resource)
    }

    func mark(account: String, resource: String) async throws -> String? { try await forwarded.mark(account: account, resource: resource) }

    func changes(account: String, after position: Int64, resource: String?, limit: Int) async throws -> [SyncChange] {
        try await forwarded.changes(account: account, after: position, resource: resource, limit: limit)
    }

    func lastPosition(account: String) async throws -> Int64 { try await forwarded.lastPosition(account: account) }

    func records(account: String, resource: String, after: String?, limit: Int) async throws -> [(id: String, record: JSONValue)] {
        try await forwarded.records(account: account, resource: resource, after: after, limit: limit)
    }

    var statementCount: Int { forwarded.statementCount }
}
