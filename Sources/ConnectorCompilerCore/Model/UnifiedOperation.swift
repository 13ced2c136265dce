// The unified operations (`operations` of a model file in `Schemas/models/`): writes an app can
// call on any connector that binds them to one of its actions (the `operations` of a spec's
// `unified` entry), e.g. `iam.user.create`. Their inputs are the model's fields (same name, type
// and values) or, where a write needs a value the record does not hold (the group to join, the
// stage to move to), inputs typed like model fields.

/// One operation of a unified model.
public struct UnifiedOperation: Sendable, Hashable {
    /// The operation's name in its model, e.g. `create`, `addToGroup`.
    public var name: String
    public var description: String
    /// Whether it removes access or data (`iam.user.deactivate`): a binding must use a destructive
    /// action (or say why not) and callers confirm it.
    public var destructive: Bool
    /// The inputs, in the model file's order.
    public var inputs: [UnifiedModelField]
    public var sources: [String]

    public func input(_ name: String) -> UnifiedModelField? { inputs.first { $0.name == name } }
}

extension UnifiedModel {
    /// The operation with this name, e.g. `create`.
    public func operation(_ name: String) -> UnifiedOperation? { operations.first { $0.name == name } }

    /// Reads the `operations` of a model file: an input without `type` is the model field of its
    /// name (its `required` is the operation's own).
    static func parseOperations(_ list: JSONNode?, fields: [UnifiedModelField]) -> [UnifiedOperation] {
        (list?.arrayValue ?? []).map { node in
            let inputs = (node["inputs"]?.arrayValue ?? []).map { input -> UnifiedModelField in
                let name = input["name"]?.stringValue ?? ""
                let required = input["required"]?.boolValue ?? false
                if input["type"] == nil, var field = fields.first(where: { $0.name == name }) {
                    field.required = required
                    return field
                }
                return UnifiedModelField(
                    name: name,
                    type: UnifiedModelField.FieldType(rawValue: input["type"]?.stringValue ?? "") ?? .string,
                    required: required,
                    items: input["items"]?.stringValue.flatMap(UnifiedModelField.ItemType.init(rawValue:)),
                    values: (input["values"]?.arrayValue ?? []).compactMap(\.stringValue),
                    model: input["model"]?.stringValue,
                    description: input["description"]?.stringValue ?? "")
            }
            return UnifiedOperation(
                name: node["name"]?.stringValue ?? "", description: node["description"]?.stringValue ?? "",
                destructive: node["destructive"]?.boolValue ?? false, inputs: inputs,
                sources: (node["sources"]?.arrayValue ?? []).compactMap(\.stringValue))
        }
    }
}

/// One entry of a `unified` entry's `operations`: a model operation bound to an action, each
/// action input given by an expression over the operation's inputs.
public struct UnifiedOperationBindingSpec: Sendable, Hashable {
    public var pointer: JSONPointer
    /// The model operation, e.g. `create`.
    public var name: String
    /// The action's id.
    public var action: String
    /// Action input and its expression, in spec order.
    public var inputs: [Input]

    public struct Input: Sendable, Hashable {
        public var name: String
        public var expression: MappingExpression
    }

    /// The bindings of an `operations` object that passed validation.
    static func build(_ node: JSONNode?) -> [UnifiedOperationBindingSpec] {
        (node?.members ?? []).compactMap { member in
            guard let action = member.value["action"]?.stringValue else { return nil }
            var errors: [MappingExpression.ParseError] = []
            let inputs = (member.value["inputs"]?.members ?? []).compactMap { input in
                MappingExpression.parse(input.value, errors: &errors).map { Input(name: input.key, expression: $0) }
            }
            return UnifiedOperationBindingSpec(pointer: member.value.pointer, name: member.key, action: action, inputs: inputs)
        }
    }
}
