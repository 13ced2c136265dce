// The MCP tools of the catalog's resources: a `list` and a `get` tool per resource, their input
// and output schemas, annotations and descriptions, all from the connector specs (docs/mcp.md).
// Unified models, unified operations and actions add theirs in MCPModelTools.swift (calls in
// MCPModelCalls.swift).
import ConnectorCompilerCore
import ConnectorRuntime
import Connectors
import Foundation

/// What a tool call runs.
enum MCPToolKind: Sendable {
    /// One page of records of a resource (``MCPCalls``), with a cursor for the next.
    case list
    /// One record by id.
    case get
    /// One page of a unified model's records (``MCPListCall`` converting each record).
    case unifiedList(model: String)
    /// One unified record by the provider's id.
    case unifiedGet(model: String)
    /// One of the account's compiled actions (`POST /v1/accounts/{id}/actions/{action}`).
    case action(id: String)
    /// A unified operation (`POST /v1/accounts/{id}/unified/{model}/operations/{operation}`).
    case unifiedOperation(model: String, operation: String)
}

/// The tool annotations: what a call may change at the provider.
struct MCPHints: Sendable {
    var readOnly = true
    var destructive = false
    var idempotent = true
}

/// A tool of one connector's resource, independent of the accounts a token covers.
struct MCPTool: Sendable {
    var name: String
    var connectorID: String
    var resource: String
    var kind: MCPToolKind
    var description: String
    /// The input schema's own properties (without `account`, added when a token covers several
    /// accounts of the connector) and required names.
    var inputProperties: [String: JSONValue]
    var required: [String]
    var outputSchema: JSONValue
    var hints = MCPHints()

    /// The definition `tools/list` sends. `accounts`: the covered accounts of the connector,
    /// listed as the `account` input's values when there are several.
    func definition(accounts: [HubAccount] = []) -> JSONValue {
        var properties = inputProperties
        var required = required
        if accounts.count > 1 {
            let labels = accounts.map { "\($0.id)" + ($0.label.map { " (\($0))" } ?? "") }.joined(separator: ", ")
            properties["account"] = .object([
                "type": .string("string"), "enum": .array(accounts.map { .string($0.id) }),
                "description": .string("The linked account: " + labels + "."),
            ])
            required.append("account")
        }
        var input: [String: JSONValue] = ["type": .string("object"), "properties": .object(properties)]
        if !required.isEmpty { input["required"] = .array(required.map { .string($0) }) }
        input["additionalProperties"] = .bool(false)
        return .object([
            "name": .string(name),
            "description": .string(description),
            "inputSchema": .object(input),
            "outputSchema": outputSchema,
            "annotations": .object([
                // Reads (list, get): nothing at the provider changes, and calling twice gives the same.
                "readOnlyHint": .bool(hints.readOnly), "destructiveHint": .bool(hints.destructive), "idempotentHint": .bool(hints.idempotent),
                "openWorldHint": .bool(true),
            ]),
        ])
    }
}

/// The connector specs as the MCP endpoint needs them: per connector and auth variant, its
/// resources with their operations, typed inputs and fields.
///
/// The generated `Connectors` module holds each resource's operation as typed Swift, with no
/// table a server can walk by name, so the Hub parses the spec text compiled into that module
/// (``CompiledSpecs``) with the compiler's own loader (`ConnectorCompilerCore`, part of the root
/// package) and keeps only connectors the compiled catalog has (docs/mcp.md, "Where the tools
/// come from").
struct MCPCatalog: Sendable {
    /// connector id → variant id → resources.
    let resources: [String: [String: [Resource]]]
    /// Display names, from the compiled catalog.
    let names: [String: String]
    /// connector id → variant id → the actions (from the spec: descriptions and typed inputs).
    let actions: [String: [String: [Action]]]
    /// connector id → variant id → the unified models it maps to a listable resource, sorted.
    let models: [String: [String: [String]]]
    /// connector id → variant id → the unified operations it binds (compiled descriptors).
    let operations: [String: [String: [UnifiedOperationBinding]]]

