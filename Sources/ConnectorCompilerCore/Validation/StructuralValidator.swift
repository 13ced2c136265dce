// Checks a JSON tree against the `SpecFormat` table: unknown keys, value kinds, required keys,
// `null`, empty strings, enumerations, patterns, per-type auth keys. Everything here is also
// expressed by the generated JSON Schema.

import Foundation

struct StructuralValidator {
    var collector: DiagnosticCollector

    /// How objects of each kind are called in messages.
    static let nouns: [String: String] = [
        "connector": "the connector", "requirement": "a requirement", "field": "a field", "option": "an option",
        "api": "'api'", "verify": "'verify'", "authVariant": "an auth variant", "basicCredentials": "'basic'",
        "scopes": "'scopes'", "scopeEntry": "a scope", "discovery": "'discovery'", "discoveryMatch": "'match'", "guide": "'guide'", "guideSection": "a guide section",
        "guideStep": "a guide step", "resource": "a resource", "recordField": "a record field",
        "listOperation": "'list'", "getOperation": "'get'", "operationInput": "an input", "pagination": "'pagination'",
    ]

    mutating func validate(root: JSONNode) {
        check(root, kind: .object(SpecFormat.root), label: "the document")
    }

    // MARK: - Values

    /// Checks one value; `required` is `true` for a required key, `false` for an optional one and
    /// `nil` for array items and map values (it only shapes the hint for `null`).
    private mutating func check(_ node: JSONNode, kind: ValueKind, label: @autoclosure () -> String, required: Bool? = nil) {
        if case .null = node.value {
            let hint = switch required {
            case true?: "give it a value"
            case false?: "leave the key out if it has no value"
            case nil: "remove it"
            }
            collector.error("null-value", "\(label()) is null; null is never a valid value", hint: hint,
                            at: node.position, pointer: node.pointer)
            return
        }
        switch kind {
        case .string(let pattern, let allowEmpty):
            guard let text = expectString(node, label: label(), allowEmpty: allowEmpty) else { return }
            if let pattern, !text.isEmpty, !Self.matches(text, pattern.regex) {
                collector.error(pattern.rule, "\(label()) must \(pattern.requirement)", at: node.position,
                                pointer: node.pointer)
            }
        case .template, .url:
            _ = expectString(node, label: label(), allowEmpty: false)
        case .integer(let minimum):
            guard case .number = node.value, let value = node.intValue else {
                wrongKind(node, label: label(), expected: "an integer")
                return
            }
            if value < minimum {
                collector.error("out-of-range", "\(label()) must be at least \(minimum)", at: node.position,
                                pointer: node.pointer)
            }
        case .boolean:
            if node.boolValue == nil { wrongKind(node, label: label(), expected: "true or false") }
        case .constant(let expected):
            if node.intValue != expected {
                collector.error(
                    "spec-version", "\(label()) must be \(expected)",
                    hint: "this compiler reads format version \(expected) only", at: node.position,
                    pointer: node.pointer)
            }
        case .enumeration(let allowed):
            guard let text = expectString(node, label: label(), allowEmpty: true) else { return }
            if !allowed.contains(text) {
                collector.error(
                    "invalid-value",
                    "\(label()) must be one of \(allowed.map(quoted).joined(separator: ", "))",
                    hint: Suggestion.closestValueHint(text, in: allowed), at: node.position, pointer: node.pointer)
            }
        case .enumerationList(let allowed):
            guard let elements = node.arrayValue else {
                if node.stringValue == nil {
                    wrongKind(node, label: label(), expected: "a string or an array of strings")
                } else {
                    check(node, kind: .enumeration(allowed), label: label())
                }
                return
            }
            if elements.isEmpty {
                collector.error("empty-array", "\(label()) must have at least one item", at: node.position, pointer: node.pointer)
            }
            var seen: [String] = []
            for element in elements {
                check(element, kind: .enumeration(allowed), label: "each item of \(label())")
                guard let text = element.stringValue else { continue }
                if seen.contains(text) {
                    collector.error(
                        "duplicate-value", "\(label()) lists \(quoted(text)) twice", hint: "remove the repeat",
                        at: element.position, pointer: element.pointer)
                }
                seen.append(text)
            }
        case .array(let element, let minItems):
            guard let elements = node.arrayValue else {
                wrongKind(node, label: label(), expected: "an array")
                return
            }
            if elements.count < minItems {
                collector.error(
                    "empty-array", "\(label()) must have at least \(minItems == 1 ? "one item" : "\(minItems) items")",
                    at: node.position, pointer: node.pointer)
            }
            for item in elements {
                check(item, kind: element, label: "each item of \(label())")
            }
        case .object(let name):
            checkObject(node, kind: SpecFormat.objectKind(name), label: label())
        case .templateMap:
            guard let members = node.members else {
                wrongKind(node, label: label(), expected: "an object of names and templates")
                return
            }
            for member in members {
                if member.key.isEmpty {
                    collector.error("empty-string", "a name in \(label()) is empty", at: member.keyPosition,
                                    pointer: member.value.pointer)
                }
                check(member.value, kind: .template(url: false), label: "'\(member.key)'")
            }
        case .stringMap(let namePattern, let valuePattern):
            guard let members = node.members else {
                wrongKind(node, label: label(), expected: "an object of names and strings")
                return
            }
            if members.isEmpty {
                collector.error("empty-object", "\(label()) must have at least one member", at: node.position,
                                pointer: node.pointer)
            }
            for member in members {
                if !Self.matches(member.key, namePattern.regex) {
                    collector.error(namePattern.rule, "the name '\(member.key)' in \(label()) must \(namePattern.requirement)",
                                    at: member.keyPosition, pointer: member.value.pointer)
                }
                check(member.value, kind: .string(pattern: valuePattern, allowEmpty: true), label: "'\(member.key)'")
            }
        case .scalar:
            switch node.value {
            case .string, .number, .bool: break
            default: wrongKind(node, label: label(), expected: "a string, number or boolean")
            }
        case .anyJSON:
            checkNoNull(node)
        }
    }

