// Parses template strings per the grammar in Model/Template.swift:
//   placeholder := "{{" reference ("|" filter)* "}}"   (whitespace inside braces ignored)
//   reference   := fieldKey | "token." name | "redirectURI"

/// A syntax error in a template, located by Unicode-scalar offset in the decoded string.
public struct TemplateSyntaxError: Error, Sendable, Hashable {
    /// Stable rule id: `template-syntax` or `template-unknown-filter`.
    public var rule: String
    /// What is wrong, never quoting the template.
    public var message: String
    /// How to fix it, when there is a clear fix.
    public var hint: String?
    /// Offset in Unicode scalars from the start of the string.
    public var scalarOffset: Int
}

/// Parses template strings into `Template` values.
public enum TemplateParser {
    /// Parses `raw`, found at `pointer`, into a template.
    ///
    /// ```swift
    /// let template = try TemplateParser.parse("https://{{subdomain}}.example.com", pointer: "/api/baseURL")
    /// template.fieldReferences // ["subdomain"]
    /// ```
    public static func parse(_ raw: String, pointer: JSONPointer) throws(TemplateSyntaxError) -> Template {
        Template(pointer: pointer, raw: raw, parts: try parts(of: raw).map(\.part))
    }

    /// The parts of `raw` with the scalar offset where each starts.
    static func parts(of raw: String) throws(TemplateSyntaxError) -> [(part: TemplatePart, offset: Int)] {
        let view = raw.unicodeScalars
        let scalars = Array(view)
        var parts: [(part: TemplatePart, offset: Int)] = []
        // The pending literal is scalars literalStart..<index, string indices literalIndex..<position;
        // it is copied out as one slice rather than built scalar by scalar.
        var literalStart = 0
        var literalIndex = view.startIndex
        var index = 0
        var position = view.startIndex
        while index < scalars.count {
            if scalars[index] == "{", index + 1 < scalars.count, scalars[index + 1] == "{" {
                if index > literalStart {
                    parts.append((.literal(String(view[literalIndex..<position])), literalStart))
                }
                let start = index
                guard let close = findClose(scalars, from: index + 2) else {
                    throw TemplateSyntaxError(
                        rule: "template-syntax", message: "'{{' is not closed", hint: "add '}}' after the name",
                        scalarOffset: start)
                }
                let body = String(String.UnicodeScalarView(scalars[(index + 2)..<close]))
                parts.append((try placeholder(body, offset: start), start))
                position = view.index(position, offsetBy: close + 2 - index)
                index = close + 2
                literalStart = index
                literalIndex = position
            } else {
                index += 1
                position = view.index(after: position)
            }
        }
        if index > literalStart {
            parts.append((.literal(String(view[literalIndex..<position])), literalStart))
        }
        return parts
    }

    private static func findClose(_ scalars: [Unicode.Scalar], from start: Int) -> Int? {
        var index = start
        while index + 1 < scalars.count {
            if scalars[index] == "{" && scalars[index + 1] == "{" { return nil }
            if scalars[index] == "}" && scalars[index + 1] == "}" { return index }
            index += 1
        }
        return nil
    }

