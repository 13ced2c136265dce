// A variant's `descriptor`: its fields, connection guide and a `configure` closure that builds the
// configuration from field values by key, all in one property body. Data in a body costs the
// module interface nothing (unlike a declaration per field or step, see docs/plugin.md), and the
// closure lets a tool such as the Hub link any connector without code of its own.

extension VariantTranslator {
    func descriptor(_ fields: [ResolvedField]) -> SwiftDeclaration {
        var value = ["ConnectorRuntime.AuthVariantDescriptor("]
        value.append("id: " + SwiftStringLiteral.make(variant.id) + ",")
        value.append("label: " + SwiftStringLiteral.make(variant.label) + ",")
        value.append("type: " + SwiftStringLiteral.make(variant.kind.typeName) + ",")
        value += labelled("fields", list(fields.map(fieldDescriptor)))
        value += labelled("guide", guideExpression())
        if let client = oauthCommon?.client {
            value.append("client: ConnectorRuntime.OAuthClientSupplier." + client.rawValue + ",")
        }
        if !spec.actions(ofVariant: index).isEmpty { value.append("actions: Actions.all,") }
        value += labelled("configure", configureClosure(fields), last: true)
        value.append(")")
        let operations = UnifiedTranslator.boundOperationMembers(spec: spec, index: index)
        if !operations.isEmpty {
            // Set after init: the initializer's signature stays as it was.
            value = ["{", "var descriptor = " + value[0]] + value.dropFirst().dropLast().map { "    " + $0 } + [")"]
            value.append("descriptor.unifiedOperations = " + operations.map { "Unified." + $0 }.joined(separator: " + "))
            value += ["return descriptor", "}()"]
        }
        return .property(
            SwiftProperty(
                doc: docs.doc(
                    ["Describes " + variant.label + " for forms and guides: fields, connection guide, and `configure` from values by key."],
                    pointer: variantPointer),
                isStatic: true, name: "descriptor", type: "ConnectorRuntime.AuthVariantDescriptor", value: value))
    }

    /// `label: <first line>`, the other lines indented, a trailing comma unless `last`.
    private func labelled(_ label: String, _ lines: [String], last: Bool = false) -> [String] {
        var result = [label + ": " + lines[0]] + lines.dropFirst()
        if !last { result[result.count - 1] += "," }
        return result
    }

    /// An array literal of multi-line elements, one element per group of lines.
    private func list(_ elements: [[String]]) -> [String] {
        guard !elements.isEmpty else { return ["[]"] }
        var lines = ["["]
        for element in elements {
            var indented = element.map { "    " + $0 }
            indented[indented.count - 1] += ","
            lines += indented
        }
        lines.append("]")
        return lines
    }

    private func literal(_ text: String?) -> String {
        text.map(SwiftStringLiteral.make) ?? "nil"
    }

    private func fieldDescriptor(_ resolved: ResolvedField) -> [String] {
        let field = resolved.field
        let supplier = field.supplier == .setup ? "setup" : "person"
        var arguments = [
            "key: " + SwiftStringLiteral.make(field.key),
            "label: " + SwiftStringLiteral.make(field.label),
            "kind: ConnectorRuntime.FieldDescriptor.Kind." + field.type.rawValue,
            "supplier: ConnectorRuntime.FieldDescriptor.Supplier." + supplier,
            "required: " + (field.required ? "true" : "false"),
        ]
        if let value = field.defaultValue { arguments.append("defaultValue: " + SwiftStringLiteral.make(value)) }
        if let value = field.placeholder { arguments.append("placeholder: " + SwiftStringLiteral.make(value)) }
        if let value = field.help { arguments.append("help: " + SwiftStringLiteral.make(value)) }
        if let value = field.pattern { arguments.append("pattern: " + SwiftStringLiteral.make(value)) }
        var lines = ["ConnectorRuntime.FieldDescriptor("]
        lines += arguments.map { "    " + $0 + "," }
        let suffixes = field.hostSuffixes.isEmpty
            ? nil : "hostSuffixes: [" + field.hostSuffixes.map(SwiftStringLiteral.make).joined(separator: ", ") + "]"
        if field.options.isEmpty {
            if let suffixes { lines.append("    " + suffixes) } else { lines[lines.count - 1].removeLast() }
        } else {
            let options = field.options.map { option in
                ["ConnectorRuntime.FieldDescriptor.Option(value: " + SwiftStringLiteral.make(option.value) + ", label: "
                    + SwiftStringLiteral.make(option.label) + ")"]
            }
            lines += labelled("options", list(options), last: suffixes == nil).map { "    " + $0 }
            if let suffixes { lines.append("    " + suffixes) }
        }
        lines.append(")")
        return lines
    }

