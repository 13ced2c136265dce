import ConnectorRuntime
import Connectors
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1

// The app API (/v1/…): JSON, bearer app key; see Hub/openapi.json.
extension ConnectorHubService {
    // MARK: App API

    func addAPIRoutes<Context: RequestContext>(_ routes: RouteCollection<Context>) {
        for operation in Self.apiOperations {
            let path = RouterPath(
                operation.path.replacingOccurrences(of: "{path}", with: "**").replacingOccurrences(of: "{id}", with: ":id")
                    .replacingOccurrences(of: "{action}", with: ":action")
                    .replacingOccurrences(of: "{model}", with: ":model").replacingOccurrences(of: "{remoteId}", with: ":remoteId")
                    .replacingOccurrences(of: "{operation}", with: ":operation")
                    .replacingOccurrences(of: "{resource}", with: ":resource"))
            let method = HTTPTypes.HTTPRequest.Method(operation.method)!
            if operation.path.hasSuffix("/proxy/{path}") {
                // The proxy's own handler: no dispatch on the operation per request.
                routes.on(path, method: method) { request, context in
                    do {
                        try self.authorizeApp(request)
                        return try await self.proxyRoute(method: operation.method, request: request, context: context)
                    } catch let error as HTTPParserError {
                        throw error  // as below: Hummingbird answers 400 and closes the connection
                    } catch {
                        return Self.apiError(error)
                    }
                }
                continue
            }
            routes.on(path, method: method) { request, context in
                do {
                    try self.authorizeApp(request)
                    return try await self.api(operation, request: request, context: context)
                } catch let error as HTTPParserError {
                    // A malformed request (a bad chunk size in the body): Hummingbird answers 400
                    // and closes the connection, which it can only do when the error reaches it.
                    throw error
                } catch {
                    return Self.apiError(error)
                }
            }
        }
    }

