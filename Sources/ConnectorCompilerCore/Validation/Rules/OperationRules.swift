// Rules about the `operations` of a `unified` entry: a unified operation (`iam.user.create`, a
// model file's `operations`) bound to one of the connection's actions, each action input given by
// an expression over the operation's inputs. Checked per auth variant on its effective mappings
// and actions (a variant's action replaces the connector's of the same id); an operation is
// available on the variants that have its action. Reported once per place in the file:
// - the operation exists in the model (`unified-operation-unknown`) and the action in the
//   connector or one of its variants (`unified-operation-action-unknown`);
// - each key of `inputs` is an input of the action (`unified-operation-action-input-unknown`), and
//   every required (or path) input of the action is given (`unified-operation-required-unmapped`);
// - pointers read inputs of the operation (`unified-operation-input-unknown`), and each expression
//   gives the action input's type (`unified-operation-type-mismatch`);
// - an enum map from a unified enum covers every one of its values
//   (`unified-operation-enum-uncovered`: an app may pass any of them) and gives values the action
//   input accepts (a type mismatch otherwise);
// - a destructive operation binds a destructive action, or `notDestructiveBecause` says why the
//   provider's action is not one, and a destructive action is bound only to a destructive
//   operation, whose callers confirm it (`unified-operation-destructive`).
// Expression shapes are those of the read mappings (`MappingExpression.parse`,
// `unified-expression-invalid`); the enum map goes the other way: unified value → provider value.

import Foundation

struct OperationRules {
    var collector: DiagnosticCollector
    let root: JSONNode
    private var reported: Set<String> = []

    init(collector: DiagnosticCollector, root: JSONNode) {
        self.collector = collector
        self.root = root
    }

    /// The type an expression over the operation's inputs gives.
    enum ValueType: Equatable {
        case string, integer, number, boolean, date, dateTime, parsedDate, stringArray
        /// A string constant (which fits an enum input that has it).
        case literal(String)
        /// A unified enum input with its values.
        case enumeration([String])
        /// An array input of this element type (`email`, `reference`, `string`).
        case array(String)
        /// The provider values an enum map gives, with their nodes.
        case mapped([String], [JSONNode])

        var name: String {
            switch self {
            case .string, .literal: "string"
            case .integer: "integer"
            case .number: "number"
            case .boolean: "boolean"
            case .date: "date"
            case .dateTime: "date-time"
            case .parsedDate: "parsed date"
            case .stringArray: "array of string"
            case .enumeration: "enum"
            case .array(let items): "array of \(items)"
            case .mapped: "mapped enum"
            }
        }

        var isText: Bool {
            switch self {
            case .string, .literal, .enumeration: true
            default: false
            }
        }
    }

    mutating func check() {
        let variants = root["auth"]?.arrayValue ?? []
        let connectorMappings = Self.entries(root["unified"])
        guard !connectorMappings.isEmpty || variants.contains(where: { $0["unified"] != nil }) else { return }
        let connectorActions = Self.actions(root["actions"])
        var everyAction = Set(connectorActions.keys)
        for variant in variants { everyAction.formUnion(Self.actions(variant["actions"]).keys) }
        for variant in variants {
            let own = Self.entries(variant["unified"])
            var mappings = connectorMappings.map { base in own.first { $0.model == base.model } ?? base }
            mappings += own.filter { mapping in !connectorMappings.contains { $0.model == mapping.model } }
            let actions = connectorActions.merging(Self.actions(variant["actions"])) { _, variant in variant }
            for mapping in mappings {
                guard let operations = mapping.node["operations"] else { continue }
                checkOperations(operations, model: mapping.model, actions: actions, everyAction: everyAction)
            }
        }
    }

    private static func entries(_ list: JSONNode?) -> [(model: String, node: JSONNode)] {
        var result: [(model: String, node: JSONNode)] = []
        for node in list?.arrayValue ?? [] {
            guard let model = node["model"]?.stringValue, !result.contains(where: { $0.model == model }) else { continue }
            result.append((model, node))
        }
        return result
    }

    private static func actions(_ list: JSONNode?) -> [String: JSONNode] {
        var result: [String: JSONNode] = [:]
        for action in list?.arrayValue ?? [] {
            if let id = action["id"]?.stringValue, result[id] == nil { result[id] = action }
        }
        return result
    }

