// Translates `actions` into Swift: per auth variant, an `Actions` struct with one typed function
// per action (a destructive one takes an explicit `confirm:` argument) and the compiled
// `ActionOperation` of each, which the Hub uses to check request bodies.
//
// ```swift
// let actions = Acme.Oauth.Actions(connection)
// let outcome = try await actions.addUser(email: "ada@example.com", name: "Ada")
// print(outcome.record?.id)
// try await actions.removeUser(userId: "42", confirm: .confirmed)
// ```

import Foundation

struct ActionTranslator {
    var docs: DocMaker
    /// The connector's namespace type, e.g. `Acme`.
    var namespace: String

    /// Parameter names a generated action function uses besides its inputs.
    static let reservedParameterNames = ["options", "confirm", "connection"]

    /// `Actions` of a variant. `recordType` gives the qualified type of a result record.
    func actionsStruct(_ actions: [Action], variantPointer: JSONPointer, recordType: (ActionResult) -> String)
        -> SwiftTypeDeclaration
    {
        var functions = IdentifierMaker(reserved: ["connection", "all"])
        var types = IdentifierMaker(reserved: OutputNaming.reservedTypeNames + ["Actions", namespace])
        var members: [SwiftDeclaration] = [
            .property(SwiftProperty(
                doc: docs.doc(["The linked account the requests go through."], pointer: nil), isStatic: false,
                name: "connection", type: "ConnectorRuntime.Connection")),
            .function(SwiftFunction(
                doc: docs.doc(["The actions of `connection`."], pointer: nil), access: .public, isStatic: false,
                name: nil, parameters: [SwiftParameter(label: nil, name: "connection", type: "ConnectorRuntime.Connection")],
                body: [.line("self.connection = connection")])),
        ]
        var operationNames: [String] = []
        for action in actions {
            let function = functions.make(action.id, style: .lowerCamel)
            let operation = functions.make(action.id + "Operation", style: .lowerCamel)
            operationNames.append(operation)
            members.append(.property(SwiftProperty(
                doc: docs.doc(["The compiled `" + action.id + "` action."], pointer: action.pointer), isStatic: true,
                name: operation, type: "ConnectorRuntime.ActionOperation", value: operationLines(action))))
            members += functionMembers(
                action, function: function, operation: operation, types: &types,
                record: action.result.map(recordType))
        }
        members.append(.property(SwiftProperty(
            doc: docs.doc(["Every action of this variant, in spec order."], pointer: nil), isStatic: true, name: "all",
            type: "[ConnectorRuntime.ActionOperation]", value: ["[" + operationNames.joined(separator: ", ") + "]"])))
        return SwiftTypeDeclaration(
            doc: docs.doc(["The writes this variant's connection can make, as typed functions."], pointer: variantPointer),
            kind: .struct, name: "Actions", inheritance: ["Swift.Sendable"], members: members)
    }

