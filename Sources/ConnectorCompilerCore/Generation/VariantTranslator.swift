// One auth variant -> one caseless enum: descriptor, Fields, Scope and configuration. The builders
// of each URL, header, parameter and credential are written inline in `configuration` (see
// Inlining.swift for why).

/// A case of a generated string enum (see `stringEnum`).
struct StringEnumCase {
    var doc: SwiftDocComment
    var name: String
    /// The raw value, unescaped.
    var rawValue: String
}

/// An enum of string values (`Scope`, select options) with `rawValue`, `init?(rawValue:)` and
/// `allCases` written out. The compiler's synthesized versions of these are inlinable, so it
/// type-checks and emits their bodies into the module interface, which is rebuilt for every file
/// on each incremental build: with 1,000 OAuth connectors, that step went from 10.5 s to 6.9 s
/// when they were written out.
func stringEnum(doc: SwiftDocComment, name: String, rawValueDoc: String, cases: [StringEnumCase]) -> SwiftTypeDeclaration {
    var members: [SwiftDeclaration] = cases.map { .enumCase(SwiftEnumCase(doc: $0.doc, name: $0.name, rawValue: nil)) }
    var rawValue = ["switch self {"]
    rawValue += cases.map { "case ." + $0.name + ": " + SwiftStringLiteral.make($0.rawValue) }
    rawValue.append("}")
    members.append(
        .property(
            SwiftProperty(
                doc: SwiftDocComment(lines: [rawValueDoc]), isStatic: false, name: "rawValue", type: SwiftNames.string,
                value: cases.isEmpty ? ["\"\""] : rawValue, isComputed: true)))
    var initializer = SwiftFunction(
        doc: SwiftDocComment(lines: ["The case whose raw value is `rawValue`, or `nil`."]), access: .public, isStatic: false,
        name: nil, parameters: [SwiftParameter(label: "rawValue", name: "rawValue", type: SwiftNames.string)],
        body: [
            .block(
                opening: "for candidate: Self in Self.allCases where candidate.rawValue == rawValue {",
                body: [.line("self = candidate"), .line("return")]),
            .line("return nil"),
        ])
    initializer.isFailable = true
    members.append(.function(initializer))
    members.append(
        .property(
            SwiftProperty(
                doc: SwiftDocComment(lines: ["Every case, in the spec's order."]), isStatic: true, name: "allCases",
                type: "[" + name + "]", value: arrayLines(cases.map { name + "." + $0.name }))))
    return SwiftTypeDeclaration(
        doc: doc, kind: .enum, name: name,
        inheritance: ["Swift.RawRepresentable", "Swift.Sendable", "Swift.Hashable", "Swift.CaseIterable"], members: members)
}

/// A case of a variant's `Scope` enum.
struct ScopeCase: Sendable, Hashable {
    var caseName: String
    var rawValue: String
    var description: String?
    var pointer: JSONPointer
}

struct VariantTranslator {
    var spec: ConnectorSpec
    var variant: AuthVariant
    var index: Int
    /// The variant enum's name, e.g. `Oauth`.
    var typeName: String
    /// The connector namespace, e.g. `Zelt`.
    var namespace: String
    var docs: DocMaker

    var variantPointer: JSONPointer { "/auth/" + String(index) }

    // MARK: Fields

    /// Connector-level then variant fields, with unique Swift names.
    func resolvedFields() -> [ResolvedField] {
        let all = spec.fields + variant.fields
        let names = SwiftNamePlan.fieldNames(all.map(\.key))
        let selects = all.filter { $0.type == .select }
        var typeNames = SwiftNamePlan.selectTypeNames(selects.map(\.key), connectorType: namespace, variantType: typeName)
            .makeIterator()
        var result: [ResolvedField] = []
        for (field, name) in zip(all, names) {
            var selectEnum: ResolvedField.SelectEnum?
            if field.type == .select {
                selectEnum = ResolvedField.SelectEnum(
                    typeName: typeNames.next() ?? "",
                    caseNames: SwiftNamePlan.caseNames(field.options.map(\.value)))
            }
            result.append(
                ResolvedField(
                    field: field, name: name, selectEnum: selectEnum,
                    isOptional: !field.required && field.defaultValue == nil))
        }
        return result
    }

