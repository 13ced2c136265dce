// Scopes: duplicates, whitespace or the separator in a name, required scopes not requested or
// missing from the catalog.

import Foundation

extension SemanticValidator {
    mutating func checkScopes(_ scopes: JSONNode) {
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
        let requested = defaults.union((scopes["required"]?.arrayValue ?? []).compactMap(\.stringValue))
        for node in (scopes["granted"]?.arrayValue ?? []).compactMap({ $0["name"] }) {
            guard let name = node.stringValue, !name.isEmpty else { continue }
            checkScopeName(node, name: name, separator: separator)
            if requested.contains(name) {
                collector.error(
                    "scope-granted-requested", "scope '\(name)' is both requested and listed in 'granted', which lists what is granted without being requested",
                    hint: "keep it in 'default' (requested) or in 'granted' (consented outside the request), not both",
                    at: node.position, pointer: node.pointer)
            }
        }
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

    mutating func checkScopeName(_ node: JSONNode, name: String, separator: String) {
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
}
