// Unified operations through the app API: `POST /v1/accounts/{id}/unified/{model}/operations/{operation}`
// (e.g. `/unified/iam.user/operations/create`) runs the operation the account's connector binds to one of its
// actions (AuthVariantDescriptor.unifiedOperations). The same request and answers as
// `/actions/{action}` (ActionRoutes.swift, whose request parsing, failure mapping and log it
// reuses): `{"inputs": {...}, "confirm": true}` with the unified inputs, checked before anything is sent (400 with `/inputs/<unified input>` pointers), destructive
// operations confirmed, outcomes mapped the same way, and every call in the action log under
// `<model>.<operation>` (no input values).
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
        let request: ActionRequest
        switch Self.actionRequest(body) {
        case .success(let value): request = value
        case .failure(let refusal): return refusal.response
        }
        var problems = request.problems
        let confirmed = request.confirmed
        let arguments: ActionArguments?
        switch binding.arguments(from: request.inputs) {
        case .success(let value):
            arguments = value
        case .failure(let error):
            arguments = nil
            if case .invalidInput(_, let found) = error {
                problems += found.map { ["pointer": "/inputs" + $0.pointer, "message": $0.message] }
            }
        }
        if binding.destructive && !confirmed {
            problems.append([
                "pointer": "/confirm",
                "message": "\(logName) deletes or deactivates data: send \"confirm\": true to run it",
            ])
        }
        guard problems.isEmpty, let arguments else {
            try await logAction(account, logName, outcome: problems.contains { ($0["pointer"] as? String) == "/confirm" }
                ? "confirmationRequired" : "invalidInput", status: nil, attempts: nil)
            return Self.problems(problems)
        }
        let connection = try await self.connection(for: account)
        let result: Result<ActionResponse, ActionError>
        do {
            result = .success(try await ActionRunner.run(binding.action, arguments: arguments, connection: connection, confirmed: true))
        } catch {
            result = .failure(error)
        }
        switch result {
        case .success(let response):
            try await logAction(account, logName, outcome: "succeeded", status: response.status, attempts: response.attempts)
            var reply: [String: any Sendable] = [
                "model": model, "operation": name, "action": binding.action.id, "providerStatus": response.status,
            ]
            if let record = response.record, record != .null {
                reply["record"] = Self.foundation(record)
                if case .object(let fields) = record {
                    switch fields["id"] {
                    case .string(let text)?: reply["id"] = text
                    case .integer(let number)?: reply["id"] = String(number)
                    default: break
                    }
                }
            }
            return Self.json(.ok, reply)
        case .failure(let error):
            return try await actionFailure(error, account: account, actionID: logName)
        }
    }
}
