// Rules the JSON Schema cannot express: templates and the fields they refer to, URLs, secrets,
// duplicates, scopes, regular expressions, defaults, the verification request and the file name.
// Works on the JSON tree so it can run even when the structure has errors; every check skips
// values of the wrong kind (the structural validator reports those).

import Foundation

struct SemanticValidator {
    var collector: DiagnosticCollector
    let root: JSONNode
    let source: [UInt8]

    /// A declared field.
    struct FieldInfo {
        var key: String
        var keyNode: JSONNode
        var type: String?
        var variant: Int?
    }

    /// Where a template is used, which decides what it may refer to and which warnings apply.
    enum SlotKind {
        /// An absolute URL (base, token, authorize... URLs).
        case url
        /// Carries credentials (auth parameters, token request parameters).
        case credential
        /// Sent in the clear in a URL query (authorize parameters, verify path).
        case query
        /// Sent with every request but not a credential (`api.headers`).
        case plain
    }

    struct Slot {
        var node: JSONNode
        var label: String
        var kind: SlotKind
        var allowsToken = false
        var allowsRedirectURI = false
        /// `{{discovered.NAME}}` (a variant's `baseURL`).
        var allowsDiscovered = false
    }

    private var connectorFields: [FieldInfo] = []
    private var variantFields: [[FieldInfo]] = []
    private var usedKeys: [Set<String>] = []  // index 0: connector-level, i + 1: variant i
    private var usedConnectorKeys: Set<String> = []
    /// Variants whose templates could not all be read (syntax errors, unknown type): their
    /// fields' use is unknown, so no field-unused warnings for them.
    private var unreliableUse: Set<Int?> = []
    /// Discovered values used by the templates of the variant being checked.
    private var usedDiscovered: Set<String> = []
    /// Token-response fields used by the templates of the variant being checked.
    private var usedTokenFields: Set<String> = []

    init(collector: DiagnosticCollector, root: JSONNode, source: [UInt8]) {
        self.collector = collector
        self.root = root
        self.source = source
    }

    mutating func validate() {
        checkFileName()
        connectorFields = collectFields(root["fields"], variant: nil)
        let variants = root["auth"]?.arrayValue ?? []
        for (index, variant) in variants.enumerated() {
            variantFields.append(collectFields(variant["fields"], variant: index))
        }
        usedKeys = Array(repeating: [], count: variants.count + 1)
        checkDuplicateFields()
        checkDuplicateVariantIDs(variants)

        for url in [root["docsURL"]].compactMap({ $0 }) + (root["sources"]?.arrayValue ?? []) {
            guard let text = url.stringValue, !text.isEmpty else { continue }
            checkLiteralURL(url, text: text, label: url.pointer == "/docsURL" ? "'docsURL'" : "a source URL")
        }
        checkAPI()
        for (index, variant) in variants.enumerated() where variant.members != nil {
            checkVariant(variant, index: index)
        }
        checkUnusedFields()
        var requests = RequestRules(collector: collector, root: root)
        requests.check()
        var names = SwiftNameRules(collector: requests.collector, root: root)
        names.check()
        collector = names.collector
    }

    // MARK: - File name

    private mutating func checkFileName() {
        guard let idNode = root["id"], let id = idNode.stringValue,
              StructuralValidator.matches(id, SpecFormat.identifierPattern.regex) else { return }
        let name = (collector.file as NSString).lastPathComponent
        guard name != "\(id).json" else { return }
        collector.error(
            "id-file-name", "the connector id does not match the file name",
            hint: "name the file '\(id).json' or change 'id' to match it", at: idNode.position, pointer: idNode.pointer)
    }

    // MARK: - Fields

    private mutating func collectFields(_ list: JSONNode?, variant: Int?) -> [FieldInfo] {
        var result: [FieldInfo] = []
        for field in list?.arrayValue ?? [] {
            guard let keyNode = field["key"], let key = keyNode.stringValue, !key.isEmpty else { continue }
            let info = FieldInfo(key: key, keyNode: keyNode, type: field["type"]?.stringValue, variant: variant)
            result.append(info)
            checkField(field, info: info)
        }
        return result
    }

    /// Words that mark a field as a credential, matched case-insensitively anywhere in its key or label.
    static let secretWords = ["secret", "password", "token", "apikey", "api_key", "api key", "private"]

