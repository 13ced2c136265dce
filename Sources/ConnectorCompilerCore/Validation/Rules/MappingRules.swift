// Rules about `unified` (the connector's and each auth variant's): a mapping must fill a model
// the repository defines from a resource the connection has, and every expression must read
// fields the record declares and give the type the model field holds. Checked per auth variant,
// on its effective resources and mappings (a variant's resource or mapping replaces the
// connector's of the same name or model), and reported once per place in the file:
// - the model and the resource exist (`unified-model-unknown`, `unified-resource-unknown`), the
//   resource can be listed without inputs (`unified-resource-unlistable`), and a
//   scope maps a model once (`unified-mapping-duplicate`: two mappings would both fill every field);
// - expressions are well formed (`unified-expression-invalid`), their pointers start at a field the
//   record declares and go deeper only into `object` fields whose `fields` are declared
//   (`unified-pointer-unknown`);
// - every target is a model field (`unified-target-unknown`) of the type the expression gives
//   (`unified-type-mismatch`: text into a date without `date` and a format, a number into text
//   without `string`...); every required model field is mapped (`unified-required-unmapped`);
// - an enum map covers every value of a declared source `enum` (`unified-enum-uncovered`; a warning,
//   since the source is open and an unmapped value becomes `unknown`) and gives model values only
//   (`unified-enum-value`);
// - a reference points at a model the same connection maps (`unified-reference-unmapped`);
// - `pluck` reads an `array` of `object` whose element `fields` are declared, and one text or
//   integer field of them (`unified-pointer-unknown`, `unified-type-mismatch`).

import Foundation

struct MappingRules {
    var collector: DiagnosticCollector
    let root: JSONNode
    /// Diagnostics already reported (a connector-level mapping is checked once per variant).
    private var reported: Set<String> = []

    init(collector: DiagnosticCollector, root: JSONNode) {
        self.collector = collector
        self.root = root
    }

    /// The type an expression gives.
    indirect enum ValueType: Equatable {
        case string, integer, number, boolean, date, dateTime, object
        /// A declared `enum` field with its values.
        case enumeration([String])
        /// An `array` field with its element type (`nil` when unknown).
        case array(String?)
        /// The pieces of `split` without `index`.
        case stringArray
        /// The result of `date`: a date or a date-time, whichever the target holds.
        case parsedDate
        /// The result of an enum map: model values, with the `map` node.
        case mapped([(value: String, node: JSONNode)])

        static func == (lhs: ValueType, rhs: ValueType) -> Bool { lhs.name == rhs.name }

        var name: String {
            switch self {
            case .string: "string"
            case .integer: "integer"
            case .number: "number"
            case .boolean: "boolean"
            case .date: "date"
            case .dateTime: "date-time"
            case .object: "object"
            case .enumeration: "enum"
            case .array(let items): "array of \(items ?? "values")"
            case .stringArray: "array of string"
            case .parsedDate: "parsed date"
            case .mapped: "mapped enum"
            }
        }
    }

    mutating func check() {
        let variants = root["auth"]?.arrayValue ?? []
        let connectorMappings = unique(root["unified"])
        guard !connectorMappings.isEmpty || variants.contains(where: { $0["unified"] != nil }) else { return }
        for variant in variants {
            let own = unique(variant["unified"])
            var mappings = connectorMappings.map { base in own.first { $0.model == base.model } ?? base }
            mappings += own.filter { mapping in !connectorMappings.contains { $0.model == mapping.model } }
            let resources = effectiveResources(variant)
            let mapped = Set(mappings.map(\.model))
            for mapping in mappings {
                checkMapping(mapping, resources: resources, mappedModels: mapped)
            }
        }
    }

    struct MappingNode {
        var node: JSONNode
        var model: String
    }

    /// The mappings of one `unified` array, the second of a model reported and left out.
    private mutating func unique(_ list: JSONNode?) -> [MappingNode] {
        var result: [MappingNode] = []
        for node in list?.arrayValue ?? [] where node.members != nil {
            guard let modelNode = node["model"], let model = modelNode.stringValue else { continue }
            if let first = result.first(where: { $0.model == model }) {
                report(.error, "unified-mapping-duplicate",
                       "'\(model)' is mapped twice here (also at \(first.node.position)): both would fill every field of the model",
                       hint: "keep one mapping per model; a variant's own 'unified' replaces the connector's", at: modelNode)
                continue
            }
            result.append(MappingNode(node: node, model: model))
        }
        return result
    }

