// Output formats of `connector-compiler validate`.

/// Renders diagnostics for people (swiftc style), machines (JSON) and GitHub Actions.
public enum DiagnosticFormatter {
    /// `path:line:column: error: message (hint) [rule]`, one line each, as swiftc prints them.
    public static func text(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map { $0.textLine + "\n" }.joined()
    }

    /// A JSON array with one object per diagnostic: `file`, `line`, `column`, `severity`, `rule`,
    /// `message`, `hint` (string or null) and `pointer`.
    public static func json(_ diagnostics: [Diagnostic]) -> String {
        guard !diagnostics.isEmpty else { return "[]\n" }
        let entries = diagnostics.map { diagnostic in
            "  {\"file\": \(JSONText.escape(diagnostic.file)), \"line\": \(diagnostic.line), "
                + "\"column\": \(diagnostic.column), \"severity\": \(JSONText.escape(diagnostic.severity.rawValue)), "
                + "\"rule\": \(JSONText.escape(diagnostic.rule)), \"message\": \(JSONText.escape(diagnostic.message)), "
                + "\"hint\": \(diagnostic.hint.map(JSONText.escape) ?? "null"), "
                + "\"pointer\": \(JSONText.escape(diagnostic.pointer))}"
        }
        return "[\n" + entries.joined(separator: ",\n") + "\n]\n"
    }

    /// GitHub Actions workflow commands:
    /// `::error file=F,line=L,col=C,title=RULE::MESSAGE (HINT)`, escaped as the runner requires.
    public static func github(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map { diagnostic in
            var message = diagnostic.message
            if let hint = diagnostic.hint { message += " (\(hint))" }
            return "::\(diagnostic.severity.rawValue) file=\(property(diagnostic.file)),line=\(diagnostic.line),"
                + "col=\(diagnostic.column),title=\(property(diagnostic.rule))::\(data(message))\n"
        }.joined()
    }

    private static func data(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "%": result += "%25"
            case "\r": result += "%0D"
            case "\n": result += "%0A"
            default: result.append(character)
            }
        }
        return result
    }

    private static func property(_ text: String) -> String {
        var result = ""
        for character in data(text) {
            switch character {
            case ":": result += "%3A"
            case ",": result += "%2C"
            default: result.append(character)
            }
        }
        return result
    }
}
