// Translates `resources` into Swift: one record struct per resource (in the connector's
// namespace, or in the variant's when the variant overrides it) and, per auth variant, a
// `Resources` struct whose members list and read each resource through a `Connection`.
//
// ```swift
// let resources = Acme.ApiKey.Resources(connection)
// for try await employee in resources.employees.list(updatedAfter: lastSync) { ... }
// let one = try await resources.employees.get(id: "42")
// ```

import Foundation

struct ResourceTranslator {
    var docs: DocMaker
    /// The connector's namespace type, e.g. `Acme`.
    var namespace: String

    // MARK: - Records

    /// The struct of a shared record (`records`), named by the resources that list it.
    func recordStruct(sharedRecord record: SharedRecord, in spec: ConnectorSpec) -> SwiftTypeDeclaration {
        let users = (spec.resources + spec.auth.flatMap(\.resources)).filter { $0.sharedRecord && $0.record == record.name }
        var names: [String] = []
        for user in users where !names.contains(user.name) { names.append(user.name) }
        let resource = Resource(
            pointer: record.pointer, name: record.name, record: record.name, description: record.description, idField: nil,
            fields: record.fields, list: nil, get: nil)
        let heading = names.isEmpty
            ? "A shared record (no resource lists it)."
            : "A record of " + names.map { "`" + $0 + "`" }.joined(separator: ", ") + "."
        return recordStruct(resource, heading: heading)
    }

    /// The record struct of `resource`.
    func recordStruct(_ resource: Resource, heading: String? = nil) -> SwiftTypeDeclaration {
        // The shared naming table: `validate` warns about exactly these renames.
        let properties = SwiftNamePlan.recordPropertyNames(resource.fields.map(\.name))
        var enumNames = SwiftNamePlan.recordEnumTypeNames(
            resource.fields.filter { $0.type == .enum }.map(\.name), record: resource.record)[...]
        var members: [SwiftDeclaration] = []
        var enums: [SwiftDeclaration] = []
        var initBody: [SwiftStatement] = []
        for (field, property) in zip(resource.fields, properties) {
            var type: String
            switch field.type {
            case .string: type = SwiftNames.string
            case .integer: type = "Swift.Int"
            case .number: type = "Swift.Double"
            case .boolean: type = "Swift.Bool"
            case .date: type = "ConnectorRuntime.CalendarDate"
            case .dateTime: type = "Foundation.Date"
            case .object: type = "ConnectorRuntime.JSONValue"
            case .array:
                switch field.items ?? .string {
                case .string: type = "[Swift.String]"
                case .integer: type = "[Swift.Int]"
                case .number: type = "[Swift.Double]"
                case .boolean: type = "[Swift.Bool]"
                case .object: type = "[ConnectorRuntime.JSONValue]"
                }
            case .enum:
                let enumName = enumNames.popFirst() ?? "_unnamed"
                enums.append(.type(valuesEnum(enumName, values: field.values, pointer: field.pointer + "/values")))
                type = "ConnectorRuntime.OpenEnum<" + enumName + ">"
            }
            let key = SwiftStringLiteral.make(field.name)
            let read: String
            if field.type == .dateTime {
                read = (field.required ? "record.requiredDate(" : "record.optionalDate(") + key + ", format: ."
                    + field.format.rawValue + ")"
            } else {
                read = (field.required ? "record.required(" : "record.optional(") + key + ")"
            }
            initBody.append(.line("self." + SwiftNamePlan.unquoted(property) + " = try " + read))
            if !field.required { type += "?" }
            var paragraphs = ["`" + field.name + "` (" + field.type.rawValue + (field.required ? "" : ", optional") + ")."]
            if let description = field.description { paragraphs.append(description) }
            members.append(.property(SwiftProperty(
                doc: docs.doc(paragraphs, pointer: field.pointer), isStatic: false, name: property, type: type)))
        }
        initBody.append(.line("self.raw = record.raw"))
        members.append(.property(SwiftProperty(
            doc: docs.doc(["The record as received, with the fields the spec does not declare."], pointer: nil),
            isStatic: false, name: "raw", type: "ConnectorRuntime.JSONValue")))
        members.append(.function(SwiftFunction(
            doc: docs.doc(["Reads the declared fields; throws the first that does not match its type."], pointer: nil),
            access: .public, isStatic: false, name: nil,
            parameters: [SwiftParameter(label: "record", name: "record", type: "ConnectorRuntime.RecordReader")],
            throwsClause: "throws(ConnectorRuntime.RecordFieldError)", body: initBody)))
        members += enums
        var paragraphs = [heading ?? "A record of `" + resource.name + "`."]
        if let description = resource.description { paragraphs.append(description) }
        return SwiftTypeDeclaration(
            doc: docs.doc(paragraphs, pointer: resource.pointer), kind: .struct, name: resource.record,
            inheritance: ["ConnectorRuntime.ResourceRecord"], members: members)
    }

