// Translates `unified` into Swift: per auth variant with mappings, a `Unified` struct next to
// `Resources`, with one member per mapped model that lists (and reads, when the resource has
// `get`) the resource as the model, and the compiled mapping of each as a static constant.
//
// ```swift
// let unified = Acme.ApiKey.Unified(connection)
// for try await employee in unified.employees.list() { print(employee.workEmail ?? "-") }
// ```
//
// The model types (`ConnectorRuntime.Unified.HRIS.Employee`...) are generated once, into the
// runtime, from the same model files (`make unified-models`): every connector shares them, so an
// app handles one `Employee` type whichever provider it came from, and the generated catalog does
// not repeat them per connector.

import Foundation

struct UnifiedTranslator {
    var docs: DocMaker
    var spec: ConnectorSpec

    /// The member name of a model in `Unified` (`employees` for `hris.employee`).
    static func memberName(_ model: String) -> String {
        switch model {
        case "hris.employee": "employees"
        case "iam.user": "users"
        case "iam.group": "groups"
        case "iam.role": "roles"
        case "ats.candidate": "candidates"
        case "ats.job": "jobs"
        case "ats.application": "applications"
        default: IdentifierMaker.camelCase(model.replacingOccurrences(of: ".", with: "_"), style: .lowerCamel)
        }
    }

    /// The runtime type of a model (`ConnectorRuntime.Unified.HRIS.Employee`).
    static func modelType(_ model: UnifiedModel) -> String {
        "ConnectorRuntime.Unified." + model.category.uppercased() + "." + model.title
    }

    /// `Unified` of variant `index`, or nothing when the variant maps no model.
    func unifiedStruct(index: Int, resources: [Resource], recordType: (Resource) -> String) -> [SwiftDeclaration] {
        let mappings = spec.unifiedMappings(ofVariant: index)
        guard !mappings.isEmpty else { return [] }
        // The accessor type names `resourcesStruct` gives, in the same order.
        var types = IdentifierMaker(reserved: OutputNaming.reservedTypeNames + ["Resources", OutputNaming.typeName(forSpecID: spec.id)])
        var accessorTypes: [String: String] = [:]
        for resource in resources { accessorTypes[resource.name] = types.make(resource.name, style: .upperCamel) }
        var members: [SwiftDeclaration] = [
            .property(SwiftProperty(
                doc: docs.doc(["The linked account the requests go through."], pointer: nil), isStatic: false,
                name: "connection", type: "ConnectorRuntime.Connection")),
            .function(SwiftFunction(
                doc: docs.doc(["The unified models of `connection`."], pointer: nil), access: .public, isStatic: false,
                name: nil, parameters: [SwiftParameter(label: nil, name: "connection", type: "ConnectorRuntime.Connection")],
                body: [.line("self.connection = connection")])),
        ]
        // The names `actionsStruct` gives the variant's compiled actions, in the same order.
        var actionNames = IdentifierMaker(reserved: ["connection", "all"])
        var actionOperations: [String: String] = [:]
        for action in spec.actions(ofVariant: index) {
            _ = actionNames.make(action.id, style: .lowerCamel)
            actionOperations[action.id] = actionNames.make(action.id + "Operation", style: .lowerCamel)
        }
        for mapping in mappings {
            guard let model = UnifiedModelCatalog.model(mapping.model),
                  let resource = resources.first(where: { $0.name == mapping.resource }),
                  let accessor = accessorTypes[resource.name], resource.list != nil else { continue }
            let member = Self.memberName(model.id)
            let program = member + "Mapping"
            let type = "ConnectorRuntime.UnifiedResource<" + recordType(resource) + ", " + Self.modelType(model) + ">"
            let get = resource.get != nil ? "Resources." + accessor + ".getOperation" : "nil"
            let bound = mapping.operations.filter { model.operation($0.name) != nil && actionOperations[$0.action] != nil }
            let operationsName = member + "Operations"
            var lowered: [(name: String, field: UnifiedModelField, expression: MappingExpression)] = []
            for (name, expression) in mapping.fields {
                guard let field = model.field(name) else { continue }
                lowered.append((name, field, Self.lower(expression, fields: resource.fields)))
            }
            let declared = Self.declaredFields(lowered.map { ($0.field, $0.expression) }, record: resource.fields)
            let reader = member + "Fields"
            members.append(.property(SwiftProperty(
                doc: docs.doc(["`" + model.id + "` from `" + resource.name + "`: `list()` and `pages()`"
                    + (resource.get != nil ? ", `get(id:)`." : " (the resource has no `get`).")], pointer: mapping.pointer),
                isStatic: false, name: member, type: type,
                value: [
                    "ConnectorRuntime.UnifiedResource(",
                    "connection: connection, program: Self." + program + ",",
                    "list: Resources." + accessor + ".listOperation, get: " + get + ", raw: { $0.raw }"
                        + (declared.isEmpty ? "" : ", read: Self." + reader)
                        + (bound.isEmpty ? "" : ", operations: Self." + operationsName),
                    ")",
                ], isComputed: true)))
            var lines = [
                "ConnectorRuntime.UnifiedMappingProgram(",
                "connector: " + SwiftStringLiteral.make(spec.id) + ", resource: " + SwiftStringLiteral.make(resource.name)
                    + ", model: " + SwiftStringLiteral.make(model.id) + ",",
                "fields: [",
            ]
            for (name, field, expression) in lowered {
                lines.append("    ConnectorRuntime.UnifiedFieldMapping(" + SwiftStringLiteral.make(name) + ", ." + Self.target(field)
                    + (field.required ? ", required: true" : "") + ", " + Self.render(expression) + "),")
            }
            if declared.isEmpty {
                lines += ["]", ")"]
            } else {
                lines += ["],", "declared: ["]
                for entry in declared {
                    lines.append("    ." + (entry.dateTime ? "dateTime" : "json") + "(" + SwiftStringLiteral.make(entry.field.name) + "),")
                }
                lines += ["]", ")"]
            }
            members.append(.property(SwiftProperty(
                doc: docs.doc(["The compiled mapping of `" + model.id + "`."], pointer: mapping.pointer + "/fields"),
                isStatic: true, name: program, type: "ConnectorRuntime.UnifiedMappingProgram", value: lines)))
            if !declared.isEmpty {
                let properties = SwiftNamePlan.recordPropertyNames(resource.fields.map(\.name))
                var body: [SwiftStatement] = [.line("[")]
                for entry in declared {
                    guard let position = resource.fields.firstIndex(of: entry.field) else { continue }
                    body.append(.line("    ." + Self.readFunction(entry) + "(record." + properties[position] + "),"))
                }
                body.append(.line("]"))
                members.append(.function(SwiftFunction(
                    doc: docs.doc(["The fields `" + program + "` declares, read from the record's properties, in order: "
                        + declared.map { "`" + $0.field.name + "`" }.joined(separator: ", ") + "."], pointer: mapping.pointer + "/fields"),
                    access: .public, isStatic: true, name: reader,
                    parameters: [SwiftParameter(label: nil, name: "record", type: recordType(resource))],
                    returnType: "[ConnectorRuntime.UnifiedFieldValue]", body: body)))
            }
            if !bound.isEmpty {
                members.append(.property(SwiftProperty(
                    doc: docs.doc(["The operations of `" + model.id + "` bound to this variant's actions: "
                        + bound.map { "`" + $0.name + "`" }.joined(separator: ", ") + "."], pointer: mapping.pointer + "/operations"),
                    isStatic: true, name: operationsName, type: "[ConnectorRuntime.UnifiedOperationBinding]",
                    value: operationLines(bound, model: model, actionOperations: actionOperations))))
            }
        }
        return [.type(SwiftTypeDeclaration(
            doc: docs.doc(["The unified models this variant's resources fill (`unified`): one member per model."],
                          pointer: spec.auth[index].pointer),
            kind: .struct, name: "Unified", inheritance: ["Swift.Sendable"], members: members))]
    }

