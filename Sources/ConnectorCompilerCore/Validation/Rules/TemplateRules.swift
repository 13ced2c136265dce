// Templates: what each placeholder may name in each slot (fields, token-response fields,
// discovered values, the redirect URI) and secrets in URLs or plain headers.

import Foundation

extension SemanticValidator {
    func field(_ key: String, variant: Int?) -> FieldInfo? {
        if let field = connectorFields.first(where: { $0.key == key }) { return field }
        if let variant, variant < variantFields.count { return variantFields[variant].first { $0.key == key } }
        return nil
    }

    mutating func use(_ key: String, variant: Int?) {
        if connectorFields.contains(where: { $0.key == key }) {
            usedConnectorKeys.insert(key)
        } else if let variant, variant + 1 < usedKeys.count {
            usedKeys[variant + 1].insert(key)
        }
    }

    mutating func checkTemplate(_ slot: Slot, variant: Int?, tokenFields: [String]?, discovered: [String]?) {
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
}