    private mutating func checkField(_ field: JSONNode, info: FieldInfo) {
        let label = field["label"]?.stringValue ?? ""
        if info.type == Field.FieldType.text.rawValue, info.key != "clientId",
           Self.looksSecret(info.key) || Self.looksSecret(label),
           let typeNode = field["type"] {
            collector.warning(
                "secret-not-typed", "field '\(info.key)' looks like a credential but is not of type 'secret'",
                hint: "set \"type\": \"secret\" so its value is never printed", at: typeNode.position,
                pointer: typeNode.pointer)
        }

        var regex: NSRegularExpression?
        if let patternNode = field["pattern"], let pattern = patternNode.stringValue, !pattern.isEmpty {
            if let compiled = RegexCache.shared.regex(for: pattern) {
                regex = compiled
            } else {
                collector.error("pattern-invalid", "'pattern' of field '\(info.key)' is not a valid regular expression",
                                at: patternNode.position, pointer: patternNode.pointer)
            }
        }

        var optionValues: [String: JSONNode] = [:]
        for option in field["options"]?.arrayValue ?? [] {
            guard let valueNode = option["value"], let value = valueNode.stringValue, !value.isEmpty else { continue }
            if let first = optionValues[value] {
                collector.error(
                    "duplicate-option", "field '\(info.key)' has two options with the same value",
                    hint: "first used at line \(first.position.line)", at: valueNode.position, pointer: valueNode.pointer)
            } else {
                optionValues[value] = valueNode
            }
        }

        guard let defaultNode = field["default"], let type = info.type.flatMap(Field.FieldType.init(rawValue:)) else {
            return
        }
        let expected: String
        let matchesType: Bool
        switch (type, defaultNode.value) {
        case (.number, .number): (expected, matchesType) = ("a number", true)
        case (.number, _): (expected, matchesType) = ("a number", false)
        case (.boolean, .bool): (expected, matchesType) = ("true or false", true)
        case (.boolean, _): (expected, matchesType) = ("true or false", false)
        case (_, .string): (expected, matchesType) = ("a string", true)
        default: (expected, matchesType) = ("a string", false)
        }
        guard matchesType else {
            if case .null = defaultNode.value { return }
            collector.error(
                "default-type", "'default' of field '\(info.key)' must be \(expected) for type '\(type.rawValue)'",
                at: defaultNode.position, pointer: defaultNode.pointer)
            return
        }
        guard let text = defaultNode.stringValue else { return }
        if type == .select, field["options"]?.arrayValue != nil, optionValues[text] == nil {
            collector.error(
                "select-default", "'default' of field '\(info.key)' is not one of its option values",
                hint: Suggestion.didYouMean(text, in: optionValues.keys.sorted()), at: defaultNode.position,
                pointer: defaultNode.pointer)
        }
        if let regex, !Self.wholeMatch(regex, text) {
            collector.error(
                "default-pattern-mismatch", "'default' of field '\(info.key)' does not match its 'pattern'",
                at: defaultNode.position, pointer: defaultNode.pointer)
        }
    }

