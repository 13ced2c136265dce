// tools/list and tools/call of the MCP endpoint: the tools a grant covers, the token budget and
// search-then-call mode, and the calls themselves with bounded results and tool errors in the
// words of the connection FAQ (reconnect, missing scopes), never a stack trace or a secret.
import ConnectorCompilerCore
import ConnectorRuntime
import Foundation

/// Token counts of what the endpoint sends a model.
///
/// The approximation: one token per 4 bytes of compact JSON (UTF-8), rounded up. Byte-pair
/// tokenizers of current models (cl100k, o200k, Claude's) give 3.5 to 4.5 bytes per token on
/// JSON Schema text; docs/mcp.md has the comparison. It is an estimate for budgeting, not a bill.
enum MCPBudget {
    static let bytesPerToken = 4
    /// Budget of one `tools/list` (or `search_tools`) answer when the token names none.
    static let defaultBudget = 8_000
    static let allowed: ClosedRange<Int> = 500...200_000

    static func tokens(_ value: JSONValue) -> Int { tokens(bytes: value.description.utf8.count) }
    static func tokens(bytes: Int) -> Int { (bytes + bytesPerToken - 1) / bytesPerToken }
}

/// The most bytes of records one `list` or `get` answer carries (its JSON), before the rest is
/// left for the next call.
let mcpResultByteCap = 32 * 1024

/// A record as received, for any resource: the MCP tools return records as the provider sent
/// them, checked against the declared fields by ``MCPRecordCheck``.
struct MCPRecord: ResourceRecord {
    let raw: JSONValue
    init(record: RecordReader) throws(RecordFieldError) { raw = record.raw }
}

/// A tool of a grant with the accounts it reads.
struct MCPCoveredTool: Sendable {
    var tool: MCPTool
    var accounts: [HubAccount]
}

extension ConnectorHubService {
    /// The tools a grant covers now: its accounts' connectors' resource tools, within its allow-list.
    func mcpTools(_ grant: MCPGrant, catalog: MCPCatalog = .shared) async throws -> [MCPCoveredTool] {
        let accounts = try await mcpAccounts(grant)
        var result: [MCPCoveredTool] = []
        let byConnector = Dictionary(grouping: accounts, by: \.connectorID)
        for connector in byConnector.keys.sorted() {
            let covered = byConnector[connector] ?? []
            var variants: [String] = []
            for account in covered where !variants.contains(account.variantID) { variants.append(account.variantID) }
            for tool in catalog.tools(connector: connector, variants: variants) where grant.tools?.contains(tool.name) ?? true {
                result.append(MCPCoveredTool(tool: tool, accounts: covered))
            }
        }
        return result
    }

    func mcpToolsList(_ grant: MCPGrant) async throws -> JSONValue {
        let tools = try await mcpTools(grant)
        let definitions = JSONValue.array(tools.map { $0.tool.definition(accounts: $0.accounts) })
        if MCPBudget.tokens(definitions) <= grant.toolBudget { return .object(["tools": definitions]) }
        return .object(["tools": .array([MCPSearch.searchTool(count: tools.count), MCPSearch.callTool(for: tools.map(\.tool))])])
    }

    func mcpToolsCall(_ grant: MCPGrant, params: JSONValue) async throws -> JSONValue {
        guard case .string(let name)? = params["name"] else { throw MCPServer.RPCError(code: -32602, message: "tools/call needs a name.") }
        var arguments: [String: JSONValue] = [:]
        if let given = params["arguments"] {
            guard case .object(let members) = given else { throw MCPServer.RPCError(code: -32602, message: "arguments must be an object.") }
            arguments = members
        }
        let tools = try await mcpTools(grant)
        switch name {
        case MCPSearch.searchName:
            return MCPSearch.search(tools, arguments: arguments, budget: grant.toolBudget)
        case MCPSearch.callName:
            guard case .string(let inner)? = arguments["name"], inner != MCPSearch.callName, inner != MCPSearch.searchName else {
                return MCPResult.error("invalid_arguments", "call_tool needs name: a tool name from search_tools.")
            }
            var innerArguments: [String: JSONValue] = [:]
            if case .object(let members)? = arguments["arguments"] { innerArguments = members }
            guard let covered = tools.first(where: { $0.tool.name == inner }) else {
                return MCPResult.error("unknown_tool", "No tool \(inner) for this token: search_tools lists the tools it may call.")
            }
            return await call(covered, arguments: innerArguments, grant: grant)
        default:
            // Unknown, or outside the token's accounts or allow-list: the same answer.
            guard let covered = tools.first(where: { $0.tool.name == name }) else {
                throw MCPServer.RPCError(code: -32602, message: "Unknown tool: \(name).")
            }
            return await call(covered, arguments: arguments, grant: grant)
        }
    }

