// The calls of the unified and action tools (MCPModelTools.swift). A unified list is the resource
// tools' bounded, cursor-sealed page walk (``MCPListCall``) with each record converted by the
// model's mapping; a unified get is the `/unified/{model}/{remoteId}` route's read. Actions and
// unified operations go through the app API's own request check and logged run
// (`checkedActionRequest`, `runLoggedAction`, ActionRoutes.swift), so the action log records
// them too (with `via: mcp`). Every failure is a tool error in the connection FAQ's words.
import ConnectorCompilerCore
import ConnectorRuntime
import Foundation
import NIOCore

extension ConnectorHubService {
    func callModelTool(
        _ tool: MCPTool, account: HubAccount, arguments: [String: JSONValue], grant: MCPGrant, provider: String
    ) async -> JSONValue {
        do {
            switch tool.kind {
            case .unifiedList(let model):
                guard let mapping = HubUnifiedCatalog.shared.mapping(connector: account.connectorID, variant: account.variantID, model: model),
                    var list = mapping.resource.list
                else { return MCPResult.error("unsupported", "\(provider) accounts linked with \(account.variantID) do not map \(model).") }
                // The unified list takes no resource inputs (as GET /v1/accounts/{id}/unified/{model}).
                list.inputs = []
                let program = mapping.program
                return try await MCPListCall(
                    tool: tool, resource: mapping.resource, list: list, connection: try await connection(for: account),
                    cursorKey: MCPCursor.key(signingKey: configuration.signingKey),
                    cursorBinding: MCPCursor.binding(grant: grant, account: account.id, tool: tool.name),
                    convert: { raw in try? HubUnifiedRecord(values: program.evaluate(raw), remote: raw).json }
                ).run(arguments)
            case .unifiedGet(let model):
                let remoteID: String
                switch arguments["remoteId"] {
                case .string(let text)? where !text.isEmpty: remoteID = text
                case .integer(let number)?: remoteID = String(number)
                default: return MCPResult.error("invalid_arguments", "remoteId is required.")
                }
                let record = try await unifiedRecord(accountID: account.id, model: model, remoteID: remoteID)
                let text = record.description
                guard text.utf8.count <= mcpResultByteCap else {
                    return MCPResult.error("too_large", "The record is larger than the \(mcpResultByteCap / 1024) KiB result cap.")
                }
                return MCPResult.success(text: text, structured: record)
            case .action(let id):
                guard let (_, variant) = lookupVariant(account.connectorID, account.variantID),
                    let operation = variant.actions.first(where: { $0.id == id })
                else { return MCPResult.error("unsupported", "\(provider) accounts linked with \(account.variantID) have no action \(id).") }
                let decoded: ActionArguments, confirmed: Bool
                switch try await checkedActionRequest(
                    Self.actionBody(arguments), account: account, logName: id, subject: tool.name, destructive: operation.destructive,
                    decode: operation.arguments(from:), via: "mcp")
                {
                case .success(let value): (decoded, confirmed) = value
                case .failure(let refusal): return Self.toolError(refusal, tool: tool, provider: provider)
                }
                switch try await runLoggedAction(operation, arguments: decoded, confirmed: confirmed, account: account, logName: id, via: "mcp") {
                case .success(let response):
                    var answer: [String: JSONValue] = ["providerStatus": .integer(response.status)]
                    if let record = response.record, record != .null { answer["record"] = record }
                    return Self.written(answer)
                case .failure(let refusal): return Self.toolError(refusal, tool: tool, provider: provider)
                }
            case .unifiedOperation(let model, let name):
                guard let (_, variant) = lookupVariant(account.connectorID, account.variantID),
                    let binding = variant.unifiedOperations.first(where: { $0.model == model && $0.operation == name })
                else { return MCPResult.error("unsupported", "\(provider) accounts linked with \(account.variantID) do not bind \(model).\(name).") }
                let logName = model + "." + name
                let decoded: ActionArguments
                switch try await checkedActionRequest(
                    Self.actionBody(arguments), account: account, logName: logName, subject: tool.name, destructive: binding.destructive,
                    decode: binding.arguments(from:), via: "mcp")
                {
                case .success(let value): decoded = value.0
                case .failure(let refusal): return Self.toolError(refusal, tool: tool, provider: provider)
                }
                // Confirmed: the binding's own destructive flag was checked above (as the route does).
                switch try await runLoggedAction(binding.action, arguments: decoded, confirmed: true, account: account, logName: logName, via: "mcp") {
                case .success(let response):
                    // The route's answer (UnifiedActionRoutes.swift): the record in the model's shape.
                    return Self.written(unifiedOperationAnswer(response, binding: binding, account: account))
                case .failure(let refusal): return Self.toolError(refusal, tool: tool, provider: provider)
                }
            case .list, .get:
                return MCPResult.error("unsupported", "\(tool.name) is a resource tool.")
            }
        } catch let error as MCPResult.Failure {
            return MCPResult.error(error.code, error.message)
        } catch HubError.reconnectRequired {
            return MCPResult.reconnect(provider)
        } catch HubError.provider(let error) {
            return MCPResult.failure(error, connector: provider)
        } catch HubError.badRequest(let message) {
            return MCPResult.error("invalid_arguments", message)
        } catch UnifiedRouteError.recordNotFound {
            return MCPResult.error("not_found", "\(provider) has no such record.")
        } catch UnifiedRouteError.unconvertible(let error) {
            return MCPResult.error(
                "unconvertible_record",
                "The record's \(error.sourceField) cannot be read as the unified \(error.targetField) (\(error.reason)).")
        } catch UnifiedRouteError.resource(let error) {
            return MCPResult.failure(error, connector: provider)
        } catch {
            if Self.isReconnect(error) {
                try? await setStatus(account.id, "reconnect_required")
                return MCPResult.reconnect(provider)
            }
            return MCPResult.failure(error, connector: provider)
        }
    }