    private mutating func checkOperations(_ node: JSONNode, model modelID: String, actions: [String: JSONNode], everyAction: Set<String>) {
        guard let model = UnifiedModelCatalog.model(modelID) else { return }  // unified-model-unknown
        guard let bindings = node.members else {
            report(.error, "unified-expression-invalid", "'operations' must be an object of operation names and bindings",
                   hint: "write {\"create\": {\"action\": \"...\", \"inputs\": {...}}}", at: node)
            return
        }
        for binding in bindings {
            guard let operation = model.operation(binding.key) else {
                let names = model.operations.map(\.name)
                report(.error, "unified-operation-unknown", "\(model.id) has no operation '\(binding.key)'",
                       hint: Suggestion.didYouMean(binding.key, in: names)
                           ?? (names.isEmpty ? "\(model.id) has no operations" : "its operations are \(names.map { "'\($0)'" }.joined(separator: ", ")) (Schemas/models/\(model.id).json)"),
                       at: binding.value, position: binding.keyPosition)
                continue
            }
            guard binding.value.members != nil, let actionNode = binding.value["action"], let actionID = actionNode.stringValue else {
                report(.error, "unified-expression-invalid", "the binding of '\(operation.name)' must be an object with 'action' (an action id) and 'inputs'",
                       hint: "write {\"action\": \"...\", \"inputs\": {\"...\": \"/...\"}}", at: binding.value)
                continue
            }
            for member in binding.value.members ?? [] where !["action", "inputs", "notDestructiveBecause", "description"].contains(member.key) {
                report(.error, "unified-expression-invalid", "'\(member.key)' is not a key of an operation binding",
                       hint: "the keys are 'action', 'inputs', 'notDestructiveBecause' and 'description'", at: member.value, position: member.keyPosition)
            }
            guard let action = actions[actionID] else {
                if !everyAction.contains(actionID) {
                    report(.error, "unified-operation-action-unknown",
                           "\(model.id).\(operation.name) is bound to action '\(actionID)', which this connector does not declare",
                           hint: Suggestion.didYouMean(actionID, in: everyAction.sorted())
                               ?? "declare it in the connector's or a variant's 'actions'",
                           at: actionNode)
                }
                continue  // the operation is available on the variants that have the action
            }
            checkDestructive(operation, model: model, action: action, actionID: actionID, binding: binding.value)
            checkInputs(operation, model: model, action: action, actionID: actionID, binding: binding.value)
        }
    }

    private mutating func checkDestructive(_ operation: UnifiedOperation, model: UnifiedModel, action: JSONNode, actionID: String, binding: JSONNode) {
        let destructive = action["destructive"]?.boolValue ?? false
        let reason = binding["notDestructiveBecause"]
        if operation.destructive && !destructive && reason == nil {
            report(.error, "unified-operation-destructive",
                   "\(model.id).\(operation.name) is destructive, but action '\(actionID)' is not",
                   hint: "bind a destructive action, or say why the provider's action is not one in \"notDestructiveBecause\"",
                   at: binding["action"] ?? binding)
        } else if !operation.destructive && destructive {
            report(.error, "unified-operation-destructive",
                   "action '\(actionID)' is destructive, but \(model.id).\(operation.name) is not, so its callers would not confirm it",
                   hint: "bind a non-destructive action", at: binding["action"] ?? binding)
        } else if let reason, !operation.destructive || destructive {
            report(.error, "unified-operation-destructive",
                   "'notDestructiveBecause' is for a destructive operation bound to an action that is not destructive",
                   hint: "remove it", at: reason)
        }
    }

    private mutating func checkInputs(_ operation: UnifiedOperation, model: UnifiedModel, action: JSONNode, actionID: String, binding: JSONNode) {
        let actionInputs = (action["inputs"]?.arrayValue ?? []).filter { $0["name"]?.stringValue != nil }
        let names = actionInputs.compactMap { $0["name"]?.stringValue }
        let inputsNode = binding["inputs"]
        if let inputsNode, inputsNode.members == nil {
            report(.error, "unified-expression-invalid", "'inputs' must be an object of action inputs and expressions",
                   hint: "write {\"email\": \"/email\", ...}", at: inputsNode)
            return
        }
        let members = inputsNode?.members ?? []
        for member in members {
            guard let input = actionInputs.first(where: { $0["name"]?.stringValue == member.key }) else {
                report(.error, "unified-operation-action-input-unknown", "'\(member.key)' is not an input of action '\(actionID)'",
                       hint: Suggestion.didYouMean(member.key, in: names)
                           ?? "its inputs are \(names.map { "'\($0)'" }.joined(separator: ", "))",
                       at: member.value, position: member.keyPosition)
                continue
            }
            var errors: [MappingExpression.ParseError] = []
            guard MappingExpression.parse(member.value, errors: &errors) != nil else {
                for error in errors {
                    report(.error, "unified-expression-invalid", error.message, hint: error.hint, at: error.node, position: error.keyPosition)
                }
                continue
            }
            guard let type = infer(member.value, operation: operation, model: model) else { continue }
            assign(type, to: input, actionID: actionID, node: member.value)
        }
        for input in actionInputs {
            let required = input["in"]?.stringValue == "path" || input["required"]?.boolValue == true
            guard required, let name = input["name"]?.stringValue, !members.contains(where: { $0.key == name }) else { continue }
            report(.error, "unified-operation-required-unmapped",
                   "required input '\(name)' of action '\(actionID)' is not given by \(model.id).\(operation.name)",
                   hint: "add \"\(name)\": \"/...\" to 'inputs', reading an input of \(model.id).\(operation.name), or a {\"const\": ...}",
                   at: inputsNode ?? binding, position: inputsNode == nil ? binding["action"]?.position : nil)
        }
    }

