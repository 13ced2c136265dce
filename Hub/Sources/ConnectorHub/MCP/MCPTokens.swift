// MCP access tokens: an app mints one through the app API (`POST /v1/mcp-tokens`) for one end
// user or one account, with a tool allow-list and an expiry, and hands it to its agent. Only the
// token's SHA-256 is stored (a record of kind `mcp-token`); every MCP request is checked against it.
import ConnectorRuntime
import Foundation
import Hummingbird

/// What an MCP token grants. Stored under the SHA-256 of the token, never the token itself.
struct MCPGrant: Codable, Sendable, Hashable {
    /// The token's public id (`mcp_<id>.<secret>`): shown in the app API, names it in logs.
    var id: String
    /// The end user whose accounts the token covers (all of them, also those linked later), or nil.
    var endUserID: String?
    /// The one account the token covers, or nil.
    var accountID: String?
    /// Tool names the token may list and call; nil: every tool of its accounts.
    var tools: [String]?
    var expiresAt: Date
    var createdAt: Date
    /// The most tokens (approximate, see ``MCPBudget``) one answer of `tools/list` or
    /// `search_tools` may hold; above it the endpoint switches to search-then-call.
    var toolBudget: Int
}

/// Where a token's grant is stored, under the token's public id (a record of kind `mcp-token-id`).
struct MCPTokenIndex: Codable, Sendable, Hashable {
    var id: String
    /// The SHA-256 of the token: the id of its grant record.
    var hash: String
    var expiresAt: Date

    /// The shape of the ids the Hub mints (12 base64url characters), so a path parameter that
    /// cannot be one is refused without a read.
    static func isID(_ text: String) -> Bool {
        (1...64).contains(text.utf8.count)
            && text.unicodeScalars.allSatisfy { ($0.isASCII && CharacterSet.alphanumerics.contains($0)) || $0 == "-" || $0 == "_" }
    }
}

extension ConnectorHubService {
    static let mcpTokenKind = "mcp-token"
    /// The token's hash and expiry under its public id, so the app can revoke it by id and the
    /// Hub can find the expired ones (``purgeExpiredMCPTokens()``).
    static let mcpTokenIndexKind = "mcp-token-id"
    /// Lifetimes an MCP token may have: ten seconds (one short agent run) to thirty days.
    static let mcpTokenLifetimes: ClosedRange<Double> = 10...(30 * 86400)
    static let mcpDefaultLifetime: Double = 3600

    struct MCPTokenRequest: Decodable {
        var endUserId: String?
        var tools: [String]?
        var expiresInSeconds: Double?
        var toolBudget: Int?

        static let members = ["endUserId", "tools", "expiresInSeconds", "toolBudget"]
    }

    /// `POST /v1/mcp-tokens` (`endUserId` in the body) or `POST /v1/accounts/{id}/mcp-tokens`
    /// (`accountID`): checks the request and stores the grant under the token's hash.
    func mintMCPToken(_ input: MCPTokenRequest, accountID: String?) async throws -> (token: String, grant: MCPGrant) {
        if let accountID {
            guard try await account(accountID) != nil else { throw HubError.notFound }
            guard input.endUserId == nil else { throw HubError.badRequest("A token for one account takes no endUserId.") }
        } else {
            guard let endUser = input.endUserId, !endUser.isEmpty else { throw HubError.badRequest("Send endUserId (not empty).") }
        }
        let lifetime = input.expiresInSeconds ?? Self.mcpDefaultLifetime
        guard Self.mcpTokenLifetimes.contains(lifetime) else {
            throw HubError.badRequest(
                "expiresInSeconds must be between \(Int(Self.mcpTokenLifetimes.lowerBound)) (ten seconds) and "
                    + "\(Int(Self.mcpTokenLifetimes.upperBound)) (thirty days).")
        }
        let budget = input.toolBudget ?? MCPBudget.defaultBudget
        guard MCPBudget.allowed.contains(budget) else {
            throw HubError.badRequest(
                "toolBudget must be between \(MCPBudget.allowed.lowerBound) and \(MCPBudget.allowed.upperBound) tokens.")
        }
        if let tools = input.tools {
            guard !tools.isEmpty else { throw HubError.badRequest("tools must name at least one tool (leave it out for all).") }
            for tool in tools where !MCPServer.isToolName(tool) {
                throw HubError.badRequest("\(tool) is not a tool name (letters, digits, _ and -, at most 64).")
            }
        }
        let id = Random.token(bytes: 9)
        let token = "mcp_" + id + "." + Random.token()
        let moment = now()
        let grant = MCPGrant(
            id: id, endUserID: accountID == nil ? input.endUserId : nil, accountID: accountID, tools: input.tools,
            expiresAt: moment.addingTimeInterval(lifetime), createdAt: moment, toolBudget: budget)
        try await purgeExpiredMCPTokens()
        let hash = Digest.sha256(token)
        try await records.put(MCPTokenIndex(id: id, hash: hash, expiresAt: grant.expiresAt), kind: Self.mcpTokenIndexKind, id: id)
        try await records.put(grant, kind: Self.mcpTokenKind, id: hash)
        return (token, grant)
    }

