// The three gates every piece of spec data passes on its way into generated Swift: string
// literals, doc comments and identifiers. Nothing else in the generator writes spec text.

/// Writes any string as a single-line Swift string literal, quotes included.
///
/// Escapes `\`, `"`, every control character, line and paragraph separators and bidirectional
/// formatting characters as `\u{..}`, so the literal's value is the input, byte for byte, and
/// the source line cannot be broken, interpolated or visually reordered.
public enum SwiftStringLiteral {
    /// `"..."` holding exactly `text`.
    public static func make(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if SwiftText.needsEscape(scalar) {
                    out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

/// Turns spec text into `///` doc-comment lines that cannot end the comment or inject code.
public enum DocCommentText {
    /// One comment line (without `///`) per line of `text`. Line breaks of any kind split lines;
    /// other control and bidirectional formatting characters are shown as `\u{..}` text.
    /// Empty input gives no lines.
    public static func lines(_ text: String) -> [String] {
        guard !text.isEmpty else { return [] }
        if let line = printableASCIILine(text) { return [line] }
        var lines: [String] = []
        var current = ""
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\n" && previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = scalar == "\r"
            if SwiftText.isLineBreak(scalar) {
                lines.append(current)
                current = ""
            } else if SwiftText.needsEscape(scalar) {
                current += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                current.unicodeScalars.append(scalar)
            }
        }
        lines.append(current)
        return lines.map { line in
            var trimmed = Substring(line)
            while let last = trimmed.last, last == " " { trimmed = trimmed.dropLast() }
            return String(trimmed)
        }
    }
}

extension DocCommentText {
    /// The common case, checked byte by byte: printable ASCII only, so one line with trailing
    /// spaces removed. `nil` when the text has anything else.
    static func printableASCIILine(_ text: String) -> String? {
        var text = text
        return text.withUTF8 { bytes -> String? in
            var end = 0
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                guard byte >= 0x20, byte < 0x7F else { return nil }
                index += 1
                if byte != 0x20 { end = index }
            }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[0..<end]), as: UTF8.self)
        }
    }
}

/// Character classes shared by the literal escaper and the comment sanitiser.
enum SwiftText {
    static func isLineBreak(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029: true
        default: false
        }
    }

    /// Control characters, line/paragraph separators, bidi controls, BOM and noncharacters.
    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x2028, 0x2029: true
        case 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x206F: true
        case 0xFEFF, 0xFFF9...0xFFFB: true
        default: false
        }
    }
}

/// Makes Swift identifiers from arbitrary strings (field keys, option values, scope names,
/// variant ids), unique within one scope.
///
/// camelCase from the ASCII letters and digits of the input; a leading digit gets a `_`
/// prefix, input without letters or digits becomes `_unnamed`; Swift keywords are wrapped in
/// backticks; names that cannot be members (`self`, `init`, `rawValue`, ...) get a `_` suffix;
/// collisions get `2`, `3`, ... in order of first use.
public struct IdentifierMaker: Sendable {
    /// Case of the first letter.
    public enum Style: Sendable { case lowerCamel, upperCamel }

    private var taken: Set<String>

    /// A scope where `reserved` names are already taken (compared without backticks).
    public init(reserved: [String] = []) {
        taken = Set(reserved)
    }

    /// A fresh identifier for `raw`, backticked when it is a keyword.
    public mutating func make(_ raw: String, style: Style) -> String {
        var base = Self.camelCase(raw, style: style)
        if Self.unusableAsMember.contains(base) { base += "_" }
        var candidate = base
        var counter = 2
        while taken.contains(candidate) {
            candidate = base + String(counter)
            counter += 1
        }
        taken.insert(candidate)
        return Self.keywords.contains(candidate) ? "`" + candidate + "`" : candidate
    }

    /// camelCase of the ASCII letter and digit runs of `raw`, without collision handling.
    static func camelCase(_ raw: String, style: Style) -> String {
        var words: [String] = []
        var current = ""
        for scalar in raw.unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || (scalar >= "0" && scalar <= "9") {
                current.unicodeScalars.append(scalar)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        guard !words.isEmpty else { return "_unnamed" }
        var result = ""
        for (index, word) in words.enumerated() {
            if index == 0 && style == .lowerCamel {
                result += word.allSatisfy(\.isUppercase) ? word.lowercased() : lowerFirst(word)
            } else {
                result += upperFirst(word)
            }
        }
        if let first = result.unicodeScalars.first, first >= "0" && first <= "9" {
            result = "_" + result
        }
        return result
    }

    private static func lowerFirst(_ word: String) -> String {
        word.prefix(1).lowercased() + word.dropFirst()
    }

    private static func upperFirst(_ word: String) -> String {
        word.prefix(1).uppercased() + word.dropFirst()
    }

    /// Names that cannot be declared as members even with backticks, or would clash with
    /// members every generated type has.
    static let unusableAsMember: Set<String> = [
        "self", "Self", "init", "deinit", "subscript", "Type", "Protocol", "rawValue", "allCases",
        "hashValue", "hash", "AllCases", "RawValue", "Any",
    ]

    /// Swift keywords (declaration, statement, expression and type keywords, plus contextual
    /// keywords that would be ambiguous) that need backticks as identifiers.
    static let keywords: Set<String> = [
        "associatedtype", "borrowing", "class", "consuming", "deinit", "enum", "extension", "fileprivate",
        "func", "import", "init", "inout", "internal", "let", "nonisolated", "open", "operator",
        "private", "precedencegroup", "protocol", "public", "rethrows", "static", "struct", "subscript",
        "typealias", "var", "break", "case", "catch", "continue", "default", "defer", "do", "else",
        "fallthrough", "for", "guard", "if", "in", "repeat", "return", "throw", "switch", "where",
        "while", "as", "false", "is", "nil", "super", "throws", "true", "try", "await", "any",
        "some", "async", "actor", "macro", "package", "each", "then", "discard", "sending",
        "_", "__shared", "__owned",
    ]
}
