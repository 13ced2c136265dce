// The unified models an account's connector variant maps (docs/unified.md), for the Hub's
// `/v1/accounts/{id}/unified/...` routes: per connector and auth variant, each mapped model's
// resource operations and its compiled mapping, built from the same compiled specs as the MCP
// tools (CompiledSpecs.swift, MCPCatalog.swift) and evaluated by the runtime's own `UnifiedMappingProgram`.
import ConnectorCompilerCore
import ConnectorRuntime
import Connectors
import Foundation

/// One model of one variant: the resource it reads and the mapping that converts its records.
struct HubUnifiedMapping: Sendable {
    var model: String
    var resource: Resource
    var list: ResourceListOperation
    var get: ResourceGetOperation?
    var program: UnifiedMappingProgram
}

/// A record of any model: the values the mapping produced and the provider's record
/// (`json` writes it as the Hub serves it).
struct HubUnifiedRecord: UnifiedModelRecord {
    static let model = "any"
    let values: UnifiedValues
    let remote: JSONValue
    var id: String { values.string("id") ?? "" }
    init(values: UnifiedValues, remote: JSONValue) {
        self.values = values
        self.remote = remote
    }
}

struct HubUnifiedCatalog: Sendable {
    /// connector id → variant id → model id → mapping.
    let mappings: [String: [String: [String: HubUnifiedMapping]]]

    /// The specs compiled into the `Connectors` module, as the MCP tools (``CompiledSpecs``).
    static let shared = HubUnifiedCatalog(specs: CompiledSpecs.all)

    /// The mappings of `specs`, keeping those the compiled catalog has.
    init(specs: [ConnectorSpec]) {
        var mappings: [String: [String: [String: HubUnifiedMapping]]] = [:]
        let compiled = Set(ConnectorCatalog.all.map { $0.descriptor.id })
        for spec in specs {
            guard compiled.contains(spec.id) else { continue }
            var variants: [String: [String: HubUnifiedMapping]] = [:]
            for (index, variant) in spec.auth.enumerated() {
                let resources = spec.resources(ofVariant: index)
                var models: [String: HubUnifiedMapping] = [:]
                for mapping in spec.unifiedMappings(ofVariant: index) {
                    guard let model = UnifiedModelCatalog.model(mapping.model),
                        let resource = resources.first(where: { $0.name == mapping.resource }), let list = resource.list
                    else { continue }
                    models[model.id] = HubUnifiedMapping(
                        model: model.id, resource: resource, list: MCPListCall.operation(resource, list),
                        get: resource.get.map { ResourceGetOperation(resource: resource.name, path: $0.path, record: $0.record) },
                        program: Self.program(spec.id, resource, model, mapping))
                }
                if !models.isEmpty { variants[variant.id] = models }
            }
            if !variants.isEmpty { mappings[spec.id] = variants }
        }
        self.mappings = mappings
    }

    /// The models a variant maps, sorted.
    func models(connector: String, variant: String) -> [String] { (mappings[connector]?[variant] ?? [:]).keys.sorted() }

    func mapping(connector: String, variant: String, model: String) -> HubUnifiedMapping? { mappings[connector]?[variant]?[model] }

    /// The runtime program of a mapping: the same program the generator writes into the
    /// variant's `Unified` struct (UnifiedGeneration.swift), built as values instead of source.
    static func program(_ connector: String, _ resource: Resource, _ model: UnifiedModel, _ mapping: UnifiedMapping) -> UnifiedMappingProgram {
        var fields: [UnifiedFieldMapping] = []
        for (name, expression) in mapping.fields {
            guard let field = model.field(name) else { continue }
            fields.append(UnifiedFieldMapping(name, target(field), required: field.required, runtime(lower(expression, resource.fields))))
        }
        return UnifiedMappingProgram(connector: connector, resource: resource.name, model: model.id, fields: fields)
    }

    static func target(_ field: UnifiedModelField) -> UnifiedFieldMapping.Target {
        switch field.type {
        case .string, .email: .string
        case .reference: .reference
        case .date: .date
        case .dateTime: .dateTime
        case .boolean: .boolean
        case .integer: .integer
        case .number: .number
        case .enum: .enumeration
        case .array: .array
        }
    }

    /// A pointer to a top-level `date-time` field written as Unix time reads in the field's
    /// format, as the generator lowers it.
    static func lower(_ expression: MappingExpression, _ fields: [RecordField]) -> MappingExpression {
        switch expression {
        case .pointer(let pointer):
            let name = String(pointer.dropFirst()).replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            if let field = fields.first(where: { $0.name == name }), field.type == .dateTime, field.format != .iso8601 {
                return .date(expression, format: field.format.rawValue)
            }
            return expression
        case .constant, .date, .pluck: return expression
        case .firstOf(let list): return .firstOf(list.map { lower($0, fields) })
        case .concat(let list, let separator): return .concat(list.map { lower($0, fields) }, separator: separator)
        case .split(let inner, let separator, let index): return .split(lower(inner, fields), separator: separator, index: index)
        case .number(let inner): return .number(lower(inner, fields))
        case .string(let inner): return .string(lower(inner, fields))
        case .enumMap(let inner, let map): return .enumMap(lower(inner, fields), map: map)
        }
    }

    static func runtime(_ expression: MappingExpression) -> UnifiedExpression {
        switch expression {
        case .pointer(let pointer): return .pointer(pointer)
        case .constant(.string(let text)): return .constant(.string(text))
        case .constant(.boolean(let flag)): return .constant(.bool(flag))
        case .constant(.number(let text)):
            if let integer = Int(text) { return .constant(.integer(integer)) }
            return .constant(.number(Double(text) ?? 0))
        case .firstOf(let list): return .firstOf(list.map(runtime))
        case .concat(let list, let separator): return .concat(list.map(runtime), separator: separator)
        case .split(let inner, let separator, let index): return .split(runtime(inner), separator: separator, index: index)
        case .date(let inner, let format): return .date(runtime(inner), format: .named(format))
        case .number(let inner): return .number(runtime(inner))
        case .string(let inner): return .string(runtime(inner))
        case .pluck(let array, let field): return .pluck(array, field: field)
        case .enumMap(let inner, let map):
            return .enumMap(runtime(inner), Dictionary(map.map { ($0.source, $0.value) }, uniquingKeysWith: { first, _ in first }))
        }
    }
}