    // MARK: - Types

    private mutating func infer(_ node: JSONNode, operation: UnifiedOperation, model: UnifiedModel) -> ValueType? {
        if let pointer = node.stringValue { return resolve(pointer, at: node, operation: operation, model: model) }
        guard let op = node.members?.first(where: { MappingExpression.operators.contains($0.key) }) else { return nil }
        let argument = op.value
        func inner(_ node: JSONNode) -> ValueType? { infer(node, operation: operation, model: model) }
        switch op.key {
        case "const":
            switch argument.value {
            case .string(let text): return .literal(text)
            case .bool: return .boolean
            case .number(let text): return text.contains(where: { ".eE".contains($0) }) ? .number : .integer
            default: return nil
            }
        case "firstOf":
            var result: ValueType?
            for element in argument.arrayValue ?? [] {
                guard let type = inner(element) else { return nil }
                guard let current = result else {
                    result = type
                    continue
                }
                if current == type { continue }
                if current.isText && type.isText { result = .string; continue }
                if [ValueType.integer, .number].contains(current) && [ValueType.integer, .number].contains(type) { result = .number; continue }
                report(.error, "unified-operation-type-mismatch", "'firstOf' mixes \(current.name) and \(type.name)",
                       hint: "convert the alternatives to one type, e.g. with {\"string\": ...}", at: element)
                return nil
            }
            return result
        case "concat":
            for element in argument.arrayValue ?? [] {
                guard let type = inner(element) else { return nil }
                guard type.isText else {
                    report(.error, "unified-operation-type-mismatch", "'concat' joins text, not \(type.name)",
                           hint: "write it as text first: {\"string\": ...}", at: element)
                    return nil
                }
            }
            return .string
        case "split":
            guard let type = inner(argument) else { return nil }
            guard type.isText else {
                report(.error, "unified-operation-type-mismatch", "'split' cuts text, not \(type.name)", hint: nil, at: argument)
                return nil
            }
            return node["index"] == nil ? .stringArray : .string
        case "date":
            guard let type = inner(argument) else { return nil }
            guard type.isText else {
                report(.error, "unified-operation-type-mismatch", "'date' reads text, not \(type.name)",
                       hint: type == .date || type == .dateTime ? "the input is already a \(type.name): give it without 'date'" : nil,
                       at: argument)
                return nil
            }
            return .parsedDate
        case "number":
            guard let type = inner(argument) else { return nil }
            guard type.isText || type == .integer || type == .number else {
                report(.error, "unified-operation-type-mismatch", "'number' reads text or a number, not \(type.name)", hint: nil, at: argument)
                return nil
            }
            return .number
        case "string":
            guard let type = inner(argument) else { return nil }
            guard type.isText || [ValueType.integer, .number, .boolean].contains(type) else {
                report(.error, "unified-operation-type-mismatch", "'string' writes a number, boolean or text, not \(type.name)", hint: nil, at: argument)
                return nil
            }
            return .string
        case "pluck":
            report(.error, "unified-operation-type-mismatch", "'pluck' reads arrays of objects, and no operation input is one",
                   hint: "point at the input itself, e.g. \"/tags\"", at: node)
            return nil
        default:  // enum: unified value → provider value
            guard let type = inner(argument) else { return nil }
            guard type.isText else {
                report(.error, "unified-operation-type-mismatch", "'enum' translates text or an enum, not \(type.name)", hint: nil, at: argument)
                return nil
            }
            let map = node["map"]?.members ?? []
            if case .enumeration(let values) = type, let mapNode = node["map"] {
                let missing = values.filter { value in !map.contains { $0.key == value } }
                if !missing.isEmpty {
                    report(.error, "unified-operation-enum-uncovered",
                           "the map does not cover \(missing.map { "'\($0)'" }.joined(separator: ", ")) of \(model.id).\(operation.name) '\(argument.stringValue?.dropFirst() ?? "")', which an app may pass",
                           hint: "map \(missing.count == 1 ? "it" : "each") to a provider value, e.g. \"\(missing[0])\": \"...\"", at: mapNode)
                }
                for entry in map where !values.contains(entry.key) {
                    report(.error, "unified-operation-type-mismatch", "'\(entry.key)' is not a value of the unified enum '\(argument.stringValue?.dropFirst() ?? "")'",
                           hint: Suggestion.closestValueHint(entry.key, in: values)
                               ?? "the values are \(values.map { "'\($0)'" }.joined(separator: ", "))",
                           at: entry.value, position: entry.keyPosition)
                }
            }
            return .mapped(map.map { $0.value.stringValue ?? "" }, map.map(\.value))
        }
    }