    func fieldsStruct(_ fields: [ResolvedField]) throws(GenerationError) -> SwiftTypeDeclaration {
        var members: [SwiftDeclaration] = []
        var parameters: [SwiftParameter] = []
        var assignments: [SwiftStatement] = []
        for resolved in fields {
            let field = resolved.field
            var paragraphs = [field.label]
            if let help = field.help { paragraphs.append(help) }
            members.append(
                .property(
                    SwiftProperty(
                        doc: docs.doc(paragraphs, pointer: field.pointer), isStatic: false, isMutable: false,
                        name: resolved.name, type: resolved.propertyType)))
            parameters.append(
                SwiftParameter(
                    label: resolved.name, name: resolved.name, type: resolved.propertyType,
                    defaultValue: try defaultExpression(resolved)))
            assignments.append(.line("self." + resolved.name + " = " + resolved.name))
        }
        members.append(
            .function(
                SwiftFunction(
                    doc: docs.doc(["Creates the fields; optional fields and fields with defaults may be left out."], pointer: nil),
                    access: .public, isStatic: false, name: nil, parameters: parameters, body: assignments)))
        for resolved in fields {
            if let select = resolved.selectEnum { members.append(.type(selectEnumDeclaration(resolved, select))) }
        }
        // Sendable only: a synthesized Hashable (or Equatable) conformance per connector made the
        // module-emit step of a 1,000-connector catalog a third slower (5.5 s -> 3.8 s without it),
        // and that step dominates every incremental rebuild. Properties are `let` for the same
        // reason: a `var` adds a setter and a modify accessor to the module interface (about 15% of
        // that step with one field per variant).
        return SwiftTypeDeclaration(
            doc: docs.doc(
                ["What a person enters to link an account with " + variant.label + "."],
                pointer: variantPointer + "/fields"),
            kind: .struct, name: "Fields", inheritance: ["Swift.Sendable"], members: members)
    }

    func defaultExpression(_ resolved: ResolvedField) throws(GenerationError) -> String? {
        guard let value = resolved.field.defaultValue else { return resolved.isOptional ? "nil" : nil }
        switch resolved.field.type {
        case .text, .url, .hostname, .email: return SwiftStringLiteral.make(value)
        case .secret: return "ConnectorRuntime.Secret(" + SwiftStringLiteral.make(value) + ")"
        case .number:
            guard let number = Int(value) else {
                throw GenerationError(message: "The default of a number field must be an integer.", pointer: resolved.field.pointer)
            }
            return String(number)
        case .boolean:
            guard value == "true" || value == "false" else {
                throw GenerationError(message: "The default of a boolean field must be true or false.", pointer: resolved.field.pointer)
            }
            return value
        case .select:
            guard let select = resolved.selectEnum, let position = resolved.field.options.firstIndex(where: { $0.value == value })
            else {
                throw GenerationError(message: "The default of a select field must be one of its options.", pointer: resolved.field.pointer)
            }
            return select.typeName + "." + select.caseNames[position]
        }
    }

    func selectEnumDeclaration(_ resolved: ResolvedField, _ select: ResolvedField.SelectEnum) -> SwiftTypeDeclaration {
        let cases = resolved.field.options.enumerated().map { position, option in
            StringEnumCase(
                doc: docs.doc([option.label], pointer: resolved.field.pointer + "/options/" + String(position)),
                name: select.caseNames[position], rawValue: option.value)
        }
        return stringEnum(
            doc: docs.doc(["The options of " + resolved.field.label + "."], pointer: resolved.field.pointer + "/options"),
            name: select.typeName, rawValueDoc: "The option's value, as the provider expects it.", cases: cases)
    }