    /// The variant's resources by name: the connector's, replaced or extended by the variant's.
    private func effectiveResources(_ variant: JSONNode) -> [String: JSONNode] {
        var result: [String: JSONNode] = [:]
        for list in [root["resources"], variant["resources"]] {
            for resource in list?.arrayValue ?? [] {
                if let name = resource["name"]?.stringValue { result[name] = resource }
            }
        }
        return result
    }

    /// The declared fields of a resource's record (its own, or its shared record's).
    private func recordFields(_ resource: JSONNode) -> [JSONNode] {
        if let fields = resource["fields"]?.arrayValue { return fields }
        let name = resource["record"]?.stringValue
        let shared = root["records"]?.arrayValue?.first { $0["name"]?.stringValue == name }
        return shared?["fields"]?.arrayValue ?? []
    }

    private mutating func checkMapping(_ mapping: MappingNode, resources: [String: JSONNode], mappedModels: Set<String>) {
        let node = mapping.node
        guard let model = UnifiedModelCatalog.model(mapping.model) else {
            let ids = UnifiedModelCatalog.models.map(\.id)
            report(.error, "unified-model-unknown", "there is no unified model '\(mapping.model)'",
                   hint: Suggestion.closestValueHint(mapping.model, in: ids)
                       ?? "the models are \(ids.map { "'\($0)'" }.joined(separator: ", ")) (Schemas/models/)",
                   at: node["model"] ?? node)
            return
        }
        guard let resourceNode = node["resource"], let resourceName = resourceNode.stringValue else { return }
        guard let resource = resources[resourceName] else {
            report(.error, "unified-resource-unknown", "'\(mapping.model)' is mapped from resource '\(resourceName)', which this connection does not have",
                   hint: Suggestion.didYouMean(resourceName, in: resources.keys.sorted())
                       ?? "declare the resource in 'resources', or name one of \(resources.keys.sorted().map { "'\($0)'" }.joined(separator: ", "))",
                   at: resourceNode)
            return
        }
        let requiredInputs = (resource["list"]?["inputs"]?.arrayValue ?? []).filter {
            $0["in"]?.stringValue == "path" || $0["required"]?.boolValue == true
        }.compactMap { $0["name"]?.stringValue }
        if resource["list"] == nil || !requiredInputs.isEmpty {
            report(.error, "unified-resource-unlistable",
                   resource["list"] == nil
                       ? "resource '\(resourceName)' has no 'list', so '\(mapping.model)' cannot be listed from it"
                       : "resource '\(resourceName)' needs \(requiredInputs.map { "'\($0)'" }.joined(separator: ", ")) to be listed, which a unified list cannot pass",
                   hint: "map a resource whose 'list' has no required or path input", at: resourceNode)
        }
        guard let fieldsNode = node["fields"], let members = fieldsNode.members else {
            if let fieldsNode = node["fields"] {
                report(.error, "unified-expression-invalid", "'fields' must be an object of model fields and expressions",
                       hint: "write {\"id\": \"/id\", ...}", at: fieldsNode)
            }
            return
        }
        let record = recordFields(resource)
        let recordName = resource["record"]?.stringValue ?? resourceName
        for member in members {
            guard let target = model.field(member.key) else {
                report(.error, "unified-target-unknown", "'\(member.key)' is not a field of \(model.id)",
                       hint: Suggestion.didYouMean(member.key, in: model.fields.map(\.name))
                           ?? "the fields of \(model.id) are listed in Schemas/models/\(model.id).json",
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
            guard let type = infer(member.value, record: record, recordName: recordName) else { continue }
            assign(type, to: target, model: model, key: member, mappedModels: mappedModels)
        }
        for field in model.fields where field.required && !members.contains(where: { $0.key == field.name }) {
            let idField = resource["idField"]?.stringValue
            let example = field.name == "id" && idField != nil ? "\"id\": \"/\(idField!)\"" : "\"\(field.name)\": \"/...\""
            report(.error, "unified-required-unmapped", "required field '\(field.name)' of \(model.id) is not mapped",
                   hint: "add \(example) to 'fields'", at: fieldsNode)
        }
    }

    // MARK: - Types of expressions

    /// The type `node` gives, or `nil` after reporting why it has none.
    private mutating func infer(_ node: JSONNode, record: [JSONNode], recordName: String) -> ValueType? {
        if let pointer = node.stringValue { return resolve(pointer, at: node, record: record, recordName: recordName) }
        guard let op = node.members?.first(where: { MappingExpression.operators.contains($0.key) }) else { return nil }
        let argument = op.value
        func inner(_ node: JSONNode) -> ValueType? { infer(node, record: record, recordName: recordName) }
        switch op.key {
        case "const":
            switch argument.value {
            case .string: return .string
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
                guard let joined = Self.join(current, type) else {
                    report(.error, "unified-type-mismatch", "'firstOf' mixes \(current.name) and \(type.name)",
                           hint: "convert the alternatives to one type, e.g. with {\"string\": ...} or {\"date\": ..., \"format\": ...}",
                           at: element)
                    return nil
                }
                result = joined
            }
            return result
        case "concat":
            for element in argument.arrayValue ?? [] {
                guard let type = inner(element) else { return nil }
                guard Self.isText(type) else {
                    report(.error, "unified-type-mismatch", "'concat' joins text, not \(type.name)",
                           hint: "write it as text first: {\"string\": ...}", at: element)
                    return nil
                }
            }
            return .string
        case "split":
            guard let type = inner(argument) else { return nil }
            guard Self.isText(type) else {
                report(.error, "unified-type-mismatch", "'split' cuts text, not \(type.name)", hint: nil, at: argument)
                return nil
            }
            return node["index"] == nil ? .stringArray : .string
        case "date":
            guard let type = inner(argument) else { return nil }
            let format = node["format"]?.stringValue ?? ""
            let numeric = format == "unixSeconds" || format == "unixMilliseconds"
            let fits = numeric ? [ValueType.integer, .number, .string].contains(type) : Self.isText(type)
            guard fits else {
                report(.error, "unified-type-mismatch", "'date' with format '\(format)' reads \(numeric ? "a number" : "text"), not \(type.name)",
                       hint: type == .date || type == .dateTime ? "the field is already a \(type.name): map it without 'date'" : nil,
                       at: argument)
                return nil
            }
            if !numeric && format != "iso8601" && !Self.isDatePattern(format) {
                report(.error, "unified-expression-invalid", "'\(format)' is not a date format",
                       hint: "use 'iso8601', 'unixSeconds', 'unixMilliseconds' or a pattern with 'yyyy', 'MM' and 'dd', e.g. 'dd/MM/yyyy'",
                       at: node["format"] ?? node)
                return nil
            }
            return .parsedDate
        case "number":
            guard let type = inner(argument) else { return nil }
            guard [ValueType.string, .integer, .number].contains(type) else {
                report(.error, "unified-type-mismatch", "'number' reads text or a number, not \(type.name)", hint: nil, at: argument)
                return nil
            }
            return .number
        case "string":
            guard let type = inner(argument) else { return nil }
            guard [ValueType.string, .integer, .number, .boolean].contains(type) || Self.isText(type) else {
                report(.error, "unified-type-mismatch", "'string' writes a number, boolean or text, not \(type.name)", hint: nil, at: argument)
                return nil
            }
            return .string
        case "pluck":
            return pluck(node, record: record, recordName: recordName)
        default:  // enum
            guard let type = inner(argument) else { return nil }
            guard Self.isText(type) || type == .integer else {
                report(.error, "unified-type-mismatch", "'enum' translates text or an enum, not \(type.name)", hint: nil, at: argument)
                return nil
            }
            let map = node["map"]?.members ?? []
            if case .enumeration(let values) = type {
                let missing = values.filter { value in !map.contains { $0.key == value } }
                if !missing.isEmpty, let mapNode = node["map"] {
                    report(.warning, "unified-enum-uncovered",
                           "the map does not cover \(missing.map { "'\($0)'" }.joined(separator: ", ")) of the record's enum '\(argument.stringValue ?? "")': \(missing.count == 1 ? "it becomes" : "they become") 'unknown'",
                           hint: "map \(missing.count == 1 ? "it" : "each") to a model value, e.g. \"\(missing[0])\": \"...\"", at: mapNode)
                }
            }
            return .mapped(map.map { (value: $0.value.stringValue ?? "", node: $0.value) })
        }
    }

    /// The type of `{"pluck": "/array", "field": "/key"}`: an array of the elements' `key` values,
    /// which must be text or integers (references accept integer ids).
    private mutating func pluck(_ node: JSONNode, record: [JSONNode], recordName: String) -> ValueType? {
        guard let argument = node["pluck"], let pointer = argument.stringValue,
              let fieldNode = node["field"], let fieldPointer = fieldNode.stringValue else { return nil }
        var arrayField: JSONNode?
        guard let type = resolve(pointer, at: argument, record: record, recordName: recordName, last: &arrayField) else { return nil }
        guard case .array(let items) = type, items == "object", let array = arrayField else {
            report(.error, "unified-type-mismatch", "'pluck' reads an array of objects, but '\(pointer)' is \(type.name)",
                   hint: type == .array("string") ? "an array of strings fills the target without 'pluck': write \"\(pointer)\"" : nil,
                   at: argument)
            return nil
        }
        let name = array["name"]?.stringValue ?? pointer
        guard let elementFields = array["fields"]?.arrayValue else {
            report(.error, "unified-pointer-unknown", "'pluck' reads '\(fieldPointer)' in the elements of '\(name)', whose fields are not declared",
                   hint: "declare the keys of the elements of '\(name)' in its 'fields'", at: fieldNode)
            return nil
        }
        var unused: JSONNode?
        guard let value = resolve(fieldPointer, at: fieldNode, record: elementFields, recordName: recordName,
                                  owner: "the elements of '\(name)'", last: &unused) else { return nil }
        switch value {
        case .integer: return .array("integer")
        case _ where Self.isText(value): return .array("string")
        default:
            report(.error, "unified-type-mismatch", "'pluck' gives one text or integer per element, but '\(fieldPointer)' is \(value.name)",
                   hint: "point 'field' at a text or integer key of the elements", at: fieldNode)
            return nil
        }
    }

    /// The type of the value at `pointer` in a record declaring `record`.
    private mutating func resolve(_ pointer: String, at node: JSONNode, record: [JSONNode], recordName: String) -> ValueType? {
        var unused: JSONNode?
        return resolve(pointer, at: node, record: record, recordName: recordName, last: &unused)
    }

    /// The type of the value at `pointer` in fields `record` (of `owner`, the record by default);
    /// `last` is the declared field the pointer ends in (or in the elements of).
    private mutating func resolve(_ pointer: String, at node: JSONNode, record: [JSONNode], recordName: String,
                                  owner ownerName: String? = nil, last: inout JSONNode?) -> ValueType? {
        let segments = pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
            .map { $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~") }
        var fields = record
        var owner = ownerName ?? "record '\(recordName)'"
        var index = 0
        while index < segments.count {
            let segment = segments[index]
            guard let field = fields.first(where: { $0["name"]?.stringValue == segment }) else {
                let names = fields.compactMap { $0["name"]?.stringValue }
                report(.error, "unified-pointer-unknown", "'\(pointer)' reads '\(segment)', which \(owner) does not declare",
                       hint: Suggestion.didYouMean(segment, in: names).map { "\($0) Otherwise declare the field." }
                           ?? "declare '\(segment)' in the fields of \(owner) (its type is what the mapping checks)",
                       at: node)
                return nil
            }
            index += 1
            last = field
            let type = field["type"]?.stringValue ?? "string"
            let more = index < segments.count
            switch type {
            case "object":
                guard more else { return .object }
                guard let nested = field["fields"]?.arrayValue else {
                    report(.error, "unified-pointer-unknown", "'\(pointer)' reads inside '\(segment)', an object whose fields are not declared",
                           hint: "declare the keys inside '\(segment)' in its 'fields'", at: node)
                    return nil
                }
                fields = nested
                owner = "object '\(segment)'"
            case "array":
                let items = field["items"]?.stringValue
                guard more else { return .array(items) }
                guard Int(segments[index]) != nil else {
                    report(.error, "unified-pointer-unknown", "'\(pointer)' reads '\(segments[index])' in the array '\(segment)', which takes an index",
                           hint: "write the element's index, e.g. '/\(segment)/0'", at: node)
                    return nil
                }
                index += 1
                guard index < segments.count else { return Self.valueType(items ?? "object", values: []) }
                guard items == "object", let nested = field["fields"]?.arrayValue else {
                    report(.error, "unified-pointer-unknown", "'\(pointer)' reads inside the elements of '\(segment)', whose fields are not declared",
                           hint: "give '\(segment)' \"items\": \"object\" and declare the keys of its elements in 'fields'", at: node)
                    return nil
                }
                fields = nested
                owner = "the elements of '\(segment)'"
            default:
                guard !more else {
                    report(.error, "unified-pointer-unknown", "'\(pointer)' reads inside '\(segment)', which is a \(type)",
                           hint: "point at '/\(segments[..<index].joined(separator: "/"))'", at: node)
                    return nil
                }
                return Self.valueType(type, values: (field["values"]?.arrayValue ?? []).compactMap(\.stringValue))
            }
        }
        return nil
    }

    static func valueType(_ type: String, values: [String]) -> ValueType {
        switch type {
        case "integer": .integer
        case "number": .number
        case "boolean": .boolean
        case "date": .date
        case "date-time": .dateTime
        case "enum": .enumeration(values)
        case "object": .object
        default: .string
        }
    }

    static func isText(_ type: ValueType) -> Bool {
        if case .enumeration = type { return true }
        return type == .string
    }

    /// The type of `firstOf` alternatives of types `a` and `b`, if they fit together.
    static func join(_ a: ValueType, _ b: ValueType) -> ValueType? {
        if a == b { return a }
        if isText(a) && isText(b) { return .string }
        if [ValueType.integer, .number].contains(a) && [ValueType.integer, .number].contains(b) { return .number }
        let dates: [ValueType] = [.date, .dateTime, .parsedDate]
        if dates.contains(a) && dates.contains(b) && (a == .parsedDate || b == .parsedDate) { return a == .parsedDate ? b : a }
        if [ValueType.stringArray, .array("string")].contains(a) && [ValueType.stringArray, .array("string")].contains(b) { return .stringArray }
        return nil
    }

    static func isDatePattern(_ format: String) -> Bool {
        format.contains("yy") && format.contains("M") && format.contains("d")
    }

    // MARK: - Targets

    private mutating func assign(_ type: ValueType, to target: UnifiedModelField, model: UnifiedModel, key: JSONMember,
                                 mappedModels: Set<String>) {
        let node = key.value
        var fits: Bool
        var hint: String?
        switch target.type {
        case .string:
            fits = Self.isText(type)
            hint = [ValueType.integer, .number, .boolean].contains(type) ? "write it as text: {\"string\": ...}" : nil
        case .email:
            fits = type == .string
        case .date, .dateTime:
            let own: ValueType = target.type == .date ? .date : .dateTime
            fits = type == own || type == .parsedDate
            if type == .string {
                hint = "text into a \(target.type.rawValue) needs a format: {\"date\": \"\(node.stringValue ?? "/...")\", \"format\": \"\(target.type == .date ? "yyyy-MM-dd" : "iso8601")\"}"
            } else if type == .integer || type == .number {
                hint = "read it with {\"date\": ..., \"format\": \"unixSeconds\"} (or \"unixMilliseconds\")"
            }
        case .boolean:
            fits = type == .boolean
        case .integer, .number:
            fits = type == .integer || type == .number
            hint = type == .string ? "read it as a number: {\"number\": ...}" : nil
        case .enum:
            if case .mapped(let values) = type {
                for (value, valueNode) in values where !target.values.contains(value) {
                    report(.error, "unified-enum-value", "'\(value)' is not a value of \(model.id) '\(target.name)'",
                           hint: Suggestion.closestValueHint(value, in: target.values)
                               ?? "the values are \(target.values.map { "'\($0)'" }.joined(separator: ", ")); leave a provider value out of the map and it becomes 'unknown'",
                           at: valueNode)
                }
                fits = true
            } else {
                fits = false
                hint = "translate the provider's values with {\"enum\": \(node.stringValue.map { "\"\($0)\"" } ?? "..."), \"map\": {\"ProviderValue\": \"\(target.values.first ?? "")\"}}"
            }
        case .reference:
            fits = type == .string || type == .integer
        case .array:
            switch type {
            case .stringArray, .string: fits = true
            case .array(let items): fits = items == "string" || (target.items == .reference && items == "integer")
            default: fits = false
            }
            if type == .array("object") {
                hint = "take one key of each element: {\"pluck\": \"\(node.stringValue ?? "/...")\", \"field\": \"/id\"}"
            }
        }
        guard fits else {
            report(.error, "unified-type-mismatch", "\(model.id) '\(target.name)' holds \(target.typeDescription), but the mapping gives \(type.name)",
                   hint: hint, at: node)
            return
        }
        if let referenced = target.model, target.type == .reference || target.items == .reference, !mappedModels.contains(referenced) {
            report(.error, "unified-reference-unmapped",
                   "\(model.id) '\(target.name)' refers to \(referenced), which this connection does not map",
                   hint: "map \(referenced) in 'unified' as well, or leave '\(target.name)' out", at: node, position: key.keyPosition)
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