    /// The type of the operation input `pointer` reads (`/email`, or `/tags/0` for an element).
    private mutating func resolve(_ pointer: String, at node: JSONNode, operation: UnifiedOperation, model: UnifiedModel) -> ValueType? {
        let segments = pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
            .map { $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~") }
        let name = segments.first ?? ""
        guard let input = operation.input(name) else {
            let names = operation.inputs.map(\.name)
            report(.error, "unified-operation-input-unknown", "'\(pointer)' reads '\(name)', which is not an input of \(model.id).\(operation.name)",
                   hint: Suggestion.didYouMean(name, in: names) ?? "its inputs are \(names.map { "'\($0)'" }.joined(separator: ", "))",
                   at: node)
            return nil
        }
        let element = segments.count == 2 && input.type == .array && Int(segments[1]) != nil
        guard segments.count == 1 || element else {
            report(.error, "unified-operation-input-unknown", "'\(pointer)' reads inside '\(name)', which is a \(input.typeDescription)",
                   hint: "point at '/\(name)'\(input.type == .array ? " or one element, '/\(name)/0'" : "")", at: node)
            return nil
        }
        switch input.type {
        case .string, .email, .reference: return .string
        case .enum: return .enumeration(input.values)
        case .date: return .date
        case .dateTime: return .dateTime
        case .boolean: return .boolean
        case .integer: return .integer
        case .number: return .number
        case .array: return element ? .string : .array(input.items?.rawValue ?? "string")
        }
    }

    private mutating func assign(_ type: ValueType, to input: JSONNode, actionID: String, node: JSONNode) {
        let inputType = input["type"]?.stringValue ?? "string"
        let name = input["name"]?.stringValue ?? ""
        let values = (input["values"]?.arrayValue ?? []).compactMap(\.stringValue)
        var fits: Bool
        var hint: String?
        switch inputType {
        case "string":
            fits = type.isText
            hint = [ValueType.integer, .number, .boolean].contains(type) ? "write it as text: {\"string\": ...}" : nil
        case "integer", "number":
            fits = type == .integer || type == .number
            hint = type.isText ? "read it as a number: {\"number\": \(node.stringValue.map { "\"\($0)\"" } ?? "...")}" : nil
        case "boolean":
            fits = type == .boolean
        case "date":
            fits = type == .date || type == .parsedDate
        case "date-time":
            fits = type == .dateTime || type == .parsedDate
        case "enum":
            switch type {
            case .mapped(let given, let nodes):
                for (value, valueNode) in zip(given, nodes) where !values.contains(value) {
                    report(.error, "unified-operation-type-mismatch", "'\(value)' is not a value of input '\(name)' of action '\(actionID)'",
                           hint: Suggestion.closestValueHint(value, in: values) ?? "its values are \(values.map { "'\($0)'" }.joined(separator: ", "))",
                           at: valueNode)
                }
                fits = true
            case .literal(let value):
                fits = values.contains(value)
            case .enumeration(let unified):
                fits = unified.allSatisfy(values.contains)
            default:
                fits = false
            }
            if !fits {
                hint = "translate the unified values with {\"enum\": \(node.stringValue.map { "\"\($0)\"" } ?? "..."), \"map\": {\"unifiedValue\": \"\(values.first ?? "")\"}}"
            }
        case "array":
            let items = input["items"]?.stringValue ?? "string"
            switch type {
            case .stringArray, .array: fits = items == "string"
            default: fits = false
            }
        default:
            fits = true
        }
        guard fits else {
            let described = inputType == "array" ? "array of \(input["items"]?.stringValue ?? "string")" : inputType
            report(.error, "unified-operation-type-mismatch",
                   "input '\(name)' of action '\(actionID)' takes \(described), but the binding gives \(type.name)",
                   hint: hint, at: node)
            return
        }
    }

    // MARK: - Reporting

    private mutating func report(_ severity: Diagnostic.Severity, _ rule: String, _ message: String, hint: String?,
                                 at node: JSONNode, position: SourcePosition? = nil) {
        let position = position ?? node.position
        let key = "\(position.offset) \(rule) \(message)"
        guard reported.insert(key).inserted else { return }
        collector.add(severity, rule, message, hint: hint, at: position, pointer: node.pointer)
    }
}
