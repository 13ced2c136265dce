/// Why ``JSONReader`` rejected an input: a stable rule id, a message that says what to do, and
/// the exact position of the offending character.
///
/// Rule ids: `json-too-large`, `json-bom`, `json-empty`, `json-invalid-utf8`, `json-too-deep`,
/// `json-comment`, `json-trailing-comma`, `json-single-quote`, `json-unquoted-key`,
/// `json-non-finite-number`, `json-leading-zero`, `json-leading-plus`, `json-invalid-number`,
/// `json-invalid-literal`, `json-control-character`, `json-invalid-escape`, `json-lone-surrogate`,
/// `json-duplicate-key`, `json-missing-comma`, `json-unexpected-character`,
/// `json-unterminated-string`, `json-unterminated-object`, `json-unterminated-array`,
/// `json-trailing-content`.
public struct JSONReadError: Error, Sendable, Hashable {
    /// Stable rule identifier, e.g. `json-duplicate-key`.
    public var rule: String
    /// One sentence saying what is wrong and what to do, e.g. "duplicate key 'tokenURL' (first
    /// defined at line 4, column 3); remove one of them".
    public var message: String
    /// Where the offending byte or character is.
    public var position: SourcePosition

    /// Creates an error.
    public init(rule: String, message: String, position: SourcePosition) {
        self.rule = rule
        self.message = message
        self.position = position
    }
}

/// Bounds that keep reading cheap and safe on hostile input.
public struct JSONReaderLimits: Sendable {
    /// Largest accepted input in bytes; larger inputs fail with `json-too-large` before parsing.
    public var maxBytes: Int = 1_048_576
    /// Deepest accepted nesting of objects and arrays (the root container is depth 1); deeper
    /// input fails with `json-too-deep`. Values above ``JSONReaderLimits/depthCeiling`` act as the
    /// ceiling, because the reader recurses once per level.
    public var maxDepth: Int = 64

    /// The largest effective `maxDepth`, which keeps the reader's recursion well inside a thread's stack.
    public static let depthCeiling = 512

    /// Creates limits; the defaults are 1 MiB and 64 levels.
    public init(maxBytes: Int = 1_048_576, maxDepth: Int = 64) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
    }
}
