// The MCP tools of unified models, unified operations and actions (docs/mcp.md, "Tools"): per
// account variant, a list and a get tool per unified model it maps, a tool per unified operation it
// binds and per action. Schemas come from the model files (Schemas/models/*.json) and the specs'
// typed action inputs; annotations from the spec (destructive, the HTTP method's idempotence).
import ConnectorCompilerCore
import ConnectorRuntime
import Foundation

extension MCPCatalog {
    /// The unified models a variant maps to a resource that can be listed (as the Hub's unified
    /// routes serve them, UnifiedCatalog.swift), sorted.
    static func mappedModels(_ spec: ConnectorSpec, variant index: Int) -> [String] {
        let resources = spec.resources(ofVariant: index)
        return spec.unifiedMappings(ofVariant: index).compactMap { mapping in
            guard UnifiedModelCatalog.model(mapping.model) != nil,
                resources.contains(where: { $0.name == mapping.resource && $0.list != nil })
            else { return nil }
            return mapping.model
        }.sorted()
    }

    /// The unified and action tools of a connector for the given variants (their union by name).
    func modelTools(connector: String, variants: [String]) -> [MCPTool] {
        let name = names[connector] ?? connector
        var seen = Set<String>()
        var tools: [MCPTool] = []
        func add(_ tool: MCPTool) { if seen.insert(tool.name).inserted { tools.append(tool) } }
        for variant in variants {
            for id in models[connector]?[variant] ?? [] {
                guard let model = UnifiedModelCatalog.model(id) else { continue }
                add(Self.unifiedListTool(connector, name, model))
                add(Self.unifiedGetTool(connector, name, model))
            }
            let specActions = actions[connector]?[variant] ?? []
            for binding in operations[connector]?[variant] ?? [] {
                guard let operation = UnifiedModelCatalog.model(binding.model)?.operation(binding.operation) else { continue }
                add(Self.unifiedOperationTool(connector, name, binding, operation, action: specActions.first { $0.id == binding.action.id }))
            }
            for action in specActions { add(Self.actionTool(connector, name, action)) }
        }
        return tools
    }

    static func unifiedListTool(_ connector: String, _ name: String, _ model: UnifiedModel) -> MCPTool {
        let properties: [String: JSONValue] = [
            "limit": .object([
                "type": .string("integer"), "minimum": .integer(1), "maximum": .integer(maxLimit),
                "description": .string("Records per call (default \(defaultLimit)).")]),
            "cursor": .object(["type": .string("string"), "description": .string("nextCursor of the previous call, to read the next records.")]),
        ]
        let output: JSONValue = .object([
            "type": .string("object"),
            "properties": .object([
                "records": .object(["type": .string("array"), "items": modelSchema(model)]),
                "nextCursor": .object(["type": .string("string")]),
                "truncated": .object(["type": .string("boolean")]),
                "skipped": .object(["type": .string("integer")]),
                "unconverted": .object(["type": .string("integer")]),
            ]),
            "required": .array([.string("records")]),
        ])
        return MCPTool(
            name: toolName(connector, "unified_" + model.id, "list"), connectorID: connector, resource: model.id,
            kind: .unifiedList(model: model.id),
            description: "Lists the \(model.title.lowercased()) records of the linked \(name) account in the unified \(model.id) shape "
                + "(the same fields for every provider; the provider's own record under remote), \(defaultLimit) at a time "
                + "(limit up to \(maxLimit)). When nextCursor is present, call again with it for more.",
            inputProperties: properties, required: [], outputSchema: output)
    }

    static func unifiedGetTool(_ connector: String, _ name: String, _ model: UnifiedModel) -> MCPTool {
        let properties: [String: JSONValue] = [
            "remoteId": .object(["type": .string("string"), "description": .string("The record's id (the id field of a listed record).")])
        ]
        return MCPTool(
            name: toolName(connector, "unified_" + model.id, "get"), connectorID: connector, resource: model.id,
            kind: .unifiedGet(model: model.id),
            description: "Reads one \(model.title.lowercased()) record of the linked \(name) account by its id, in the unified \(model.id) shape.",
            inputProperties: properties, required: ["remoteId"], outputSchema: modelSchema(model))
    }

