// Unified operations through the app API: `POST /v1/accounts/{id}/unified/{model}/operations/{operation}`
// (e.g. `/unified/iam.user/operations/create`) runs the operation the account's connector binds to one of its
// actions (AuthVariantDescriptor.unifiedOperations). The same request and answers as
// `/actions/{action}` (ActionRoutes.swift, whose request parsing, failure mapping and log it
// reuses): `{"inputs": {...}, "confirm": true}` with the unified inputs, checked before anything is sent (400 with `/inputs/<unified input>` pointers), destructive
// operations confirmed, outcomes mapped the same way, and every call in the action log under
// `<model>.<operation>` (no input values). The created or updated record comes back in the model's
// shape (the connector's read mapping for the model, `remote` kept).
import ConnectorRuntime
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension ConnectorHubService {
    /// `POST /v1/accounts/{id}/unified/{model}/operations/{operation}`.
    func unifiedOperationRoute(accountID: String, model: String, operation name: String, body: ByteBuffer) async throws -> Response {
        guard let account = try await account(accountID) else { throw HubError.notFound }
        guard let (_, variant) = lookupVariant(account.connectorID, account.variantID),
              let binding = variant.unifiedOperations.first(where: { $0.model == model && $0.operation == name })
        else {
            return Self.json(.notFound, [
                "error": "not_found",
                "message": "The account's connector does not bind \(model).\(name) to an action for its auth variant.",
            ])
        }
        guard account.status == "active" else { throw HubError.reconnectRequired }
        let logName = model + "." + name
        let arguments: ActionArguments
        switch try await checkedActionRequest(
            body, account: account, logName: logName, subject: logName, destructive: binding.destructive,
            decode: binding.arguments(from:))
        {
        case .success(let value): arguments = value.0
        case .failure(let refusal): return refusal.response
        }
        // Confirmed: the binding's own destructive flag was checked above.
        switch try await runLoggedAction(binding.action, arguments: arguments, confirmed: true, account: account, logName: logName) {
        case .success(let response):
            return Self.json(.ok, JSONValue.object(unifiedOperationAnswer(response, binding: binding, account: account)))
        case .failure(let refusal):
            return refusal.response
        }
    }

    /// The answer of a unified operation that ran, the same for this route and the MCP tool
    /// (`callModelTool`, MCPModelCalls.swift), so the two cannot disagree: `model`, `operation`,
    /// the bound `action`, `providerStatus` and, when the provider answered a record, that record
    /// in the model's shape (``unifiedResult(_:account:model:)``).
    func unifiedOperationAnswer(_ response: ActionResponse, binding: UnifiedOperationBinding, account: HubAccount) -> [String: JSONValue] {
        var answer: [String: JSONValue] = [
            "model": .string(binding.model), "operation": .string(binding.operation), "action": .string(binding.action.id),
            "providerStatus": .integer(response.status),
        ]
        if let record = response.record, record != .null {
            answer.merge(unifiedResult(record, account: account, model: binding.model)) { _, new in new }
        }
        return answer
    }

    /// The created or updated record of a unified operation, in the model's shape: converted by
    /// the read mapping the account's connector has for `model` (the same record as
    /// `GET /unified/{model}/{id}`, `remote` the provider's record), with its `id`. Without a
    /// mapping, or when the record does not convert, `record` is left out: `remote` is the
    /// provider's record and `conversionError` says which field failed (no value in it).
    func unifiedResult(_ record: JSONValue, account: HubAccount, model: String) -> [String: JSONValue] {
        var reply: [String: JSONValue] = [:]
        let mapping = HubUnifiedCatalog.shared.mapping(connector: account.connectorID, variant: account.variantID, model: model)
        do throws(UnifiedConversionError) {
            if let mapping {
                let values = try mapping.program.evaluate(record)
                reply["record"] = HubUnifiedRecord(values: values, remote: record).json
                if let id = values.string("id") { reply["id"] = .string(id) }
                return reply
            }
        } catch {
            reply["conversionError"] = .object([
                "sourceField": .string(error.sourceField), "targetField": .string(error.targetField), "reason": .string(error.reason),
            ])
        }
        reply["remote"] = record
        if case .object(let fields) = record {
            switch fields["id"] {
            case .string(let text)?: reply["id"] = .string(text)
            case .integer(let number)?: reply["id"] = .string(String(number))
            default: break
            }
        }
        return reply
    }
}
