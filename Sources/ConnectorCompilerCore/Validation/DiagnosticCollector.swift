// Collects the diagnostics of one spec file and offers the "did you mean" helper that most
// messages use.

/// Diagnostics of one file, gathered in one pass and sorted at the end.
struct DiagnosticCollector {
    let file: String
    private(set) var diagnostics: [Diagnostic] = []

    init(file: String) {
        self.file = file
    }

    mutating func error(_ rule: String, _ message: String, hint: String? = nil, at position: SourcePosition,
                        pointer: JSONPointer) {
        add(.error, rule, message, hint: hint, at: position, pointer: pointer)
    }

    mutating func warning(_ rule: String, _ message: String, hint: String? = nil, at position: SourcePosition,
                          pointer: JSONPointer) {
        add(.warning, rule, message, hint: hint, at: position, pointer: pointer)
    }

    mutating func add(_ severity: Diagnostic.Severity, _ rule: String, _ message: String, hint: String?,
                      at position: SourcePosition, pointer: JSONPointer) {
        diagnostics.append(Diagnostic(
            severity: severity, rule: rule, message: message, hint: hint, file: file, line: position.line,
            column: position.column, pointer: pointer))
    }

    /// The diagnostics by line, column, then rule and message, so output is stable.
    var sorted: [Diagnostic] {
        diagnostics.sorted {
            ($0.line, $0.column, $0.rule, $0.message) < ($1.line, $1.column, $1.rule, $1.message)
        }
    }
}

/// Suggestions for misspelled names.
public enum Suggestion {
    /// The candidate closest to `name` by edit distance (ignoring case), when it is close enough
    /// to be a likely typo: at most 2 edits, and fewer than half of the name's length. Names
    /// shorter than two characters get no suggestion.
    public static func closest(to name: String, in candidates: [String]) -> String? {
        guard name.unicodeScalars.count >= 2 else { return nil }
        let lowered = Array(name.lowercased().unicodeScalars)
        var best: (candidate: String, distance: Int)?
        for candidate in candidates where candidate != name && candidate.unicodeScalars.count >= 2 {
            let distance = editDistance(lowered, Array(candidate.lowercased().unicodeScalars))
            if distance == 0 { return candidate }
            if best == nil || distance < best!.distance { best = (candidate, distance) }
        }
        guard let best else { return nil }
        let limit = min(2, max(1, lowered.count / 2))
        return best.distance <= limit ? best.candidate : nil
    }

    /// The closest valid value of an enumeration, for a value that is not one: first the same
    /// words written another way (`next_url`, `NextUrl` → `nextURL`; `has-more` → `hasMore`),
    /// then a value that begins with it or that it begins with (`page` → `pageNumber`, `link` →
    /// `linkHeader`, `totalCountReached` → `totalCount`), then the closest by edit distance.
    public static func closestValue(to text: String, in values: [String]) -> String? {
        func folded(_ value: String) -> String {
            String(value.lowercased().unicodeScalars.filter { !"_- .".unicodeScalars.contains($0) })
        }
        let key = folded(text)
        guard !key.isEmpty else { return nil }
        if let same = values.first(where: { folded($0) == key }) { return same }
        if key.count >= 3 {
            let prefixed = values.filter { folded($0).hasPrefix(key) || key.hasPrefix(folded($0)) }
            if prefixed.count == 1 { return prefixed[0] }
        }
        return closest(to: text, in: values)
    }

    /// "did you mean 'x'?" for the closest valid value of an enumeration, or `nil`.
    static func closestValueHint(_ text: String, in values: [String]) -> String? {
        closestValue(to: text, in: values).map { "did you mean '\($0)'?" }
    }

    /// "did you mean 'x'?" for the closest candidate, or `nil`.
    static func didYouMean(_ name: String, in candidates: [String]) -> String? {
        closest(to: name, in: candidates).map { "did you mean '\($0)'?" }
    }

    /// Levenshtein distance with transpositions counted as one edit.
    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previous2[j - 2] + 1)
                }
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }
}

/// Quotes a JSON string value for messages: `"header"`, `" "`.
func quoted(_ text: String) -> String {
    "\"" + text + "\""
}
