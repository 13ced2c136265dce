import Foundation

/// A unified operation (`iam.user.create`...) bound to one of the connector's actions, compiled
/// into the generated `Unified` struct as data from the spec's `operations` (see
/// `docs/unified.md#operations`). `validate` checked that every action input it gives has the
/// action's type and that enum maps cover the unified enum; what is left to run time is the
/// caller's values (text that is not a number, an optional unified input feeding a required
/// action input).
public struct UnifiedOperationBinding: Sendable {
    /// The model, e.g. `iam.user`.
    public var model: String
    /// The operation's name in the model, e.g. `create`.
    public var operation: String
    /// Whether the unified operation is destructive: callers confirm it.
    public var destructive: Bool
    /// The action it runs.
    public var action: ActionOperation
    /// Each action input given, and the expression over the unified inputs that gives it.
    public let inputs: [UnifiedOperationInput]
    let compiled: [UnifiedExpression]

    public init(model: String, operation: String, destructive: Bool, action: ActionOperation, inputs: [UnifiedOperationInput]) {
        self.model = model
        self.operation = operation
        self.destructive = destructive
        self.action = action
        self.inputs = inputs
        compiled = inputs.map { $0.expression.compiled() }
    }

    /// The action's arguments for the unified inputs `unified` (an object keyed by unified input
    /// name). Problems point at the unified input they come from (`/email: is required`).
    public func arguments(from unified: JSONValue) -> Result<ActionArguments, ActionError> {
        var object: [String: JSONValue] = [:]
        var problems: [InputProblem] = []
        for (index, input) in inputs.enumerated() {
            do throws(UnifiedExpression.Failure) {
                guard let value = try compiled[index].evaluate(unified) else { continue }
                object[input.name] = Self.json(value)
            } catch {
                problems.append(InputProblem(pointer: Self.pointer(input.expression), input: input.name, message: error.reason))
            }
        }
        guard problems.isEmpty else { return .failure(.invalidInput(action: action.id, problems: problems)) }
        switch action.arguments(from: .object(object)) {
        case .success(let arguments):
            return .success(arguments)
        case .failure(.invalidInput(let id, let actionProblems)):
            // Pointers name the action's inputs; the caller passed unified ones.
            let mapped = actionProblems.map { problem -> InputProblem in
                guard let input = inputs.first(where: { "/" + $0.name == problem.pointer || $0.name == problem.input }) else {
                    return InputProblem(pointer: "", input: nil, message: "\(problem.input ?? problem.pointer) \(problem.message)")
                }
                return InputProblem(pointer: Self.pointer(input.expression), input: input.name, message: problem.message)
            }
            return .failure(.invalidInput(action: id, problems: mapped))
        case .failure(let error):
            return .failure(error)
        }
    }

    /// The unified input an expression reads first (`/email`), or "" for a constant.
    static func pointer(_ expression: UnifiedExpression) -> String {
        let source = expression.source
        guard source.hasPrefix("/") else { return "" }
        return String(source.prefix { $0 != "," })
    }

    static func json(_ value: UnifiedExpression.Value) -> JSONValue {
        switch value {
        case .json(let json): return json
        case .strings(let list): return .array(list.map(JSONValue.string))
        case .date(let date): return .string(date.description)
        case .dateTime(let instant): return .string(ISO8601DateFormatter().string(from: instant))
        case .enumValue(let mapped, let source): return .string(mapped ?? source)
        }
    }
}

/// One action input of a binding and the expression that gives it.
public struct UnifiedOperationInput: Sendable {
    /// The action input's name.
    public var name: String
    public var expression: UnifiedExpression

    public init(_ name: String, _ expression: UnifiedExpression) {
        self.name = name
        self.expression = expression
    }
}

/// What a unified operation did: the provider's status, and the record it answered read as the
/// model (when the action has a typed `result`).
public struct UnifiedOperationOutcome<Model: UnifiedModelRecord>: Sendable {
    public var status: Int
    /// The record the provider answered, as the model; `nil` when the action has no result or the
    /// record could not be converted (then `unconverted` says why; the write happened all the same).
    public var record: Model?
    /// The provider's id of the record written: the converted record's, else the result's `id`.
    public var id: String?
    public var unconverted: UnifiedConversionError?
    public var response: ActionResponse
}

/// A unified operation the connection's connector does not bind to an action.
public struct UnifiedOperationUnavailable: Error, Sendable, Hashable, CustomStringConvertible {
    public var connector: String
    public var model: String
    public var operation: String

    public var description: String {
        "\(connector) does not bind \(model).\(operation) to an action (see its spec's unified operations)"
    }
}

extension UnifiedResource {
    /// Whether the connector binds the operation `name` of the model (`create`...).
    public func supports(_ name: String) -> Bool { operations.contains { $0.operation == name } }

    /// Runs the operation `name` with unified inputs `inputs` (an object keyed by input name):
    /// the inputs become the bound action's arguments, which are checked before anything is sent,
    /// then the action runs as `ActionRunner.run` (sent once; destructive ones need `confirmed`).
    /// Throws `UnifiedOperationUnavailable` or `ActionError`.
    public func run(_ name: String, inputs: JSONValue, confirmed: Bool = false,
                    options: ActionOptions = ActionOptions()) async throws -> UnifiedOperationOutcome<Model> {
        guard let binding = operations.first(where: { $0.operation == name }) else {
            throw UnifiedOperationUnavailable(connector: program.connector, model: program.model, operation: name)
        }
        if binding.destructive && !confirmed { throw ActionError.confirmationRequired(action: binding.action.id) }
        let arguments = try binding.arguments(from: inputs).get()
        let response = try await ActionRunner.run(binding.action, arguments: arguments, connection: connection,
                                                  confirmed: confirmed, options: options)
        var outcome = UnifiedOperationOutcome<Model>(status: response.status, record: nil, id: nil, unconverted: nil, response: response)
        guard let json = response.record, json != .null else { return outcome }
        do throws(UnifiedConversionError) {
            let record = Model(values: try program.evaluate(json), remote: json)
            outcome.record = record
            outcome.id = record.id
        } catch {
            outcome.unconverted = error
            if case .object(let members) = json {
                switch members["id"] {
                case .string(let text): outcome.id = text
                case .integer(let number): outcome.id = String(number)
                default: break
                }
            }
        }
        return outcome
    }
}