    // MARK: Scopes

    var oauthCommon: OAuth2Common? {
        switch variant.kind {
        case .oauth2AuthorizationCode(let settings): settings.common
        case .oauth2ClientCredentials(let settings): settings.common
        case .oauth2RefreshToken(let settings): settings.common
        default: nil
        }
    }

    /// Catalogue entries, then default and required names missing from it.
    func scopeCases() -> [ScopeCase] {
        guard let scopes = oauthCommon?.scopes else { return [] }
        var seen: Set<String> = []
        var result: [ScopeCase] = []
        for entry in scopes.catalog where seen.insert(entry.name).inserted {
            result.append(ScopeCase(caseName: "", rawValue: entry.name, description: entry.description, pointer: entry.pointer))
        }
        for name in scopes.defaults + scopes.required where seen.insert(name).inserted {
            result.append(ScopeCase(caseName: "", rawValue: name, description: nil, pointer: scopes.pointer))
        }
        for (index, name) in SwiftNamePlan.caseNames(result.map(\.rawValue)).enumerated() {
            result[index].caseName = name
        }
        return result
    }

    func scopeMembers(_ cases: [ScopeCase], scopes: Scopes) -> [SwiftDeclaration] {
        let scopeEnum = stringEnum(
            doc: docs.doc(["A scope of " + variant.label + "; the raw value is the provider's scope name."], pointer: scopes.pointer),
            name: "Scope", rawValueDoc: "The provider's name of the scope.",
            cases: cases.map { scope in
                StringEnumCase(
                    doc: docs.doc([scope.description ?? ""], pointer: scope.pointer), name: scope.caseName, rawValue: scope.rawValue)
            })
        let defaults = scopes.defaults.map { name in "Scope." + (cases.first { $0.rawValue == name }?.caseName ?? "") }
        let defaultScopes = SwiftProperty(
            doc: docs.doc(["The scopes requested when none are given."], pointer: scopes.pointer + "/default"),
            isStatic: true, name: "defaultScopes", type: "[Scope]", value: arrayLines(defaults))
        return [.type(scopeEnum), .property(defaultScopes)]
    }

    // MARK: The variant

    func translate() throws(GenerationError) -> SwiftTypeDeclaration {
        let fields = resolvedFields()
        var byKey: [String: ResolvedField] = [:]
        for field in fields where byKey[field.field.key] == nil { byKey[field.field.key] = field }
        var builders = BuilderSet(templates: TemplateTranslator(fields: byKey), docs: docs)
        var members: [SwiftDeclaration] = [descriptor(fields), .type(try fieldsStruct(fields))]
        let scopeCases = scopeCases()
        let scopes = oauthCommon?.scopes
        let hasScopeEnum = !scopeCases.isEmpty
        if let scopes, hasScopeEnum { members += scopeMembers(scopeCases, scopes: scopes) }
        var steps: [SwiftStatement] = try Inliner.inline(checkFields(fields), as: nil)
        steps += try baseURLStatements(&builders)
        steps += try Inliner.inline(try headersFunction(&builders), as: "headers")
        steps += try tokenHeadersStatements(&builders)
        steps += try Inliner.inline(try verificationFunction(&builders), as: "verification")
        if let discovery = oauthCommon?.discovery {
            steps += try Inliner.inline(try discoveryFunction(discovery, &builders), as: "discovery")
        }
        let auth = AuthTranslator(variant: variant, variantPointer: variantPointer, docs: docs, scopeCases: scopeCases)
        steps += try Inliner.inline(try auth.makeAuth(&builders), as: "auth")
        let pathFields = try ResourceTranslator.pathFieldsStatements(
            spec.resources(ofVariant: index) + spec.actions(ofVariant: index).map(\.pathCarrier), fields: byKey,
            pointer: variantPointer)
        steps += pathFields
        members += configurationFunctions(steps: steps, hasScopeEnum: hasScopeEnum, pathFields: !pathFields.isEmpty)
        var paragraphs = [variant.label]
        for requirement in variant.requirements {
            paragraphs.append("Requirement (" + requirement.kind.rawValue + "): " + requirement.text)
        }
        return SwiftTypeDeclaration(
            doc: docs.doc(paragraphs, pointer: variantPointer), kind: .enum, name: typeName,
            // No protocol with requirements: see `ConnectorDefinition` in the runtime for why.
            inheritance: ["Swift.Sendable"], members: members)
    }