    /// A `String` enum of declared values (wrapped in `OpenEnum` by its users).
    func valuesEnum(_ name: String, values: [String], pointer: JSONPointer) -> SwiftTypeDeclaration {
        let caseNames = SwiftNamePlan.caseNames(values)
        let cases = zip(values, caseNames).map { value, caseName in
            SwiftDeclaration.enumCase(SwiftEnumCase(
                doc: SwiftDocComment(lines: []), name: caseName, rawValue: SwiftStringLiteral.make(value)))
        }
        return SwiftTypeDeclaration(
            doc: docs.doc(["The declared values; others arrive as `OpenEnum.unknown`."], pointer: pointer), kind: .enum,
            name: name, inheritance: [SwiftNames.string, "Swift.Sendable", "Swift.Hashable", "Swift.CaseIterable"],
            members: cases)
    }

    // MARK: - Resources

    /// `Resources` of a variant: one accessor per resource. `recordType` gives the qualified
    /// record type of each resource.
    func resourcesStruct(_ resources: [Resource], variantPointer: JSONPointer, recordType: (Resource) -> String)
        -> SwiftTypeDeclaration
    {
        var properties = IdentifierMaker(reserved: ["connection"])
        var types = IdentifierMaker(reserved: OutputNaming.reservedTypeNames + ["Resources", namespace])
        var members: [SwiftDeclaration] = [
            .property(SwiftProperty(
                doc: docs.doc(["The linked account the requests go through."], pointer: nil), isStatic: false,
                name: "connection", type: "ConnectorRuntime.Connection")),
            .function(SwiftFunction(
                doc: docs.doc(["The resources of `connection`."], pointer: nil), access: .public, isStatic: false,
                name: nil, parameters: [SwiftParameter(label: nil, name: "connection", type: "ConnectorRuntime.Connection")],
                body: [.line("self.connection = connection")])),
        ]
        var accessors: [SwiftDeclaration] = []
        for resource in resources {
            let property = properties.make(resource.name, style: .lowerCamel)
            let type = types.make(resource.name, style: .upperCamel)
            members.append(.property(SwiftProperty(
                doc: docs.doc([resource.description ?? "The `" + resource.name + "` resource."], pointer: resource.pointer),
                isStatic: false, name: property, type: type, value: [type + "(connection: connection)"], isComputed: true)))
            accessors.append(.type(accessor(resource, typeName: type, record: recordType(resource))))
        }
        return SwiftTypeDeclaration(
            doc: docs.doc(["The data this variant's connection reads, as typed records."], pointer: variantPointer),
            kind: .struct, name: "Resources", inheritance: ["Swift.Sendable"], members: members + accessors)
    }

