// Rules about `resources` (the connector's and each auth variant's) that the JSON Schema cannot
// express:
// - names: a resource or record declared twice, a record named like a generated type
//   (`resource-duplicate-name`, `resource-record-duplicate`, `resource-record-name-taken`);
// - record fields: duplicates, duplicate enum values, the id field (`record-field-duplicate`,
//   `enum-duplicate-value`, `resource-id-field`, `resource-get-id`);
// - paths: every `{{NAME}}` names a `path` input (`{{id}}` in `get`), every `path` input is used,
//   every `{{fields.KEY}}` names a required, non-secret field the resource's connection has
//   (`resource-path-placeholder`, `resource-path-input-unused`, `resource-get-path-id`,
//   `resource-path-field`); `{{token.NAME}}` and `{{discovered.NAME}}` only in the resources of an
//   OAuth variant that lists NAME in 'tokenResponseFields' or its discovery 'values'
//   (`resource-path-token-field`, `resource-path-discovered`);
// - inputs and parameters: duplicates, one parameter sent twice (`resource-input-duplicate`,
//   `resource-parameter-collision`);
// - bodies: only a POST list sends a body, and it is an object (`resource-body-method`,
//   `resource-body-object`);
// - shared records (the connector's `records`): a name declared twice or taken by a generated
//   type, a resource without `fields` whose `record` names no shared record, a resource with
//   `fields` whose `record` is a shared record's name (`resource-record-duplicate`,
//   `resource-record-name-taken`, `resource-record-unknown`);
// - pagination: a stop rule the style cannot apply, a page size without its parameter
//   (`pagination-stop-rule`, `pagination-page-size`); where `bodyCursor` puts the cursor and the
//   page size (a top-level key or a JSON pointer, exactly one: `pagination-body-target`) and whether
//   that pointer can be written into the body (`pagination-body-pointer`).

import Foundation

struct ResourceRules {
    var collector: DiagnosticCollector
    let root: JSONNode
    let source: [UInt8]

    mutating func check() {
        let connectorType = OutputNaming.typeName(forSpecID: root["id"]?.stringValue ?? "")
        let variants = root["auth"]?.arrayValue ?? []
        let variantIDs = variants.map { $0["id"]?.stringValue ?? "" }
        let variantTypes = SwiftNamePlan.variantTypeNames(variantIDs, connectorType: connectorType)
        let connectorTaken = OutputNaming.reservedTypeNames + [connectorType] + SwiftNamePlan.memberTypeNames
            + variantTypes + [Self.resourcesTypeName]
        let connectorFields = Self.fields(root["fields"])
        checkSharedRecords(root["records"], taken: connectorTaken)
        pathFields = connectorFields
        pathTokenFields = nil
        pathDiscovered = nil
        checkList(root["resources"], taken: connectorTaken, scope: "the connector")
        for (index, variant) in variants.enumerated() {
            let taken = OutputNaming.reservedTypeNames + [connectorType, variantTypes[index]]
                + SwiftNamePlan.memberTypeNames + [Self.resourcesTypeName]
            pathFields = connectorFields.merging(Self.fields(variant["fields"])) { connector, _ in connector }
            let isOAuth = variant["type"]?.stringValue?.hasPrefix("oauth2") == true
            pathTokenFields = isOAuth ? (variant["tokenResponseFields"]?.arrayValue ?? []).compactMap(\.stringValue) : nil
            pathDiscovered = isOAuth ? variant["discovery"]?["values"]?.members?.map(\.key) : nil
            checkList(variant["resources"], taken: taken, scope: "the variant")
        }
    }

    /// The fields a resource path may insert as `{{fields.KEY}}`, by key: the connector's for the
    /// connector's resources, plus the variant's for a variant's.
    var pathFields: [String: JSONNode] = [:]
    /// `tokenResponseFields` of the OAuth variant whose resources are checked (`nil` elsewhere).
    var pathTokenFields: [String]?
    /// Discovery `values` of the OAuth variant whose resources are checked (`nil` elsewhere).
    var pathDiscovered: [String]?