    /// `configuration(_:)` (and, with a scope enum, `configuration(_:scopes:)`): `steps` build
    /// each part, then the configuration is returned.
    func configurationFunctions(steps: [SwiftStatement], hasScopeEnum: Bool, pathFields: Bool = false) -> [SwiftDeclaration] {
        let fieldsParameter = SwiftParameter(label: nil, name: "fields", type: "Fields")
        let returnType = "ConnectorRuntime.ConnectionConfiguration"
        var body = steps
        body += [
            .line("return ConnectorRuntime.ConnectionConfiguration("),
            .line("    connectorID: " + SwiftStringLiteral.make(spec.id) + ","),
            .line("    variantID: " + SwiftStringLiteral.make(variant.id) + ","),
            .line("    baseURL: baseURL,"),
            .line("    headers: headers,"),
            .line("    verification: verification,"),
        ]
        var trailing = ["auth: auth"]
        if oauthCommon?.discovery != nil { trailing.append("discovery: discovery") }
        if !tokenHeaderTemplates.isEmpty { trailing.append("tokenHeaders: tokenHeaders") }
        if let metadata = oauthCommon?.accountMetadata, !metadata.isEmpty {
            trailing.append("accountMetadata: [" + metadata.map(SwiftStringLiteral.make).joined(separator: ", ") + "]")
        }
        if pathFields { trailing.append("pathFields: pathFields") }
        for (position, argument) in trailing.enumerated() {
            body.append(.line("    " + argument + (position == trailing.count - 1 ? "" : ",")))
        }
        body.append(.line(")"))
        let checks = "Checks every field (spaces around a value, a malformed URL, host name or email) before building anything."
        guard hasScopeEnum else {
            return [
                .function(
                    SwiftFunction(
                        doc: docs.doc(["Builds the runtime configuration of " + variant.label + " from typed fields.", checks], pointer: variantPointer),
                        access: .public, name: "configuration", parameters: [fieldsParameter],
                        throwsClause: SwiftNames.throwsClause, returnType: returnType, body: body))
            ]
        }
        let withDefaults = SwiftFunction(
            doc: docs.doc(["Builds the runtime configuration of " + variant.label + ", requesting ``defaultScopes``.", checks], pointer: variantPointer),
            access: .public, name: "configuration", parameters: [fieldsParameter],
            throwsClause: SwiftNames.throwsClause, returnType: returnType,
            body: [.line("try configuration(fields, scopes: defaultScopes)")])
        let withScopes = SwiftFunction(
            doc: docs.doc(["Builds the runtime configuration of " + variant.label + ", requesting `scopes`.", checks], pointer: variantPointer),
            access: .public, name: "configuration",
            parameters: [fieldsParameter, SwiftParameter(label: "scopes", name: "scopes", type: "[Scope]")],
            throwsClause: SwiftNames.throwsClause, returnType: returnType, body: body)
        return [.function(withDefaults), .function(withScopes)]
    }

    func checkFields(_ fields: [ResolvedField]) -> SwiftFunction {
        var body: [SwiftStatement] = []
        for resolved in fields {
            let calls = checkCalls(resolved, value: resolved.isOptional ? "value" : resolved.access)
            guard !calls.isEmpty else { continue }
            if resolved.isOptional {
                body.append(.block(opening: "if let value: " + resolved.baseType + " = " + resolved.access + " {", body: calls))
            } else {
                body += calls
            }
        }
        return SwiftFunction(
            doc: docs.doc(["Checks each field value before any request."], pointer: variantPointer + "/fields"),
            name: "checkFields", parameters: [SwiftParameter(label: nil, name: "fields", type: "Fields")],
            throwsClause: SwiftNames.throwsClause, body: body)
    }

