// The typed model of the spec's `unified` key: which resource fills which unified model, field by
// field, in a small expression language that cannot loop or call out. Parsed from the JSON tree by
// `MappingExpression.parse`, which both the validator (`MappingRules`, with positions) and the
// model builder (on a spec that passed validation) use.

/// How one unified field is computed from a record.
///
/// In a spec: `"/work/title"` (a JSON pointer into the record), `{"const": "full_time"}`,
/// `{"firstOf": [e1, e2]}`, `{"concat": [e1, e2], "separator": " "}`,
/// `{"split": e, "separator": ",", "index": 0}`, `{"date": e, "format": "dd/MM/yyyy"}`,
/// `{"number": e}`, `{"string": e}`, `{"enum": e, "map": {"Active": "active"}}`,
/// `{"pluck": "/groups", "field": "/value"}`.
public indirect enum MappingExpression: Sendable, Hashable {
    /// The value at a JSON pointer into the record (its first segment is a declared field).
    case pointer(String)
    /// A constant string, number or boolean (numbers kept as their JSON text).
    case constant(MappingConstant)
    /// The first of these that is present and not null.
    case firstOf([MappingExpression])
    /// The present values as text, joined by `separator`; null when none is present.
    case concat([MappingExpression], separator: String)
    /// The text cut at each `separator`: every piece (an array), or the piece at `index`.
    case split(MappingExpression, separator: String, index: Int?)
    /// Text read as a date or date-time: `iso8601`, `unixSeconds`, `unixMilliseconds`, or a
    /// pattern such as `dd/MM/yyyy` (Unicode TR35, read in UTC).
    case date(MappingExpression, format: String)
    /// Text or a number read as a number.
    case number(MappingExpression)
    /// A number, boolean or text written as text.
    case string(MappingExpression)
    /// The provider's value translated to a model value; a value the map does not list becomes
    /// `unknown`, keeping the provider's value.
    case enumMap(MappingExpression, map: [EnumMapEntry])
    /// One value of each element of an array of objects: `field` is a pointer into the element
    /// (`{"pluck": "/groups", "field": "/value"}` reads SCIM's `groups[].value`).
    case pluck(String, field: String)

    /// One `"sourceValue": "modelValue"` pair of an enum map.
    public struct EnumMapEntry: Sendable, Hashable {
        public var source: String
        public var value: String
        public init(source: String, value: String) {
            self.source = source
            self.value = value
        }
    }

    /// The operators of object expressions, in the order the docs list them.
    public static let operators = ["const", "firstOf", "concat", "split", "date", "number", "string", "enum", "pluck"]
    /// The keys each operator allows besides itself.
    static let options: [String: [String]] = [
        "const": [], "firstOf": [], "concat": ["separator"], "split": ["separator", "index"], "date": ["format"],
        "number": [], "string": [], "enum": ["map"], "pluck": ["field"],
    ]
    /// The named date formats of `date`; any other value is a pattern.
    public static let namedDateFormats = ["iso8601", "unixSeconds", "unixMilliseconds"]

    /// A mistake in an expression's shape, at `node`.
    struct ParseError {
        var message: String
        var hint: String?
        var node: JSONNode
        var keyPosition: SourcePosition?
    }

    /// Reads an expression; shape errors are appended to `errors` and give `nil`.
    static func parse(_ node: JSONNode, errors: inout [ParseError]) -> MappingExpression? {
        if let text = node.stringValue {
            guard text.hasPrefix("/") else {
                errors.append(ParseError(
                    message: "a mapping value must be a JSON pointer into the record (starting with '/') or an expression object",
                    hint: "write '/\(text)' for the record field, or {\"const\": \"\(text)\"} for a constant", node: node))
                return nil
            }
            return .pointer(text)
        }
        guard let members = node.members else {
            errors.append(ParseError(
                message: "a mapping value must be a JSON pointer string or an expression object, not \(node.kindName)",
                hint: "write {\"const\": ...} for a constant", node: node))
            return nil
        }
        let operators = members.filter { Self.operators.contains($0.key) }
        guard operators.count == 1, let op = operators.first else {
            errors.append(ParseError(
                message: operators.isEmpty
                    ? "an expression object needs one of \(Self.operators.map { "'\($0)'" }.joined(separator: ", "))"
                    : "an expression object has one operator, not \(operators.map { "'\($0.key)'" }.joined(separator: " and "))",
                hint: operators.isEmpty ? members.first.flatMap { Suggestion.didYouMean($0.key, in: Self.operators) } : "nest one expression in the other",
                node: node))
            return nil
        }
        let allowed = Self.options[op.key] ?? []
        for member in members where member.key != op.key && !allowed.contains(member.key) {
            errors.append(ParseError(
                message: "'\(member.key)' is not an option of '\(op.key)'",
                hint: allowed.isEmpty ? "remove it" : "the options of '\(op.key)' are \(allowed.map { "'\($0)'" }.joined(separator: ", "))",
                node: member.value, keyPosition: member.keyPosition))
        }
        let argument = op.value
        func list() -> [MappingExpression]? {
            guard let elements = argument.arrayValue, elements.count >= 2 else {
                errors.append(ParseError(
                    message: "'\(op.key)' takes an array of at least two expressions", hint: nil, node: argument))
                return nil
            }
            let parsed = elements.map { parse($0, errors: &errors) }
            return parsed.contains { $0 == nil } ? nil : parsed.compactMap { $0 }
        }
        func text(_ key: String, default value: String?) -> String? {
            guard let node = node[key] else {
                if value == nil {
                    errors.append(ParseError(message: "'\(op.key)' needs '\(key)'", hint: nil, node: node))
                }
                return value
            }
            guard let string = node.stringValue else {
                errors.append(ParseError(message: "'\(key)' must be a string", hint: nil, node: node))
                return nil
            }
            return string
        }
        switch op.key {
        case "const":
            switch argument.value {
            case .string(let text): return .constant(.string(text))
            case .number(let text): return .constant(.number(text))
            case .bool(let flag): return .constant(.boolean(flag))
            default:
                errors.append(ParseError(message: "'const' takes a string, number or boolean", hint: nil, node: argument))
                return nil
            }
        case "firstOf":
            return list().map(MappingExpression.firstOf)
        case "concat":
            let separator = text("separator", default: "")
            guard let parts = list(), let separator else { return nil }
            return .concat(parts, separator: separator)
        case "split":
            let separator = text("separator", default: nil)
            var index: Int?
            if let indexNode = node["index"] {
                guard let value = indexNode.intValue, value >= 0 else {
                    errors.append(ParseError(message: "'index' must be an integer of 0 or more", hint: nil, node: indexNode))
                    return nil
                }
                index = value
            }
            guard let inner = parse(argument, errors: &errors), let separator else { return nil }
            if separator.isEmpty {
                errors.append(ParseError(message: "'separator' of 'split' must not be empty", hint: nil, node: node["separator"] ?? node))
                return nil
            }
            return .split(inner, separator: separator, index: index)
        case "date":
            let format = text("format", default: nil)
            guard let inner = parse(argument, errors: &errors), let format else { return nil }
            return .date(inner, format: format)
        case "number":
            return parse(argument, errors: &errors).map(MappingExpression.number)
        case "string":
            return parse(argument, errors: &errors).map(MappingExpression.string)
        case "pluck":
            let field = text("field", default: nil)
            guard let array = argument.stringValue, array.hasPrefix("/") else {
                errors.append(ParseError(
                    message: "'pluck' takes a JSON pointer to an array of objects, not an expression",
                    hint: "write {\"pluck\": \"/groups\", \"field\": \"/value\"}", node: argument))
                return nil
            }
            guard let field else { return nil }
            guard field.hasPrefix("/"), field.count > 1 else {
                errors.append(ParseError(
                    message: "'field' of 'pluck' must be a JSON pointer into each element, starting with '/'",
                    hint: "write '/\(field)'", node: node["field"] ?? node))
                return nil
            }
            return .pluck(array, field: field)
        default:  // enum
            guard let mapNode = node["map"] else {
                errors.append(ParseError(
                    message: "'enum' needs 'map', the provider's values and the model's",
                    hint: "add \"map\": {\"ProviderValue\": \"modelValue\"}", node: node))
                return nil
            }
            guard let entries = mapNode.members, !entries.isEmpty else {
                errors.append(ParseError(message: "'map' must be an object of provider values and model values", hint: nil, node: mapNode))
                return nil
            }
            var map: [EnumMapEntry] = []
            for entry in entries {
                guard let value = entry.value.stringValue else {
                    errors.append(ParseError(message: "the model value of '\(entry.key)' must be a string", hint: nil, node: entry.value))
                    return nil
                }
                map.append(EnumMapEntry(source: entry.key, value: value))
            }
            guard let inner = parse(argument, errors: &errors) else { return nil }
            return .enumMap(inner, map: map)
        }
    }
}

