/// A place in a source file: 1-based line and column plus the 0-based byte offset.
///
/// Columns count Unicode scalars, not bytes, so a line `"é": 1` has its colon at column 4.
/// Lines end at `\n`; a `\r\n` pair is one line break.
///
/// ```swift
/// let start = SourcePosition(line: 1, column: 1, offset: 0)
/// ```
public struct SourcePosition: Sendable, Hashable, CustomStringConvertible {
    /// 1-based line number.
    public var line: Int
    /// 1-based column, counted in Unicode scalars from the start of the line.
    public var column: Int
    /// 0-based byte offset from the start of the input.
    public var offset: Int

    /// Creates a position from its line, column and byte offset.
    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }

    /// `line 4, column 3`, the form used inside diagnostic messages.
    public var description: String { "line \(line), column \(column)" }
}
