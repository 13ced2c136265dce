public import Foundation

/// How an action is sent.
public struct ActionOptions: Sendable {
    /// Waits between attempts after a 429 (and, with an idempotency key, a 5xx); `Retry-After` is
    /// respected. Timeouts are never retried.
    public var retry: RetryPolicy
    /// Seconds one attempt may take.
    public var requestTimeout: TimeInterval
    /// The key sent in the action's idempotency header (a new UUID when `nil`); the same key on
    /// every attempt.
    public var idempotencyKey: String?

    public init(
        retry: RetryPolicy = RetryPolicy(maxAttempts: 3), requestTimeout: TimeInterval = HTTPRequest.defaultTimeout,
        idempotencyKey: String? = nil
    ) {
        self.retry = retry
        self.requestTimeout = requestTimeout
        self.idempotencyKey = idempotencyKey
    }
}

/// What an action's successful response held.
public struct ActionResponse: Sendable, Hashable {
    public var status: Int
    /// The parsed body (`nil` when empty or not JSON).
    public var body: JSONValue?
    /// The result record's JSON, at the action's result pointer.
    public var record: JSONValue?
    /// Requests sent (more than one only after 429s, or 5xx with an idempotency key).
    public var attempts: Int
}

/// The typed outcome of an action with a result record.
public struct ActionOutcome<Record: ResourceRecord>: Sendable {
    public var status: Int
    /// The created or updated record, when the response holds it.
    public var record: Record?
    public var response: ActionResponse
}

/// Sends actions with the semantics a write needs.
///
/// - A destructive action runs only when `confirmed`.
/// - The request is sent once. A timeout or a broken connection after sending may have reached
///   the provider: ``ActionError/outcomeUnknown(action:detail:)``, never sent again.
/// - A 429 is answered before the provider acts: it is retried after `Retry-After`. A 5xx is
///   retried only when the action has an idempotency header (the same key each time), since
///   the provider may have acted before failing; without one it is `outcomeUnknown`.
/// - 400, 409 and 422 become ``ActionError/rejected(action:status:problems:message:)`` with
///   problems pointing at the inputs the provider named, and so does a success status whose body
///   the action's `failureWhen` says is a refusal; a 403 becomes
///   ``ActionError/missingScopes(action:scopes:)``.
public enum ActionRunner {
    /// Runs `operation` and reads its result as `Record`.
    public static func run<Record: ResourceRecord>(
        _ type: Record.Type, _ operation: ActionOperation, arguments: ActionArguments, connection: Connection,
        confirmed: Bool = false, options: ActionOptions = ActionOptions()
    ) async throws(ActionError) -> ActionOutcome<Record> {
        let response = try await run(operation, arguments: arguments, connection: connection, confirmed: confirmed, options: options)
        guard let json = response.record, json != .null else {
            return ActionOutcome(status: response.status, record: nil, response: response)
        }
        do {
            let record = try Record(record: RecordReader(json))
            return ActionOutcome(status: response.status, record: record, response: response)
        } catch {
            throw .invalidResult(action: operation.id, detail: "field '\(error.field)': \(error.reason)")
        }
    }

    /// Runs `operation`; the response's record is left as JSON.
    public static func run(
        _ operation: ActionOperation, arguments: ActionArguments, connection: Connection, confirmed: Bool = false,
        options: ActionOptions = ActionOptions()
    ) async throws(ActionError) -> ActionResponse {
        let action = operation.id
        if operation.destructive && !confirmed { throw .confirmationRequired(action: action) }
        let request = try await request(operation, arguments: arguments, connection: connection, options: options)
        var attempt = 1
        let recorder = TransportFailureRecorder()
        while true {
            recorder.reset()
            let failure: ConnectorError
            let retryAfter: Double?
            do {
                let response = try await TransportFailureRecorder.$current.withValue(recorder) {
                    try await connection.send(request)
                }
                return try answer(response, operation: operation, redact: connection.redactor.adding(arguments.secrets), attempts: attempt)
            } catch let error as ActionError {
                throw error
            } catch let error as ConnectorError {
                if let kind = recorder.kind, kind == .timedOut || kind == .network || kind == .cancelled {
                    throw .outcomeUnknown(
                        action: action,
                        detail: kind == .timedOut
                            ? "no answer within \(Int(options.requestTimeout.rounded())) s after the request was sent"
                            : kind == .cancelled ? "the call was cancelled after the request was sent"
                            : "the connection failed after the request was sent")
                }
                switch error {
                case .rateLimited(let after):
                    failure = error
                    retryAfter = after
                case .providerUnavailable(let detail, retryable: true):
                    guard operation.idempotencyHeader != nil else {
                        throw .outcomeUnknown(action: action, detail: detail + " The provider may have acted before failing, and the action has no idempotency key to retry with safely")
                    }
                    failure = error
                    retryAfter = nil
                case .missingScopes(let scopes):
                    throw .missingScopes(action: action, scopes: scopes.isEmpty ? operation.scopes : scopes)
                default:
                    throw .connection(action: action, error)
                }
            } catch {
                throw .connection(action: action, .misconfigured("unexpected error"))
            }
            guard attempt < options.retry.maxAttempts else {
                throw .retriesExhausted(action: action, attempts: attempt, last: failure)
            }
            let wait = options.retry.delay(afterAttempt: attempt, retryAfter: retryAfter)
            do {
                try await options.retry.sleep(wait)
            } catch {
                throw .retriesExhausted(action: action, attempts: attempt, last: failure)
            }
            attempt += 1
        }
    }