    func checkCalls(_ resolved: ResolvedField, value: String) -> [SwiftStatement] {
        let key = SwiftStringLiteral.make(resolved.field.key)
        let pattern = resolved.field.pattern.map(SwiftStringLiteral.make) ?? "nil"
        let check = "_ = try ConnectorRuntime.FieldCheck."
        switch resolved.field.type {
        case .text: return [.line(check + "text(" + value + ", key: " + key + ", pattern: " + pattern + ")")]
        case .secret: return [.line(check + "secret(" + value + ", key: " + key + ", pattern: " + pattern + ")")]
        case .url, .hostname, .email:
            var calls: [SwiftStatement] = [.line(check + resolved.field.type.rawValue + "(" + value + ", key: " + key + ")")]
            if resolved.field.pattern != nil {
                calls.append(.line(check + "text(" + value + ", key: " + key + ", pattern: " + pattern + ")"))
            }
            if !resolved.field.hostSuffixes.isEmpty, resolved.field.type != .email {
                let suffixes = "[" + resolved.field.hostSuffixes.map(SwiftStringLiteral.make).joined(separator: ", ") + "]"
                calls.append(.line(check + "hostSuffix(" + value + ", key: " + key + ", suffixes: " + suffixes + ")"))
            }
            return calls
        case .number, .boolean, .select: return []
        }
    }

    /// `let baseURL: ConnectorRuntime.BaseURL`: a fixed URL, or a closure the runtime calls with
    /// the token response when the template reads `{{token.x}}` or `{{discovered.x}}`.
    func baseURLStatements(_ builders: inout BuilderSet) throws(GenerationError) -> [SwiftStatement] {
        let template = variant.baseURL ?? spec.api.baseURL
        let usesToken = template.parts.contains { part in
            switch part {
            case .placeholder(.tokenField, _), .placeholder(.discovered, _): true
            default: false
            }
        }
        let resolveBody = try builders.templates.body(for: template, slot: .url, tokenParameter: usesToken)
        let doc = docs.doc(["Where API requests go."], pointer: template.pointer)
        if usesToken {
            return Inliner.comment(doc) + [
                .block(
                    opening: "let baseURL: ConnectorRuntime.BaseURL = ConnectorRuntime.BaseURL.fromTokenResponse { (token: [Swift.String: Swift.String]) "
                        + SwiftNames.throwsClause + " -> " + SwiftNames.url + " in",
                    body: resolveBody)
            ]
        }
        let resolve = SwiftFunction(
            doc: doc, name: "makeBaseURL", parameters: [], throwsClause: SwiftNames.throwsClause,
            returnType: SwiftNames.url, body: resolveBody)
        return try Inliner.inline(resolve, as: "baseURLAddress") + [
            .line("let baseURL: ConnectorRuntime.BaseURL = ConnectorRuntime.BaseURL.fixed(baseURLAddress)")
        ]
    }

    /// Whether a template reads the token set (`{{token.NAME}}`, `{{discovered.NAME}}`).
    static func readsTokens(_ template: Template) -> Bool {
        template.parts.contains { part in
            switch part {
            case .placeholder(.tokenField, _), .placeholder(.discovered, _): true
            default: false
            }
        }
    }

    /// The variant's headers built from the token set, sent with every API request.
    var tokenHeaderTemplates: [NamedTemplate] {
        guard oauthCommon != nil else { return [] }
        return variant.headers.filter { Self.readsTokens($0.value) }
    }

