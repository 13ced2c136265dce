/// Why an action did not (certainly) happen. Every case names the action; none holds a secret
/// or an input's value.
public enum ActionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A destructive action was called without an explicit confirmation; nothing was sent.
    case confirmationRequired(action: String)
    /// The inputs do not match the action's schema; nothing was sent.
    case invalidInput(action: String, problems: [InputProblem])
    /// The provider refused the inputs (400, 409, 422): `problems` point at the inputs the
    /// provider named; `message` is its own text, redacted, when it named none.
    case rejected(action: String, status: Int, problems: [InputProblem], message: String?)
    /// The request may have reached the provider, but no answer came (a timeout, a dropped
    /// connection, a 5xx without an idempotency key): the write may or may not have happened.
    /// It was not sent again; check the provider before trying again.
    case outcomeUnknown(action: String, detail: String)
    /// The connection lacks the scopes or permissions the action needs (403).
    case missingScopes(action: String, scopes: [String])
    /// Rate limits or provider failures answered before the provider acted, on every attempt.
    case retriesExhausted(action: String, attempts: Int, last: ConnectorError)
    /// Credentials, configuration and other connection errors.
    case connection(action: String, ConnectorError)
    /// Any other status the action does not count as success (404 included).
    case unexpectedStatus(action: String, status: Int, message: String?)
    /// The write succeeded, but the response does not hold the declared result record.
    case invalidResult(action: String, detail: String)

    public var description: String {
        switch self {
        case let .confirmationRequired(action):
            return "Action '\(action)' deletes or deactivates data and runs only when confirmed explicitly. Nothing was sent."
        case let .invalidInput(action, problems):
            return "The inputs of action '\(action)' are invalid: " + problems.map(\.description).joined(separator: "; ")
                + ". Nothing was sent."
        case let .rejected(action, status, problems, message):
            let detail = problems.isEmpty ? (message ?? "no reason given") : problems.map(\.description).joined(separator: "; ")
            return "The provider rejected action '\(action)' (\(status)): \(detail). Correct the inputs and try again."
        case let .outcomeUnknown(action, detail):
            return "Action '\(action)' may or may not have happened (\(detail)). It was not sent again: check the provider before retrying."
        case let .missingScopes(action, scopes):
            // The connection FAQ's words: the required scopes listed in the connection guide.
            let names = scopes.isEmpty ? "" : " (\(scopes.joined(separator: ", ")))"
            return "The connection lacks the scopes action '\(action)' needs\(names). If you grant fewer scopes than required, some API calls may fail: ensure all required scopes listed in the connection guide are enabled and saved in the third-party system, then link the account again."
        case let .retriesExhausted(action, attempts, last):
            return "Action '\(action)' was refused before the provider acted on all \(attempts) attempts; last: \(last.description)"
        case let .connection(action, error):
            return "Action '\(action)' could not be sent: \(error.description)"
        case let .unexpectedStatus(action, status, message):
            return "Action '\(action)' failed: the provider answered \(status)" + (message.map { " (\($0))" } ?? "") + "."
        case let .invalidResult(action, detail):
            return "Action '\(action)' succeeded, but its result could not be read: \(detail)."
        }
    }

    /// A short name of the outcome, for audit logs: `succeeded` is not an error.
    public var outcome: String {
        switch self {
        case .confirmationRequired: "confirmationRequired"
        case .invalidInput: "invalidInput"
        case .rejected: "rejected"
        case .outcomeUnknown: "outcomeUnknown"
        case .missingScopes: "missingScopes"
        case .retriesExhausted: "retriesExhausted"
        case .connection: "connectionError"
        case .unexpectedStatus: "unexpectedStatus"
        case .invalidResult: "invalidResult"
        }
    }
}