    static func unifiedOperationTool(
        _ connector: String, _ name: String, _ binding: UnifiedOperationBinding, _ operation: UnifiedOperation, action: ConnectorCompilerCore.Action?
    ) -> MCPTool {
        // Only the inputs the binding reads: the others would be accepted and ignored.
        let sources = binding.inputs.map { $0.expression.source }
        var properties: [String: JSONValue] = [:]
        var required: [String] = []
        for input in operation.inputs where sources.contains(where: { Self.reads($0, input.name) }) {
            properties[input.name] = fieldSchema(input, asInput: true)
            if input.required { required.append(input.name) }
        }
        var description = operation.description.isEmpty ? "Runs \(binding.model).\(binding.operation)." : operation.description
        description += " On the linked \(name) account (its \(binding.action.id) action); the inputs are unified \(binding.model) fields."
        if let action, let text = action.description { description += " " + text }
        var tool = writeTool(
            name: toolName(connector, "unified_" + binding.model, binding.operation), connector: connector, provider: name,
            resource: binding.model, kind: .unifiedOperation(model: binding.model, operation: binding.operation),
            description: description, properties: properties, required: required, destructive: binding.destructive,
            method: binding.action.method, result: nil)
        if let model = UnifiedModelCatalog.model(binding.model) { tool.outputSchema = unifiedOperationOutput(model) }
        return tool
    }

    /// The output of a unified operation tool: the app API's answer
    /// (`ConnectorHubService.unifiedOperationAnswer`): the record in the model's shape when the
    /// connector maps the model and the record converts, else `remote` and `conversionError`;
    /// `truncated` when the record was over the result cap. `record` names the model's shape
    /// instead of repeating its schema (``modelSchema(_:)``, the get tool's output): that schema
    /// took a unified operation tool from about 340 tokens to about 730 (docs/mcp.md).
    static func unifiedOperationOutput(_ model: UnifiedModel) -> JSONValue {
        let text: JSONValue = .object(["type": .string("string")])
        let properties: [String: JSONValue] = [
            "model": text, "operation": text, "action": text,
            "providerStatus": .object(["type": .string("integer")]),
            "id": .object(["type": .string("string"), "description": .string("The written record's id.")]),
            "record": .object([
                "type": .string("object"),
                "description": .string("The written record in the unified \(model.id) shape (as its get tool answers), the provider's under remote."),
                "properties": .object(["id": text, "remote": .object(["type": .string("object")])]),
                "required": .array([.string("remote")]),
            ]),
            "remote": .object([
                "type": .string("object"), "description": .string("The provider's record, when it is not converted to the model."),
            ]),
            "conversionError": .object([
                "type": .string("object"),
                "properties": .object(["sourceField": text, "targetField": text, "reason": text]),
            ]),
            "truncated": .object(["type": .string("boolean")]),
        ]
        return .object([
            "type": .string("object"), "properties": .object(properties),
            "required": .array(["model", "operation", "action", "providerStatus"].map { .string($0) }),
        ])
    }

    static func actionTool(_ connector: String, _ name: String, _ action: ConnectorCompilerCore.Action) -> MCPTool {
        var properties: [String: JSONValue] = [:]
        var required: [String] = []
        for input in action.inputs {
            var schema = MCPCatalog.inputSchema(
                type: input.type.rawValue, values: input.values, items: input.items?.rawValue, description: input.description)
            // A secret input (an initial password): JSON Schema's writeOnly, a value sent and never answered.
            if input.secret, case .object(var members) = schema {
                members["writeOnly"] = .bool(true)
                schema = .object(members)
            }
            properties[input.name] = schema
            if input.required { required.append(input.name) }
        }
        let description = (action.description ?? "Runs the \(action.id) action.") + " On the linked \(name) account."
        return writeTool(
            name: toolName(connector, "action", action.id), connector: connector, provider: name, resource: action.id,
            kind: .action(id: action.id), description: description, properties: properties, required: required,
            destructive: action.destructive, method: action.method.rawValue, result: action.result)
    }

