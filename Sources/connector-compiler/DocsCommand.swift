// Placeholder until the 'docs' subcommand is implemented.
enum DocsCommand: Subcommand {
    static let name = "docs"
    static let summary = "(not implemented yet)"
    static let usage = "USAGE: connector-compiler docs (not implemented yet)"
    static func run(_ arguments: [String]) -> Int32 {
        printError("error: 'docs' is not implemented yet")
        return 2
    }
}
