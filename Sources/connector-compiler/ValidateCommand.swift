// Placeholder until the 'validate' subcommand is implemented.
enum ValidateCommand: Subcommand {
    static let name = "validate"
    static let summary = "(not implemented yet)"
    static let usage = "USAGE: connector-compiler validate (not implemented yet)"
    static func run(_ arguments: [String]) -> Int32 {
        printError("error: 'validate' is not implemented yet")
        return 2
    }
}