    /// The specs compiled into the `Connectors` module (``CompiledSpecs``).
    static let shared = MCPCatalog(specs: CompiledSpecs.all)

    /// The spec files in `directory` (`mcp-bench` with a folder argument: figures for other specs).
    init(directory: String) {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        self.init(specs: files.compactMap { SpecLoader.load(contentsOf: directory + "/" + $0).spec })
    }

    /// The catalog of `specs`, keeping those the compiled catalog has.
    init(specs: [ConnectorSpec]) {
        var resources: [String: [String: [Resource]]] = [:]
        var names: [String: String] = [:]
        var actions: [String: [String: [Action]]] = [:]
        var models: [String: [String: [String]]] = [:]
        var operations: [String: [String: [UnifiedOperationBinding]]] = [:]
        let compiled = Dictionary(ConnectorCatalog.all.map { ($0.descriptor.id, $0.descriptor) }, uniquingKeysWith: { first, _ in first })
        for spec in specs {
            guard let descriptor = compiled[spec.id] else { continue }
            var variants: [String: [Resource]] = [:]
            for (index, variant) in spec.auth.enumerated() {
                variants[variant.id] = spec.resources(ofVariant: index)
                actions[spec.id, default: [:]][variant.id] = spec.actions(ofVariant: index)
                models[spec.id, default: [:]][variant.id] = Self.mappedModels(spec, variant: index)
                operations[spec.id, default: [:]][variant.id] =
                    descriptor.authVariants.first { $0.id == variant.id }?.unifiedOperations ?? []
            }
            resources[spec.id] = variants
            names[spec.id] = descriptor.displayName
        }
        self.resources = resources
        self.names = names
        self.actions = actions
        self.models = models
        self.operations = operations
        if resources.isEmpty { HubLog.warning("MCP: no compiled connector specs: MCP clients get no tools") }
    }

    /// The resources of an account's variant.
    func resources(connector: String, variant: String) -> [Resource] { resources[connector]?[variant] ?? [] }

    /// The tools of a connector's resources, for the given variants (their union by resource
    /// name, the first variant's schema for a resource several have), sorted by name.
    func tools(connector: String, variants: [String]) -> [MCPTool] {
        var seen = Set<String>()
        var tools: [MCPTool] = []
        let name = names[connector] ?? connector
        for variant in variants {
            for resource in resources(connector: connector, variant: variant) where seen.insert(resource.name).inserted {
                if let list = resource.list { tools.append(Self.listTool(connector, name, resource, list)) }
                if resource.get != nil { tools.append(Self.getTool(connector, name, resource)) }
            }
        }
        tools += modelTools(connector: connector, variants: variants)
        return tools.sorted { $0.name < $1.name }
    }

