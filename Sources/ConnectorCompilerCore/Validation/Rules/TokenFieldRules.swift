// Rules about the token-response fields an OAuth variant names: `tokenResponseFields` (used in
// templates as `{{token.NAME}}`) and `accountMetadata` (kept for the app after linking).
// - `token-field-standard`: the runtime parses access_token, refresh_token, token_type,
//   expires_in and scope itself; they are never available by name.
// - `duplicate-token-field`: a name listed twice.
// - `token-field-unused`: a `tokenResponseFields` entry no template uses.

enum TokenFieldRules {
    /// Token-response fields the runtime consumes (see `TokenResponseParser`).
    static let standardFields: Set<String> = ["access_token", "refresh_token", "token_type", "expires_in", "scope"]

    /// `used`: the names `{{token.NAME}}` templates of the variant use; `usesReliable`: `false`
    /// when some template could not be read, so use is unknown.
    static func check(_ variant: JSONNode, used: Set<String>, usesReliable: Bool, collector: inout DiagnosticCollector) {
        for key in ["tokenResponseFields", "accountMetadata"] {
            var seen: [String: JSONNode] = [:]
            for node in variant[key]?.arrayValue ?? [] {
                guard let name = node.stringValue, !name.isEmpty else { continue }
                if standardFields.contains(name) {
                    collector.error(
                        "token-field-standard", "'\(name)' is read by the runtime itself and is not kept as a token-response field",
                        hint: "remove it from '\(key)'", at: node.position, pointer: node.pointer)
                } else if let first = seen[name] {
                    collector.error(
                        "duplicate-token-field", "'\(name)' is listed twice in '\(key)'",
                        hint: "first listed at line \(first.position.line)", at: node.position, pointer: node.pointer)
                } else {
                    seen[name] = node
                    if key == "tokenResponseFields", usesReliable, !used.contains(name) {
                        collector.warning(
                            "token-field-unused", "token-response field '\(name)' is never used in a template",
                            hint: "use it as '{{token.\(name)}}' in 'baseURL' or 'headers', list it in 'accountMetadata' to keep it for the app, or remove it",
                            at: node.position, pointer: node.pointer)
                    }
                }
            }
        }
    }
}