    static func looksSecret(_ text: String) -> Bool {
        // ASCII text (nearly every key and label) is searched byte by byte; other text goes
        // through Unicode lowercasing and Foundation's search, where lowercasing can make ASCII
        // out of non-ASCII (the Kelvin sign becomes "k").
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            return secretWordBytes.contains { ASCIISearch.contains(text.utf8, $0, ignoringCase: true) }
        }
        let lowered = text.lowercased()
        return secretWords.contains { lowered.contains($0) }
    }

    private static let secretWordBytes: [[UInt8]] = secretWords.map { Array($0.utf8) }

    static func wholeMatch(_ regex: NSRegularExpression, _ text: String) -> Bool {
        let range = NSRange(text.startIndex..., in: text)
        guard let match = regex.firstMatch(in: text, options: [.anchored], range: range) else { return false }
        return match.range == range
    }

    private mutating func checkDuplicateFields() {
        var seen: [String: FieldInfo] = [:]
        for field in connectorFields {
            if let first = seen[field.key] {
                duplicateField(field, first: first, atConnectorLevel: false)
            } else {
                seen[field.key] = field
            }
        }
        for fields in variantFields {
            var local: [String: FieldInfo] = [:]
            for field in fields {
                if let first = seen[field.key] {
                    duplicateField(field, first: first, atConnectorLevel: true)
                } else if let first = local[field.key] {
                    duplicateField(field, first: first, atConnectorLevel: false)
                } else {
                    local[field.key] = field
                }
            }
        }
    }

    private mutating func duplicateField(_ field: FieldInfo, first: FieldInfo, atConnectorLevel: Bool) {
        let message = atConnectorLevel
            ? "field key '\(field.key)' is already declared in the connector's 'fields'"
            : "field key '\(field.key)' is declared twice"
        collector.error(
            "duplicate-field-key", message,
            hint: atConnectorLevel
                ? "remove this field; connector-level fields are available to every auth variant"
                : "first declared at line \(first.keyNode.position.line)",
            at: field.keyNode.position, pointer: field.keyNode.pointer)
    }

    private mutating func checkDuplicateVariantIDs(_ variants: [JSONNode]) {
        var seen: [String: JSONNode] = [:]
        for variant in variants {
            guard let idNode = variant["id"], let id = idNode.stringValue, !id.isEmpty else { continue }
            if let first = seen[id] {
                collector.error(
                    "duplicate-variant-id", "auth variant id '\(id)' is used twice",
                    hint: "first used at line \(first.position.line)", at: idNode.position, pointer: idNode.pointer)
            } else {
                seen[id] = idNode
            }
        }
    }

    private mutating func checkUnusedFields() {
        if unreliableUse.isEmpty {
            for field in connectorFields where !usedConnectorKeys.contains(field.key) {
                unusedField(field)
            }
        }
        for (index, fields) in variantFields.enumerated() where !unreliableUse.contains(index) {
            let used = index + 1 < usedKeys.count ? usedKeys[index + 1] : []
            for field in fields where !used.contains(field.key) && !connectorFields.contains(where: { $0.key == field.key }) {
                unusedField(field)
            }
        }
    }

    private mutating func unusedField(_ field: FieldInfo) {
        collector.warning(
            "field-unused", "field '\(field.key)' is never used in a template",
            hint: "use it as '{{\(field.key)}}' or remove it", at: field.keyNode.position, pointer: field.keyNode.pointer)
    }

    // MARK: - api

    private mutating func checkAPI() {
        guard let api = root["api"], api.members != nil else { return }
        var slots: [Slot] = []
        if let baseURL = api["baseURL"] { slots.append(Slot(node: baseURL, label: "'baseURL'", kind: .url)) }
        for member in api["headers"]?.members ?? [] {
            slots.append(Slot(node: member.value, label: "header '\(member.key)'", kind: .plain))
        }
        let variants = root["auth"]?.arrayValue ?? []
        let everyVariantVerifies = !variants.isEmpty && variants.allSatisfy { $0["verify"] != nil }
        if let verify = api["verify"], verify.members != nil {
            slots += verifySlots(verify)
        } else if api["verify"] == nil, !everyVariantVerifies {
            collector.warning(
                "verify-missing", "'api' has no 'verify' request, so wrong credentials go unnoticed until first use",
                hint: "add a cheap authenticated request, e.g. \"verify\": { \"path\": \"/me\" }", at: api.position,
                pointer: api.pointer)
        }
        for slot in slots { checkTemplate(slot, variant: nil, tokenFields: nil, discovered: nil) }
    }

    /// The path of a verification request (a URL slot when absolute) and the no-auth warning.
    private mutating func verifySlots(_ verify: JSONNode) -> [Slot] {
        if let usesAuth = verify["usesAuth"], usesAuth.boolValue == false {
            collector.warning(
                "verify-no-auth", "a verification request that uses no auth proves nothing about the credentials",
                hint: "set 'usesAuth' to true and pick an endpoint that needs the credentials",
                at: usesAuth.position, pointer: usesAuth.pointer)
        }
        guard let path = verify["path"] else { return [] }
        let absolute = path.stringValue.map { $0.hasPrefix("https://") || $0.hasPrefix("http://") } ?? false
        return [Slot(node: path, label: "'path'", kind: absolute ? .url : .query)]
    }

    // MARK: - Auth variants

    /// The keys each auth type allows.
    private static let allowedKeys: [String: Set<String>] = Dictionary(
        uniqueKeysWithValues: SpecFormat.authTypes.map { type in
            (type, Set(SpecFormat.objectKind("authVariant").keys(forVariant: type).map(\.name)))
        })

    private static let credentialKeys = ["value", "password", "username", "token", "clientId", "clientSecret", "refreshToken"]
    private static let urlKeys = ["tokenURL", "revokeURL", "authorizeURL", "refreshURL"]

    private mutating func checkVariant(_ variant: JSONNode, index: Int) {
        guard let type = variant["type"]?.stringValue, SpecFormat.authTypes.contains(type) else {
            unreliableUse.insert(index)
            return
        }
        guard let allowed = Self.allowedKeys[type] else { return }
        let isOAuth = type.hasPrefix("oauth2")
        var slots: [Slot] = []
        for member in variant.members ?? [] where allowed.contains(member.key) {
            let key = member.key
            let node = member.value
            if key == "baseURL" {
                slots.append(Slot(node: node, label: "'baseURL'", kind: .url, allowsToken: true, allowsDiscovered: true))
            } else if key == "headers" {
                for header in node.members ?? [] {
                    slots.append(Slot(node: header.value, label: "header '\(header.key)'", kind: .credential,
                                      allowsToken: true, allowsDiscovered: true))
                }
            } else if key == "tokenHeaders" {
                for header in node.members ?? [] {
                    slots.append(Slot(node: header.value, label: "header '\(header.key)'", kind: .credential))
                }
            } else if key == "verify", node.members != nil {
                slots += verifySlots(node)
            } else if Self.credentialKeys.contains(key) {
                slots.append(Slot(node: node, label: "'\(key)'", kind: .credential))
            } else if Self.urlKeys.contains(key) {
                slots.append(Slot(node: node, label: "'\(key)'", kind: .url))
            } else if key == "credentialHeaders" {
                for header in node.members ?? [] {
                    slots.append(Slot(node: header.value, label: "header '\(header.key)'", kind: .credential))
                }
            } else if key == "basic" {
                for part in ["username", "password"] {
                    if let value = node[part] { slots.append(Slot(node: value, label: "'\(part)'", kind: .credential)) }
                }
            } else if key == "tokenParams" || key == "refreshParams" {
                for parameter in node.members ?? [] {
                    slots.append(Slot(node: parameter.value, label: "parameter '\(parameter.key)'", kind: .credential,
                                      allowsRedirectURI: true))
                }
            } else if key == "discovery" {
                if let url = node["url"] { slots.append(Slot(node: url, label: "the discovery 'url'", kind: .url)) }
                if let match = node["match"] {
                    if let equals = match["equals"], equals.stringValue != nil {
                        slots.append(Slot(node: equals, label: "'equals'", kind: .credential))
                    }
                    if node["items"] == nil, match.members != nil {
                        collector.error(
                            "discovery-match-without-items", "'match' selects an item of 'items', but 'discovery' has no 'items'",
                            hint: "add \"items\": a JSON pointer to the array in the response (\"\" when the response is the array)",
                            at: match.position, pointer: match.pointer)
                    }
                }
            } else if key == "authorizeParams" {
                for parameter in node.members ?? [] {
                    slots.append(Slot(node: parameter.value, label: "parameter '\(parameter.key)'", kind: .query))
                }
            }
        }
        let tokenFields: [String]? = isOAuth
            ? (variant["tokenResponseFields"]?.arrayValue ?? []).compactMap(\.stringValue) : nil
        let discoveredValues = isOAuth ? variant["discovery"]?["values"]?.members : nil
        usedDiscovered = []
        usedTokenFields = []
        for slot in slots {
            checkTemplate(slot, variant: index, tokenFields: tokenFields, discovered: discoveredValues?.map(\.key))
        }
        if !unreliableUse.contains(index) {
            for value in discoveredValues ?? [] where !usedDiscovered.contains(value.key) {
                collector.warning(
                    "discovery-unused-value", "discovered value '\(value.key)' is not used by any template of this variant",
                    hint: "use it as '{{discovered.\(value.key)}}' in 'baseURL' or 'headers', or remove it",
                    at: value.keyPosition, pointer: value.value.pointer)
            }
        }

        if isOAuth {
            TokenFieldRules.check(variant, used: usedTokenFields, usesReliable: !unreliableUse.contains(index), collector: &collector)
        }
        if type == "apiKey", let placement = variant["in"], placement.stringValue == "query" {
            collector.warning(
                "api-key-in-query", "an API key sent as a query parameter leaks into server logs, proxies and browser history",
                hint: "send it in a header if the provider accepts one; see RFC 9700 section 4.3.2",
                at: placement.position, pointer: placement.pointer)
        }
        if let scopes = variant["scopes"], scopes.members != nil { checkScopes(scopes) }
        if type == "oauth2AuthorizationCode", variant["clientAuth"]?.stringValue == ClientAuthMethod.none.rawValue,
           let pkce = variant["pkce"], pkce.stringValue == PKCEPolicy.unsupported.rawValue {
            collector.error(
                "public-client-pkce", "a public client (\"clientAuth\": \"none\") must use PKCE",
                hint: "set 'pkce' to \"required\" or \"supported\"; RFC 9700 section 2.1.1",
                at: pkce.position, pointer: pkce.pointer)
        }
    }

    // MARK: - Scopes

    private mutating func checkScopes(_ scopes: JSONNode) {
        let separator = scopes["separator"]?.stringValue ?? " "
        let catalogNodes = (scopes["catalog"]?.arrayValue ?? []).compactMap { $0["name"] }
        var catalog: [String: JSONNode] = [:]
        for node in catalogNodes {
            guard let name = node.stringValue, !name.isEmpty else { continue }
            checkScopeName(node, name: name, separator: separator)
            if let first = catalog[name] {
                collector.error(
                    "duplicate-scope", "scope '\(name)' is listed twice in 'catalog'",
                    hint: "first listed at line \(first.position.line)", at: node.position, pointer: node.pointer)
            } else {
                catalog[name] = node
            }
        }
        let defaults = Set((scopes["default"]?.arrayValue ?? []).compactMap(\.stringValue))
        for list in ["default", "required"] {
            var listed: [String: JSONNode] = [:]
            for node in scopes[list]?.arrayValue ?? [] {
                guard let name = node.stringValue, !name.isEmpty else { continue }
                checkScopeName(node, name: name, separator: separator)
                if let first = listed[name] {
                    collector.error(
                        "duplicate-scope", "scope '\(name)' is listed twice in '\(list)', so it would be requested twice",
                        hint: "first listed at line \(first.position.line)", at: node.position, pointer: node.pointer)
                    continue
                }
                listed[name] = node
                if list == "required", scopes["default"] != nil, !defaults.contains(name) {
                    collector.warning(
                        "scope-required-not-requested",
                        "scope '\(name)' is required but not in 'default', so a connection requesting the default scopes always fails its scope check",
                        hint: "add it to 'default'", at: node.position, pointer: node.pointer)
                }
                if !catalog.isEmpty, catalog[name] == nil {
                    collector.error(
                        "scope-not-in-catalog", "scope '\(name)' in '\(list)' is not in 'catalog'",
                        hint: Suggestion.didYouMean(name, in: catalog.keys.sorted()) ?? "add it to 'catalog'",
                        at: node.position, pointer: node.pointer)
                }
            }
        }
    }

    private mutating func checkScopeName(_ node: JSONNode, name: String, separator: String) {
        if name.unicodeScalars.contains(where: { $0 == " " || ($0.value >= 0x09 && $0.value <= 0x0D) || ($0.value > 0x7F && $0.properties.isWhitespace) }) {
            collector.error(
                "scope-separator", "a scope name contains whitespace", hint: "list each scope as its own string",
                at: node.position, pointer: node.pointer)
        } else if Self.contains(name, separator) {
            collector.error(
                "scope-separator", "a scope name contains the separator \(quoted(separator))",
                hint: "list each scope as its own string", at: node.position, pointer: node.pointer)
        }
    }

    /// Whether `text` contains `part`: bytewise for ASCII strings, else Foundation's search.
    static func contains(_ text: String, _ part: String) -> Bool {
        if text.utf8.allSatisfy({ $0 < 0x80 }) && part.utf8.allSatisfy({ $0 < 0x80 }) && !part.isEmpty {
            return ASCIISearch.contains(text.utf8, Array(part.utf8), ignoringCase: false)
        }
        return text.contains(part)
    }

    // MARK: - Templates

    private func field(_ key: String, variant: Int?) -> FieldInfo? {
        if let field = connectorFields.first(where: { $0.key == key }) { return field }
        if let variant, variant < variantFields.count { return variantFields[variant].first { $0.key == key } }
        return nil
    }

    private mutating func use(_ key: String, variant: Int?) {
        if connectorFields.contains(where: { $0.key == key }) {
            usedConnectorKeys.insert(key)
        } else if let variant, variant + 1 < usedKeys.count {
            usedKeys[variant + 1].insert(key)
        }
    }

    private mutating func checkTemplate(_ slot: Slot, variant: Int?, tokenFields: [String]?, discovered: [String]?) {
        guard let raw = slot.node.stringValue, !raw.isEmpty else { return }
        let parts: [(part: TemplatePart, offset: Int)]
        do {
            parts = try TemplateParser.parts(of: raw)
        } catch {
            unreliableUse.insert(variant)
            collector.error(error.rule, error.message, hint: error.hint,
                            at: StringPositions.position(of: error.scalarOffset, in: slot.node, source: source),
                            pointer: slot.node.pointer)
            return
        }
        var usesSecret = false
        for (part, offset) in parts {
            guard case .placeholder(let reference, _) = part else { continue }
            let position = StringPositions.position(of: offset, in: slot.node, source: source)
            switch reference {
            case .field(let key):
                if let info = field(key, variant: variant) {
                    use(key, variant: variant)
                    if info.type == Field.FieldType.secret.rawValue { usesSecret = true }
                } else if variant == nil, variantFields.contains(where: { $0.contains { $0.key == key } }) {
                    collector.error(
                        "template-variant-field",
                        "'{{\(key)}}' refers to a field of an auth variant, but connector-level templates can use only connector-level fields",
                        hint: "move the field to the connector's 'fields', or override 'baseURL' or 'headers' in the variant",
                        at: position, pointer: slot.node.pointer)
                } else {
                    let visible = connectorFields.map(\.key) + (variant.map { variantFields[$0].map(\.key) } ?? [])
                    collector.error(
                        "template-unresolved", "'{{\(key)}}' does not name a declared field",
                        hint: Suggestion.didYouMean(key, in: visible) ?? "declare a field with \"key\": \"\(key)\"",
                        at: position, pointer: slot.node.pointer)
                }
            case .tokenField(let name):
                if !slot.allowsToken || tokenFields == nil {
                    collector.error(
                        "template-token-field",
                        "'{{token.\(name)}}' can be used only in the 'baseURL' and 'headers' of an OAuth variant",
                        at: position, pointer: slot.node.pointer)
                } else if let tokenFields, !tokenFields.contains(name) {
                    collector.error(
                        "template-token-field", "'{{token.\(name)}}' is not listed in 'tokenResponseFields'",
                        hint: Suggestion.didYouMean(name, in: tokenFields) ?? "add \(quoted(name)) to 'tokenResponseFields'",
                        at: position, pointer: slot.node.pointer)
                } else {
                    usedTokenFields.insert(name)
                }
            case .discovered(let name):
                if !slot.allowsDiscovered || discovered == nil {
                    collector.error(
                        "template-discovered-scope",
                        "'{{discovered.\(name)}}' can be used only in the 'baseURL' and 'headers' of an OAuth variant that declares 'discovery'",
                        hint: discovered == nil && slot.allowsDiscovered
                            ? "add a 'discovery' request whose 'values' include \(quoted(name))" : nil,
                        at: position, pointer: slot.node.pointer)
                } else if let discovered, !discovered.contains(name) {
                    collector.error(
                        "template-discovered-value", "'{{discovered.\(name)}}' is not declared in the variant's discovery 'values'",
                        hint: Suggestion.didYouMean(name, in: discovered) ?? "add \(quoted(name)) to 'discovery' 'values'",
                        at: position, pointer: slot.node.pointer)
                } else {
                    usedDiscovered.insert(name)
                }
            case .redirectURI:
                if !slot.allowsRedirectURI {
                    collector.error(
                        "template-redirect-uri",
                        "'{{redirectURI}}' can be used only in 'tokenParams' and 'refreshParams' of an OAuth variant",
                        at: position, pointer: slot.node.pointer)
                }
            }
        }
        if usesSecret {
            switch slot.kind {
            case .url, .query:
                collector.warning(
                    "secret-in-url", "\(slot.label) puts a secret field into a URL, where it leaks into logs",
                    hint: "send secrets through the auth variant's credentials or headers", at: slot.node.position,
                    pointer: slot.node.pointer)
            case .plain:
                collector.warning(
                    "secret-in-plain-slot", "\(slot.label) sends a secret field outside the auth variant",
                    hint: "move it to the auth variant's credentials or 'headers'", at: slot.node.position,
                    pointer: slot.node.pointer)
            case .credential:
                break
            }
        }
        if slot.kind == .url { checkTemplateURL(slot, parts: parts, variant: variant) }
    }

    // MARK: - URLs

    private static let loopbackHosts: Set<String> = ["127.0.0.1", "localhost", "[::1]"]

    /// RFC 3986 characters: unreserved, reserved and `%` (for percent-encoding).
    static func isURLScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9": true
        case "-", ".", "_", "~", ":", "/", "?", "#", "[", "]", "@", "!", "$", "&", "'", "(", ")", "*", "+", ",",
             ";", "=", "%": true
        default: false
        }
    }

    /// A registered name (letters, digits, `-`, `.`, `_`, percent-encoding) or a bracketed IPv6 literal.
    static func isValidHost(_ host: Substring) -> Bool {
        if host.hasPrefix("[") {
            return host.hasSuffix("]") && host.count > 2
                && host.dropFirst().dropLast().unicodeScalars.allSatisfy { $0 == ":" || $0 == "." || $0.properties.isASCIIHexDigit }
        }
        return host.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "-", ".", "_", "~", "%": true
            default: false
            }
        } && !host.hasPrefix(".") && !host.hasPrefix("-")
    }

    private mutating func checkTemplateURL(_ slot: Slot, parts: [(part: TemplatePart, offset: Int)], variant: Int?) {
        if case .placeholder(let reference, _)? = parts.first?.part {
            // A URL that starts with a field of type url, or a token-response field such as
            // Salesforce's instance_url: the runtime checks the value itself.
            switch reference {
            case .tokenField, .discovered: return
            case .field(let key) where field(key, variant: variant)?.type == Field.FieldType.url.rawValue: return
            default: break
            }
        }
        var sample = ""
        for (part, _) in parts {
            switch part {
            case .literal(let text): sample += text
            case .placeholder: sample += "x"
            }
        }
        checkURL(slot.node, sample: sample, label: slot.label)
    }

    private mutating func checkLiteralURL(_ node: JSONNode, text: String, label: String) {
        checkURL(node, sample: text, label: label)
    }

    /// `checkURL` for an all-ASCII sample, on bytes: the same checks without `Character`
    /// iteration. (In ASCII every character is one byte, except CR LF, which is neither a
    /// delimiter nor a URL character either way.)
    private mutating func checkASCIIURL(_ node: JSONNode, bytes: [UInt8], schemeLength: Int, label: String) {
        let start = schemeLength + 3
        var end = start
        while end < bytes.count, bytes[end] != UInt8(ascii: "/"), bytes[end] != UInt8(ascii: "?"),
              bytes[end] != UInt8(ascii: "#") {
            end += 1
        }
        var hostStart = start
        if let at = bytes[start..<end].lastIndex(of: UInt8(ascii: "@")) {
            collector.warning(
                "url-credentials", "\(label) contains credentials before '@'",
                hint: "remove them and send credentials through the auth variant", at: node.position,
                pointer: node.pointer)
            hostStart = at + 1
        }
        var hostEnd = end
        if hostStart < end, bytes[hostStart] == UInt8(ascii: "[") {
            if let close = bytes[hostStart..<end].firstIndex(of: UInt8(ascii: "]")) { hostEnd = close + 1 }
        } else if let colon = bytes[hostStart..<end].firstIndex(of: UInt8(ascii: ":")) {
            hostEnd = colon
        }
        let host = bytes[hostStart..<hostEnd]
        guard !host.isEmpty, Self.isValidASCIIHost(host),
              bytes.allSatisfy({ Self.isURLScalar(Unicode.Scalar($0)) }) else {
            collector.error("url-invalid", "\(label) is not a valid absolute URL",
                            hint: URLHints.hint(String(decoding: bytes, as: UTF8.self), schemeLength: schemeLength),
                            at: node.position, pointer: node.pointer)
            return
        }
        if schemeLength == 4 {
            let lowered = String(decoding: host.map { ASCIISearch.lower($0, true) }, as: UTF8.self)
            if !Self.loopbackHosts.contains(lowered) {
                collector.error(
                    "url-insecure", "\(label) must use https",
                    hint: "http is allowed only for localhost, 127.0.0.1 and [::1]", at: node.position,
                    pointer: node.pointer)
            }
        }
    }

    /// `isValidHost` for ASCII bytes.
    static func isValidASCIIHost(_ host: ArraySlice<UInt8>) -> Bool {
        if host.first == UInt8(ascii: "[") {
            return host.last == UInt8(ascii: "]") && host.count > 2
                && host.dropFirst().dropLast().allSatisfy { $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") || Unicode.Scalar($0).properties.isASCIIHexDigit }
        }
        return host.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                 UInt8(ascii: "~"), UInt8(ascii: "%"): true
            default: false
            }
        } && host.first != UInt8(ascii: ".") && host.first != UInt8(ascii: "-")
    }

    /// Checks scheme, host and user information of `sample` (a URL with placeholders replaced).
    private mutating func checkURL(_ node: JSONNode, sample: String, label: String) {
        // No non-ASCII character lowercases to a letter of "https://", so an ASCII
        // case-insensitive prefix test is the same as testing the lowercased string.
        let scheme: String
        if ASCIISearch.hasPrefix(sample.utf8, "https://") {
            scheme = "https"
        } else if ASCIISearch.hasPrefix(sample.utf8, "http://") {
            scheme = "http"
        } else {
            collector.error("url-invalid", "\(label) must be an absolute URL starting with 'https://'",
                            at: node.position, pointer: node.pointer)
            return
        }
        if sample.utf8.allSatisfy({ $0 < 0x80 }) {
            checkASCIIURL(node, bytes: Array(sample.utf8), schemeLength: scheme.count, label: label)
            return
        }
        let rest = sample.dropFirst(scheme.count + 3)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        var host = Substring(authority)
        if let at = authority.lastIndex(of: "@") {
            collector.warning(
                "url-credentials", "\(label) contains credentials before '@'",
                hint: "remove them and send credentials through the auth variant", at: node.position,
                pointer: node.pointer)
            host = authority[authority.index(after: at)...]
        }
        if host.hasPrefix("[") {
            if let close = host.firstIndex(of: "]") { host = host[...close] }
        } else if let colon = host.firstIndex(of: ":") {
            host = host[..<colon]
        }
        guard !host.isEmpty, Self.isValidHost(host), sample.unicodeScalars.allSatisfy(Self.isURLScalar) else {
            collector.error("url-invalid", "\(label) is not a valid absolute URL",
                            hint: URLHints.hint(sample, schemeLength: scheme.count), at: node.position, pointer: node.pointer)
            return
        }
        if scheme == "http", !Self.loopbackHosts.contains(host.lowercased()) {
            collector.error(
                "url-insecure", "\(label) must use https",
                hint: "http is allowed only for localhost, 127.0.0.1 and [::1]", at: node.position, pointer: node.pointer)
        }
    }
}