    /// `let pathFields = [...]` for `configuration(_:)`: the values of the fields the paths of
    /// `resources` insert as `{{fields.KEY}}`; no statement when none does.
    static func pathFieldsStatements(
        _ resources: [Resource], fields: [String: ResolvedField], pointer: JSONPointer
    ) throws(GenerationError) -> [SwiftStatement] {
        var keys: [String] = []
        for resource in resources {
            for path in [resource.list?.path, resource.get?.path].compactMap({ $0 }) {
                var rest = Substring(path)
                while let open = rest.range(of: "{{fields."), let close = rest[open.upperBound...].range(of: "}}") {
                    let key = String(rest[open.upperBound..<close.lowerBound])
                    if !keys.contains(key) { keys.append(key) }
                    rest = rest[close.upperBound...]
                }
            }
        }
        guard !keys.isEmpty else { return [] }
        var entries: [String] = []
        for key in keys {
            guard let field = fields[key], !field.isOptional, field.field.type != .secret else {
                throw GenerationError(
                    message: "A resource path inserts '{{fields.\(key)}}', which is not a required, non-secret field.",
                    pointer: pointer)
            }
            entries.append(SwiftStringLiteral.make(key) + ": " + TemplateTranslator.stringValue(of: field.access, field: field))
        }
        return [
            .line("// The field values resource paths insert as '{{fields.KEY}}'."),
            .line("let pathFields: [Swift.String: Swift.String] = [" + entries.joined(separator: ", ") + "]"),
        ]
    }

    private func accessor(_ resource: Resource, typeName: String, record: String) -> SwiftTypeDeclaration {
        var members: [SwiftDeclaration] = [
            .property(SwiftProperty(
                doc: docs.doc(["The linked account the requests go through."], pointer: nil), isStatic: false,
                name: "connection", type: "ConnectorRuntime.Connection")),
            .function(SwiftFunction(
                doc: docs.doc(["`" + resource.name + "` of `connection`."], pointer: nil), access: .public,
                isStatic: false, name: nil,
                parameters: [SwiftParameter(label: "connection", name: "connection", type: "ConnectorRuntime.Connection")],
                body: [.line("self.connection = connection")])),
        ]
        if let list = resource.list { members += listMembers(resource, list, record: record) }
        if let get = resource.get {
            let idType = resource.fields.first { $0.name == resource.idField }?.type == .integer ? "Swift.Int" : SwiftNames.string
            let idText = idType == "Swift.Int" ? "String(id)" : "id"
            members.append(.property(SwiftProperty(
                doc: docs.doc(["The compiled `get` operation."], pointer: get.pointer), isStatic: true,
                name: "getOperation", type: "ConnectorRuntime.ResourceGetOperation",
                value: [
                    "ConnectorRuntime.ResourceGetOperation(resource: " + SwiftStringLiteral.make(resource.name)
                        + ", path: " + SwiftStringLiteral.make(get.path) + ", record: " + SwiftStringLiteral.make(get.record)
                        + ")"
                ])))
            members.append(.function(SwiftFunction(
                doc: docs.doc(
                    ["Reads the record with this id, in one request of at most `timeout` seconds.",
                     "Throws `ResourceError.notFound` on 404, `ResourceError.invalidRecord` when it does not match its schema, `ResourceError.timedOut` without an answer in time, and `ConnectorError` for credentials, rate limits and provider failures."],
                    pointer: get.pointer),
                access: .public, isStatic: false, name: "get",
                parameters: [
                    SwiftParameter(label: "id", name: "id", type: idType),
                    SwiftParameter(
                        label: "timeout", name: "timeout", type: "Swift.Double",
                        defaultValue: "ConnectorRuntime.HTTPRequest.defaultTimeout"),
                ], throwsClause: "async throws",
                returnType: record,
                body: [.line(
                    "try await ConnectorRuntime.ResourceReader.get(" + record + ".self, connection: connection, operation: Self.getOperation, id: "
                        + idText + ", timeout: timeout)")])))
        }
        return SwiftTypeDeclaration(
            doc: docs.doc(["Lists and reads `" + resource.name + "`."], pointer: resource.pointer), kind: .struct,
            name: typeName, inheritance: ["Swift.Sendable"], members: members)
    }