    /// The methods the app API serves on `path` (empty: not an app API path), from
    /// ``apiOperations``: `{id}` stands for one segment, `{path}` for one or more.
    static func apiMethods(for path: String) -> [String] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        return apiOperationPatterns.filter { operation in
            let pattern = operation.pattern
            var index = segments.startIndex
            for part in pattern {
                if part == "{path}" { return index < segments.endIndex }
                guard index < segments.endIndex, part.hasPrefix("{") ? !segments[index].isEmpty : part == segments[index] else { return false }
                index += 1
            }
            return index == segments.endIndex
        }.map(\.method)
    }

    /// ``apiOperations`` with each path split into its segments once (``apiMethods(for:)`` runs
    /// for every `/v1/` request).
    static let apiOperationPatterns: [(method: String, pattern: [Substring])] = apiOperations.map {
        ($0.method, Array($0.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()))
    }

    func authorizeApp(_ request: Request) throws {
        try authorizeApp(header: request.headers[.authorization])
    }

    /// Refuses an `Authorization` value that is not `Bearer <one of the app keys>`.
    func authorizeApp(header: String?) throws {
        guard let header, header.hasPrefix("Bearer ") else { throw HubError.unauthorized }
        let presented = String(header.dropFirst(7))
        guard configuration.appKeys.contains(where: { Digest.constantTimeEqual($0, presented) }) else { throw HubError.unauthorized }
    }

    struct SessionRequest: Decodable {
        var endUserId: String
        var endUserName: String?
        var connectors: [String]?
        var categories: [String]?
        var expiresInSeconds: Double?
        var embedOrigin: String?

        static let members = ["endUserId", "endUserName", "connectors", "categories", "expiresInSeconds", "embedOrigin"]
    }

    /// The largest JSON body of the app API, and of a proxied request's body.
    static let jsonBodyLimit = 64 * 1024
    static let proxyBodyLimit = 10 * 1024 * 1024

    /// A body larger than the operation accepts (`413`).
    enum BodyTooLarge: Error {
        case limit(Int)
    }

    /// The request body, at most `limit` bytes (else ``BodyTooLarge``, answered `413`).
    static func body(of request: Request, upTo limit: Int) async throws -> ByteBuffer {
        do {
            return try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw BodyTooLarge.limit(limit)
        }
    }

    /// Refuses a JSON object body whose member in `members` is `null` (`400`): the schema has no
    /// nullable member, so null is not read as left out. Members the API does not know are
    /// ignored, null or not.
    static func refuseNulls(_ body: ByteBuffer, members: [String]) throws {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
            let member = members.first(where: { object[$0] is NSNull })
        else { return }
        throw HubError.badRequest("\(member) must not be null: leave it out instead.")
    }

    /// The catalog's connector ids, sorted (the `connectors` values openapi.json lists).
    public static var catalogConnectorIDs: [String] { ConnectorCatalog.all.map { $0.descriptor.id }.sorted() }

    /// Every category a connector of the catalog has, sorted (the `categories` values openapi.json lists).
    public static var catalogCategories: [String] { Set(ConnectorCatalog.all.flatMap { $0.descriptor.categories }).sorted() }

    /// The shortest and longest link session lifetimes the API accepts, in seconds.
    static let sessionLifetimes: ClosedRange<Double> = 60...(7 * 86400)

    /// Refuses what would make a dead link: a lifetime outside ``sessionLifetimes``, or a
    /// category no connector has (unknown connectors are refused by the caller).
    static func checkSessionRequest(_ input: SessionRequest) throws {
        if let lifetime = input.expiresInSeconds, !sessionLifetimes.contains(lifetime) {
            throw HubError.badRequest(
                "expiresInSeconds must be between \(Int(sessionLifetimes.lowerBound)) (one minute) and "
                    + "\(Int(sessionLifetimes.upperBound)) (seven days).")
        }
        for category in input.categories ?? [] where !catalogCategories.contains(category) {
            throw HubError.badRequest("Unknown category \(category). Categories: \(catalogCategories.joined(separator: ", ")).")
        }
    }

    struct ReconnectRequest: Decodable {
        var embedOrigin: String?
    }

    func api<Context: RequestContext>(
        _ operation: (method: String, path: String), request: Request, context: Context
    ) async throws -> Response {
        switch (operation.method, operation.path) {
        case ("POST", "/v1/link-sessions"):
            let body = try await Self.body(of: request, upTo: Self.jsonBodyLimit)
            try Self.refuseNulls(body, members: SessionRequest.members)
            guard let input = try? JSONDecoder().decode(SessionRequest.self, from: Data(body.readableBytesView)), !input.endUserId.isEmpty else {
                throw HubError.badRequest(
                    "Send JSON with endUserId (and optionally endUserName, connectors, categories, expiresInSeconds, embedOrigin).")
            }
            for id in input.connectors ?? [] where connector(id) == nil { throw HubError.badRequest("Unknown connector \(id).") }
            try Self.checkSessionRequest(input)
            let created = try await createSession(
                endUserID: input.endUserId, endUserName: input.endUserName ?? input.endUserId, connectors: input.connectors ?? [],
                categories: input.categories ?? [], lifetime: input.expiresInSeconds, embedOrigin: input.embedOrigin)
            return Self.json(.created, ["id": created.id, "url": created.url.absoluteString, "expiresAt": Self.date(created.expiresAt)])
        case ("GET", "/v1/accounts"):
            let endUser = request.uri.queryParameters.get("endUserId")
            let list = try await accounts(endUserID: endUser)
            return Self.json(.ok, ["accounts": list.map(Self.accountJSON)])
        case ("GET", "/v1/accounts/{id}"):
            guard let account = try await account(try context.parameters.require("id")) else { throw HubError.notFound }
            return Self.json(.ok, Self.accountJSON(account))
        case ("DELETE", "/v1/accounts/{id}"):
            let revokeFailed = try await deleteAccount(try context.parameters.require("id"))
            return Self.json(.ok, ["deleted": true, "revocationFailed": revokeFailed])
        case ("POST", "/v1/accounts/{id}/reconnect-sessions"):
            guard let account = try await account(try context.parameters.require("id")) else { throw HubError.notFound }
            let body = try await Self.body(of: request, upTo: Self.jsonBodyLimit)
            var input = ReconnectRequest()
            if body.readableBytes > 0 {
                try Self.refuseNulls(body, members: ["embedOrigin"])
                guard let decoded = try? JSONDecoder().decode(ReconnectRequest.self, from: Data(body.readableBytesView)) else {
                    throw HubError.badRequest("Send no body, or JSON with embedOrigin.")
                }
                input = decoded
            }
            let created = try await createSession(
                endUserID: account.endUserID, endUserName: account.endUserName, connectors: [account.connectorID],
                reconnectAccountID: account.id, embedOrigin: input.embedOrigin)
            return Self.json(.created, ["id": created.id, "url": created.url.absoluteString, "expiresAt": Self.date(created.expiresAt)])
        case ("POST", "/v1/mcp-tokens"):
            return try await mcpTokenRoute(request, accountID: nil)
        case ("POST", "/v1/accounts/{id}/mcp-tokens"):
            return try await mcpTokenRoute(request, accountID: try context.parameters.require("id"))
        case ("POST", "/v1/accounts/{id}/actions/{action}"):
            let body = try await Self.body(of: request, upTo: Self.jsonBodyLimit)
            return try await actionRoute(
                accountID: try context.parameters.require("id"), actionID: try context.parameters.require("action"), body: body)
        case ("POST", "/v1/accounts/{id}/unified/{model}/operations/{operation}"):
            let body = try await Self.body(of: request, upTo: Self.jsonBodyLimit)
            return try await unifiedOperationRoute(
                accountID: try context.parameters.require("id"), model: try context.parameters.require("model"),
                operation: try context.parameters.require("operation"), body: body)
        case ("GET", "/v1/accounts/{id}/action-log"):
            return try await actionLogRoute(accountID: try context.parameters.require("id"))
        case ("GET", "/v1/accounts/{id}/unified/{model}"), ("GET", "/v1/accounts/{id}/unified/{model}/{remoteId}"):
            return try await unifiedRoute(operation.path, request: request, context: context)
        case ("DELETE", "/v1/mcp-tokens/{id}"):
            guard try await revokeMCPToken(id: try context.parameters.require("id")) else { throw HubError.notFound }
            return Response(status: .noContent)
        default:
            if let response = try await syncAPI(operation, request: request, context: context) { return response }
            return try await proxyRoute(method: operation.method, request: request, context: context)
        }
    }

    /// `/v1/accounts/{id}/proxy/{path}`: only the headers the proxy forwards are copied out of
    /// the request (``forwardedHeaderNames``).
    func proxyRoute<Context: RequestContext>(method: String, request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        // The path as the request spelled it: the router's catch-all drops empty segments,
        // and the proxy's check must see what would be forwarded.
        let prefix = "/v1/accounts/\(id)/proxy/"
        let path =
            request.uri.path.hasPrefix(prefix)
            ? String(request.uri.path.dropFirst(prefix.count)) : context.parameters.getCatchAll().joined(separator: "/")
        let body = try await Self.body(of: request, upTo: Self.proxyBodyLimit)
        // A request the fast path forwarded and handed over with its answer (ProxyFastPath.swift).
        let handoff = request.headers[ProxyFastPath.handoffField].flatMap { fastPath?.takeHandoff($0) }
        let response = try await proxy(
            accountID: id, method: method, path: path, query: request.uri.query, headers: Self.forwardedHeaders(of: request.headers),
            body: body.readableBytes > 0 ? Data(body.readableBytesView) : nil, handoff: handoff)
        var fields = HTTPFields()
        if let type = response.headers["Content-Type"] { fields[.contentType] = type }
        return Response(
            status: .init(code: response.status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: response.body)))
    }

    /// The fields of `fields` the proxy passes on (``forwardedHeaderNames``), in order, with
    /// their canonical names.
    static func forwardedHeaders(of fields: HTTPFields) -> [(String, String)] {
        var headers: [(String, String)] = []
        for field in fields where forwardedHeaderNames.contains(field.name) {
            headers.append((field.name.canonicalName, field.value))
        }
        return headers
    }

    /// ``forwardedHeaders`` as field names (compared case-insensitively, without allocating).
    static let forwardedHeaderNames: Set<HTTPTypes.HTTPField.Name> = Set(forwardedHeaders.compactMap { HTTPTypes.HTTPField.Name($0) })

    /// Answers `405` with `Allow` for a method an app API path does not serve (the router alone
    /// would answer 404 for some methods, e.g. TRACE).
    struct MethodNotAllowed<Context: RequestContext>: RouterMiddleware {
        func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
            let path = request.uri.path
            guard path.hasPrefix("/v1/") else { return try await next(request, context) }
            let methods = ConnectorHubService.apiMethods(for: path)
            guard !methods.isEmpty, !methods.contains(request.method.rawValue) else { return try await next(request, context) }
            var response = ConnectorHubService.json(
                .methodNotAllowed, ["error": "method_not_allowed", "message": "\(path) serves \(methods.joined(separator: ", ")) only."])
            response.headers[.allow] = methods.joined(separator: ", ")
            return response
        }
    }

    static func accountJSON(_ account: HubAccount) -> [String: any Sendable] {
        var object: [String: any Sendable] = [
            "id": account.id, "connector": account.connectorID, "variant": account.variantID, "endUserId": account.endUserID,
            "endUserName": account.endUserName, "status": account.status, "linkedAt": date(account.linkedAt),
            "updatedAt": date(account.updatedAt),
        ]
        if let refreshed = account.lastRefreshAt { object["lastRefreshAt"] = date(refreshed) }
        if let label = account.label { object["label"] = label }
        return object
    }

    static func date(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    static func json(_ status: HTTPTypes.HTTPResponse.Status, _ object: [String: any Sendable]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(
            status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func apiError(_ error: any Error) -> Response {
        switch error {
        case HubError.unauthorized: return json(.unauthorized, ["error": "unauthorized", "message": "Send Authorization: Bearer <app key>."])
        case HubError.notFound: return json(.notFound, ["error": "not_found", "message": "No such account."])
        case HubError.reconnectRequired:
            return json(.conflict, ["error": "reconnect_required", "message": "The account must be linked again: create a reconnect session."])
        case HubError.badRequest(let message): return json(.badRequest, ["error": "bad_request", "message": message])
        case BodyTooLarge.limit(let limit):
            let size = limit >= 1024 * 1024 ? "\(limit / (1024 * 1024)) MiB" : "\(limit / 1024) KiB"
            return json(.contentTooLarge, ["error": "too_large", "message": "The request body is larger than \(size)."])
        case HubError.provider(let error):
            let status: HTTPTypes.HTTPResponse.Status = {
                switch error {
                case .rateLimited: .tooManyRequests
                case .providerUnavailable: .badGateway
                case .invalidCredentials, .missingScopes: .forbidden
                default: .badGateway
                }
            }()
            return json(status, ["error": "provider_error", "message": String(describing: error)])
        default:
            HubLog.warning("request failed: \(type(of: error))")
            return json(.internalServerError, ["error": "internal", "message": "The Hub could not complete the request."])
        }
    }

}