    /// `connector_resource_kind`, within the 64 characters and `[A-Za-z0-9_-]` that clients accept.
    static func toolName(_ connector: String, _ resource: String, _ kind: String) -> String {
        let name = connector + "_" + resource + "_" + kind
        let clean = String(name.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) || $0 == "_" || $0 == "-" ? Character($0) : "_" })
        guard clean.count > 64 else { return clean }
        return String(clean.prefix(55)) + "_" + String(Digest.sha256(clean).prefix(8))
    }

    /// The largest number of records a `list` call returns.
    static let maxLimit = 100
    static let defaultLimit = 25

    static func listTool(_ connector: String, _ name: String, _ resource: Resource, _ list: ListOperation) -> MCPTool {
        var properties: [String: JSONValue] = [:]
        var required: [String] = []
        for input in list.inputs {
            properties[input.name] = inputSchema(input)
            if input.required { required.append(input.name) }
        }
        properties["limit"] = .object([
            "type": .string("integer"), "minimum": .integer(1), "maximum": .integer(maxLimit),
            "description": .string("Records per call (default \(defaultLimit)).")])
        properties["cursor"] = .object([
            "type": .string("string"), "description": .string("nextCursor of the previous call, to read the next records.")])
        let what = resource.description.map { " " + $0 } ?? ""
        let description =
            "Lists \(resource.name) of the linked \(name) account, \(defaultLimit) at a time (limit up to \(maxLimit))."
            + what + " When nextCursor is present, call again with it and the same inputs for more."
        let output: JSONValue = .object([
            "type": .string("object"),
            "properties": .object([
                "records": .object(["type": .string("array"), "items": recordSchema(resource.fields)]),
                "nextCursor": .object(["type": .string("string")]),
                "truncated": .object(["type": .string("boolean")]),
                "skipped": .object(["type": .string("integer")]),
            ]),
            "required": .array([.string("records")]),
        ])
        return MCPTool(
            name: toolName(connector, resource.name, "list"), connectorID: connector, resource: resource.name, kind: .list,
            description: description, inputProperties: properties, required: required, outputSchema: output)
    }

    static func getTool(_ connector: String, _ name: String, _ resource: Resource) -> MCPTool {
        let idType = resource.fields.first { $0.name == (resource.idField ?? "id") }?.type
        let properties: [String: JSONValue] = [
            "id": .object([
                "type": .string("string"),
                "description": .string("The record's \(resource.idField ?? "id")" + (idType == .integer ? " (digits)." : "."))])
        ]
        return MCPTool(
            name: toolName(connector, resource.name, "get"), connectorID: connector, resource: resource.name, kind: .get,
            description: "Reads one of the \(resource.name) of the linked \(name) account by its \(resource.idField ?? "id").",
            inputProperties: properties, required: ["id"], outputSchema: recordSchema(resource.fields))
    }

    static func inputSchema(_ input: OperationInput) -> JSONValue {
        inputSchema(type: input.type.rawValue, values: input.values, items: nil, description: input.description)
    }

    /// The JSON Schema of a typed input, of a list operation or an action: `type` is the spec's
    /// type name (`OperationInput.InputType` and `ActionInput.InputType` share their raw values);
    /// `items` is an array's element type.
    static func inputSchema(type: String, values: [String], items: String?, description: String?) -> JSONValue {
        var schema: [String: JSONValue]
        switch type {
        case "date": schema = ["type": .string("string"), "format": .string("date")]
        case "date-time": schema = ["type": .string("string"), "format": .string("date-time")]
        case "enum": schema = ["type": .string("string"), "enum": .array(values.map { .string($0) })]
        case "array": schema = ["type": .string("array"), "items": .object(["type": .string(items ?? "string")])]
        default: schema = ["type": .string(type)]
        }
        if let description { schema["description"] = .string(description) }
        return .object(schema)
    }

    /// The JSON Schema of a record as the provider sends it (the tool returns records as
    /// received): declared fields typed, optional ones nullable, undeclared members allowed.
    /// Enum fields are strings: a value the provider added since is passed on, not refused.
    static func recordSchema(_ fields: [RecordField]) -> JSONValue {
        var properties: [String: JSONValue] = [:]
        for field in fields {
            var schema: [String: JSONValue] = [:]
            let type: JSONValue
            switch field.type {
            case .string, .date, .enum: type = .string("string")
            case .dateTime: type = .string(field.format == .iso8601 ? "string" : "number")
            case .integer: type = .string("integer")
            case .number: type = .string("number")
            case .boolean: type = .string("boolean")
            case .object: type = .string("object")
            case .array:
                type = .string("array")
                if let items = field.items { schema["items"] = .object(["type": .string(items.rawValue)]) }
            }
            schema["type"] = field.required ? type : .array([type, .string("null")])
            var notes: [String] = []
            if let description = field.description { notes.append(description) }
            if field.type == .enum, !field.values.isEmpty { notes.append("Known values: " + field.values.joined(separator: ", ") + ".") }
            if !notes.isEmpty { schema["description"] = .string(notes.joined(separator: " ")) }
            properties[field.name] = .object(schema)
        }
        var record: [String: JSONValue] = ["type": .string("object"), "properties": .object(properties)]
        let required = fields.filter(\.required).map { JSONValue.string($0.name) }
        if !required.isEmpty { record["required"] = .array(required) }
        return .object(record)
    }
}