    /// The request: path inputs in the template, query inputs appended, body inputs written
    /// into the constant body, and the idempotency key.
    static func request(
        _ operation: ActionOperation, arguments: ActionArguments, connection: Connection, options: ActionOptions
    ) async throws(ActionError) -> HTTPRequest {
        let action = operation.id
        var tokens: [String: String] = [:]
        if PathTemplate.needsTokens(operation.path) {
            do {
                tokens = try await connection.tokenExtras()
            } catch {
                throw .connection(action: action, error)
            }
        }
        var path: String
        do {
            path = try PathTemplate.expand(
                operation.path, arguments.path, fields: connection.configuration.pathFields, tokens: tokens,
                resource: action)
        } catch let error as ConnectorError {
            throw .connection(action: action, error)
        } catch {
            throw .connection(action: action, .misconfigured("The path of action '\(action)' could not be built."))
        }
        if !arguments.query.isEmpty {
            path += (path.contains("?") ? "&" : "?")
                + arguments.query.map { FormEncoding.encode($0.name) + "=" + FormEncoding.encode($0.value) }.joined(separator: "&")
        }
        var headers = HTTPHeaders()
        var data: Data?
        if operation.body != nil || !arguments.body.isEmpty {
            var body = operation.body ?? .object([:])
            for value in arguments.body {
                guard let written = body.setting(value.value, at: value.pointer) else {
                    throw .connection(
                        action: action, .misconfigured("The body of action '\(action)' has no object on the way to '\(value.pointer)'."))
                }
                body = written
            }
            switch operation.encoding {
            case .json:
                headers["Content-Type"] = operation.contentType ?? "application/json"
                data = body.data
            case .form:
                headers["Content-Type"] = "application/x-www-form-urlencoded"
                var pairs: [String] = []
                if case .object(let members) = body {
                    for key in members.keys.sorted() {
                        let values: [JSONValue] = if case .array(let list)? = members[key] { list } else { [members[key] ?? .null] }
                        for value in values {
                            let text: String = if case .string(let string) = value { string } else { value.description }
                            pairs.append(FormEncoding.encode(key) + "=" + FormEncoding.encode(text))
                        }
                    }
                }
                data = Data(pairs.joined(separator: "&").utf8)
            }
        }
        headers["Accept"] = "application/json"
        if let header = operation.idempotencyHeader {
            headers[header] = options.idempotencyKey ?? UUID().uuidString.lowercased()
        }
        guard var request = HTTPRequest(method: operation.method, path: path, headers: headers, body: data) else {
            throw .connection(action: action, .misconfigured("The path of action '\(action)' is not a valid URL reference."))
        }
        request.timeout = options.requestTimeout
        return request
    }

    /// A response the connection returned (it throws 401, 429, 5xx and 403 `insufficient_scope`).
    private static func answer(
        _ response: HTTPResponse, operation: ActionOperation, redact: Redactor, attempts: Int
    ) throws(ActionError) -> ActionResponse {
        let action = operation.id
        if operation.isSuccess(response.status) {
            let body = response.body.isEmpty ? nil : try? JSONValue.parse(response.body)
            if let failure = operation.failureWhen, failure.matches(body) {
                // A refusal the provider answers with a success status: nothing was done, like a 422.
                let errors = failure.errors.isEmpty ? body : body?.at(pointer: failure.errors)
                let read = ProviderErrorReader.read(errors ?? .null, inputs: operation.inputs, redact: redact)
                throw .rejected(action: action, status: response.status, problems: read.problems, message: read.message)
            }
            var record: JSONValue?
            if let pointer = operation.resultPointer {
                record = pointer.isEmpty ? body : body?.at(pointer: pointer)
                if body != nil, record == nil {
                    throw .invalidResult(action: action, detail: "the response has nothing at '\(pointer)'")
                }
            }
            return ActionResponse(status: response.status, body: body, record: record, attempts: attempts)
        }
        let read = ProviderErrorReader.read(response.body, inputs: operation.inputs, redact: redact)
        switch response.status {
        case 400, 409, 422:
            throw .rejected(action: action, status: response.status, problems: read.problems, message: read.message)
        case 403:
            throw .missingScopes(action: action, scopes: operation.scopes)
        default:
            throw .unexpectedStatus(action: action, status: response.status, message: read.message)
        }
    }
}
