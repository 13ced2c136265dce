// Builds the `actions` part of the model (see `ModelBuilder`): defaults of optional keys, and the
// fields of each typed result, resolved from the record it names.

extension ModelBuilder {
    /// The connector's actions and each variant's.
    static func buildActions(_ spec: inout ConnectorSpec, root: JSONNode) {
        spec.actions = actions(root["actions"]) { name in
            recordFields(name, in: spec.records + spec.resources.filter { !$0.sharedRecord }.map(sharedShape))
                .map { ($0, false) }
        }
        for (index, variant) in array(root["auth"]).enumerated() where index < spec.auth.count {
            let own = spec.auth[index].resources.filter { !$0.sharedRecord }.map(sharedShape)
            let connector = spec.records + spec.resources.filter { !$0.sharedRecord }.map(sharedShape)
            spec.auth[index].actions = actions(variant["actions"]) { name in
                if let fields = recordFields(name, in: own) { return (fields, true) }
                return recordFields(name, in: connector).map { ($0, false) }
            }
        }
    }

    private static func sharedShape(_ resource: Resource) -> SharedRecord {
        SharedRecord(pointer: resource.pointer, name: resource.record, description: resource.description, fields: resource.fields)
    }

    private static func recordFields(_ name: String, in records: [SharedRecord]) -> [RecordField]? {
        records.first { $0.name == name }?.fields
    }

    private static func actions(_ node: JSONNode?, resolve: (String) -> ([RecordField], Bool)?) -> [Action] {
        array(node).map { node in
            var result: ActionResult?
            if let resultNode = node["result"] {
                let record = string(resultNode["record"])
                let resolved = resolve(record)
                result = ActionResult(
                    pointer: resultNode.pointer, record: record, at: resultNode["pointer"]?.stringValue ?? "",
                    fields: resolved?.0 ?? [])
                result?.variantRecord = resolved?.1 ?? false
            }
            return Action(
                pointer: node.pointer, id: string(node["id"]), description: node["description"]?.stringValue,
                method: ActionMethod(rawValue: string(node["method"])) ?? .POST, path: string(node["path"]),
                inputs: array(node["inputs"]).map(actionInput), body: node["body"].map(JSONText.render),
                encoding: ActionEncoding(rawValue: string(node["encoding"])) ?? .json,
                success: array(node["success"]).compactMap(\.intValue), result: result,
                scopes: array(node["scopes"]).compactMap(\.stringValue), destructive: node["destructive"]?.boolValue ?? false,
                idempotencyHeader: node["idempotencyHeader"]?.stringValue,
                failureWhen: node["failureWhen"].map { condition in
                    ActionFailureCondition(
                        pointer: condition.pointer, at: string(condition["pointer"]),
                        equals: condition["equals"].map(JSONText.render) ?? "null",
                        errors: condition["errors"]?.stringValue ?? "")
                },
                contentType: node["contentType"]?.stringValue)
        }
    }

    private static func actionInput(_ node: JSONNode) -> ActionInput {
        ActionInput(
            pointer: node.pointer, name: string(node["name"]),
            type: ActionInput.InputType(rawValue: string(node["type"])) ?? .string,
            location: ActionInput.Location(rawValue: string(node["in"])) ?? .body,
            parameter: node["parameter"]?.stringValue, bodyPointer: node["pointer"]?.stringValue,
            required: node["required"]?.boolValue ?? false,
            format: DateTimeFormat(rawValue: string(node["format"])) ?? .iso8601,
            values: array(node["values"]).compactMap(\.stringValue),
            items: node["items"]?.stringValue.flatMap(ActionInput.ItemType.init(rawValue:)),
            description: node["description"]?.stringValue, secret: node["secret"]?.boolValue ?? false)
    }
}
