// Small helpers that keep spec-authored text from breaking the Markdown structure around it.
// Authors may use inline Markdown (`**bold**`, links) in guide text, so text is passed through;
// only the characters that would end a table cell or a list item early are neutralised.

enum Markdown {
    /// Text for one table cell: pipes escaped, line breaks turned into `<br>`.
    static func cell(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "|": out += "\\|"
            case "\r": continue
            case "\n": out += "<br>"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Text for a block (a paragraph, list item or blockquote line) whose continuation lines must
    /// be indented by `indent`; blank lines inside the text are kept as paragraph breaks.
    static func block(_ text: String, indent: String) -> String {
        let lines = text.replacingLinebreaks().split(separator: "\n", omittingEmptySubsequences: false)
        return lines.enumerated().map { index, line in
            if index == 0 { return String(line) }
            return line.isEmpty ? "" : indent + line
        }.joined(separator: "\n")
    }

    /// Text inside a blockquote: every line prefixed with `> `.
    static func quoted(_ text: String) -> [String] {
        text.replacingLinebreaks().split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.isEmpty ? ">" : "> " + $0
        }
    }

    /// An inline code span that survives backticks inside `text`.
    static func code(_ text: String) -> String {
        var longest = 0
        var run = 0
        for character in text {
            run = character == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: longest + 1)
        let padded = text.hasPrefix("`") || text.hasSuffix("`") ? " \(text) " : text
        return fence + padded + fence
    }

    /// A heading's text on one line.
    static func heading(_ text: String) -> String {
        text.replacingLinebreaks().split(separator: "\n").joined(separator: " ")
    }
}

extension String {
    /// The text with `\r\n` and lone `\r` turned into `\n`.
    fileprivate func replacingLinebreaks() -> String {
        var out = ""
        var previousWasCR = false
        for scalar in unicodeScalars {
            if scalar == "\r" {
                out += "\n"
                previousWasCR = true
                continue
            }
            if scalar == "\n" && previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = false
            out.unicodeScalars.append(scalar)
        }
        return out
    }
}
