// Rules about `actions` (the connector's and each auth variant's) that the JSON Schema cannot
// express:
// - ids and inputs: an action id or an input name declared twice (`action-duplicate-id`,
//   `action-input-duplicate`); two inputs sent to the same query parameter or body pointer, or a
//   body pointer inside another input's value (`action-input-collision`);
// - paths: the placeholder rules of resource paths (`resource-path-placeholder`,
//   `resource-path-field`, `resource-path-token-field`, `resource-path-discovered`), every `path`
//   input used (`action-path-input-unused`);
// - bodies: the constant `body` is an object and each body pointer reaches its key through
//   objects of it (or through an element an array of it has) (`action-body-object`, `action-body-pointer`); `form` bodies have top-level keys
//   only (`action-form-pointer`); a GET sends no body, a DELETE body is warned about
//   (`action-body-method`);
// - success and result: success statuses are 2xx and listed once (`action-success-status`); the
//   result names a record of the connector and can be read from a response that has a body
//   (`action-result-record`, `action-result-empty`);
// - scopes: an OAuth variant requests every scope its actions need, a warning when the scope is
//   only in its catalog (requested by choice) (`action-scope-not-requested`, `action-scope-optional`);
// - safety: a DELETE action says it is destructive, so callers confirm it (`action-destructive`);
//   the idempotency header is not one the connection already sends (`action-idempotency-header`);
// - refusals in a success body: `failureWhen` needs a success status with a body
//   (`action-failure-when`);
// - media type: `contentType` names a JSON media type, on a `json` body (`action-content-type`);
// - secrets: a `secret` input goes in the body, never in a URL (`action-input-secret`);
// - scopes may also be `granted` to the client outside the request (Microsoft Graph's `.default`).

import Foundation

struct ActionRules {
    var collector: DiagnosticCollector
    let root: JSONNode
    let source: [UInt8]