    private func listMembers(_ resource: Resource, _ list: ListOperation, record: String) -> [SwiftDeclaration] {
        var members: [SwiftDeclaration] = []
        // The shared naming table: `validate` rejects exactly these renames.
        let names = SwiftNamePlan.inputParameterNames(list.inputs.map(\.name))
        var enumNames = SwiftNamePlan.inputEnumTypeNames(list.inputs.filter { $0.type == .enum }.map(\.name))[...]
        var parameters: [SwiftParameter] = []
        // `_arguments`: input names start with a letter, so no parameter can shadow it.
        var argumentLines: [SwiftStatement] = [.line("var _arguments = ConnectorRuntime.ListArguments()")]
        var inputDocs: [String] = []
        for (input, name) in zip(list.inputs, names) {
            // In expressions the name keeps its backticks (`if let `in` {`).
            let plain = name
            var type: String
            var value: String
            switch input.type {
            case .string: (type, value) = (SwiftNames.string, ".string(" + plain + ")")
            case .integer: (type, value) = ("Swift.Int", ".integer(" + plain + ")")
            case .number: (type, value) = ("Swift.Double", ".number(" + plain + ")")
            case .boolean: (type, value) = ("Swift.Bool", ".boolean(" + plain + ")")
            case .date: (type, value) = ("ConnectorRuntime.CalendarDate", ".date(" + plain + ")")
            case .dateTime: (type, value) = ("Foundation.Date", ".dateTime(" + plain + ", ." + input.format.rawValue + ")")
            case .enum:
                let enumName = enumNames.popFirst() ?? "_unnamed"
                members.append(.type(valuesEnum(enumName, values: input.values, pointer: input.pointer + "/values")))
                (type, value) = (enumName, ".string(" + plain + ".rawValue)")
            }
            let call = "_arguments." + input.location.rawValue + "(" + SwiftStringLiteral.make(input.parameter) + ", " + value + ")"
            if input.required {
                parameters.append(SwiftParameter(label: name, name: name, type: type))
                argumentLines.append(.line(call))
            } else {
                parameters.append(SwiftParameter(label: name, name: name, type: type + "?", defaultValue: "nil"))
                argumentLines.append(.block(opening: "if let " + plain + " {", body: [.line(call)]))
            }
            inputDocs.append("- " + input.name + ": `" + input.parameter + "` (" + input.location.rawValue + ")"
                + (input.description.map { ": " + $0 } ?? ""))
        }
        if list.inputs.isEmpty {
            argumentLines = [.line("ConnectorRuntime.ListArguments()")]
        } else {
            argumentLines.append(.line("return _arguments"))
        }
        // At a call site a keyword label needs no backticks, except `inout`.
        let forwarded = parameters.map { parameter in
            let bare = SwiftNamePlan.unquoted(parameter.name)
            return (bare == "inout" ? parameter.name : bare) + ": " + parameter.name
        }.joined(separator: ", ")
        members.append(.property(SwiftProperty(
            doc: docs.doc(["The compiled `list` operation."], pointer: list.pointer), isStatic: true,
            name: "listOperation", type: "ConnectorRuntime.ResourceListOperation", value: operationLines(resource, list))))
        members.append(.function(SwiftFunction(
            doc: docs.doc(["The inputs as query parameters, path segments and body keys."], pointer: nil),
            isStatic: true, name: "arguments", parameters: parameters, returnType: "ConnectorRuntime.ListArguments",
            body: argumentLines)))
        let options = SwiftParameter(
            label: "options", name: "options", type: "ConnectorRuntime.ListOptions",
            defaultValue: "ConnectorRuntime.ListOptions()")
        let style = "Pagination: `" + list.pagination.style.rawValue + "`"
            + (list.pagination.stops.isEmpty ? "" : ", stops on " + list.pagination.stops.map { "`" + $0.rawValue + "`" }.joined(separator: " or ")) + "."
        members.append(.function(SwiftFunction(
            doc: docs.doc(
                ["Every record, fetched page by page as you iterate (one page in memory; stop iterating to stop fetching).",
                 style] + inputDocs, pointer: list.pointer),
            access: .public, isStatic: false, name: "list", parameters: parameters + [options],
            returnType: "ConnectorRuntime.RecordSequence<" + record + ">",
            body: [.line(
                "ConnectorRuntime.RecordSequence(connection: connection, operation: Self.listOperation, arguments: Self.arguments("
                    + forwarded + "), options: options)")])))
        members.append(.function(SwiftFunction(
            doc: docs.doc(["The same run as `list`, page by page (with the records skipped under `.skip`).", style],
                          pointer: list.pointer),
            access: .public, isStatic: false, name: "pages", parameters: parameters + [options],
            returnType: "ConnectorRuntime.PageSequence<" + record + ">",
            body: [.line(
                "ConnectorRuntime.PageSequence(connection: connection, operation: Self.listOperation, arguments: Self.arguments("
                    + forwarded + "), options: options)")])))
        return members
    }