    /// `let tokenHeaders: ConnectorRuntime.TokenHeaders`: a closure the runtime calls with the
    /// token set's extra fields (nothing when no header reads them).
    func tokenHeadersStatements(_ builders: inout BuilderSet) throws(GenerationError) -> [SwiftStatement] {
        let templates = tokenHeaderTemplates
        guard !templates.isEmpty else { return [] }
        var body: [SwiftStatement] = [.line("var list: [ConnectorRuntime.HTTPField] = []")]
        for (position, header) in templates.enumerated() {
            let builder = SwiftFunction(
                doc: docs.doc(["The value of header " + header.name + "."], pointer: header.pointer),
                name: "makeTokenHeader" + String(position), parameters: [], throwsClause: SwiftNames.throwsClause,
                returnType: SwiftNames.string,
                body: try builders.templates.body(for: header.value, slot: .text, tokenParameter: true))
            let local = "tokenHeaderValue" + String(position)
            body += try Inliner.inline(builder, as: local)
            body.append(
                .line("list.append(ConnectorRuntime.HTTPField(name: " + SwiftStringLiteral.make(header.name) + ", value: " + local + "))"))
        }
        body.append(.line("return list"))
        let doc = docs.doc(["Headers built from the token response and discovered values."], pointer: variantPointer + "/headers")
        return Inliner.comment(doc) + [
            .block(
                opening: "let tokenHeaders: ConnectorRuntime.TokenHeaders = { (token: [Swift.String: Swift.String]) "
                    + SwiftNames.throwsClause + " -> [ConnectorRuntime.HTTPField] in",
                body: body)
        ]
    }

    func headersFunction(_ builders: inout BuilderSet) throws(GenerationError) -> SwiftFunction {
        var body: [SwiftStatement] = []
        // Headers read from the token set are built by `tokenHeaders`; any other use of the token
        // set here (connector-level headers) fails in the template translator.
        let fromTokens = Set(tokenHeaderTemplates.map(\.pointer))
        let headers = spec.api.headers + variant.headers.filter { !fromTokens.contains($0.pointer) }
        if headers.isEmpty {
            body.append(.line("return []"))
        } else {
            body.append(.line("var list: [ConnectorRuntime.HTTPField] = []"))
            for (position, header) in headers.enumerated() {
                let value = try builders.value(
                    header.value, slot: .text, name: "makeHeader" + String(position), local: "headerValue" + String(position),
                    doc: "The value of header " + header.name + ".", into: &body)
                body.append(
                    .line(
                        "list.append(ConnectorRuntime.HTTPField(name: " + SwiftStringLiteral.make(header.name)
                            + ", value: " + value + "))"))
            }
            body.append(.line("return list"))
        }
        return SwiftFunction(
            doc: docs.doc(["Headers sent with every API request (not credentials)."], pointer: spec.api.pointer + "/headers"),
            name: "makeHeaders", parameters: [SwiftParameter(label: nil, name: "fields", type: "Fields")],
            throwsClause: SwiftNames.throwsClause, returnType: "[ConnectorRuntime.HTTPField]", body: body)
    }

