@testable import ConnectorHub
import ConnectorCompilerCore
import ConnectorRuntime
import Foundation

/// A provider emulation for the sync guarantees (written for the tests, not a real provider): one
/// list of people, served over real HTTP on 127.0.0.1 in every pagination style of
/// Tests/Reference/Specs/acme_resources.json, at that spec's paths, so the generated pager of the
/// spec's resources reads it. The test changes the list between two page requests (`before`), the
/// traps of issue 22: a record updated at the high-water mark's exact time after its page was read,
/// inserts and deletes that shift offset pages. Every request is logged.
///
///   GET  /v1/employees?offset=&limit=[&updated_after=]  {"data": [...], "total": N}; updated_after
///                                                        is exclusive (updated_at > it), the worst case
///   GET  /v1/users?page=&per_page=                       {"users": [...]} (an empty page ends)
///   GET  /v1/contacts?limit=[&cursor=]                   {"data": [...], "meta": {"next_cursor": id}}: keyset, id > cursor
///   GET  /v1/tickets?sort=id[&page=]                     {"tickets": [...], "links": {"next": URL}}, 2 per page
///   GET  /v1/groups?limit=[&page=]                       [...] with Link: <URL>; rel="next"
///   POST /v1/candidate.list {cursor, limit}              {"results": [...], "nextCursor", "moreDataAvailable"}
final class SyncProviderEmulation: @unchecked Sendable {
    struct Person: Sendable, Equatable {
        var id: String
        var name: String
        var updated: String

        var json: [String: Any] { ["id": id, "email": "\(id)@acme.example", "first_name": name, "updated_at": updated] }
    }

    private let lock = NSLock()
    private var list: [Person]
    private var log: [String] = []
    /// Changes made when the request with this number (1-based) arrives, before it is answered.
    private var changes: [Int: @Sendable (inout [Person]) -> Void] = [:]
    private var server: LocalHTTPServer?

    init(_ people: [Person]) throws {
        list = people
        server = try LocalHTTPServer { [unowned self] request in self.answer(request) }
    }

    func stop() { server?.stop() }

    var baseURL: URL { server!.url("/v1") }

    /// The requests so far: method, path and query (the body of a POST after a space).
    var requests: [String] { lock.withLock { log } }

    var people: [Person] {
        get { lock.withLock { list } }
        set { lock.withLock { list = newValue } }
    }

    /// Changes the list when request `number` (counted from the first request) arrives.
    func before(request number: Int, _ change: @escaping @Sendable (inout [Person]) -> Void) {
        lock.withLock { changes[number] = change }
    }

    private func answer(_ request: LocalHTTPServer.Request) -> LocalHTTPServer.Response {
        let (people, number) = lock.withLock { () -> ([Person], Int) in
            log.append(request.method + " " + request.path + (request.body.isEmpty ? "" : " " + String(decoding: request.body, as: UTF8.self)))
            if let change = changes.removeValue(forKey: log.count) { change(&list) }
            return (list, log.count)
        }
        _ = number
        let components = URLComponents(string: "http://emulation" + request.path)
        let query = Dictionary((components?.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        let path = components?.path ?? ""
        let base = server!.url("/v1").absoluteString
        switch (request.method, path) {
        case ("GET", "/v1/employees"):
            var matching = people
            if let after = query["updated_after"], let instant = SyncMark.date(after) {
                matching = people.filter { (SyncMark.date($0.updated) ?? .distantPast) > instant }
            }
            let offset = Int(query["offset"] ?? "") ?? 0
            let limit = Int(query["limit"] ?? "") ?? 2
            let page = Array(matching.dropFirst(offset).prefix(limit))
            return Self.json(["data": page.map(\.json), "total": matching.count])
        case ("GET", "/v1/users"):
            let size = Int(query["per_page"] ?? "") ?? 2
            let page = Int(query["page"] ?? "") ?? 1
            return Self.json(["users": Array(people.dropFirst((page - 1) * size).prefix(size)).map(\.json)])
        case ("GET", "/v1/contacts"):
            let limit = Int(query["limit"] ?? "") ?? 2
            let after = query["cursor"] ?? ""
            let rest = people.sorted { $0.id < $1.id }.filter { $0.id > after }
            let page = Array(rest.prefix(limit))
            let more = rest.count > page.count
            return Self.json(["data": page.map(\.json), "meta": ["next_cursor": more ? page.last!.id as Any : NSNull() as Any]])
        case ("GET", "/v1/tickets"):
            let page = Int(query["page"] ?? "") ?? 1
            let items = Array(people.dropFirst((page - 1) * 2).prefix(2))
            let more = people.count > page * 2
            return Self.json(["tickets": items.map(\.json), "links": more ? ["next": "\(base)/tickets?sort=id&page=\(page + 1)"] : [:]])
        case ("GET", "/v1/groups"):
            let size = Int(query["limit"] ?? "") ?? 2
            let page = Int(query["page"] ?? "") ?? 1
            let items = Array(people.dropFirst((page - 1) * size).prefix(size))
            var response = Self.json(items.map(\.json))
            if people.count > page * size { response.headers.append(("Link", "<\(base)/groups?limit=\(size)&page=\(page + 1)>; rel=\"next\"")) }
            return response
        case ("POST", "/v1/candidate.list"):
            let body = (try? JSONSerialization.jsonObject(with: request.body)) as? [String: Any] ?? [:]
            let start = Int((body["cursor"] as? String)?.dropFirst() ?? "") ?? 0
            let limit = body["limit"] as? Int ?? 2
            let items = Array(people.dropFirst(start).prefix(limit))
            let more = people.count > start + limit
            return Self.json(["results": items.map(\.json), "nextCursor": more ? "n\(start + limit)" as Any : NSNull() as Any, "moreDataAvailable": more])
        default:
            return LocalHTTPServer.Response(status: 404)
        }
    }

    static func json(_ value: Any) -> LocalHTTPServer.Response {
        LocalHTTPServer.Response(
            status: 200, headers: [("Content-Type", "application/json")], body: (try? JSONSerialization.data(withJSONObject: value)) ?? Data())
    }

    /// People p01...pN, all updated at `updated`.
    static func people(_ count: Int, updated: String = "2026-12-01T10:00:00Z") -> [Person] {
        (1...count).map { Person(id: String(format: "p%02d", $0), name: "Person \($0)", updated: updated) }
    }

    // MARK: The spec side

    /// The resources of Tests/Reference/Specs/acme_resources.json (every pagination style).
    static let resources: [Resource] = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let path = root.appendingPathComponent("Tests/Reference/Specs/acme_resources.json").path
        return SpecLoader.load(contentsOf: path).spec?.resources ?? []
    }()

    /// A page reader of resource `name` against this emulation (`beforePage` runs before each page,
    /// as the scheduler's lease renewal does).
    func reader(
        _ name: String, sync: ResourceSync, beforePage: @escaping @Sendable () async throws -> Void = {}
    ) throws -> SyncPageReader {
        guard let resource = Self.resources.first(where: { $0.name == name }), let list = resource.list else {
            throw ServerError("acme_resources.json has no list resource \(name)")
        }
        let configuration = ConnectionConfiguration(
            connectorID: "acme_resources", variantID: "api_key", baseURL: .fixed(baseURL), auth: .bearer(Secret("emulation-key")))
        let connection = Connection(configuration: configuration, account: "emulated", store: InMemoryTokenStore([:]), transport: URLSessionTransport())
        return SyncPageReader(resource: resource, list: list, sync: sync, connection: connection, beforePage: beforePage)
    }

    static let full = ResourceSync(pointer: JSONPointer(""), mode: .full)
}
