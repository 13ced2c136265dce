// Templates are strings with `{{placeholder}}` parts. They are parsed once, at validation, into
// this small AST so generators never see raw placeholder syntax.
//
// Grammar (whitespace inside braces is allowed and ignored):
//   template    := (literal | placeholder)*
//   placeholder := "{{" reference ("|" filter)* "}}"
//   reference   := fieldKey | "token." name | "discovered." name | "redirectURI"
//   filter      := "base64" | "urlencode"
// A literal `{{` cannot be written; a lone `{` or `}` is an ordinary character.

/// A filter applied to a placeholder's value.
public enum TemplateFilter: String, Sendable, Hashable, CaseIterable {
    /// Standard base64 of the UTF-8 bytes, with padding.
    case base64
    /// Percent-encoding of everything but RFC 3986 unreserved characters.
    case urlencode
}

/// What a placeholder refers to.
public enum TemplateReference: Sendable, Hashable {
    /// A field declared at connector level or in the same auth variant.
    case field(String)
    /// A field of the token response listed in `tokenResponseFields` (`{{token.instance_url}}`).
    case tokenField(String)
    /// A value found by the variant's `discovery` request (`{{discovered.cloudId}}`).
    case discovered(String)
    /// The connection's OAuth redirect URI (only in OAuth `refreshParams` and `tokenParams`).
    case redirectURI
}

/// One part of a template.
public enum TemplatePart: Sendable, Hashable {
    case literal(String)
    case placeholder(TemplateReference, filters: [TemplateFilter])
}

/// A parsed template string.
public struct Template: Sendable, Hashable {
    /// Where the template string is in the spec.
    public var pointer: JSONPointer
    /// The string as written in the spec.
    public var raw: String
    public var parts: [TemplatePart]

    public init(pointer: JSONPointer, raw: String, parts: [TemplatePart]) {
        self.pointer = pointer
        self.raw = raw
        self.parts = parts
    }

    /// A template with no placeholders.
    public static func literal(_ text: String, pointer: JSONPointer = "") -> Template {
        Template(pointer: pointer, raw: text, parts: text.isEmpty ? [] : [.literal(text)])
    }

    /// Fields this template refers to, in order of first use.
    public var fieldReferences: [String] {
        var seen: [String] = []
        for case .placeholder(.field(let key), _) in parts where !seen.contains(key) {
            seen.append(key)
        }
        return seen
    }

    /// `true` when the template has no placeholders.
    public var isLiteral: Bool {
        parts.allSatisfy { if case .literal = $0 { true } else { false } }
    }
}