    func discoveryFunction(_ discovery: Discovery, _ builders: inout BuilderSet) throws(GenerationError) -> SwiftFunction {
        var body: [SwiftStatement] = []
        let url = try builders.value(
            discovery.url, slot: .url, name: "makeDiscoveryURL", local: "discoveryURL",
            doc: "The URL of the discovery request.", into: &body)
        var match = "nil"
        if let spec = discovery.match {
            let expected: String
            switch spec.equals {
            case .boolean(let flag):
                expected = ".boolean(" + (flag ? "true" : "false") + ")"
            case .number(let lexeme):
                expected = ".number(" + lexeme + ")"
            case .template(let template):
                let value = try builders.value(
                    template, slot: .text, name: "makeDiscoveryMatch", local: "expectedValue",
                    doc: "The value the discovery request's item must have.", into: &body)
                expected = ".string(" + value + ")"
            }
            match = "ConnectorRuntime.DiscoveryRequest.Match(pointer: " + SwiftStringLiteral.make(spec.path)
                + ", equals: ConnectorRuntime.DiscoveryRequest.Expected" + expected + ")"
        }
        body.append(.line("return ConnectorRuntime.DiscoveryRequest("))
        body.append(.line("    url: " + url + ","))
        body.append(.line("    items: " + (discovery.items.map(SwiftStringLiteral.make) ?? "nil") + ","))
        body.append(.line("    match: " + match + ","))
        body.append(.line("    values: ["))
        for value in discovery.values {
            body.append(
                .line("        ConnectorRuntime.DiscoveryRequest.Value(name: " + SwiftStringLiteral.make(value.name)
                    + ", pointer: " + SwiftStringLiteral.make(value.path) + "),"))
        }
        body.append(.line("    ]"))
        body.append(.line(")"))
        return SwiftFunction(
            doc: docs.doc(["The request made once after linking whose values the base URL uses."], pointer: discovery.pointer),
            name: "makeDiscovery", parameters: [SwiftParameter(label: nil, name: "fields", type: "Fields")],
            throwsClause: SwiftNames.throwsClause, returnType: "ConnectorRuntime.DiscoveryRequest", body: body)
    }

    func verificationFunction(_ builders: inout BuilderSet) throws(GenerationError) -> SwiftFunction {
        var body: [SwiftStatement] = []
        let verify = variant.verify ?? spec.api.verify
        if let verify {
            let path = try builders.value(
                verify.path, slot: .text, name: "makeVerificationPath", local: "verificationPath",
                doc: "The path of the verification request.", into: &body)
            var arguments = "method: " + SwiftStringLiteral.make(verify.method.rawValue) + ", path: " + path
            if let json = verify.body {
                body.append(.line("let json: Swift.String = " + SwiftStringLiteral.make(json)))
                arguments += ", body: Foundation.Data(json.utf8)"
            }
            arguments += ", usesAuth: " + (verify.usesAuth ? "true" : "false")
            if !verify.label.isEmpty {
                arguments += ", label: [" + verify.label.map(SwiftStringLiteral.make).joined(separator: ", ") + "]"
            }
            body.append(.line("return ConnectorRuntime.VerificationRequest(" + arguments + ")"))
        } else {
            body.append(.line("return nil"))
        }
        return SwiftFunction(
            doc: docs.doc(["The request that proves the credentials work right after linking."], pointer: verify?.pointer ?? spec.api.pointer + "/verify"),
            name: "makeVerification", parameters: [SwiftParameter(label: nil, name: "fields", type: "Fields")],
            throwsClause: SwiftNames.throwsClause, returnType: "ConnectorRuntime.VerificationRequest?", body: body)
    }
}

/// Builds template values of one variant inline (see Inlining.swift).
struct BuilderSet {
    var templates: TemplateTranslator
    var docs: DocMaker

    /// An expression of the template's value: an escaped literal when the template has no
    /// placeholders, otherwise `local`, bound by statements appended to `statements`.
    mutating func value(
        _ template: Template, slot: TemplateSlot, name: String, local: String, doc: String,
        into statements: inout [SwiftStatement]
    ) throws(GenerationError) -> String {
        if slot != .url, template.isLiteral {
            var text = ""
            for case .literal(let piece) in template.parts { text += piece }
            let literal = SwiftStringLiteral.make(text)
            return slot == .secret ? "ConnectorRuntime.Secret(" + literal + ")" : literal
        }
        let returnType: String
        switch slot {
        case .text: returnType = SwiftNames.string
        case .secret: returnType = SwiftNames.secret
        case .url: returnType = SwiftNames.url
        }
        let builder = SwiftFunction(
            doc: docs.doc([doc], pointer: template.pointer), name: name,
            parameters: [SwiftParameter(label: nil, name: "fields", type: "Fields")],
            throwsClause: SwiftNames.throwsClause, returnType: returnType,
            body: try templates.body(for: template, slot: slot))
        statements += try Inliner.inline(builder, as: local)
        return local
    }
}