    private func operationLines(_ resource: Resource, _ list: ListOperation) -> [String] {
        let pagination = list.pagination
        var paging: [String] = ["style: ." + pagination.style.rawValue]
        if pagination.stops.count == 1 { paging.append("stop: ." + pagination.stops[0].rawValue) }
        if pagination.stops.count > 1 { paging.append("stops: [" + pagination.stops.map { "." + $0.rawValue }.joined(separator: ", ") + "]") }
        if let size = pagination.pageSize { paging.append("pageSize: " + String(size)) }
        if let size = pagination.maxPageSize { paging.append("maxPageSize: " + String(size)) }
        func add(_ label: String, _ value: String?) {
            if let value { paging.append(label + ": " + SwiftStringLiteral.make(value)) }
        }
        add("limitParam", pagination.limitParam)
        add("offsetParam", pagination.offsetParam)
        add("pageParam", pagination.pageParam)
        if pagination.style == .pageNumber { paging.append("firstPage: " + String(pagination.firstPage)) }
        add("cursorParam", pagination.cursorParam)
        add("cursorPointer", pagination.cursorPointer)
        add("cursorBodyPointer", pagination.cursorBodyPointer)
        add("limitBodyPointer", pagination.limitBodyPointer)
        add("nextPointer", pagination.nextPointer)
        add("hasMorePointer", pagination.hasMorePointer)
        add("totalPointer", pagination.totalPointer)
        if let maxPages = pagination.maxPages { paging.append("maxPages: " + String(maxPages)) }
        if pagination.style == .offset && pagination.firstOffset != 0 { paging.append("firstOffset: " + String(pagination.firstOffset)) }
        var lines = ["ConnectorRuntime.ResourceListOperation("]
        lines.append("resource: " + SwiftStringLiteral.make(resource.name) + ",")
        lines.append("method: " + SwiftStringLiteral.make(list.method.rawValue) + ",")
        lines.append("path: " + SwiftStringLiteral.make(list.path) + ",")
        if !list.queryPairs.isEmpty {
            lines.append("query: [")
            for pair in list.queryPairs {
                lines.append("    ConnectorRuntime.QueryParameter(" + SwiftStringLiteral.make(pair.name) + ", "
                    + SwiftStringLiteral.make(pair.value) + "),")
            }
            lines.append("],")
        }
        if let body = list.body {
            lines.append("body: try? ConnectorRuntime.JSONValue.parse(Foundation.Data(" + SwiftStringLiteral.make(body) + ".utf8)),")
        }
        lines.append("records: " + SwiftStringLiteral.make(list.records) + ",")
        lines.append("pagination: ConnectorRuntime.ResourcePagination(" + paging.joined(separator: ", ") + ")"
            + (list.maxResponseBytes == nil ? "" : ","))
        if let bytes = list.maxResponseBytes { lines.append("maxResponseBytes: " + String(bytes)) }
        lines.append(")")
        return lines
    }
}