    /// The `{{fields.KEY}}`, `{{token.NAME}}` and `{{discovered.NAME}}` names the `list` and `get`
    /// paths of `resources` use (so the unused-field and unused-value warnings count them).
    static func pathReferences(
        _ resources: JSONNode?
    ) -> (fields: Set<String>, tokenFields: Set<String>, discovered: Set<String>) {
        var fields: Set<String> = []
        var tokenFields: Set<String> = []
        var discovered: Set<String> = []
        for resource in resources?.arrayValue ?? [] {
            for operation in ["list", "get"] {
                guard let path = resource[operation]?["path"]?.stringValue else { continue }
                for name in placeholderNames(path) {
                    if name.hasPrefix("fields.") { fields.insert(String(name.dropFirst("fields.".count))) }
                    if name.hasPrefix("token.") { tokenFields.insert(String(name.dropFirst("token.".count))) }
                    if name.hasPrefix("discovered.") { discovered.insert(String(name.dropFirst("discovered.".count))) }
                }
            }
        }
        return (fields, tokenFields, discovered)
    }

    private static func placeholderNames(_ path: String) -> [String] {
        var names: [String] = []
        var rest = Substring(path)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            names.append(String(rest[open.upperBound..<close.lowerBound]))
            rest = rest[close.upperBound...]
        }
        return names
    }

    private static func fields(_ list: JSONNode?) -> [String: JSONNode] {
        var result: [String: JSONNode] = [:]
        for field in list?.arrayValue ?? [] {
            guard let key = field["key"]?.stringValue, !key.isEmpty, result[key] == nil else { continue }
            result[key] = field
        }
        return result
    }

    /// The generated struct holding a variant's resources.
    static let resourcesTypeName = "Resources"

    /// The connector's shared records (`records`), by name, with their nodes.
    var sharedRecords: [String: JSONNode] = [:]

    private mutating func checkSharedRecords(_ list: JSONNode?, taken: [String]) {
        for record in list?.arrayValue ?? [] where record.members != nil {
            guard let node = record["name"], let name = node.stringValue, !name.isEmpty else { continue }
            if taken.contains(name) {
                collector.error(
                    "resource-record-name-taken", "record name '\(name)' is already a generated type name in the connector",
                    hint: "choose another name, e.g. '\(name)Record'", at: node.position, pointer: node.pointer)
            } else if let first = sharedRecords[name] {
                collector.error(
                    "resource-record-duplicate", "shared record '\(name)' is declared twice in 'records'",
                    hint: "first declared at line \(first.position.line)", at: node.position, pointer: node.pointer)
                continue
            }
            sharedRecords[name] = record
            _ = checkFields(record)
        }
    }

    private mutating func checkList(_ list: JSONNode?, taken: [String], scope: String) {
        var names: [String: JSONNode] = [:]
        var records: [String: JSONNode] = [:]
        for resource in list?.arrayValue ?? [] where resource.members != nil {
            if let node = resource["name"], let name = node.stringValue, !name.isEmpty {
                if let first = names[name] {
                    collector.error(
                        "resource-duplicate-name", "resource '\(name)' is declared twice in \(scope)",
                        hint: "first declared at line \(first.position.line)", at: node.position, pointer: node.pointer)
                    continue
                } else {
                    names[name] = node
                }
            }
            if let node = resource["record"], let record = node.stringValue, !record.isEmpty {
                if resource["fields"] == nil {
                    // Uses a shared record: checked in `checkResource`.
                } else if let shared = sharedRecords[record] {
                    collector.error(
                        "resource-record-duplicate",
                        "record name '\(record)' is a shared record (declared at line \(shared.position.line)), but this resource declares its own 'fields'",
                        hint: "remove 'fields' to use the shared record, or choose another record name", at: node.position,
                        pointer: node.pointer)
                } else if taken.contains(record) {
                    collector.error(
                        "resource-record-name-taken", "record name '\(record)' is already a generated type name in \(scope)",
                        hint: "choose another name, e.g. '\(record)Record'", at: node.position, pointer: node.pointer)
                } else if let first = records[record] {
                    collector.error(
                        "resource-record-duplicate", "record name '\(record)' is used by two resources",
                        hint: "first used at line \(first.position.line)", at: node.position, pointer: node.pointer)
                } else {
                    records[record] = node
                }
            }
            checkResource(resource)
        }
    }

    // MARK: - One resource

    private mutating func checkResource(_ resource: JSONNode) {
        var fields: [String: JSONNode]
        if resource["fields"] == nil {
            fields = [:]
            if let node = resource["record"], let record = node.stringValue, !record.isEmpty {
                if let shared = sharedRecords[record] {
                    for field in shared["fields"]?.arrayValue ?? [] {
                        if let name = field["name"]?.stringValue, fields[name] == nil { fields[name] = field }
                    }
                } else {
                    collector.error(
                        "resource-record-unknown",
                        "the resource declares no 'fields', and its record '\(record)' is not a shared record in 'records'",
                        hint: Suggestion.didYouMean(record, in: sharedRecords.keys.sorted())
                            ?? "declare the record's 'fields' here, or add a record named \(quoted(record)) to the connector's 'records'",
                        at: node.position, pointer: node.pointer)
                    return
                }
            }
        } else {
            fields = checkFields(resource)
        }
        checkIdAndGet(resource, fields: fields)
        if let sync = resource["sync"], sync.members != nil { checkSync(sync, of: resource, fields: fields) }
    }

    /// Duplicate fields and enum values of a record (a resource's, or a shared one); returns the
    /// fields by name.
    private mutating func checkFields(_ resource: JSONNode) -> [String: JSONNode] {
        var fields: [String: JSONNode] = [:]
        for field in resource["fields"]?.arrayValue ?? [] {
            guard let node = field["name"], let name = node.stringValue, !name.isEmpty else { continue }
            if let first = fields[name] {
                collector.error(
                    "record-field-duplicate", "record field '\(name)' is declared twice",
                    hint: "first declared at line \(first.position.line)", at: node.position, pointer: node.pointer)
            } else {
                fields[name] = field
            }
            checkEnumValues(field["values"])
        }
        return fields
    }

    private mutating func checkIdAndGet(_ resource: JSONNode, fields: [String: JSONNode]) {
        let idNode = resource["idField"]
        if let idNode, let id = idNode.stringValue, !id.isEmpty {
            if let field = fields[id] {
                if let type = field["type"]?.stringValue, type != "string", type != "integer" {
                    collector.error(
                        "resource-id-field", "id field '\(id)' must be of type 'string' or 'integer', not '\(type)'",
                        at: idNode.position, pointer: idNode.pointer)
                }
            } else {
                collector.error(
                    "resource-id-field", "'idField' '\(id)' is not a field of the record",
                    hint: Suggestion.didYouMean(id, in: fields.keys.sorted()) ?? "declare a field named \(quoted(id))",
                    at: idNode.position, pointer: idNode.pointer)
            }
        }
        if let list = resource["list"], list.members != nil { checkList(list) }
        if let get = resource["get"], get.members != nil {
            if idNode == nil {
                collector.error(
                    "resource-get-id", "'get' reads a record by its id, but the resource has no 'idField'",
                    hint: "add \"idField\": the record field holding the id", at: get.position, pointer: get.pointer)
            }
            if let path = get["path"], path.stringValue != nil {
                let used = checkPlaceholders(path, allowed: ["id"], what: "'get' paths can use only '{{id}}'")
                if !used.contains("id") {
                    collector.error(
                        "resource-get-path-id", "the 'get' path has no '{{id}}' where the record's id goes",
                        hint: "write the path with '{{id}}', e.g. \"/users/{{id}}\"", at: path.position, pointer: path.pointer)
                }
            }
        }
    }

    private mutating func checkEnumValues(_ values: JSONNode?) {
        var seen: [String: JSONNode] = [:]
        for node in values?.arrayValue ?? [] {
            guard let value = node.stringValue else { continue }
            if let first = seen[value] {
                collector.error(
                    "enum-duplicate-value", "enum value \(quoted(value)) is listed twice",
                    hint: "first listed at line \(first.position.line)", at: node.position, pointer: node.pointer)
            } else {
                seen[value] = node
            }
        }
    }

    // MARK: - list

    private mutating func checkList(_ list: JSONNode) {
        let method = list["method"]?.stringValue ?? "GET"
        let pagination = list["pagination"]
        let style = pagination?["style"]?.stringValue
        var inputNames: [String: JSONNode] = [:]
        var pathInputs: [String: JSONNode] = [:]
        var queryParameters: [String: JSONNode] = [:]
        var bodyParameters: [String: JSONNode] = [:]

        // Body keys are claimed as JSON pointers (`cursor` as `/cursor`), so a top-level key and a
        // `cursorBodyPointer` of `/cursor` collide too; the message names what the spec wrote.
        func claim(
            _ name: String, node: JSONNode, in table: inout [String: JSONNode], where place: String, key: String? = nil
        ) {
            let key = key ?? name
            if let existing = table[key] {
                // Reported at the later of the two, pointing back at the earlier.
                let (first, second) = existing.position.offset <= node.position.offset ? (existing, node) : (node, existing)
                collector.error(
                    "resource-parameter-collision", "\(place) parameter \(quoted(name)) would be sent twice",
                    hint: "first set at line \(first.position.line); rename one of them", at: second.position,
                    pointer: second.pointer)
            } else {
                table[key] = node
            }
        }
        func claimBody(_ name: String, node: JSONNode) {
            claim(name, node: node, in: &bodyParameters, where: "body", key: "/" + Self.escapePointerToken(name))
        }

        for member in list["query"]?.members ?? [] {
            claim(member.key, node: member.value, in: &queryParameters, where: "query")
        }
        if let pagination, pagination.members != nil {
            checkPagination(pagination, style: style)
            let target = style == "bodyCursor"
            for key in ["limitParam", "offsetParam", "pageParam", "cursorParam"] {
                guard let node = pagination[key], let name = node.stringValue, !name.isEmpty else { continue }
                if target && (key == "cursorParam" || key == "limitParam") {
                    claimBody(name, node: node)
                } else {
                    claim(name, node: node, in: &queryParameters, where: "query")
                }
            }
            for key in ["cursorBodyPointer", "limitBodyPointer"] where target {
                guard let node = pagination[key], let pointer = node.stringValue, pointer.hasPrefix("/") else { continue }
                claim(pointer, node: node, in: &bodyParameters, where: "body", key: pointer)
            }
        }
        for input in list["inputs"]?.arrayValue ?? [] {
            guard let nameNode = input["name"], let name = nameNode.stringValue, !name.isEmpty else { continue }
            if let first = inputNames[name] {
                collector.error(
                    "resource-input-duplicate", "input '\(name)' is declared twice",
                    hint: "first declared at line \(first.position.line)", at: nameNode.position, pointer: nameNode.pointer)
                continue
            }
            inputNames[name] = nameNode
            checkEnumValues(input["values"])
            let location = input["in"]?.stringValue ?? "query"
            let parameterNode = input["parameter"] ?? nameNode
            let parameter = parameterNode.stringValue ?? name
            switch location {
            case "path": pathInputs[name] = nameNode
            case "body": claimBody(parameter, node: parameterNode)
            default: claim(parameter, node: parameterNode, in: &queryParameters, where: "query")
            }
        }

        if style == "bodyCursor", let pagination {
            checkBodyPointers(pagination, body: list["body"], targets: bodyParameters)
        }

        var used: Set<String> = []
        if let path = list["path"], path.stringValue != nil {
            used = checkPlaceholders(
                path, allowed: pathInputs.keys.sorted(), what: "a 'list' path can use only its 'path' inputs")
        }
        for (name, node) in pathInputs.sorted(by: { $0.key < $1.key }) where !used.contains(name) {
            collector.error(
                "resource-path-input-unused", "path input '\(name)' is not used in the 'list' path",
                hint: "insert it as '{{\(name)}}' in 'path', or set \"in\" to \"query\"", at: node.position, pointer: node.pointer)
        }

        if method == "GET" {
            let bodyUse: JSONNode? = list["body"] ?? bodyParameters.values.min { $0.position.offset < $1.position.offset }
            if style == "bodyCursor", let styleNode = pagination?["style"] {
                collector.error(
                    "resource-body-method", "pagination style 'bodyCursor' sends the cursor in a POST body, but the list uses GET",
                    hint: "set \"method\": \"POST\" or use style 'cursor'", at: styleNode.position, pointer: styleNode.pointer)
            } else if let bodyUse {
                collector.error(
                    "resource-body-method", "a GET list cannot send a body",
                    hint: "set \"method\": \"POST\", or send the value as a query parameter", at: bodyUse.position,
                    pointer: bodyUse.pointer)
            }
        }
        if let body = list["body"], body.members == nil, body.arrayValue != nil || body.stringValue != nil
            || body.boolValue != nil || body.intValue != nil {
            collector.error(
                "resource-body-object", "the 'list' body must be a JSON object, so inputs and the cursor can be added to it",
                at: body.position, pointer: body.pointer)
        }
    }

    private mutating func checkPagination(_ pagination: JSONNode, style: String?) {
        if let style = style.flatMap(PaginationStyle.init(rawValue:)), let stopNode = pagination["stop"], style != .none {
            for node in stopNode.arrayValue ?? [stopNode] {
                guard let stop = node.stringValue.flatMap(StopRule.init(rawValue:)), !style.allowedStops.contains(stop) else { continue }
                collector.error(
                    "pagination-stop-rule", "stop rule '\(stop.rawValue)' cannot end a '\(style.rawValue)' list",
                    hint: "use " + style.allowedStops.map { quoted($0.rawValue) }.joined(separator: ", "),
                    at: node.position, pointer: node.pointer)
            }
        }
        let size = pagination["pageSize"]
        if let maxNode = pagination["maxPageSize"], let maximum = maxNode.intValue {
            if let size = size?.intValue, maximum < size {
                collector.error(
                    "pagination-max-page-size", "'maxPageSize' (\(maximum)) is smaller than 'pageSize' (\(size))",
                    hint: "'maxPageSize' is the most a call may ask for: at least 'pageSize'", at: maxNode.position,
                    pointer: maxNode.pointer)
            } else if pagination["limitParam"] == nil && pagination["limitBodyPointer"] == nil {
                collector.error(
                    "pagination-max-page-size", "'maxPageSize' is set but no 'limitParam' sends a page size",
                    hint: "add \"limitParam\" and \"pageSize\", or remove 'maxPageSize'", at: maxNode.position,
                    pointer: maxNode.pointer)
            }
        }
        let limitKey = pagination["limitParam"] == nil && pagination["limitBodyPointer"] != nil ? "limitBodyPointer" : "limitParam"
        let limit = pagination[limitKey]
        if let size, limit == nil {
            collector.error(
                "pagination-page-size", "'pageSize' is set but no 'limitParam' sends it",
                hint: "add \"limitParam\": the provider's page-size parameter", at: size.position, pointer: size.pointer)
        } else if let limit, size == nil {
            collector.error(
                "pagination-page-size", "'\(limitKey)' is set but no 'pageSize' says what to send",
                hint: "add \"pageSize\": the number of records per page", at: limit.position, pointer: limit.pointer)
        }
        guard style == "bodyCursor" else { return }
        // Where the cursor (and the page size) go in the body: a top-level key or a JSON pointer, not both.
        let cursorParam = pagination["cursorParam"]
        let cursorBodyPointer = pagination["cursorBodyPointer"]
        if let cursorParam, let cursorBodyPointer {
            let later = cursorParam.position.offset < cursorBodyPointer.position.offset ? cursorBodyPointer : cursorParam
            collector.error(
                "pagination-body-target", "'cursorParam' and 'cursorBodyPointer' both say where the cursor goes",
                hint: "keep 'cursorParam' for a top-level body key, 'cursorBodyPointer' for a nested one",
                at: later.position, pointer: later.pointer)
        } else if cursorParam == nil, cursorBodyPointer == nil, let styleNode = pagination["style"] {
            collector.error(
                "pagination-body-target", "style 'bodyCursor' needs 'cursorParam' or 'cursorBodyPointer': where the cursor goes in the body",
                hint: "add \"cursorParam\": \"cursor\" for a top-level key, or \"cursorBodyPointer\": \"/variables/after\"",
                at: styleNode.position, pointer: styleNode.pointer)
        }
        if let limitParam = pagination["limitParam"], let limitBodyPointer = pagination["limitBodyPointer"] {
            let later = limitParam.position.offset < limitBodyPointer.position.offset ? limitBodyPointer : limitParam
            collector.error(
                "pagination-body-target", "'limitParam' and 'limitBodyPointer' both say where the page size goes",
                hint: "keep 'limitParam' for a top-level body key, 'limitBodyPointer' for a nested one",
                at: later.position, pointer: later.pointer)
        }
    }

    /// `cursorBodyPointer` and `limitBodyPointer`: each must reach its place through objects of
    /// the constant `body` (missing ones are created), and no body key or pointer may sit inside
    /// another one's value, where writing one would replace or break the other.
    private mutating func checkBodyPointers(_ pagination: JSONNode, body: JSONNode?, targets: [String: JSONNode]) {
        for key in ["cursorBodyPointer", "limitBodyPointer"] {
            guard let node = pagination[key], let pointer = node.stringValue, pointer.hasPrefix("/") else { continue }
            let tokens = Self.pointerTokens(pointer)
            var current = body
            var walked = ""
            for token in tokens.dropLast() {
                walked += "/" + Self.escapePointerToken(token)
                guard let value = current, value.members != nil else { break }
                guard let next = value[token] else { break }
                if next.members == nil {
                    let kind = next.kindName == "null" ? "null" : (next.kindName == "array" ? "an " : "a ") + next.kindName
                    collector.error(
                        "pagination-body-pointer",
                        "'\(key)' \(quoted(pointer)) goes through \(quoted(walked)), which is \(kind) in the list body, not an object",
                        hint: "point at a key of an object, or change the body", at: node.position, pointer: node.pointer)
                    break
                }
                current = next
            }
        }
        let sorted = targets.sorted { $0.value.position.offset < $1.value.position.offset }
        for (outerKey, outer) in sorted {
            for (innerKey, inner) in sorted where innerKey.hasPrefix(outerKey + "/") {
                let later = outer.position.offset < inner.position.offset ? inner : outer
                collector.error(
                    "pagination-body-pointer",
                    "body key \(quoted(innerKey)) lies inside the value of \(quoted(outerKey)), which is set too",
                    hint: "set one or the other, not both", at: later.position, pointer: later.pointer)
            }
        }
    }

    static func escapePointerToken(_ token: String) -> String {
        token.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    static func pointerTokens(_ pointer: String) -> [String] {
        pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    // MARK: - Paths

    /// `{{fields.KEY}}`: a required, non-secret field of the resource's connection.
    private mutating func checkPathField(_ key: String, node: JSONNode, offset: Int) {
        let position = StringPositions.position(of: offset, in: node, source: source)
        guard let field = pathFields[key] else {
            collector.error(
                "resource-path-field", "'{{fields.\(key)}}' does not name a field available to this resource",
                hint: Suggestion.didYouMean(key, in: pathFields.keys.sorted()) ?? "declare a field with \"key\": \(quoted(key))",
                at: position, pointer: node.pointer)
            return
        }
        if field["type"]?.stringValue == "secret" {
            collector.error(
                "resource-path-field", "'{{fields.\(key)}}' is a secret field; a path would leak it into logs",
                hint: "send secrets through the auth variant's credentials", at: position, pointer: node.pointer)
        } else if field["required"]?.boolValue == false, field["default"] == nil {
            collector.error(
                "resource-path-field", "'{{fields.\(key)}}' is an optional field without a default; a path needs a value",
                hint: "make the field required or give it a \"default\"", at: position, pointer: node.pointer)
        }
    }

    /// `{{token.NAME}}`: a `tokenResponseFields` entry of the resource's OAuth variant.
    private mutating func checkPathToken(_ name: String, node: JSONNode, offset: Int) {
        let position = StringPositions.position(of: offset, in: node, source: source)
        guard let tokenFields = pathTokenFields else {
            collector.error(
                "resource-path-token-field",
                "'{{token.\(name)}}' can be used only in the resources of an OAuth variant",
                hint: "declare the resource in the OAuth variant's 'resources'", at: position, pointer: node.pointer)
            return
        }
        if !tokenFields.contains(name) {
            collector.error(
                "resource-path-token-field", "'{{token.\(name)}}' is not listed in the variant's 'tokenResponseFields'",
                hint: Suggestion.didYouMean(name, in: tokenFields) ?? "add \(quoted(name)) to 'tokenResponseFields'",
                at: position, pointer: node.pointer)
        }
    }

    /// `{{discovered.NAME}}`: a discovery value of the resource's OAuth variant.
    private mutating func checkPathDiscovered(_ name: String, node: JSONNode, offset: Int) {
        let position = StringPositions.position(of: offset, in: node, source: source)
        guard let discovered = pathDiscovered else {
            collector.error(
                "resource-path-discovered",
                "'{{discovered.\(name)}}' can be used only in the resources of an OAuth variant that declares 'discovery'",
                hint: "declare the resource in that variant's 'resources'", at: position, pointer: node.pointer)
            return
        }
        if !discovered.contains(name) {
            collector.error(
                "resource-path-discovered", "'{{discovered.\(name)}}' is not declared in the variant's discovery 'values'",
                hint: Suggestion.didYouMean(name, in: discovered) ?? "add \(quoted(name)) to 'discovery' 'values'",
                at: position, pointer: node.pointer)
        }
    }

    /// Checks every `{{NAME}}` of a path against `allowed`; returns the names used.
    mutating func checkPlaceholders(_ node: JSONNode, allowed: [String], what: String) -> Set<String> {
        guard let text = node.stringValue else { return [] }
        let scalars = Array(text.unicodeScalars)
        var used: Set<String> = []
        var index = 0
        while index < scalars.count {
            guard scalars[index] == "{", index + 1 < scalars.count, scalars[index + 1] == "{" else {
                index += 1
                continue
            }
            let start = index
            var end = index + 2
            while end + 1 < scalars.count, !(scalars[end] == "}" && scalars[end + 1] == "}") { end += 1 }
            guard end + 1 < scalars.count else {
                collector.error(
                    "resource-path-placeholder", "'{{' in the path is not closed with '}}'",
                    at: StringPositions.position(of: start, in: node, source: source), pointer: node.pointer)
                return used
            }
            var name = ""
            name.unicodeScalars.append(contentsOf: scalars[(start + 2)..<end])
            if name.hasPrefix("fields.") {
                checkPathField(String(name.dropFirst("fields.".count)), node: node, offset: start)
            } else if name.hasPrefix("token.") {
                checkPathToken(String(name.dropFirst("token.".count)), node: node, offset: start)
            } else if name.hasPrefix("discovered.") {
                checkPathDiscovered(String(name.dropFirst("discovered.".count)), node: node, offset: start)
            } else if allowed.contains(name) {
                used.insert(name)
            } else {
                collector.error(
                    "resource-path-placeholder", "'{{\(name)}}' does not name an input: \(what)",
                    hint: Suggestion.didYouMean(name, in: allowed)
                        ?? (allowed == ["id"] ? nil : "declare an input with \"name\": \(quoted(name)) and \"in\": \"path\""),
                    at: StringPositions.position(of: start, in: node, source: source), pointer: node.pointer)
            }
            index = end + 2
        }
        return used
    }
}

extension SemanticValidator {
    /// Counts the fields resource paths insert as `{{fields.KEY}}` as used (before
    /// `checkUnusedFields`): the connector's resources use connector fields, a variant's resources
    /// the connector's or the variant's.
    mutating func useResourcePathFields() {
        for key in ResourceRules.pathReferences(root["resources"]).fields
        where connectorFields.contains(where: { $0.key == key }) {
            use(key, variant: nil)
        }
        for (index, variant) in (root["auth"]?.arrayValue ?? []).enumerated() {
            for key in ResourceRules.pathReferences(variant["resources"]).fields { use(key, variant: index) }
        }
    }
}
