import ConnectorCompilerCore
import ConnectorRuntime
import Foundation
import HTTPTypes
import Hummingbird

// The syncs' app API (Hub/openapi.json; docs/syncs.md): the change feed, the current records, and
// the jobs' run, pause, resume and status. Same bearer app key and error shapes as the other
// account routes (``ConnectorHubService/apiError(_:)``).
extension ConnectorHubService {
    static let syncAPIOperations: [(method: String, path: String)] = [
        ("GET", "/v1/accounts/{id}/changes"),
        ("GET", "/v1/accounts/{id}/records/{resource}"),
        ("GET", "/v1/accounts/{id}/syncs"),
        ("POST", "/v1/accounts/{id}/syncs/{resource}/run"),
        ("POST", "/v1/accounts/{id}/syncs/{resource}/pause"),
        ("POST", "/v1/accounts/{id}/syncs/{resource}/resume"),
    ]

    static let syncPageDefault = 100
    static let syncPageMax = 1_000

    /// Answers a sync route; `nil` for any other operation.
    func syncAPI<Context: RequestContext>(
        _ operation: (method: String, path: String), request: Request, context: Context
    ) async throws -> Response? {
        guard Self.syncAPIOperations.contains(where: { $0 == operation }) else { return nil }
        guard let account = try await account(try context.parameters.require("id")) else { throw HubError.notFound }
        let query = request.uri.queryParameters
        var limit = Self.syncPageDefault
        if let text = query.get("limit") {
            guard let number = Int(text), (1...Self.syncPageMax).contains(number) else {
                throw HubError.badRequest("limit must be an integer from 1 to \(Self.syncPageMax).")
            }
            limit = number
        }
        let resources = syncedResources(account).map(\.name)
        // An unknown resource or a cursor of another account is 404 (not found for this account),
        // in the error shape of the other routes.
        func notFound(_ message: String) -> Response { Self.json(.notFound, ["error": "not_found", "message": message]) }
        func resource(_ name: String?) -> String? {
            guard let name, resources.contains(name) else { return nil }
            return name
        }
        let noResource = notFound("The account syncs no such resource" + (resources.isEmpty ? "." : "; it syncs \(resources.joined(separator: ", "))."))
        let store = syncs.store
        switch operation.path {
        case "/v1/accounts/{id}/changes":
            var after: Int64 = 0
            if let text = query.get("after"), !text.isEmpty {
                guard let position = syncCursorPosition(text, account: account.id) else {
                    return notFound("after is not a cursor of this account's changes: send a nextCursor this account's changes returned.")
                }
                after = position
            }
            var only: String?
            if let name = query.get("resource"), !name.isEmpty {
                guard let known = resource(name) else { return noResource }
                only = known
            }
            let changes = try await store.changes(account: account.id, after: after, resource: only, limit: limit)
            let next = changes.last?.position ?? after
            return Self.json(.ok, .object([
                "changes": .array(changes.map { change in
                    .object([
                        "type": .string(change.kind.rawValue), "resource": .string(change.resource), "id": .string(change.recordID),
                        "record": change.record,
                    ])
                }),
                "nextCursor": .string(syncCursor(next, account: account.id)),
                "hasMore": .bool(changes.count == limit),
            ]))
        case "/v1/accounts/{id}/records/{resource}":
            guard let name = resource(context.parameters.get("resource")) else { return noResource }
            let after = query.get("after").flatMap { $0.isEmpty ? nil : $0 }
            let rows = try await store.records(account: account.id, resource: name, after: after, limit: limit)
            var body: [String: JSONValue] = ["records": .array(rows.map(\.record))]
            if rows.count == limit, let last = rows.last { body["nextAfter"] = .string(last.id) }
            return Self.json(.ok, .object(body))
        case "/v1/accounts/{id}/syncs":
            return Self.json(.ok, ["syncs": try await syncStatusEntries(account).map(\.json)])
        default:
            guard let name = resource(context.parameters.get("resource")) else { return noResource }
            let interval = syncedResources(account).first { $0.name == name }?.sync?.interval ?? 3_600
            try await store.schedule(account: account.id, resource: name, interval: interval)
            let action = operation.path.split(separator: "/").last.map(String.init) ?? ""
            switch action {
            case "run": _ = try await store.runNow(account: account.id, resource: name)
            case "pause": _ = try await store.setPaused(true, account: account.id, resource: name)
            default: _ = try await store.setPaused(false, account: account.id, resource: name)
            }
            let job = try await store.status(account: account.id).first { $0.resource == name }
            return Self.json(.accepted, ["resource": name, "paused": job?.paused ?? false, "runs": Int(job?.runs ?? 0)])
        }
    }

    /// The opaque cursor after `position` of `account`'s feed: bound to the account by an HMAC with
    /// the Hub's signing key, so another account's cursor is refused.
    func syncCursor(_ position: Int64, account: String) -> String {
        "\(position).\(Digest.hmac("sync-cursor\u{0}\(account)\u{0}\(position)", key: configuration.signingKey).prefix(32))"
    }

    func syncCursorPosition(_ cursor: String, account: String) -> Int64? {
        let parts = cursor.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let position = Int64(parts[0]), position >= 0,
            Digest.constantTimeEqual(syncCursor(position, account: account), cursor)
        else { return nil }
        return position
    }

    /// A JSON response of a ``JSONValue`` (records keep their exact values).
    static func json(_ status: HTTPTypes.HTTPResponse.Status, _ value: JSONValue) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: value.description)))
    }
}