    private func functionMembers(
        _ action: Action, function: String, operation: String, types: inout IdentifierMaker, record: String?
    ) -> [SwiftDeclaration] {
        var members: [SwiftDeclaration] = []
        var parameterNames = IdentifierMaker(reserved: Self.reservedParameterNames)
        var parameters: [SwiftParameter] = []
        var lines: [SwiftStatement] = [.line("var _arguments = ConnectorRuntime.ActionArguments()")]
        var inputDocs: [String] = []
        for input in action.inputs {
            let name = parameterNames.make(input.name, style: .lowerCamel)
            let plain = name
            var type: String
            var value: String
            func scalar(_ kind: ActionInput.InputType, _ expression: String) -> (String, String) {
                switch kind {
                case .string, .array: (SwiftNames.string, ".string(" + expression + ")")
                case .integer: ("Swift.Int", ".integer(" + expression + ")")
                case .number: ("Swift.Double", ".number(" + expression + ")")
                case .boolean: ("Swift.Bool", ".boolean(" + expression + ")")
                case .date: ("ConnectorRuntime.CalendarDate", ".date(" + expression + ")")
                case .dateTime: ("Foundation.Date", ".dateTime(" + expression + ", ." + input.format.rawValue + ")")
                case .enum: ("", "")
                }
            }
            switch input.type {
            case .enum:
                let enumName = types.make(action.id + "_" + input.name, style: .upperCamel)
                members.append(.type(ResourceTranslator(docs: docs, namespace: namespace)
                    .valuesEnum(enumName, values: input.values, pointer: input.pointer + "/values")))
                (type, value) = (enumName, ".string(" + plain + ".rawValue)")
            case .array:
                let element = scalar(input.items == .integer ? .integer : .string, "$0")
                (type, value) = ("[" + element.0 + "]", plain + ".map { " + element.1 + " }")
            default:
                (type, value) = scalar(input.type, plain)
            }
            let call: String
            switch input.location {
            case .path: call = "_arguments.path(" + SwiftStringLiteral.make(input.name) + ", " + value + ")"
            case .query: call = "_arguments.query(" + SwiftStringLiteral.make(input.parameter) + ", " + value + ")"
            case .body where input.secret:
                type = "ConnectorRuntime.Secret"
                call = "_arguments.secretBody(" + SwiftStringLiteral.make(input.bodyPointer) + ", " + plain + ")"
            case .body: call = "_arguments.body(" + SwiftStringLiteral.make(input.bodyPointer) + ", " + value + ")"
            }
            if input.required {
                parameters.append(SwiftParameter(label: name, name: name, type: type))
                lines.append(.line(call))
            } else {
                parameters.append(SwiftParameter(label: name, name: name, type: type + "?", defaultValue: "nil"))
                lines.append(.block(opening: "if let " + plain + " {", body: [.line(call)]))
            }
            let place = switch input.location {
            case .path: "path"
            case .query: "query `" + input.parameter + "`"
            case .body: "body `" + input.bodyPointer + "`"
            }
            inputDocs.append("- " + input.name + ": " + place + (input.secret ? " (secret: never logged or repeated in errors)" : "")
                + (input.description.map { ": " + $0 } ?? ""))
        }
        if action.destructive {
            parameters.append(SwiftParameter(label: "confirm", name: "confirm", type: "ConnectorRuntime.ActionConfirmation"))
        }
        parameters.append(SwiftParameter(
            label: "options", name: "options", type: "ConnectorRuntime.ActionOptions",
            defaultValue: "ConnectorRuntime.ActionOptions()"))
        let confirmed = action.destructive ? "confirm == .confirmed" : "false"
        let returnType: String
        if let record {
            returnType = "ConnectorRuntime.ActionOutcome<" + record + ">"
            lines.append(.line(
                "return try await ConnectorRuntime.ActionRunner.run(" + record + ".self, Self." + operation
                    + ", arguments: _arguments, connection: connection, confirmed: " + confirmed + ", options: options)"))
        } else {
            returnType = "ConnectorRuntime.ActionResponse"
            lines.append(.line(
                "return try await ConnectorRuntime.ActionRunner.run(Self." + operation
                    + ", arguments: _arguments, connection: connection, confirmed: " + confirmed + ", options: options)"))
        }
        if action.inputs.isEmpty { lines[0] = .line("let _arguments = ConnectorRuntime.ActionArguments()") }
        var paragraphs = [action.description ?? "The `" + action.id + "` action."]
        paragraphs.append("`" + action.method.rawValue + " " + action.path + "`" + (action.scopes.isEmpty ? "" : "; needs "
            + action.scopes.map { "`" + $0 + "`" }.joined(separator: ", ")) + ".")
        if action.destructive {
            paragraphs.append("Destructive: deletes or deactivates data; pass `confirm: .confirmed`.")
        }
        paragraphs.append("Sent once: a timeout after sending throws `ActionError.outcomeUnknown`, never a second request.")
        members.append(.function(SwiftFunction(
            doc: docs.doc(paragraphs + inputDocs, pointer: action.pointer), access: .public, isStatic: false,
            name: function, parameters: parameters, throwsClause: "async throws(ConnectorRuntime.ActionError)",
            returnType: returnType, body: lines)))
        return members
    }

