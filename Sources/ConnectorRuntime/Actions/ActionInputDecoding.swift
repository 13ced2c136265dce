import Foundation

// The inputs of an action read from a JSON object (the Hub's request body): every problem is
// collected with the JSON pointer of the offending member, before anything is sent.

extension ActionOperation {
    /// The arguments `object` gives, or every problem with it: a member that is not an input, a
    /// required input missing, a value of the wrong type, an enum value not allowed. Messages
    /// never repeat the value (it may be personal data).
    public func arguments(from object: JSONValue) -> Result<ActionArguments, ActionError> {
        guard case .object(let members) = object else {
            return .failure(.invalidInput(action: id, problems: [InputProblem(pointer: "", input: nil, message: "the body must be a JSON object of the action's inputs")]))
        }
        var problems: [InputProblem] = []
        var arguments = ActionArguments()
        let known = Set(inputs.map(\.name))
        for key in members.keys.sorted() where !known.contains(key) {
            problems.append(InputProblem(pointer: "/" + Self.escape(key), input: nil, message: "is not an input of action '\(id)'"))
        }
        for input in inputs {
            let pointer = "/" + Self.escape(input.name)
            guard let value = members[input.name], value != .null else {
                if input.required {
                    problems.append(InputProblem(pointer: pointer, input: input.name, message: "is required"))
                }
                continue
            }
            switch Self.decode(value, input: input, kind: input.kind) {
            case .failure(let message):
                problems.append(InputProblem(pointer: pointer, input: input.name, message: message.text))
            case .success(.one(let one)):
                switch input.location {
                case .path: arguments.path(input.name, one)
                case .query(let name): arguments.query(name, one)
                case .body(let target):
                    if input.secret, case .string(let text) = one {
                        arguments.secretBody(target, Secret(text))
                    } else {
                        arguments.body(target, one)
                    }
                }
            case .success(.many(let many)):
                switch input.location {
                case .path: problems.append(InputProblem(pointer: pointer, input: input.name, message: "a path input cannot be an array"))
                case .query(let name): arguments.query(name, many)
                case .body(let target): arguments.body(target, many)
                }
            }
        }
        return problems.isEmpty ? .success(arguments) : .failure(.invalidInput(action: id, problems: problems))
    }

    private enum Decoded {
        case one(InputValue)
        case many([InputValue])
    }


    private static func decode(_ value: JSONValue, input: ActionInputDescriptor, kind: ActionInputDescriptor.Kind)
        -> Result<Decoded, MessageError>
    {
        switch (kind, value) {
        case (.string, .string(let text)):
            return text.isEmpty && input.required ? .failure(MessageError("must not be empty")) : .success(.one(.string(text)))
        case (.integer, .integer(let number)): return .success(.one(.integer(number)))
        case (.number, .integer(let number)): return .success(.one(.number(Double(number))))
        case (.number, .number(let number)): return .success(.one(.number(number)))
        case (.boolean, .bool(let flag)): return .success(.one(.boolean(flag)))
        case (.date, .string(let text)):
            guard let date = CalendarDate(text) else { return .failure(MessageError("must be a date written YYYY-MM-DD")) }
            return .success(.one(.date(date)))
        case (.dateTime, .string(let text)):
            guard let date = DateTimeCoding.date(from: .string(text), format: .iso8601) else {
                return .failure(MessageError("must be an RFC 3339 date-time, e.g. 2026-12-07T09:30:00Z"))
            }
            return .success(.one(.dateTime(date, input.format)))
        case (.enum, .string(let text)):
            guard input.values.contains(text) else {
                return .failure(MessageError("must be one of " + input.values.map { "\"\($0)\"" }.joined(separator: ", ")))
            }
            return .success(.one(.string(text)))
        case (.array, .array(let elements)):
            var values: [InputValue] = []
            for (index, element) in elements.enumerated() {
                switch decode(element, input: input, kind: input.items ?? .string) {
                case .success(.one(let one)): values.append(one)
                case .success(.many): return .failure(MessageError("element \(index) must not be an array"))
                case .failure(let message): return .failure(MessageError("element \(index) " + message.text))
                }
            }
            return .success(.many(values))
        default:
            return .failure(MessageError("must be " + article(kind)))
        }
    }

    private static func article(_ kind: ActionInputDescriptor.Kind) -> String {
        switch kind {
        case .string, .enum: "a string"
        case .integer: "an integer"
        case .number: "a number"
        case .boolean: "true or false"
        case .date: "a date string (YYYY-MM-DD)"
        case .dateTime: "a date-time string"
        case .array: "an array"
        }
    }

    static func escape(_ token: String) -> String {
        token.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }
}

struct MessageError: Error {
    var text: String
    init(_ text: String) { self.text = text }
}
