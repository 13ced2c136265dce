// The MCP endpoint (`/mcp`): the Streamable HTTP transport of MCP revision 2025-11-25, on the
// Hub's Hummingbird router. JSON-RPC requests come as POST bodies and are answered with one JSON
// body each (the transport allows that instead of an SSE stream); GET and DELETE are 405, as the
// transport allows a server that sends no server-initiated messages and keeps no session state.
// See docs/mcp.md for why this is not the Swift SDK's transport.
import ConnectorRuntime
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

enum MCPServer {
    /// Revisions this endpoint speaks, newest first; an unknown requested revision gets the newest.
    static let protocolVersions = ["2025-11-25", "2025-06-18", "2025-03-26"]
    static let path = "/mcp"
    static let metadataPath = "/.well-known/oauth-protected-resource/mcp"
    static let bodyLimit = 256 * 1024

    static func isToolName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64
            && name.unicodeScalars.allSatisfy { ($0.isASCII && CharacterSet.alphanumerics.contains($0)) || $0 == "_" || $0 == "-" }
    }

    /// A JSON-RPC error of the protocol (not a tool error).
    struct RPCError: Error {
        var code: Int
        var message: String
    }
}

extension ConnectorHubService {
    func addMCPRoutes<Context: RequestContext>(_ routes: RouteCollection<Context>) {
        routes.post(RouterPath(MCPServer.path)) { request, _ in
            await self.mcpPost(request)
        }
        for method in [HTTPTypes.HTTPRequest.Method.get, .delete] {
            routes.on(RouterPath(MCPServer.path), method: method) { _, _ in
                var response = Self.json(
                    .methodNotAllowed,
                    ["error": "method_not_allowed", "message": "The MCP endpoint takes POST only: it sends no server-initiated messages and keeps no session state."])
                response.headers[.allow] = "POST"
                return response
            }
        }
        // OAuth 2.0 Protected Resource Metadata (RFC 9728) of the MCP endpoint: tokens come
        // from the app (POST /v1/mcp-tokens), so no authorization server is listed.
        routes.get(RouterPath(MCPServer.metadataPath)) { _, _ in
            Self.json(.ok, [
                "resource": self.mcpResource, "bearer_methods_supported": ["header"],
                "resource_name": "connector-hub MCP", "resource_documentation": "https://modelcontextprotocol.io/specification/2025-11-25",
            ])
        }
    }

    /// The endpoint's URL, as clients configure it.
    var mcpResource: String { configuration.publicBaseURL.absoluteString.trimmingSuffix("/") + MCPServer.path }

    func mcpPost(_ request: Request) async -> Response {
        // DNS rebinding: a browser page of another origin may not drive the endpoint.
        if let origin = request.headers[.origin], origin != Self.origin(of: configuration.publicBaseURL),
            !configuration.allowedOrigins.contains(origin)
        {
            return Self.json(.forbidden, ["error": "forbidden", "message": "Origin \(origin) may not call the MCP endpoint."])
        }
        if let version = request.headers[Self.protocolVersionHeader], !MCPServer.protocolVersions.contains(version) {
            return Self.json(
                .badRequest,
                ["error": "bad_request", "message": "Unsupported MCP-Protocol-Version \(version); supported: \(MCPServer.protocolVersions.joined(separator: ", "))."])
        }
        let grant: MCPGrant
        do {
            guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
                let found = try await mcpGrant(token: String(header.dropFirst(7)))
            else { return mcpUnauthorized() }
            grant = found
        } catch {
            HubLog.warning("MCP token lookup failed: \(type(of: error))")
            return Self.json(.internalServerError, ["error": "internal", "message": "The Hub could not complete the request."])
        }
        let body: ByteBuffer
        do {
            body = try await Self.body(of: request, upTo: MCPServer.bodyLimit)
        } catch {
            return Self.apiError(error)
        }
        guard let message = try? JSONValue.parse(Data(body.readableBytesView)) else {
            return rpcAnswer(id: .null, error: MCPServer.RPCError(code: -32700, message: "Parse error: the body is not JSON."))
        }
        guard case .object(let members) = message else {
            // Batches (JSON arrays) left the protocol in revision 2025-06-18.
            return rpcAnswer(id: .null, error: MCPServer.RPCError(code: -32600, message: "Invalid request: send one JSON-RPC object."))
        }
        guard case .string(let method)? = members["method"] else {
            // A response or notification answer from the client: nothing to do.
            return Response(status: .accepted)
        }
        guard let id = members["id"] else {
            return Response(status: .accepted)  // a notification (notifications/initialized, cancelled)
        }
        let params = members["params"] ?? .object([:])
        if method == "initialize" {
            return initialize(id: id, params: params, grant: grant)
        }
        // Every other request carries the session the initialize answer named.
        guard let session = request.headers[Self.sessionHeader] else {
            return Self.json(.badRequest, ["error": "bad_request", "message": "Send the Mcp-Session-Id header from the initialize answer."])
        }
        guard isSession(session, of: grant) else {
            return Self.json(.notFound, ["error": "not_found", "message": "Unknown MCP session: initialize again."])
        }
        do {
            let result: JSONValue
            switch method {
            case "ping": result = .object([:])
            case "tools/list": result = try await mcpToolsList(grant)
            case "tools/call": result = try await mcpToolsCall(grant, params: params)
            default: throw MCPServer.RPCError(code: -32601, message: "Method not found: \(method).")
            }
            return rpcAnswer(id: id, result: result)
        } catch let error as MCPServer.RPCError {
            return rpcAnswer(id: id, error: error)
        } catch {
            HubLog.warning("MCP request failed: \(type(of: error))")
            return rpcAnswer(id: id, error: MCPServer.RPCError(code: -32603, message: "The Hub could not complete the request."))
        }
    }