/// Byte-level searches over ASCII, for the hot paths of the validator.
enum ASCIISearch {
    /// Whether `bytes` contains `needle`; with `ignoringCase`, `needle` must be lowercase and
    /// ASCII letters in `bytes` match either case.
    static func contains(_ bytes: String.UTF8View, _ needle: [UInt8], ignoringCase: Bool) -> Bool {
        guard let first = needle.first else { return true }
        let haystack = Array(bytes)
        guard haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count) {
            guard lower(haystack[start], ignoringCase) == first else { continue }
            var offset = 1
            while offset < needle.count, lower(haystack[start + offset], ignoringCase) == needle[offset] { offset += 1 }
            if offset == needle.count { return true }
        }
        return false
    }

    /// Whether `bytes` starts with the lowercase ASCII `prefix`, ignoring ASCII case.
    static func hasPrefix(_ bytes: String.UTF8View, _ prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        var index = bytes.startIndex
        for offset in 0..<count {
            guard index != bytes.endIndex, lower(bytes[index], true) == prefix.utf8Start[offset] else { return false }
            index = bytes.index(after: index)
        }
        return true
    }

    @inline(__always)
    static func lower(_ byte: UInt8, _ ignoringCase: Bool) -> UInt8 {
        ignoringCase && byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }
}

/// Compiled field patterns, shared by every spec of the process: a repository's specs repeat the
/// same few patterns, and compiling one costs far more than validating a whole spec. Invalid
/// patterns are remembered too. Bounded, so hostile input cannot grow it without limit.
final class RegexCache: @unchecked Sendable {
    static let shared = RegexCache()
    private static let capacity = 512
    private let lock = NSLock()
    private var entries: [String: NSRegularExpression?] = [:]

    /// The compiled `pattern`, or `nil` when it is not a valid regular expression.
    func regex(for pattern: String) -> NSRegularExpression? {
        lock.lock()
        if let entry = entries[pattern] {
            lock.unlock()
            return entry
        }
        lock.unlock()
        let compiled = try? NSRegularExpression(pattern: pattern)
        lock.lock()
        if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
        entries[pattern] = .some(compiled)
        lock.unlock()
        return compiled
    }
}