    private mutating func checkNoNull(_ node: JSONNode) {
        switch node.value {
        case .null:
            collector.error("null-value", "null is never a valid value", hint: "remove it or give it a value",
                            at: node.position, pointer: node.pointer)
        case .array(let elements):
            for element in elements { checkNoNull(element) }
        case .object(let members):
            for member in members { checkNoNull(member.value) }
        default:
            break
        }
    }

    private mutating func expectString(_ node: JSONNode, label: @autoclosure () -> String, allowEmpty: Bool) -> String? {
        guard let text = node.stringValue else {
            wrongKind(node, label: label(), expected: "a string")
            return nil
        }
        if text.isEmpty && !allowEmpty {
            collector.error("empty-string", "\(label()) must not be empty", hint: "leave the key out if it has no value",
                            at: node.position, pointer: node.pointer)
        }
        return text
    }

    private mutating func wrongKind(_ node: JSONNode, label: @autoclosure () -> String, expected: String) {
        collector.error("wrong-type", "\(label()) must be \(expected), not \(Self.article(node.kindName))",
                        at: node.position, pointer: node.pointer)
    }

    static func article(_ kindName: String) -> String {
        switch kindName {
        case "object", "array": "an \(kindName)"
        case "null": "null"
        default: "a \(kindName)"
        }
    }

    // MARK: - Objects

    private mutating func checkObject(_ node: JSONNode, kind: ObjectKind, label: @autoclosure () -> String) {
        guard let members = node.members else {
            wrongKind(node, label: label(), expected: "an object")
            return
        }
        let noun = Self.nouns[kind.name] ?? kind.name
        var variant: ObjectVariant?
        if let discriminator = kind.discriminator, let value = node[discriminator]?.stringValue {
            variant = kind.variants.first { $0.value == value }
        }
        let allowed = variant.map { kind.keys + $0.keys } ?? kind.keys

        for member in members {
            if let spec = allowed.first(where: { $0.name == member.key }) {
                check(member.value, kind: spec.kind, label: "'\(member.key)'", required: spec.required)
            } else if let variant, let other = kind.allKeys.first(where: { $0.name == member.key }) {
                collector.error(
                    "auth-parameter-not-allowed",
                    "'\(member.key)' is not allowed for type '\(variant.value)'",
                    hint: "remove it, or change 'type' to \(owners(of: other.name, in: kind))",
                    at: member.keyPosition, pointer: member.value.pointer)
            } else if variant == nil, let spec = kind.allKeys.first(where: { $0.name == member.key }) {
                // The type is missing or unknown: check the value anyway.
                check(member.value, kind: spec.kind, label: "'\(member.key)'")
            } else {
                collector.error(
                    "unknown-key", "unknown key '\(member.key)' in \(noun)",
                    hint: Suggestion.didYouMean(member.key, in: (variant == nil ? kind.allKeys : allowed).map(\.name)),
                    at: member.keyPosition, pointer: member.value.pointer)
            }
        }

        // Objects have a handful of members: a linear scan beats building a set.
        let present = PresentKeys(members: members)
        for spec in kind.keys where spec.required && !present.contains(spec.name) {
            var hint: String?
            if case .enumeration(let values) = spec.kind {
                hint = "add it with one of \(values.map(quoted).joined(separator: ", "))"
            }
            collector.error("missing-key", "\(noun) is missing the required key '\(spec.name)'", hint: hint,
                            at: node.position, pointer: node.pointer)
        }
        guard let variant else {
            checkConditions(kind.conditions, node: node, present: present, noun: noun)
            return
        }
        for spec in variant.keys where spec.required && !present.contains(spec.name) {
            collector.error("auth-missing-parameter", "type '\(variant.value)' requires '\(spec.name)'",
                            at: node.position, pointer: node.pointer)
        }
        checkConditions(kind.conditions + variant.conditions, node: node, present: present, noun: noun)
        for group in variant.exactlyOne {
            let given = group.keys.filter(present.contains)
            if given.count != 1 {
                let names = group.keys.map { "'\($0)'" }.joined(separator: " or ")
                collector.error(
                    group.rule,
                    "type '\(variant.value)' needs exactly one of \(names)",
                    hint: given.isEmpty ? nil : "keep one of them", at: node.position, pointer: node.pointer)
            }
        }
    }

