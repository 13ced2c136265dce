// Field rules: secret-looking text fields, invalid patterns, duplicate options, defaults of the
// wrong type or outside the options or pattern, duplicate field keys and variant ids, unused fields.

import Foundation

extension SemanticValidator {
    mutating func collectFields(_ list: JSONNode?, variant: Int?) -> [FieldInfo] {
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

    mutating func checkField(_ field: JSONNode, info: FieldInfo) {
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

    static let secretWordBytes: [[UInt8]] = secretWords.map { Array($0.utf8) }

    static func wholeMatch(_ regex: NSRegularExpression, _ text: String) -> Bool {
        let range = NSRange(text.startIndex..., in: text)
        guard let match = regex.firstMatch(in: text, options: [.anchored], range: range) else { return false }
        return match.range == range
    }

    mutating func checkDuplicateFields() {
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

    mutating func duplicateField(_ field: FieldInfo, first: FieldInfo, atConnectorLevel: Bool) {
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

    mutating func checkDuplicateVariantIDs(_ variants: [JSONNode]) {
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
        // The picker shows variants by label: two equal labels are two identical choices.
        var labels: [String: JSONNode] = [:]
        for variant in variants {
            guard let labelNode = variant["label"], let label = labelNode.stringValue, !label.isEmpty else { continue }
            let folded = label.trimmingCharacters(in: .whitespaces).lowercased()
            if let first = labels[folded] {
                collector.error(
                    "duplicate-variant-label", "this auth variant has the same label as another, so the picker shows two identical choices",
                    hint: "name what differs, e.g. \"OAuth 2.0 (client credentials)\"; the other is at line \(first.position.line)",
                    at: labelNode.position, pointer: labelNode.pointer)
            } else {
                labels[folded] = labelNode
            }
        }
    }

    mutating func checkUnusedFields() {
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

    mutating func unusedField(_ field: FieldInfo) {
        collector.warning(
            "field-unused", "field '\(field.key)' is never used in a template",
            hint: "use it as '{{\(field.key)}}' or remove it", at: field.keyNode.position, pointer: field.keyNode.pointer)
    }
}
