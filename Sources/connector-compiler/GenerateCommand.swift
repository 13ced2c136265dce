// Placeholder until the 'generate' subcommand is implemented.
enum GenerateCommand: Subcommand {
    static let name = "generate"
    static let summary = "(not implemented yet)"
    static let usage = "USAGE: connector-compiler generate (not implemented yet)"
    static func run(_ arguments: [String]) -> Int32 {
        printError("error: 'generate' is not implemented yet")
        return 2
    }
}
