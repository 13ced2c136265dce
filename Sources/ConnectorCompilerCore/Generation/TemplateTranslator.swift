// Turns a parsed template into statements that build its value from the typed fields:
// `var text: Swift.String = ""` followed by one `text += ...` per part. No placeholder syntax
// survives into generated code, and every literal goes through SwiftStringLiteral.

/// What a template's value becomes.
enum TemplateSlot: Sendable, Hashable {
    /// A plain string (header values, parameters, the client id).
    case text
    /// A credential: the result is a `ConnectorRuntime.Secret`.
    case secret
    /// A URL, checked at runtime with `URLCheck.url(_:pointer:)`.
    case url
}

/// Translates templates of one auth variant.
struct TemplateTranslator: Sendable {
    /// Fields of the variant by key (lookup only, never iterated).
    var fields: [String: ResolvedField]

    /// `true` when `template` is exactly one unfiltered placeholder of a secret field.
    func directSecretField(_ template: Template) -> ResolvedField? {
        guard template.parts.count == 1, case .placeholder(.field(let key), let filters) = template.parts[0],
            filters.isEmpty, let field = fields[key], field.field.type == .secret
        else { return nil }
        return field
    }

    /// A function body returning the template's value for `slot`. With `tokenParameter`, the
    /// body may read `token[...]` (a variant `baseURL` using `{{token.NAME}}`).
    func body(for template: Template, slot: TemplateSlot, tokenParameter: Bool = false) throws(GenerationError) -> [SwiftStatement] {
        if slot == .secret, let field = directSecretField(template) {
            return directSecretBody(field)
        }
        if slot == .text, template.parts.count == 1, case .placeholder(.field(let key), let filters) = template.parts[0],
            filters.isEmpty, let field = fields[key], !field.isOptional,
            [Field.FieldType.text, .url, .hostname, .email].contains(field.field.type)
        {
            return [.line("return " + field.access)]
        }
        var statements: [SwiftStatement] = []
        var text = "text"
        if template.parts.isEmpty {
            statements.append(.line("let text: Swift.String = \"\""))
        } else if template.parts.count == 1, case .literal(let literal) = template.parts[0] {
            statements.append(.line("let text: Swift.String = " + SwiftStringLiteral.make(literal)))
        } else {
            statements.append(.line("var text: Swift.String = \"\""))
            var counter = 0
            for part in template.parts {
                statements += try append(part, pointer: template.pointer, tokenParameter: tokenParameter, counter: &counter)
            }
        }
        switch slot {
        case .text: text = "text"
        case .secret: text = "ConnectorRuntime.Secret(text)"
        case .url:
            text = "try ConnectorRuntime.URLCheck.url(text, pointer: " + SwiftStringLiteral.make(template.pointer) + ")"
        }
        statements.append(.line("return " + text))
        return statements
    }

    private func directSecretBody(_ field: ResolvedField) -> [SwiftStatement] {
        guard field.isOptional else { return [.line("return " + field.access)] }
        var statements = missingGuard(field, local: "value0", type: SwiftNames.secret)
        statements.append(.line("return value0"))
        return statements
    }

    /// `guard let local: Type = fields.x else { throw invalidField }`.
    func missingGuard(_ field: ResolvedField, local: String, type: String) -> [SwiftStatement] {
        let key = SwiftStringLiteral.make(field.field.key)
        let reason = SwiftStringLiteral.make("is required for this connection")
        return [
            .block(
                opening: "guard let " + local + ": " + type + " = " + field.access + " else {",
                body: [.line("throw " + SwiftNames.error + ".invalidField(key: " + key + ", reason: " + reason + ")")]
            )
        ]
    }

    private func append(
        _ part: TemplatePart, pointer: JSONPointer, tokenParameter: Bool, counter: inout Int
    ) throws(GenerationError) -> [SwiftStatement] {
        switch part {
        case .literal(let literal):
            return [.line("text += " + SwiftStringLiteral.make(literal))]
        case .placeholder(let reference, let filters):
            var statements: [SwiftStatement] = []
            var value: String
            switch reference {
            case .field(let key):
                guard let field = fields[key] else {
                    throw GenerationError(message: "The template uses an unknown field '\(key)'.", pointer: pointer)
                }
                var source = field.access
                if field.isOptional {
                    let local = "value" + String(counter)
                    counter += 1
                    // A select field's enum is nested in `Fields`; the template code is not.
                    let type = field.field.type == .select ? "Fields." + field.baseType : field.baseType
                    statements += missingGuard(field, local: local, type: type)
                    source = local
                }
                value = Self.stringValue(of: source, field: field)
            case .tokenField(let name):
                guard tokenParameter else {
                    throw GenerationError(
                        message: "'{{token.\(name)}}' can only be used in an OAuth variant's baseURL and headers.", pointer: pointer)
                }
                let local = "token" + String(counter)
                counter += 1
                let message = SwiftStringLiteral.make("The token response has no field " + name + ".")
                statements.append(
                    .block(
                        opening: "guard let " + local + ": Swift.String = token[" + SwiftStringLiteral.make(name) + "] else {",
                        body: [.line("throw " + SwiftNames.error + ".misconfigured(" + message + ")")]
                    ))
                value = local
            case .discovered(let name):
                guard tokenParameter else {
                    throw GenerationError(
                        message: "'{{discovered.\(name)}}' can only be used in an OAuth variant's baseURL and headers.", pointer: pointer)
                }
                let local = "discovered" + String(counter)
                counter += 1
                let key = SwiftStringLiteral.make("discovered." + name)
                let message = SwiftStringLiteral.make("The discovery request has not found " + name + " yet.")
                statements.append(
                    .block(
                        opening: "guard let " + local + ": Swift.String = token[" + key + "] else {",
                        body: [.line("throw " + SwiftNames.error + ".misconfigured(" + message + ")")]
                    ))
                value = local
            case .redirectURI:
                throw GenerationError(
                    message: "'{{redirectURI}}' can only be a whole parameter value in tokenParams or refreshParams.",
                    pointer: pointer)
            }
            for filter in filters {
                value = "ConnectorRuntime.TemplateFilters." + filter.rawValue + "(" + value + ")"
            }
            statements.append(.line("text += " + value))
            return statements
        }
    }

    /// A `Swift.String` expression of a field's value (a secret is revealed here, where it is
    /// combined into the template's value).
    static func stringValue(of source: String, field: ResolvedField) -> String {
        switch field.field.type {
        case .text, .url, .hostname, .email: source
        case .secret: source + ".reveal()"
        case .number, .boolean: "Swift.String(" + source + ")"
        case .select: source + ".rawValue"
        }
    }
}
