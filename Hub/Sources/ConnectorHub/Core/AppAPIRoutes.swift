import ConnectorRuntime
import Foundation
import HTTPTypes
import Hummingbird

// The app API (/v1/…): JSON, bearer app key; see Hub/openapi.json.
extension ConnectorHubService {
    // MARK: App API

    func addAPIRoutes<Context: RequestContext>(_ routes: RouteCollection<Context>) {
        for operation in Self.apiOperations {
            let path = RouterPath(operation.path.replacingOccurrences(of: "{path}", with: "**").replacingOccurrences(of: "{id}", with: ":id"))
            let method = HTTPTypes.HTTPRequest.Method(operation.method)!
            routes.on(path, method: method) { request, context in
                do {
                    try self.authorizeApp(request)
                    return try await self.api(operation, request: request, context: context)
                } catch {
                    return Self.apiError(error)
                }
            }
        }
    }

    func authorizeApp(_ request: Request) throws {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { throw HubError.unauthorized }
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
    }

    struct ReconnectRequest: Decodable {
        var embedOrigin: String?
    }

    func api<Context: RequestContext>(
        _ operation: (method: String, path: String), request: Request, context: Context
    ) async throws -> Response {
        switch (operation.method, operation.path) {
        case ("POST", "/v1/link-sessions"):
            let body = try await request.body.collect(upTo: 64 * 1024)
            guard let input = try? JSONDecoder().decode(SessionRequest.self, from: Data(body.readableBytesView)), !input.endUserId.isEmpty else {
                throw HubError.badRequest(
                    "Send JSON with endUserId (and optionally endUserName, connectors, categories, expiresInSeconds, embedOrigin).")
            }
            for id in input.connectors ?? [] where connector(id) == nil { throw HubError.badRequest("Unknown connector \(id).") }
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
            let body = try await request.body.collect(upTo: 64 * 1024)
            var input = ReconnectRequest()
            if body.readableBytes > 0 {
                guard let decoded = try? JSONDecoder().decode(ReconnectRequest.self, from: Data(body.readableBytesView)) else {
                    throw HubError.badRequest("Send no body, or JSON with embedOrigin.")
                }
                input = decoded
            }
            let created = try await createSession(
                endUserID: account.endUserID, endUserName: account.endUserName, connectors: [account.connectorID],
                reconnectAccountID: account.id, embedOrigin: input.embedOrigin)
            return Self.json(.created, ["id": created.id, "url": created.url.absoluteString, "expiresAt": Self.date(created.expiresAt)])
        default:
            let id = try context.parameters.require("id")
            let path = context.parameters.getCatchAll().joined(separator: "/")
            let body = try await request.body.collect(upTo: 10 * 1024 * 1024)
            let headers = request.headers.map { ($0.name.canonicalName, $0.value) }
            let response = try await proxy(
                accountID: id, method: operation.method, path: path, query: request.uri.query, headers: headers,
                body: body.readableBytes > 0 ? Data(body.readableBytesView) : nil)
            var fields = HTTPFields()
            if let type = response.headers["Content-Type"] { fields[.contentType] = type }
            return Response(
                status: .init(code: response.status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: response.body)))
        }
    }

    static func accountJSON(_ account: HubAccount) -> [String: any Sendable] {
        var object: [String: any Sendable] = [
            "id": account.id, "connector": account.connectorID, "variant": account.variantID, "endUserId": account.endUserID,
            "endUserName": account.endUserName, "status": account.status, "linkedAt": date(account.linkedAt),
            "updatedAt": date(account.updatedAt),
        ]
        if let refreshed = account.lastRefreshAt { object["lastRefreshAt"] = date(refreshed) }
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