    /// `DELETE /v1/mcp-tokens/{id}`: the token stops working at once, on every Hub process (the
    /// next MCP request finds no grant). `false` when no token has this id (or it was purged).
    func revokeMCPToken(id: String) async throws -> Bool {
        guard MCPTokenIndex.isID(id), let index = try await records.get(MCPTokenIndex.self, kind: Self.mcpTokenIndexKind, id: id)
        else { return false }
        try await records.delete(kind: Self.mcpTokenKind, id: index.hash)
        try await records.delete(kind: Self.mcpTokenIndexKind, id: id)
        return true
    }

    /// Deletes every expired token (grant and index). Runs before each mint, so the stored tokens
    /// never outgrow the unexpired ones plus those expired since the last mint; its cost is one
    /// read of the index records (at most one per token alive in the last thirty days).
    @discardableResult
    func purgeExpiredMCPTokens() async throws -> Int {
        let moment = now()
        var purged = 0
        for index in try await records.all(MCPTokenIndex.self, kind: Self.mcpTokenIndexKind) where index.expiresAt <= moment {
            try await records.delete(kind: Self.mcpTokenKind, id: index.hash)
            try await records.delete(kind: Self.mcpTokenIndexKind, id: index.id)
            purged += 1
        }
        if purged > 0 { HubLog.info("purged \(purged) expired MCP token\(purged == 1 ? "" : "s")") }
        return purged
    }

    /// The grant of a presented MCP token, when it exists and has not expired.
    func mcpGrant(token: String) async throws -> MCPGrant? {
        guard token.hasPrefix("mcp_"), token.utf8.count < 200 else { return nil }
        guard let grant = try await records.get(MCPGrant.self, kind: Self.mcpTokenKind, id: Digest.sha256(token)) else { return nil }
        return grant.expiresAt > now() ? grant : nil
    }

    /// The accounts a grant covers now, active or not (a call on one that is not active is a
    /// `reconnect_required` tool error).
    func mcpAccounts(_ grant: MCPGrant) async throws -> [HubAccount] {
        if let accountID = grant.accountID { return try await account(accountID).map { [$0] } ?? [] }
        guard let endUserID = grant.endUserID else { return [] }
        return try await accounts(endUserID: endUserID)
    }
}

extension ConnectorHubService {
    /// `POST /v1/mcp-tokens`, `POST /v1/accounts/{id}/mcp-tokens` → `201 {id, token, url,
    /// expiresAt, toolBudget, tools?}`; the token is shown only here.
    func mcpTokenRoute(_ request: Request, accountID: String?) async throws -> Response {
        let body = try await Self.body(of: request, upTo: Self.jsonBodyLimit)
        try Self.refuseNulls(body, members: MCPTokenRequest.members)
        var input = MCPTokenRequest()
        if accountID == nil || body.readableBytes > 0 {
            guard let decoded = try? JSONDecoder().decode(MCPTokenRequest.self, from: Data(body.readableBytesView)) else {
                throw HubError.badRequest(
                    accountID == nil
                        ? "Send JSON with endUserId (and optionally tools, expiresInSeconds, toolBudget)."
                        : "Send no body, or JSON with tools, expiresInSeconds, toolBudget.")
            }
            input = decoded
        }
        let (token, grant) = try await mintMCPToken(input, accountID: accountID)
        var answer: [String: any Sendable] = [
            "id": grant.id, "token": token, "url": mcpResource, "expiresAt": Self.date(grant.expiresAt), "toolBudget": grant.toolBudget,
        ]
        if let tools = grant.tools { answer["tools"] = tools }
        return Self.json(.created, answer)
    }
}