    /// The compiled bindings of a model's operations.
    private func operationLines(_ bound: [UnifiedOperationBindingSpec], model: UnifiedModel, actionOperations: [String: String]) -> [String] {
        var lines = ["["]
        for binding in bound {
            guard let operation = model.operation(binding.name), let action = actionOperations[binding.action] else { continue }
            lines += [
                "ConnectorRuntime.UnifiedOperationBinding(",
                "    model: " + SwiftStringLiteral.make(model.id) + ", operation: " + SwiftStringLiteral.make(operation.name)
                    + ", destructive: " + (operation.destructive ? "true" : "false") + ",",
                "    action: Actions." + action + ",",
                "    inputs: [",
            ]
            for input in binding.inputs {
                lines.append("        ConnectorRuntime.UnifiedOperationInput(" + SwiftStringLiteral.make(input.name) + ", "
                    + Self.render(input.expression) + "),")
            }
            lines += ["    ]", "),"]
        }
        lines.append("]")
        return lines
    }

    /// The `<member>Operations` properties `unifiedStruct` declares for variant `index` (models
    /// with at least one operation bound to one of the variant's actions).
    static func boundOperationMembers(spec: ConnectorSpec, index: Int) -> [String] {
        let actions = Set(spec.actions(ofVariant: index).map(\.id))
        let resources = spec.resources(ofVariant: index)
        return spec.unifiedMappings(ofVariant: index).compactMap { mapping in
            guard let model = UnifiedModelCatalog.model(mapping.model),
                  resources.contains(where: { $0.name == mapping.resource && $0.list != nil }),
                  mapping.operations.contains(where: { model.operation($0.name) != nil && actions.contains($0.action) })
            else { return nil }
            return memberName(model.id) + "Operations"
        }
    }

    static func target(_ field: UnifiedModelField) -> String {
        switch field.type {
        case .string, .email: "string"
        case .reference: "reference"
        case .date: "date"
        case .dateTime: "dateTime"
        case .boolean: "boolean"
        case .integer: "integer"
        case .number: "number"
        case .enum: "enumeration"
        case .array: "array"
        }
    }