/// A constant of a mapping.
public enum MappingConstant: Sendable, Hashable {
    case string(String)
    /// The number's JSON text.
    case number(String)
    case boolean(Bool)
}

/// One entry of `unified`: a resource mapped to a model.
public struct UnifiedMapping: Sendable, Hashable {
    public var pointer: JSONPointer
    /// The model's id, e.g. `hris.employee`.
    public var model: String
    /// The resource whose records are mapped.
    public var resource: String
    /// Target field and its expression, in spec order.
    public var fields: [(name: String, expression: MappingExpression)]
    /// The model's operations bound to actions (`operations`), in spec order.
    public var operations: [UnifiedOperationBindingSpec] = []

    public init(pointer: JSONPointer, model: String, resource: String, fields: [(name: String, expression: MappingExpression)]) {
        self.pointer = pointer
        self.model = model
        self.resource = resource
        self.fields = fields
    }

    public static func == (lhs: UnifiedMapping, rhs: UnifiedMapping) -> Bool {
        lhs.pointer == rhs.pointer && lhs.model == rhs.model && lhs.resource == rhs.resource
            && lhs.fields.map(\.name) == rhs.fields.map(\.name) && lhs.fields.map(\.expression) == rhs.fields.map(\.expression)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(pointer)
        hasher.combine(model)
        hasher.combine(resource)
    }

    /// The mappings of a `unified` array that passed validation.
    static func build(_ list: JSONNode?) -> [UnifiedMapping] {
        (list?.arrayValue ?? []).compactMap { node in
            guard let model = node["model"]?.stringValue, let resource = node["resource"]?.stringValue else { return nil }
            var errors: [MappingExpression.ParseError] = []
            let fields = (node["fields"]?.members ?? []).compactMap { member in
                MappingExpression.parse(member.value, errors: &errors).map { (name: member.key, expression: $0) }
            }
            var mapping = UnifiedMapping(pointer: node.pointer, model: model, resource: resource, fields: fields)
            mapping.operations = UnifiedOperationBindingSpec.build(node["operations"])
            return mapping
        }
    }
}

extension ConnectorSpec {
    /// The mappings of auth variant `index`: the connector's, each replaced by the variant's
    /// mapping of the same model, then the variant's others (as `resources(ofVariant:)`).
    public func unifiedMappings(ofVariant index: Int) -> [UnifiedMapping] {
        guard auth.indices.contains(index) else { return unified }
        let overrides = auth[index].unified
        var result = unified.map { base in overrides.first { $0.model == base.model } ?? base }
        result += overrides.filter { override in !unified.contains { $0.model == override.model } }
        return result
    }
}