    private func guideExpression() -> [String] {
        let guide = variant.guide
        let requirements = spec.requirements.map { requirement in
            ["ConnectorRuntime.ConnectionGuide.Requirement(kind: " + SwiftStringLiteral.make(requirement.kind.rawValue) + ", text: "
                + SwiftStringLiteral.make(requirement.text) + ")"]
        }
        let sections = guide.sections.map { section -> [String] in
            let steps = section.steps.map { step -> [String] in
                var lines = ["ConnectorRuntime.ConnectionGuide.Step("]
                lines.append("    title: " + SwiftStringLiteral.make(step.title) + ",")
                lines.append("    text: " + SwiftStringLiteral.make(step.text) + (step.list.isEmpty && step.client == nil ? "" : ","))
                if !step.list.isEmpty {
                    lines += labelled("list", list(step.list.map { [SwiftStringLiteral.make($0)] }), last: step.client == nil)
                        .map { "    " + $0 }
                }
                if let client = step.client { lines.append("    client: ConnectorRuntime.OAuthClientSupplier." + client.rawValue) }
                lines.append(")")
                return lines
            }
            var lines = ["ConnectorRuntime.ConnectionGuide.Section("]
            lines.append("    title: " + SwiftStringLiteral.make(section.title) + ",")
            if let intro = section.intro { lines.append("    intro: " + SwiftStringLiteral.make(intro) + ",") }
            lines += labelled("steps", list(steps), last: section.client == nil).map { "    " + $0 }
            if let client = section.client { lines.append("    client: ConnectorRuntime.OAuthClientSupplier." + client.rawValue) }
            lines.append(")")
            return lines
        }
        let catalog = scopeCases()
        let scopes = (oauthCommon?.scopes?.defaults ?? []).map { name in
            let description = catalog.first { $0.rawValue == name }?.description
            return ["ConnectorRuntime.ConnectionGuide.Scope(name: " + SwiftStringLiteral.make(name) + ", description: "
                + literal(description) + ")"]
        }
        var lines = ["ConnectorRuntime.ConnectionGuide("]
        lines += labelled("requirements", list(requirements)).map { "    " + $0 }
        lines += labelled("warnings", list(guide.warnings.map { [SwiftStringLiteral.make($0)] })).map { "    " + $0 }
        lines += labelled("sections", list(sections)).map { "    " + $0 }
        lines += labelled("scopes", list(scopes), last: true).map { "    " + $0 }
        lines.append(")")
        return lines
    }

    /// `{ values in ... }`: one typed `let` per field read with `FieldValues`, then the typed
    /// `configuration(_:)` (which runs the field checks).
    private func configureClosure(_ fields: [ResolvedField]) -> [String] {
        var lines = [
            "{ (values: [Swift.String: Swift.String]) " + SwiftNames.throwsClause + " -> ConnectorRuntime.ConnectionConfiguration in"
        ]
        var arguments: [String] = []
        for (position, resolved) in fields.enumerated() {
            let local = "value" + String(position)
            lines.append("    let " + local + ": " + qualified(resolved.propertyType) + " = " + readExpression(resolved))
            arguments.append(argumentLabel(resolved.name) + ": " + local)
        }
        lines.append("    return try configuration(Fields(" + arguments.joined(separator: ", ") + "))")
        lines.append("}")
        return lines
    }

    /// A property name as an argument label at a call site: keywords need no backticks there
    /// (the compiler warns about them), except `inout` and `_`.
    private func argumentLabel(_ name: String) -> String {
        guard name.hasPrefix("`"), name.hasSuffix("`"), name.count > 2 else { return name }
        let bare = String(name.dropFirst().dropLast())
        return bare == "inout" || bare == "_" ? name : bare
    }

    /// Select enums are nested in `Fields`.
    private func qualified(_ type: String) -> String {
        type.hasPrefix("Swift.") || type.hasPrefix("ConnectorRuntime.") ? type : "Fields." + type
    }

    private func readExpression(_ resolved: ResolvedField) -> String {
        let field = resolved.field
        let key = SwiftStringLiteral.make(field.key)
        let reader: String
        switch field.type {
        case .text, .url, .hostname, .email: reader = "Text"
        case .secret: reader = "Secret"
        case .number: reader = "Integer"
        case .boolean: reader = "Boolean"
        case .select: reader = "Option"
        }
        let call = "ConnectorRuntime.FieldValues."
        let throwing = field.type != .text && field.type != .url && field.type != .hostname && field.type != .email
            && field.type != .secret
        if resolved.isOptional {
            return (throwing ? "try " : "") + call + "optional" + reader + "(values, " + key + ")"
        }
        let fallback = defaultLiteral(resolved) ?? "nil"
        return "try " + call + reader.prefix(1).lowercased() + reader.dropFirst() + "(values, " + key + ", default: " + fallback + ")"
    }

    /// The field's default as a Swift expression (what `Fields.init` would use), or `nil`.
    private func defaultLiteral(_ resolved: ResolvedField) -> String? {
        guard resolved.field.defaultValue != nil, let expression = try? defaultExpression(resolved) else { return nil }
        if resolved.field.type == .select { return "Fields." + expression }
        return expression
    }
}