    /// The keys of an object, for "is this key present" questions.
    private struct PresentKeys {
        let members: [JSONMember]

        func contains(_ key: String) -> Bool {
            members.contains { $0.key == key }
        }
    }

    private func owners(of key: String, in kind: ObjectKind) -> String {
        let names = kind.variants.filter { $0.keys.contains { $0.name == key } }.map { "'\($0.value)'" }
        if names.count <= 2 { return names.joined(separator: " or ") }
        return names.dropLast().joined(separator: ", ") + " or " + names.last!
    }

    private mutating func checkConditions(_ conditions: [KeyCondition], node: JSONNode, present: PresentKeys,
                                          noun: String) {
        for condition in conditions {
            let actual: [String]?
            if let value = node[condition.key] {
                // A list (`stop`: several rules) holds the value when one of its items is it.
                if let items = value.arrayValue {
                    actual = items.compactMap(\.stringValue)
                } else {
                    guard let text = value.stringValue else { continue }
                    actual = [text]
                }
            } else {
                actual = condition.defaultValue.map { [$0] }
            }
            guard let actual else { continue }
            let isList = node[condition.key]?.arrayValue != nil
            guard actual.contains(condition.value) == condition.equals else { continue }
            let verb = isList ? "includes" : "is"
            let when = condition.equals
                ? "when '\(condition.key)' \(verb) \(quoted(condition.value))"
                : "unless '\(condition.key)' \(verb) \(quoted(condition.value))"
            for key in condition.required where !present.contains(key) {
                collector.error(condition.rule, "'\(key)' is required \(when)", at: node.position,
                                pointer: node.pointer)
            }
            for key in condition.forbidden where present.contains(key) {
                guard let member = node.members?.first(where: { $0.key == key }) else { continue }
                let allowedWhen = condition.equals
                    ? "not allowed when '\(condition.key)' \(verb) \(quoted(condition.value))"
                    : "allowed only when '\(condition.key)' \(isList ? "includes" : "is") \(quoted(condition.value))"
                collector.error(condition.rule, "'\(key)' is \(allowedWhen)", hint: "remove it",
                                at: member.keyPosition, pointer: member.value.pointer)
            }
        }
    }

    // MARK: - Regular expressions

    /// Whether `text` matches `pattern`. The format's own patterns take a fast path; they are
    /// checked on every spec, and compiling a regular expression each time would dominate.
    static func matches(_ text: String, _ pattern: String) -> Bool {
        let scalars = text.unicodeScalars
        func isLower(_ scalar: Unicode.Scalar) -> Bool { ("a"..."z").contains(scalar) }
        func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }
        switch pattern {
        case SpecFormat.identifierPattern.regex:
            guard let first = scalars.first, isLower(first) else { return false }
            return scalars.allSatisfy { isLower($0) || isDigit($0) || $0 == "_" }
        case SpecFormat.fieldKeyPattern.regex:
            guard let first = scalars.first, isLower(first) else { return false }
            return scalars.allSatisfy { isLower($0) || ("A"..."Z").contains($0) || isDigit($0) }
        case SpecFormat.verifyPathPattern.regex:
            return text.hasPrefix("/") || text.hasPrefix("https://") || text.hasPrefix("http://")
        default:
            guard let regex = try? NSRegularExpression(pattern: pattern) else { return false }
            return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        }
    }
}