    static let protocolVersionHeader = HTTPTypes.HTTPField.Name("MCP-Protocol-Version")!
    static let sessionHeader = HTTPTypes.HTTPField.Name("Mcp-Session-Id")!

    static func origin(of url: URL) -> String {
        var origin = (url.scheme ?? "http") + "://" + (url.host ?? "")
        if let port = url.port { origin += ":\(port)" }
        return origin
    }

    func mcpUnauthorized() -> Response {
        var response = Self.json(
            .unauthorized, ["error": "unauthorized", "message": "Send Authorization: Bearer <MCP token> (minted by the app: POST /v1/mcp-tokens)."])
        let metadata = configuration.publicBaseURL.absoluteString.trimmingSuffix("/") + MCPServer.metadataPath
        response.headers[.wwwAuthenticate] = "Bearer error=\"invalid_token\", resource_metadata=\"\(metadata)\""
        return response
    }

    /// A session id names the grant it was made for: `<random>.<HMAC of random and grant>`, so
    /// any Hub process checks it without stored state, and it is useless with another token.
    func isSession(_ session: String, of grant: MCPGrant) -> Bool {
        let parts = session.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        return Digest.constantTimeEqual(String(parts[1]), Digest.hmac("mcp-session:\(parts[0]):\(grant.id)", key: configuration.signingKey))
    }

    func initialize(id: JSONValue, params: JSONValue, grant: MCPGrant) -> Response {
        var version = MCPServer.protocolVersions[0]
        if case .string(let asked)? = params["protocolVersion"], MCPServer.protocolVersions.contains(asked) { version = asked }
        let random = Random.token(bytes: 16)
        let session = random + "." + Digest.hmac("mcp-session:\(random):\(grant.id)", key: configuration.signingKey)
        let result: JSONValue = .object([
            "protocolVersion": .string(version),
            "capabilities": .object(["tools": .object(["listChanged": .bool(false)])]),
            "serverInfo": .object(["name": .string("connector-hub"), "version": .string("1")]),
            "instructions": .string(
                "Tools read the end user's linked accounts through connector-hub. List tools return a page of records and "
                    + "nextCursor; pass it back for more. Errors say what the person must do (reconnect, grant scopes)."),
        ])
        var response = rpcAnswer(id: id, result: result)
        response.headers[Self.sessionHeader] = session
        return response
    }

    func rpcAnswer(id: JSONValue, result: JSONValue? = nil, error: MCPServer.RPCError? = nil) -> Response {
        var message: [String: JSONValue] = ["jsonrpc": .string("2.0"), "id": id]
        if let error {
            message["error"] = .object(["code": .integer(error.code), "message": .string(error.message)])
        } else {
            message["result"] = result ?? .object([:])
        }
        return Response(
            status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: JSONValue.object(message).description)))
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }
}
