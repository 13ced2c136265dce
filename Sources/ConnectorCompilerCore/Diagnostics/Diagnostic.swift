/// One finding of the validator (or the JSON reader), located in a spec file.
public struct Diagnostic: Sendable, Hashable {
    public enum Severity: String, Sendable, Hashable {
        case error, warning
    }
    public var severity: Severity
    /// Stable rule identifier, e.g. `unknown-key`, `template-unresolved`.
    public var rule: String
    /// What is wrong, in one sentence, never containing a field's value.
    public var message: String
    /// How to fix it, when there is a clear fix ("did you mean 'tokenURL'?").
    public var hint: String?
    /// Path of the spec file as given on the command line.
    public var file: String
    /// 1-based line and column (columns count Unicode scalars).
    public var line: Int
    public var column: Int
    /// JSON pointer of the offending value or key; `""` for the whole document.
    public var pointer: JSONPointer

    public init(
        severity: Severity, rule: String, message: String, hint: String? = nil, file: String, line: Int, column: Int,
        pointer: JSONPointer
    ) {
        self.severity = severity
        self.rule = rule
        self.message = message
        self.hint = hint
        self.file = file
        self.line = line
        self.column = column
        self.pointer = pointer
    }

    /// `path:line:column: error: message (hint)`, as swiftc prints diagnostics.
    public var rendered: String {
        var text = "\(file):\(line):\(column): \(severity.rawValue): \(message)"
        if let hint { text += " (\(hint))" }
        return text
    }

    /// The line the CLI prints: ``rendered`` followed by the rule id in brackets, as swiftc
    /// ends a diagnostic with its group (`[#MemberImportVisibility]`), so the rule can be
    /// looked up in docs/spec.md.
    public var textLine: String {
        rendered + " [" + rule + "]"
    }
}

/// The result of loading one spec file.
public struct SpecLoadResult: Sendable {
    /// The model, present when there are no errors (warnings allowed).
    public var spec: ConnectorSpec?
    /// Every error and warning, sorted by line and column.
    public var diagnostics: [Diagnostic]

    public init(spec: ConnectorSpec?, diagnostics: [Diagnostic]) {
        self.spec = spec
        self.diagnostics = diagnostics
    }

    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}