    /// The record fields a program reads from the typed record instead of the JSON, in the order
    /// of first use: top-level string, enum and boolean fields (their properties give back the JSON
    /// value exactly), and ISO 8601 date-time fields a target date-time reads directly (their
    /// property is the date the same parser read). Other values (numbers, whose JSON may be `3.0`
    /// for an integer, dates, arrays, nested pointers) stay on the JSON.
    static func declaredFields(_ fields: [(target: UnifiedModelField, expression: MappingExpression)],
                               record: [RecordField]) -> [(field: RecordField, dateTime: Bool)] {
        var result: [(field: RecordField, dateTime: Bool)] = []
        func add(_ field: RecordField, dateTime: Bool) {
            if !result.contains(where: { $0.field == field && $0.dateTime == dateTime }) { result.append((field, dateTime)) }
        }
        func recordField(_ pointer: String) -> RecordField? {
            let tokens = pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
            guard tokens.count == 1 else { return nil }
            let name = String(tokens[tokens.startIndex]).replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            return record.first { $0.name == name }
        }
        func visit(_ expression: MappingExpression) {
            switch expression {
            case .pointer(let pointer):
                if let field = recordField(pointer), [.string, .enum, .boolean].contains(field.type) { add(field, dateTime: false) }
            case .constant, .date, .pluck: return
            case .firstOf(let list), .concat(let list, _): list.forEach(visit)
            case .split(let inner, _, _), .number(let inner), .string(let inner), .enumMap(let inner, _): visit(inner)
            }
        }
        for (target, expression) in fields {
            if target.type == .dateTime, case .pointer(let pointer) = expression, let field = recordField(pointer),
               field.type == .dateTime, field.format == .iso8601 {
                add(field, dateTime: true)
            } else {
                visit(expression)
            }
        }
        return result
    }

    /// The runtime function that wraps a declared field's property (`UnifiedFieldValue.text`...).
    static func readFunction(_ entry: (field: RecordField, dateTime: Bool)) -> String {
        switch entry.field.type {
        case .enum: "enumeration"
        case .boolean: "boolean"
        case .dateTime: "instant"
        default: "text"
        }
    }

    /// A pointer to a top-level `date-time` field written as Unix time reads in the field's format.
    static func lower(_ expression: MappingExpression, fields: [RecordField]) -> MappingExpression {
        switch expression {
        case .pointer(let pointer):
            let name = String(pointer.dropFirst()).replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            if let field = fields.first(where: { $0.name == name }), field.type == .dateTime, field.format != .iso8601 {
                return .date(expression, format: field.format.rawValue)
            }
            return expression
        case .constant: return expression
        case .firstOf(let list): return .firstOf(list.map { lower($0, fields: fields) })
        case .concat(let list, let separator): return .concat(list.map { lower($0, fields: fields) }, separator: separator)
        case .split(let inner, let separator, let index): return .split(lower(inner, fields: fields), separator: separator, index: index)
        case .date: return expression
        case .number(let inner): return .number(lower(inner, fields: fields))
        case .string(let inner): return .string(lower(inner, fields: fields))
        case .enumMap(let inner, let map): return .enumMap(lower(inner, fields: fields), map: map)
        case .pluck: return expression
        }
    }

    static func render(_ expression: MappingExpression) -> String {
        func list(_ items: [MappingExpression]) -> String { "[" + items.map(render).joined(separator: ", ") + "]" }
        switch expression {
        case .pointer(let pointer): return ".pointer(" + SwiftStringLiteral.make(pointer) + ")"
        case .constant(.string(let text)): return ".constant(.string(" + SwiftStringLiteral.make(text) + "))"
        case .constant(.boolean(let flag)): return ".constant(.bool(" + (flag ? "true" : "false") + "))"
        case .constant(.number(let text)):
            if let integer = Int(text) { return ".constant(.integer(" + String(integer) + "))" }
            return ".constant(.number(" + String(Double(text) ?? 0) + "))"
        case .firstOf(let items): return ".firstOf(" + list(items) + ")"
        case .concat(let items, let separator): return ".concat(" + list(items) + ", separator: " + SwiftStringLiteral.make(separator) + ")"
        case .split(let inner, let separator, let index):
            return ".split(" + render(inner) + ", separator: " + SwiftStringLiteral.make(separator) + ", index: "
                + (index.map(String.init) ?? "nil") + ")"
        case .date(let inner, let format): return ".date(" + render(inner) + ", format: .named(" + SwiftStringLiteral.make(format) + "))"
        case .number(let inner): return ".number(" + render(inner) + ")"
        case .string(let inner): return ".string(" + render(inner) + ")"
        case .enumMap(let inner, let map):
            let pairs = map.map { SwiftStringLiteral.make($0.source) + ": " + SwiftStringLiteral.make($0.value) }
            return ".enumMap(" + render(inner) + ", [" + (pairs.isEmpty ? ":" : pairs.joined(separator: ", ")) + "])"
        case .pluck(let array, let field): return ".pluck(" + SwiftStringLiteral.make(array) + ", field: " + SwiftStringLiteral.make(field) + ")"
        }
    }
}