    /// A tool that writes: a destructive one takes a required `confirm`; the output is the
    /// provider's status and the record it answered (a unified operation's tool then takes the
    /// app API's answer instead, ``unifiedOperationOutput(_:)``).
    static func writeTool(
        name: String, connector: String, provider: String, resource: String, kind: MCPToolKind, description: String,
        properties: [String: JSONValue], required: [String], destructive: Bool, method: String, result: ActionResult?
    ) -> MCPTool {
        var properties = properties
        var required = required
        var description = description
        if destructive {
            properties["confirm"] = .object([
                "type": .string("boolean"),
                "description": .string("true, once the person agreed: this deletes or deactivates data at \(provider)."),
            ])
            required.append("confirm")
            description += " Deletes or deactivates data: runs only with confirm: true, after asking the person."
        }
        description += " Sent once: an unknown outcome is reported, not retried."
        var output: [String: JSONValue] = [
            "providerStatus": .object(["type": .string("integer")]), "truncated": .object(["type": .string("boolean")]),
        ]
        if let result, !result.fields.isEmpty {
            output["record"] = recordSchema(result.fields)
        } else {
            output["record"] = .object(["type": .string("object"), "description": .string("The record the provider answered.")])
        }
        let idempotent = ["GET", "PUT", "DELETE", "HEAD"].contains(method.uppercased())
        return MCPTool(
            name: name, connectorID: connector, resource: resource, kind: kind, description: description,
            inputProperties: properties, required: required,
            outputSchema: .object(["type": .string("object"), "properties": .object(output), "required": .array([.string("providerStatus")])]),
            hints: MCPHints(readOnly: method.uppercased() == "GET", destructive: destructive, idempotent: idempotent))
    }

    /// Whether a mapping expression's source text reads the unified input `name` (`/name`, not `/names`).
    static func reads(_ source: String, _ name: String) -> Bool {
        let pointer = "/" + name
        var rest = source[...]
        while let range = rest.range(of: pointer) {
            let after = rest[range.upperBound...].first
            if after.map({ !$0.isLetter && !$0.isNumber && $0 != "_" }) ?? true { return true }
            rest = rest[range.upperBound...]
        }
        return false
    }

    /// The JSON Schema of a unified record as the Hub writes it (UnifiedModelRecord.json): the
    /// mapped fields (absent without a value), enums as `{value, sourceValue}`, and `remote`.
    static func modelSchema(_ model: UnifiedModel) -> JSONValue {
        var properties: [String: JSONValue] = [:]
        for field in model.fields { properties[field.name] = fieldSchema(field) }
        properties["remote"] = .object(["type": .string("object"), "description": .string("The provider's record as received.")])
        let required = model.fields.filter(\.required).map { JSONValue.string($0.name) } + [.string("remote")]
        return .object(["type": .string("object"), "properties": .object(properties), "required": .array(required)])
    }

    /// A model field's schema; `asInput`: as an operation's input (an enum is one of its values,
    /// and the model file's description comes along).
    static func fieldSchema(_ field: UnifiedModelField, asInput: Bool = false) -> JSONValue {
        var schema: [String: JSONValue]
        switch field.type {
        case .string, .reference: schema = ["type": .string("string")]
        case .email: schema = ["type": .string("string"), "format": .string("email")]
        case .date: schema = ["type": .string("string"), "format": .string("date")]
        case .dateTime: schema = ["type": .string("string"), "format": .string("date-time")]
        case .boolean: schema = ["type": .string("boolean")]
        case .integer: schema = ["type": .string("integer")]
        case .number: schema = ["type": .string("number")]
        case .array: schema = ["type": .string("array"), "items": .object(["type": .string("string")])]
        case .enum where asInput:
            schema = ["type": .string("string"), "enum": .array(field.values.map { .string($0) })]
        case .enum:
            schema = [
                "type": .string("object"),
                "properties": .object([
                    "value": .object(["type": .string("string"), "enum": .array((field.values + ["unknown"]).map { .string($0) })]),
                    "sourceValue": .object(["type": .string("string")]),
                ]),
            ]
        }
        // An output field carries no description: the model's field names are the documentation
        // (docs/unified.md), and the descriptions would double a unified tool's tokens.
        var description = asInput ? field.description : ""
        if field.type == .reference || (field.type == .array && field.items == .reference), let target = field.model {
            description += (description.isEmpty ? "" : " ") + "The id of a \(target) record."
        }
        if !description.isEmpty { schema["description"] = .string(description) }
        return .object(schema)
    }
}