    /// Runs one tool; every failure is a tool error (`isError`), in words a person can act on.
    func call(_ covered: MCPCoveredTool, arguments: [String: JSONValue], grant: MCPGrant) async -> JSONValue {
        let tool = covered.tool
        let name = MCPCatalog.shared.names[tool.connectorID] ?? tool.connectorID
        let account: HubAccount
        if covered.accounts.count == 1 {
            account = covered.accounts[0]
        } else {
            guard case .string(let id)? = arguments["account"], let chosen = covered.accounts.first(where: { $0.id == id }) else {
                return MCPResult.error("invalid_arguments", "Name the account: one of \(covered.accounts.map(\.id).joined(separator: ", ")).")
            }
            account = chosen
        }
        for key in arguments.keys where key != "account" && tool.inputProperties[key] == nil {
            return MCPResult.error("invalid_arguments", "\(tool.name) has no input \(key).")
        }
        guard account.status == "active" else { return MCPResult.reconnect(name) }
        switch tool.kind {
        case .list, .get: break
        case .unifiedList, .unifiedGet, .action, .unifiedOperation:
            return await callModelTool(tool, account: account, arguments: arguments, grant: grant, provider: name)
        }
        guard let resource = MCPCatalog.shared.resources(connector: account.connectorID, variant: account.variantID).first(where: { $0.name == tool.resource })
        else {
            return MCPResult.error("unsupported", "\(name) accounts linked with \(account.variantID) do not offer \(tool.resource).")
        }
        do {
            let connection = try await self.connection(for: account)
            switch tool.kind {
            case .list:
                guard let list = resource.list else { return MCPResult.error("unsupported", "\(tool.resource) cannot be listed.") }
                return try await MCPListCall(
                    tool: tool, resource: resource, list: list, connection: connection,
                    cursorKey: MCPCursor.key(signingKey: configuration.signingKey),
                    cursorBinding: MCPCursor.binding(grant: grant, account: account.id, tool: tool.name)
                ).run(arguments)
            case .get:
                guard let get = resource.get else { return MCPResult.error("unsupported", "\(tool.resource) cannot be read by id.") }
                return try await MCPGetCall(resource: resource, get: get, connection: connection).run(arguments)
            case .unifiedList, .unifiedGet, .action, .unifiedOperation:
                return MCPResult.error("unsupported", "\(tool.name) is not a resource tool.")
            }
        } catch let error as MCPResult.Failure {
            return MCPResult.error(error.code, error.message)
        } catch {
            if Self.isReconnect(error) {
                try? await setStatus(account.id, "reconnect_required")
                return MCPResult.reconnect(name)
            }
            return MCPResult.failure(error, connector: name)
        }
    }

    static func isReconnect(_ error: any Error) -> Bool {
        if case ConnectorError.reconnectRequired = error { return true }
        if case ResourceError.retriesExhausted(_, _, _, .reconnectRequired) = error { return true }
        return false
    }
}

/// Tool results.
enum MCPResult {
    /// A failure a call reports as a tool error with its code.
    struct Failure: Error {
        var code: String
        var message: String
    }

    static func success(text: String, structured: JSONValue) -> JSONValue {
        .object(["content": .array([.object(["type": .string("text"), "text": .string(text)])]), "structuredContent": structured, "isError": .bool(false)])
    }

    /// `code: message`, as text, with the code also in `structuredContent` for programs.
    static func error(_ code: String, _ message: String) -> JSONValue {
        .object([
            "content": .array([.object(["type": .string("text"), "text": .string(code + ": " + message)])]),
            "isError": .bool(true),
        ])
    }

    static func reconnect(_ connector: String) -> JSONValue {
        error(
            "reconnect_required",
            "The \(connector) account must be reconnected: its access was revoked or has expired. Ask the person to reconnect "
                + "the account (the app opens a reconnect session for it), then call again.")
    }

    /// A runtime error in the FAQ's words; provider details that could hold data are left out.
    static func failure(_ error: any Error, connector: String) -> JSONValue {
        switch error {
        case ConnectorError.missingScopes(let scopes), ResourceError.retriesExhausted(_, _, _, .missingScopes(let scopes)):
            return Self.error(
                "missing_scopes",
                "The \(connector) account lacks permissions this call needs"
                    + (scopes.isEmpty ? "" : " (missing scopes: \(scopes.joined(separator: ", ")))")
                    + ". Ask the person to check that the required scopes listed in the connection guide are enabled and saved at "
                    + "\(connector), then reconnect the account.")
        case ConnectorError.invalidCredentials, ConnectorError.accessDenied:
            return Self.error(
                "invalid_credentials",
                "\(connector) refused the account's credentials. Ask the person to check them (no extra spaces or characters, "
                    + "the account has the required admin or integration permissions) and reconnect the account.")
        case ConnectorError.rateLimited(let retryAfter):
            return Self.error("rate_limited", "\(connector) asks to slow down" + (retryAfter.map { ": try again in \(Int($0.rounded(.up))) s." } ?? ": try again later."))
        case ResourceError.notFound:
            return Self.error("not_found", "\(connector) has no such record.")
        case ResourceError.timedOut, ResourceError.deadlineExceeded:
            return Self.error("timed_out", "\(connector) did not answer in time: try again later.")
        case ConnectorError.providerUnavailable, ResourceError.retriesExhausted, ResourceError.unexpectedStatus:
            return Self.error("provider_unavailable", "\(connector) did not answer as expected: try again later.")
        default:
            HubLog.warning("MCP tool call failed: \(type(of: error))")
            return Self.error("provider_error", "\(connector)'s answer could not be read (the Hub's log has the error's kind).")
        }
    }
}

/// Checks a record against the declared fields, as the generated record types do: required
/// fields present and not null, each declared value of its JSON type.
enum MCPRecordCheck {
    static func conforms(_ record: JSONValue, _ fields: [RecordField]) -> Bool {
        guard case .object(let members) = record else { return false }
        for field in fields {
            guard let value = members[field.name], value != .null else {
                if field.required { return false }
                continue
            }
            switch (field.type, value) {
            case (.string, .string), (.date, .string), (.enum, .string), (.boolean, .bool), (.object, .object), (.array, .array),
                (.integer, .integer), (.number, .integer), (.number, .number):
                continue
            case (.dateTime, .string): if field.format != .iso8601 { return false }
            case (.dateTime, .integer), (.dateTime, .number): if field.format == .iso8601 { return false }
            default: return false
            }
        }
        return true
    }
}
