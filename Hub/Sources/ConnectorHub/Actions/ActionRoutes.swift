// Actions through the app API: `POST /v1/accounts/{id}/actions/{action}` runs one of the account's
// compiled actions (AuthVariantDescriptor.actions) after checking the JSON body against the
// action's inputs, and writes every call to the action log (`GET /v1/accounts/{id}/action-log`).
// The log holds the account, the action, the time, the outcome, the provider's status and the
// number of attempts: never an input value, a provider message or a credential.
import ConnectorRuntime
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension ConnectorHubService {
    /// One call of an action, as the action log keeps it.
    struct ActionLogEntry: Codable, Sendable {
        var id: String
        var accountID: String
        var connectorID: String
        var action: String
        var at: Date
        /// `succeeded`, or the ActionError case (`rejected`, `outcomeUnknown`, ...).
        var outcome: String
        var providerStatus: Int?
        var attempts: Int?
        /// How the call came: `mcp` for an MCP tool call, absent for the app API.
        var via: String?
    }

    static let actionLogKind = "action-log"

    /// `POST /v1/accounts/{id}/actions/{action}` with `{"inputs": {...}, "confirm": true}`.
    func actionRoute(accountID: String, actionID: String, body: ByteBuffer) async throws -> Response {
        guard let account = try await account(accountID) else { throw HubError.notFound }
        guard let (_, variant) = lookupVariant(account.connectorID, account.variantID),
              let operation = variant.actions.first(where: { $0.id == actionID })
        else {
            return Self.json(.notFound, [
                "error": "not_found", "message": "The account's connector has no action \(actionID) for its auth variant.",
            ])
        }
        guard account.status == "active" else { throw HubError.reconnectRequired }
        let arguments: ActionArguments, confirmed: Bool
        switch try await checkedActionRequest(
            body, account: account, logName: actionID, subject: "action \(actionID)", destructive: operation.destructive,
            decode: operation.arguments(from:))
        {
        case .success(let value): (arguments, confirmed) = value
        case .failure(let refusal): return refusal.response
        }
        switch try await runLoggedAction(operation, arguments: arguments, confirmed: confirmed, account: account, logName: actionID) {
        case .success(let response):
            var reply: [String: any Sendable] = ["action": actionID, "providerStatus": response.status]
            if let record = response.record { reply["record"] = Self.foundation(record) }
            return Self.json(.ok, reply)
        case .failure(let refusal):
            return refusal.response
        }
    }

    /// Parses an action (or unified operation) request, decodes its inputs with `decode` and
    /// checks that a destructive call is confirmed: the problems are answered 400, and such a
    /// refused call is logged under `logName` (a body that is not a JSON object is answered
    /// before anything, unlogged). `subject` names the call in the confirmation problem.
    func checkedActionRequest(
        _ body: ByteBuffer, account: HubAccount, logName: String, subject: String, destructive: Bool,
        decode: (JSONValue) -> Result<ActionArguments, ActionError>, via: String? = nil
    ) async throws -> Result<(ActionArguments, Bool), ActionRequestRefusal> {
        let request: ActionRequest
        switch Self.actionRequest(body) {
        case .success(let value): request = value
        case .failure(let refusal): return .failure(refusal)
        }
        var problems = request.problems
        let arguments: ActionArguments?
        switch decode(request.inputs) {
        case .success(let value):
            arguments = value
        case .failure(let error):
            arguments = nil
            if case .invalidInput(_, let found) = error {
                problems += found.map { ["pointer": "/inputs" + $0.pointer, "message": $0.message] }
            }
        }
        if destructive && !request.confirmed {
            problems.append([
                "pointer": "/confirm",
                "message": "\(subject) deletes or deactivates data: send \"confirm\": true to run it",
            ])
        }
        guard problems.isEmpty, let arguments else {
            try await logAction(account, logName, outcome: problems.contains { ($0["pointer"] as? String) == "/confirm" }
                ? "confirmationRequired" : "invalidInput", status: nil, attempts: nil, via: via)
            return .failure(ActionRequestRefusal(response: Self.problems(problems), problems: problems))
        }
        return .success((arguments, request.confirmed))
    }

    /// Runs `operation` on the account's connection and logs the outcome under `logName`; a
    /// failure comes back answered as ``actionFailure(_:account:actionID:)`` answers it.
    func runLoggedAction(
        _ operation: ActionOperation, arguments: ActionArguments, confirmed: Bool, account: HubAccount, logName: String,
        via: String? = nil
    ) async throws -> Result<ActionResponse, ActionRequestRefusal> {
        let connection = try await self.connection(for: account)
        let response: ActionResponse
        do {
            response = try await ActionRunner.run(
                operation, arguments: arguments, connection: connection, confirmed: confirmed,
                options: ActionOptions(requestTimeout: configuration.actionTimeoutSeconds))
        } catch {
            return .failure(ActionRequestRefusal(
                response: try await actionFailure(error, account: account, actionID: logName, via: via), error: error))
        }
        try await logAction(account, logName, outcome: "succeeded", status: response.status, attempts: response.attempts, via: via)
        return .success(response)
    }

    /// The body of an action (or unified operation) request: `{"inputs": {...}, "confirm": true?}`.
    struct ActionRequest {
        var inputs: JSONValue
        var confirmed: Bool
        /// Members that are not `inputs` or `confirm`, a `confirm` that is not a boolean.
        var problems: [[String: any Sendable]]
    }

    /// A body that is not a JSON object: answered 400 before anything else.
    struct ActionRequestRefusal: Error {
        var response: Response
        /// The request's problems (pointers into the body), when the request was refused before sending.
        var problems: [[String: any Sendable]] = []
        /// The action's failure, when it was sent (or could not be).
        var error: ActionError? = nil
    }

    static func actionRequest(_ body: ByteBuffer) -> Result<ActionRequest, ActionRequestRefusal> {
        let object: JSONValue
        if body.readableBytes == 0 {
            object = .object([:])
        } else {
            guard let parsed = try? JSONValue.parse(Data(body.readableBytesView)) else {
                return .failure(ActionRequestRefusal(response: problems([["pointer": "", "message": "the body is not JSON"]])))
            }
            object = parsed
        }
        guard case .object(let members) = object else {
            return .failure(ActionRequestRefusal(response: problems([
                ["pointer": "", "message": "the body must be a JSON object with inputs (and confirm)"],
            ])))
        }
        var found: [[String: any Sendable]] = []
        for key in members.keys.sorted() where key != "inputs" && key != "confirm" {
            found.append(["pointer": "/" + key, "message": "is not a member of an action request (inputs, confirm)"])
        }
        var confirmed = false
        switch members["confirm"] {
        case nil: break
        case .bool(let flag)?: confirmed = flag
        default: found.append(["pointer": "/confirm", "message": "must be true or false"])
        }
        return .success(ActionRequest(inputs: members["inputs"] ?? .object([:]), confirmed: confirmed, problems: found))
    }

    func actionFailure(_ error: ActionError, account: HubAccount, actionID: String, via: String? = nil) async throws -> Response {
        var status: Int?
        let reply: Response
        switch error {
        case let .rejected(_, provider, problems, message):
            status = provider
            var body: [String: any Sendable] = [
                "error": "rejected", "message": "The provider refused the inputs.", "providerStatus": provider,
                "problems": problems.map { ["pointer": "/inputs" + $0.pointer, "message": $0.message] as [String: any Sendable] },
            ]
            if let message { body["providerMessage"] = message }
            reply = Self.json(.unprocessableContent, body)
        case .outcomeUnknown:
            // The write may have happened: the reply says so, and that sending it again could
            // write twice (`retryable: false`).
            reply = Self.json(.gatewayTimeout, ["error": "outcome_unknown", "message": error.description, "retryable": false])
        case .missingScopes:
            status = 403
            reply = Self.json(.forbidden, ["error": "missing_scopes", "message": error.description])
        case .retriesExhausted:
            reply = Self.json(.serviceUnavailable, ["error": "provider_unavailable", "message": error.description])
        case let .unexpectedStatus(_, provider, _):
            status = provider
            reply = Self.json(.badGateway, ["error": "provider_error", "message": error.description, "providerStatus": provider])
        case .connection(_, .reconnectRequired):
            try await setStatus(account.id, "reconnect_required")
            reply = Self.apiError(HubError.reconnectRequired)
        case .connection, .invalidResult, .confirmationRequired, .invalidInput:
            reply = Self.json(.badGateway, ["error": "provider_error", "message": error.description])
        }
        try await logAction(account, actionID, outcome: error.outcome, status: status, attempts: nil, via: via)
        return reply
    }

    static func problems(_ list: [[String: any Sendable]]) -> Response {
        json(.badRequest, ["error": "invalid_request", "message": "The request does not match the action's inputs.", "problems": list])
    }

    func logAction(_ account: HubAccount, _ action: String, outcome: String, status: Int?, attempts: Int?, via: String? = nil) async throws {
        let entry = ActionLogEntry(
            id: "act_" + UUID().uuidString.lowercased(), accountID: account.id, connectorID: account.connectorID,
            action: action, at: now(), outcome: outcome, providerStatus: status, attempts: attempts, via: via)
        try await records.put(entry, kind: Self.actionLogKind, id: entry.id)
    }

    /// `GET /v1/accounts/{id}/action-log`: the account's action calls, newest first.
    func actionLogRoute(accountID: String) async throws -> Response {
        guard try await account(accountID) != nil else { throw HubError.notFound }
        let entries = try await records.all(ActionLogEntry.self, kind: Self.actionLogKind)
            .filter { $0.accountID == accountID }.sorted { $0.at > $1.at }
        return Self.json(.ok, ["entries": entries.map(Self.logJSON)])
    }

    static func logJSON(_ entry: ActionLogEntry) -> [String: any Sendable] {
        var object: [String: any Sendable] = [
            "id": entry.id, "account": entry.accountID, "connector": entry.connectorID, "action": entry.action,
            "at": date(entry.at), "outcome": entry.outcome,
        ]
        if let status = entry.providerStatus { object["providerStatus"] = status }
        if let attempts = entry.attempts { object["attempts"] = attempts }
        if let via = entry.via { object["via"] = via }
        return object
    }

    /// A JSON value as the Foundation objects `JSONSerialization` writes.
    static func foundation(_ value: JSONValue) -> any Sendable {
        switch value {
        case .null: NSNull()
        case .bool(let flag): flag
        case .integer(let number): number
        case .number(let number): number
        case .string(let text): text
        case .array(let items): items.map(foundation)
        case .object(let members): members.mapValues(foundation)
        }
    }
}