    mutating func check() {
        let variants = root["auth"]?.arrayValue ?? []
        let connectorFields = Self.fields(root["fields"])
        let sharedRecords = Set((root["records"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue })
        let connectorRecords = sharedRecords.union(Self.resourceRecords(root["resources"]))
        let oauthVariants = variants.enumerated().filter { $0.element["type"]?.stringValue?.hasPrefix("oauth2") == true }
        var paths = ResourceRules(collector: collector, root: root, source: source)
        paths.pathFields = connectorFields
        paths.pathTokenFields = nil
        paths.pathDiscovered = nil
        checkList(root["actions"], scope: "the connector", records: connectorRecords, paths: &paths,
                  scopeVariants: oauthVariants.map(\.element))
        for variant in variants {
            paths.pathFields = connectorFields.merging(Self.fields(variant["fields"])) { connector, _ in connector }
            let isOAuth = variant["type"]?.stringValue?.hasPrefix("oauth2") == true
            paths.pathTokenFields = isOAuth ? (variant["tokenResponseFields"]?.arrayValue ?? []).compactMap(\.stringValue) : nil
            paths.pathDiscovered = isOAuth ? variant["discovery"]?["values"]?.members?.map(\.key) : nil
            checkList(variant["actions"], scope: "the variant",
                      records: connectorRecords.union(Self.resourceRecords(variant["resources"])), paths: &paths,
                      scopeVariants: isOAuth ? [variant] : [])
        }
    }

    private static func fields(_ list: JSONNode?) -> [String: JSONNode] {
        var result: [String: JSONNode] = [:]
        for field in list?.arrayValue ?? [] {
            guard let key = field["key"]?.stringValue, !key.isEmpty, result[key] == nil else { continue }
            result[key] = field
        }
        return result
    }

    private static func resourceRecords(_ list: JSONNode?) -> Set<String> {
        Set((list?.arrayValue ?? []).compactMap { $0["record"]?.stringValue })
    }

    /// The `{{fields.KEY}}` names the action paths of `actions` use (for the unused-field warning).
    static func pathFieldReferences(_ actions: JSONNode?) -> Set<String> {
        var fields: Set<String> = []
        for action in actions?.arrayValue ?? [] {
            guard let path = action["path"]?.stringValue else { continue }
            var rest = Substring(path)
            while let open = rest.range(of: "{{fields."), let close = rest[open.upperBound...].range(of: "}}") {
                fields.insert(String(rest[open.upperBound..<close.lowerBound]))
                rest = rest[close.upperBound...]
            }
        }
        return fields
    }

    private mutating func checkList(
        _ list: JSONNode?, scope: String, records: Set<String>, paths: inout ResourceRules, scopeVariants: [JSONNode]
    ) {
        var ids: [String: JSONNode] = [:]
        for action in list?.arrayValue ?? [] where action.members != nil {
            if let node = action["id"], let id = node.stringValue, !id.isEmpty {
                if let first = ids[id] {
                    collector.error(
                        "action-duplicate-id", "action '\(id)' is declared twice in \(scope)",
                        hint: "first declared at line \(first.position.line)", at: node.position, pointer: node.pointer)
                    continue
                }
                ids[id] = node
            }
            checkAction(action, records: records, paths: &paths)
            for variant in scopeVariants { checkScopes(action, variant: variant) }
        }
    }

    // MARK: - One action

    private mutating func checkAction(_ action: JSONNode, records: Set<String>, paths: inout ResourceRules) {
        let method = action["method"]?.stringValue ?? ""
        let encoding = action["encoding"]?.stringValue ?? "json"
        var names: [String: JSONNode] = [:]
        var pathInputs: [String: JSONNode] = [:]
        var query: [String: JSONNode] = [:]
        var body: [(pointer: String, node: JSONNode)] = []
        for input in action["inputs"]?.arrayValue ?? [] where input.members != nil {
            guard let nameNode = input["name"], let name = nameNode.stringValue, !name.isEmpty else { continue }
            if let first = names[name] {
                collector.error(
                    "action-input-duplicate", "input '\(name)' is declared twice",
                    hint: "first declared at line \(first.position.line)", at: nameNode.position, pointer: nameNode.pointer)
                continue
            }
            names[name] = nameNode
            if input["secret"]?.boolValue == true, let place = input["in"]?.stringValue, place != "body" {
                let node = input["in"] ?? nameNode
                collector.error(
                    "action-input-secret", "secret input '\(name)' is sent in the \(place), where URLs carry it into proxies' and servers' logs",
                    hint: "send it in the body (\"in\": \"body\"), or remove \"secret\"", at: node.position, pointer: node.pointer)
            }
            switch input["in"]?.stringValue ?? "body" {
            case "path":
                pathInputs[name] = nameNode
            case "query":
                let node = input["parameter"] ?? nameNode
                let parameter = node.stringValue ?? name
                if let first = query[parameter] {
                    collector.error(
                        "action-input-collision", "query parameter \(quoted(parameter)) would be sent twice",
                        hint: "first set at line \(first.position.line); rename one of them", at: node.position,
                        pointer: node.pointer)
                } else {
                    query[parameter] = node
                }
            default:
                let node = input["pointer"] ?? nameNode
                let pointer = input["pointer"]?.stringValue ?? "/" + ResourceRules.escapePointerToken(name)
                checkBodyInput(pointer, node: node, claimed: &body, encoding: encoding, constantBody: action["body"])
            }
        }
        var used: Set<String> = []
        if let path = action["path"], path.stringValue != nil {
            paths.collector = collector
            used = paths.checkPlaceholders(path, allowed: pathInputs.keys.sorted(), what: "an action path can use only its 'path' inputs")
            collector = paths.collector
        }
        for (name, node) in pathInputs.sorted(by: { $0.key < $1.key }) where !used.contains(name) {
            collector.error(
                "action-path-input-unused", "path input '\(name)' is not used in the action's path",
                hint: "insert it as '{{\(name)}}' in 'path', or set \"in\" to \"query\" or \"body\"", at: node.position,
                pointer: node.pointer)
        }
        checkBody(action, method: method, bodyInputs: body)
        checkSuccessAndResult(action, method: method, records: records)
        checkFailureAndContentType(action, encoding: encoding)
        if method == "DELETE", action["destructive"]?.boolValue != true {
            let node = action["destructive"] ?? action["method"] ?? action
            collector.error(
                "action-destructive", "a DELETE action must be marked destructive, so callers confirm it explicitly",
                hint: "set \"destructive\": true", at: node.position, pointer: node.pointer)
        }
        if let node = action["idempotencyHeader"], let header = node.stringValue {
            let sent = Set(((root["api"]?["headers"]?.members ?? []).map(\.key) + ["Authorization", "Content-Type", "Accept"])
                .map { $0.lowercased() })
            if sent.contains(header.lowercased()) {
                collector.error(
                    "action-idempotency-header", "the idempotency header \(quoted(header)) is a header every request already sends",
                    hint: "name the provider's idempotency header, e.g. \"Idempotency-Key\"", at: node.position, pointer: node.pointer)
            } else if method == "GET" {
                collector.warning(
                    "action-idempotency-header", "a GET action is idempotent already; the idempotency header is never needed",
                    hint: "remove 'idempotencyHeader'", at: node.position, pointer: node.pointer)
            }
        }
    }

    /// The member `token` of an object of the constant body, or the element at index `token`
    /// (digits, no leading zero) of an array.
    static func bodyChild(of node: JSONNode, _ token: String) -> JSONNode? {
        if node.members != nil { return node[token] }
        guard let elements = node.arrayValue, let index = Int(token), String(index) == token,
              elements.indices.contains(index) else { return nil }
        return elements[index]
    }

    /// One body input's pointer: reaches its key through objects of the constant body, is
    /// top-level in a form body, and neither repeats nor lies inside another input's pointer.
    private mutating func checkBodyInput(
        _ pointer: String, node: JSONNode, claimed: inout [(pointer: String, node: JSONNode)], encoding: String,
        constantBody: JSONNode?
    ) {
        let tokens = ResourceRules.pointerTokens(pointer)
        if encoding == "form", tokens.count > 1 {
            collector.error(
                "action-form-pointer", "a 'form' body has top-level keys only, but \(quoted(pointer)) is nested",
                hint: "use a one-token pointer such as \(quoted("/" + ResourceRules.escapePointerToken(tokens.last ?? ""))), or set \"encoding\": \"json\"",
                at: node.position, pointer: node.pointer)
        }
        var current = constantBody
        var walked = ""
        for (offset, token) in tokens.dropLast().enumerated() {
            walked += "/" + ResourceRules.escapePointerToken(token)
            guard let value = current, let next = Self.bodyChild(of: value, token) else { break }
            // An array of the constant body can be gone through at the index of an element it has
            // (`/Operations/0/value`); the runtime writes into that element, it creates no elements.
            let throughElement = next.arrayValue != nil && Self.bodyChild(of: next, tokens[offset + 1]) != nil
            if next.members == nil, !throughElement {
                let kind = next.kindName == "null" ? "null" : (next.kindName == "array" ? "an " : "a ") + next.kindName
                collector.error(
                    "action-body-pointer", "body pointer \(quoted(pointer)) goes through \(quoted(walked)), which is \(kind) in the action's body, not an object",
                    hint: "point at a key of an object, or change the body", at: node.position, pointer: node.pointer)
                break
            }
            current = next
        }
        for other in claimed {
            if other.pointer == pointer {
                collector.error(
                    "action-input-collision", "two inputs write the body at \(quoted(pointer))",
                    hint: "first set at line \(other.node.position.line); give each input its own pointer", at: node.position,
                    pointer: node.pointer)
                return
            }
            let (outer, inner) = pointer.count < other.pointer.count ? (pointer, other.pointer) : (other.pointer, pointer)
            if inner.hasPrefix(outer + "/") {
                collector.error(
                    "action-input-collision", "body pointer \(quoted(inner)) lies inside the value of \(quoted(outer)), which another input sets",
                    hint: "first set at line \(other.node.position.line); set one or the other", at: node.position,
                    pointer: node.pointer)
                return
            }
        }
        claimed.append((pointer, node))
    }

    private mutating func checkBody(_ action: JSONNode, method: String, bodyInputs: [(pointer: String, node: JSONNode)]) {
        let constant = action["body"]
        if let constant, constant.members == nil, constant.kindName != "null" {
            collector.error(
                "action-body-object", "the action's 'body' must be a JSON object, so inputs can be written into it",
                at: constant.position, pointer: constant.pointer)
        }
        guard let first = constant ?? bodyInputs.first?.node else { return }
        if method == "GET" {
            collector.error(
                "action-body-method", "a GET action cannot send a body",
                hint: "send the value as a query input (\"in\": \"query\"), or use the method the provider documents",
                at: first.position, pointer: first.pointer)
        } else if method == "DELETE" {
            collector.warning(
                "action-body-method", "a DELETE action sends a body; many servers and proxies drop it",
                hint: "keep it only where the provider documents a DELETE body", at: first.position, pointer: first.pointer)
        }
    }

    private mutating func checkSuccessAndResult(_ action: JSONNode, method: String, records: Set<String>) {
        var seen: [Int: JSONNode] = [:]
        let statuses = action["success"]?.arrayValue ?? []
        for node in statuses {
            guard let status = node.intValue else { continue }
            if !(200...299).contains(status) {
                collector.error(
                    "action-success-status", "success status \(status) is not a 2xx status",
                    hint: "list the 2xx statuses the provider answers when it did the write", at: node.position,
                    pointer: node.pointer)
            } else if let first = seen[status] {
                collector.error(
                    "action-success-status", "success status \(status) is listed twice",
                    hint: "first listed at line \(first.position.line)", at: node.position, pointer: node.pointer)
            }
            seen[status] = node
        }
        guard let result = action["result"], let recordNode = result["record"], let record = recordNode.stringValue,
              !record.isEmpty else { return }
        if !records.contains(record) {
            collector.error(
                "action-result-record", "result record '\(record)' is not a shared record or a resource's record of this connector",
                hint: Suggestion.didYouMean(record, in: records.sorted())
                    ?? "add a record named \(quoted(record)) to 'records', or name a resource's record",
                at: recordNode.position, pointer: recordNode.pointer)
        }
        let codes = statuses.compactMap(\.intValue)
        if !codes.isEmpty, codes.allSatisfy({ $0 == 204 || $0 == 205 }) {
            collector.error(
                "action-result-empty", "the action declares a result, but its only success statuses have no body",
                hint: "remove 'result', or list the status whose body holds the record", at: result.position,
                pointer: result.pointer)
        }
    }

    /// `failureWhen` reads a body, so some success status must have one; `contentType` is a JSON
    /// media type of a JSON body.
    private mutating func checkFailureAndContentType(_ action: JSONNode, encoding: String) {
        if let failure = action["failureWhen"], failure.members != nil {
            let codes = (action["success"]?.arrayValue ?? []).compactMap(\.intValue)
            if !codes.isEmpty, codes.allSatisfy({ $0 == 204 || $0 == 205 }) {
                collector.error(
                    "action-failure-when", "'failureWhen' reads the response body, but the action's only success statuses have no body",
                    hint: "remove 'failureWhen', or list the status whose body can hold the refusal", at: failure.position,
                    pointer: failure.pointer)
            }
        }
        guard let node = action["contentType"], let mediaType = node.stringValue, !mediaType.isEmpty else { return }
        let essence = mediaType.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let subtype = essence.split(separator: "/", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
        if encoding == "form" {
            collector.error(
                "action-content-type", "a 'form' body is sent as application/x-www-form-urlencoded; 'contentType' applies to 'json' bodies",
                hint: "remove 'contentType', or set \"encoding\": \"json\"", at: node.position, pointer: node.pointer)
        } else if subtype != "json", !subtype.hasSuffix("+json") {
            collector.error(
                "action-content-type", "content type \(quoted(mediaType)) is not a JSON media type, but the body is written as JSON",
                hint: "name a JSON media type: 'application/json' or one ending in '+json', such as 'application/vnd.api+json'",
                at: node.position, pointer: node.pointer)
        }
    }

    // MARK: - Scopes

    private mutating func checkScopes(_ action: JSONNode, variant: JSONNode) {
        guard let scopes = variant["scopes"], scopes.members != nil else { return }
        let requested = Set(((scopes["default"]?.arrayValue ?? []) + (scopes["required"]?.arrayValue ?? [])).compactMap(\.stringValue))
        let catalog = Set((scopes["catalog"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue })
        // Permissions granted to the client outside the request (an administrator's consent to
        // Microsoft Graph application permissions, behind `.default`): a missing one is a 403.
        let granted = Set((scopes["granted"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue })
        let variantID = variant["id"]?.stringValue ?? "?"
        let actionID = action["id"]?.stringValue ?? "?"
        for node in action["scopes"]?.arrayValue ?? [] {
            guard let scope = node.stringValue, !scope.isEmpty, !requested.contains(scope), !granted.contains(scope) else { continue }
            if catalog.contains(scope) {
                collector.warning(
                    "action-scope-optional",
                    "action '\(actionID)' needs scope \(quoted(scope)), which variant '\(variantID)' offers in its catalog but does not request by default",
                    hint: "accounts linked without it get a missing-scope error from this action; add it to 'default' if the action is essential",
                    at: node.position, pointer: node.pointer)
            } else {
                collector.error(
                    "action-scope-not-requested",
                    "action '\(actionID)' needs scope \(quoted(scope)), which variant '\(variantID)' neither requests nor lists in its catalog",
                    hint: Suggestion.didYouMean(scope, in: (requested.union(catalog).union(granted)).sorted())
                        ?? "add \(quoted(scope)) to the variant's scopes 'default' and 'catalog' (or 'granted', for a permission granted outside the request)",
                    at: node.position, pointer: node.pointer)
            }
        }
    }
}

extension SemanticValidator {
    /// Counts the fields action paths insert as `{{fields.KEY}}` as used (before
    /// `checkUnusedFields`).
    mutating func useActionPathFields() {
        for key in ActionRules.pathFieldReferences(root["actions"]) where connectorFields.contains(where: { $0.key == key }) {
            use(key, variant: nil)
        }
        for (index, variant) in (root["auth"]?.arrayValue ?? []).enumerated() {
            for key in ActionRules.pathFieldReferences(variant["actions"]) { use(key, variant: index) }
        }
    }
}