    private func operationLines(_ action: Action) -> [String] {
        var lines = ["ConnectorRuntime.ActionOperation("]
        lines.append("id: " + SwiftStringLiteral.make(action.id) + ",")
        lines.append("method: " + SwiftStringLiteral.make(action.method.rawValue) + ",")
        lines.append("path: " + SwiftStringLiteral.make(action.path) + ",")
        if !action.inputs.isEmpty {
            lines.append("inputs: [")
            for input in action.inputs {
                let location = switch input.location {
                case .path: ".path"
                case .query: ".query(" + SwiftStringLiteral.make(input.parameter) + ")"
                case .body: ".body(" + SwiftStringLiteral.make(input.bodyPointer) + ")"
                }
                var text = "    ConnectorRuntime.ActionInputDescriptor(" + SwiftStringLiteral.make(input.name) + ", ."
                    + (input.type == .dateTime ? "dateTime" : SwiftNamePlan.unquoted(input.type == .enum ? "`enum`" : input.type.rawValue))
                    + ", " + location
                if input.required { text += ", required: true" }
                if !input.values.isEmpty { text += ", values: [" + input.values.map(SwiftStringLiteral.make).joined(separator: ", ") + "]" }
                if let items = input.items { text += ", items: ." + items.rawValue }
                if input.type == .dateTime { text += ", format: ." + input.format.rawValue }
                if input.secret { text += ", secret: true" }
                lines.append(text + "),")
            }
            lines.append("],")
        }
        if let body = action.body {
            lines.append("body: try? ConnectorRuntime.JSONValue.parse(Foundation.Data(" + SwiftStringLiteral.make(body) + ".utf8)),")
        }
        if action.encoding != .json { lines.append("encoding: ." + action.encoding.rawValue + ",") }
        if !action.success.isEmpty { lines.append("success: [" + action.success.map(String.init).joined(separator: ", ") + "],") }
        if let result = action.result { lines.append("resultPointer: " + SwiftStringLiteral.make(result.at) + ",") }
        if !action.scopes.isEmpty {
            lines.append("scopes: [" + action.scopes.map(SwiftStringLiteral.make).joined(separator: ", ") + "],")
        }
        if action.destructive { lines.append("destructive: true,") }
        if let header = action.idempotencyHeader { lines.append("idempotencyHeader: " + SwiftStringLiteral.make(header) + ",") }
        if let failure = action.failureWhen {
            lines.append("failureWhen: ConnectorRuntime.ActionOperation.FailureCondition(pointer: " + SwiftStringLiteral.make(failure.at)
                + ", equals: (try? ConnectorRuntime.JSONValue.parse(Foundation.Data(" + SwiftStringLiteral.make(failure.equals)
                + ".utf8))) ?? .null, errors: " + SwiftStringLiteral.make(failure.errors) + "),")
        }
        if let contentType = action.contentType { lines.append("contentType: " + SwiftStringLiteral.make(contentType) + ",") }
        // The last argument takes no comma.
        if var last = lines.popLast() {
            if last.hasSuffix(",") { last.removeLast() }
            lines.append(last)
        }
        lines.append(")")
        return lines
    }
}

extension ConnectorTranslator {
    /// A variant's `Actions` struct (when it has any action).
    func actionMembers(index: Int, variant: AuthVariant, typeName variantType: String) -> [SwiftDeclaration] {
        let actions = spec.actions(ofVariant: index)
        guard !actions.isEmpty else { return [] }
        let translator = ActionTranslator(docs: docs, namespace: typeName)
        return [.type(translator.actionsStruct(actions, variantPointer: variant.pointer + "/actions") { result in
            result.variantRecord ? typeName + "." + variantType + "." + result.record : typeName + "." + result.record
        })]
    }
}

extension Action {
    /// The action's path as a `get` of a resource, so the configuration's `pathFields` include
    /// the fields it inserts as `{{fields.KEY}}`.
    var pathCarrier: Resource {
        Resource(
            pointer: pointer, name: id, record: "", description: nil, idField: nil, fields: [], list: nil,
            get: GetOperation(pointer: pointer, path: path, record: ""))
    }
}