    /// The app API's request body for the tool's arguments: the inputs (without `account` and
    /// `confirm`) and `confirm` as given, so the shared check reads what a client sent.
    static func actionBody(_ arguments: [String: JSONValue]) -> ByteBuffer {
        var inputs = arguments
        inputs["account"] = nil
        let confirm = inputs.removeValue(forKey: "confirm")
        var body: [String: JSONValue] = ["inputs": .object(inputs)]
        if let confirm { body["confirm"] = confirm }
        return ByteBuffer(string: JSONValue.object(body).description)
    }

    /// A write's answer: an action's (`providerStatus`, the provider's `record`) or a unified
    /// operation's (``unifiedOperationAnswer(_:binding:account:)``, as the app API answers it).
    /// The write happened: when `record` and `remote` together are over the result cap, they are
    /// left out (with `truncated` and a marker), never turned into an error.
    static func written(_ answer: [String: JSONValue]) -> JSONValue {
        var structured = answer
        let recordBytes = ["record", "remote"].reduce(0) { $0 + (structured[$1]?.description.utf8.count ?? 0) }
        let truncated = recordBytes > mcpResultByteCap
        if truncated {
            structured["record"] = nil
            structured["remote"] = nil
            structured["truncated"] = .bool(true)
        }
        var text = JSONValue.object(structured).description
        if truncated {
            text += "\n[truncated: the written record is larger than the \(mcpResultByteCap / 1024) KiB result cap and was "
                + "left out; the write happened]"
        }
        return MCPResult.success(text: text, structured: .object(structured))
    }

    /// A refused or failed action call as a tool error: the problems with the inputs (named by
    /// input, without values), the confirmation, or the outcome in the FAQ's words.
    static func toolError(_ refusal: ActionRequestRefusal, tool: MCPTool, provider: String) -> JSONValue {
        if !refusal.problems.isEmpty {
            let found = refusal.problems.map { problem -> (pointer: String, message: String) in
                var pointer = problem["pointer"] as? String ?? ""
                if pointer.hasPrefix("/inputs") { pointer.removeFirst("/inputs".count) }
                return (String(pointer.drop { $0 == "/" }), problem["message"] as? String ?? "")
            }
            if found.count == 1, found[0].pointer == "confirm" {
                return MCPResult.error(
                    "confirmation_required",
                    "\(tool.name) deletes or deactivates data at \(provider). Nothing was sent. Ask the person to confirm, "
                        + "then call again with confirm: true.")
            }
            let list = found.map { ($0.pointer.isEmpty ? "" : $0.pointer + " ") + $0.message }.joined(separator: "; ")
            return MCPResult.error("invalid_arguments", list + ". Nothing was sent.")
        }
        guard let error = refusal.error else {
            return MCPResult.error("invalid_arguments", "The arguments do not match \(tool.name)'s inputs. Nothing was sent.")
        }
        switch error {
        case let .rejected(_, status, problems, _):
            let detail = problems.isEmpty
                ? "" : ": " + problems.map { String($0.pointer.drop { $0 == "/" }) + " " + $0.message }.joined(separator: "; ")
            return MCPResult.error("rejected", "\(provider) refused the inputs (HTTP \(status))\(detail). Correct them and call again.")
        case .outcomeUnknown:
            return MCPResult.error(
                "outcome_unknown",
                "\(provider) did not answer, so it may or may not have done it. It was not sent again: check at \(provider) "
                    + "(read the records) before calling again.")
        case .missingScopes(_, let scopes):
            return MCPResult.failure(ConnectorError.missingScopes(scopes), connector: provider)
        case .connection(_, .reconnectRequired):
            return MCPResult.reconnect(provider)
        case .connection(_, let inner), .retriesExhausted(_, _, let inner):
            return MCPResult.failure(inner, connector: provider)
        case .unexpectedStatus(_, 404, _):
            return MCPResult.error("not_found", "\(provider) has no such record (HTTP 404). Nothing was changed.")
        case .unexpectedStatus(_, let status, _):
            return MCPResult.error("provider_error", "\(provider) answered HTTP \(status): it did not report success.")
        case .invalidResult:
            return MCPResult.error("invalid_result", "\(provider) did it, but its answer could not be read: do not call again.")
        case .confirmationRequired:
            return MCPResult.error("confirmation_required", "\(tool.name) runs only with confirm: true. Nothing was sent.")
        case .invalidInput(_, let problems):
            return MCPResult.error("invalid_arguments", problems.map(\.description).joined(separator: "; ") + ". Nothing was sent.")
        }
    }
}