    private static func placeholder(_ body: String, offset: Int) throws(TemplateSyntaxError) -> TemplatePart {
        let pieces = body.split(separator: "|", omittingEmptySubsequences: false)
            .map { String($0).trimmingSpaces() }
        let name = pieces[0]
        guard !name.isEmpty else {
            throw TemplateSyntaxError(
                rule: "template-syntax", message: "a placeholder has no field name",
                hint: "write '{{fieldKey}}'", scalarOffset: offset)
        }
        let reference: TemplateReference
        if name == "redirectURI" {
            reference = .redirectURI
        } else if name.hasPrefix("token.") {
            let field = String(name.dropFirst("token.".count))
            guard !field.isEmpty, field.unicodeScalars.allSatisfy(isTokenFieldScalar) else {
                throw TemplateSyntaxError(
                    rule: "template-syntax", message: "a '{{token.NAME}}' placeholder has an invalid name",
                    hint: "use a token-response field such as '{{token.instance_url}}'", scalarOffset: offset)
            }
            reference = .tokenField(field)
        } else if name.hasPrefix("discovered.") {
            let value = String(name.dropFirst("discovered.".count))
            guard let first = value.unicodeScalars.first, !("0"..."9").contains(first),
                  value.unicodeScalars.allSatisfy({ isFieldKeyScalar($0) || $0 == "_" }) else {
                throw TemplateSyntaxError(
                    rule: "template-syntax", message: "a '{{discovered.NAME}}' placeholder has an invalid name",
                    hint: "use a name declared in the variant's 'discovery' 'values', such as '{{discovered.cloudId}}'",
                    scalarOffset: offset)
            }
            reference = .discovered(value)
        } else {
            guard let first = name.unicodeScalars.first, !("0"..."9").contains(first),
                  name.unicodeScalars.allSatisfy({ isFieldKeyScalar($0) || $0 == "_" }) else {
                throw TemplateSyntaxError(
                    rule: "template-syntax", message: "a placeholder is not a field key",
                    hint: "field keys are lowerCamelCase, e.g. '{{apiKey}}'", scalarOffset: offset)
            }
            reference = .field(name)
        }
        var filters: [TemplateFilter] = []
        for filterName in pieces.dropFirst() {
            guard !filterName.isEmpty else {
                throw TemplateSyntaxError(
                    rule: "template-syntax", message: "a placeholder has an empty filter after '|'",
                    hint: "remove the '|' or name a filter: base64, urlencode", scalarOffset: offset)
            }
            guard let filter = TemplateFilter(rawValue: filterName) else {
                let names = TemplateFilter.allCases.map(\.rawValue)
                throw TemplateSyntaxError(
                    rule: "template-unknown-filter", message: "unknown template filter '\(filterName)'",
                    hint: Suggestion.didYouMean(filterName, in: names)
                        ?? "filters are \(names.joined(separator: ", "))",
                    scalarOffset: offset)
            }
            filters.append(filter)
        }
        return .placeholder(reference, filters: filters)
    }

    private static func isFieldKeyScalar(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }

    private static func isTokenFieldScalar(_ scalar: Unicode.Scalar) -> Bool {
        isFieldKeyScalar(scalar) || scalar == "_" || scalar == "-" || scalar == "."
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    fileprivate func trimmingSpaces() -> String {
        let set = " \t"
        let scalars = unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, set.unicodeScalars.contains(scalars[start]) { start = scalars.index(after: start) }
        while end > start, set.unicodeScalars.contains(scalars[scalars.index(before: end)]) {
            end = scalars.index(before: end)
        }
        return String(scalars[start..<end])
    }
}

/// Maps an offset inside a decoded JSON string to its position in the source text, accounting for
/// escapes, so template diagnostics point at the placeholder itself.
enum StringPositions {
    static func position(of scalarOffset: Int, in node: JSONNode, source: [UInt8]) -> SourcePosition {
        var byte = node.position.offset
        var column = node.position.column
        guard byte < source.count, source[byte] == UInt8(ascii: "\"") else { return node.position }
        byte += 1
        column += 1
        var remaining = scalarOffset
        while remaining > 0, byte < source.count, source[byte] != UInt8(ascii: "\"") {
            if source[byte] == UInt8(ascii: "\\") {
                if byte + 1 < source.count, source[byte + 1] == UInt8(ascii: "u") {
                    let isHigh = byte + 2 < source.count && (source[byte + 2] | 0x20) == UInt8(ascii: "d")
                        && byte + 3 < source.count
                        && [UInt8(ascii: "8"), UInt8(ascii: "9"), UInt8(ascii: "a"), UInt8(ascii: "b")]
                            .contains(source[byte + 3] | 0x20)
                    let length = isHigh && byte + 7 < source.count && source[byte + 6] == UInt8(ascii: "\\") ? 12 : 6
                    byte += length
                    column += length
                } else {
                    byte += 2
                    column += 2
                }
            } else {
                let lead = source[byte]
                byte += lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
                column += 1
            }
            remaining -= 1
        }
        return SourcePosition(line: node.position.line, column: column, offset: byte)
    }
}
