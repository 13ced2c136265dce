// connector-compiler: a thin CLI over ConnectorCompilerCore. One file per subcommand.
import Foundation

/// A subcommand: parses its own arguments and returns the process exit code.
protocol Subcommand {
    static var name: String { get }
    static var summary: String { get }
    static var usage: String { get }
    static func run(_ arguments: [String]) -> Int32
}

let subcommands: [any Subcommand.Type] = [ValidateCommand.self, GenerateCommand.self, DocsCommand.self, SchemaCommand.self]

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
}

let mainUsage = """
    USAGE: connector-compiler <subcommand> [options]

    SUBCOMMANDS:
    \(subcommands.map { "  \($0.name.padding(toLength: 10, withPad: " ", startingAt: 0))\($0.summary)" }.joined(separator: "\n"))

    Run 'connector-compiler <subcommand> --help' for a subcommand's options.
    """

var arguments = Array(CommandLine.arguments.dropFirst())
guard let first = arguments.first else {
    printError(mainUsage)
    exit(2)
}
if first == "--help" || first == "-h" || first == "help" {
    print(mainUsage)
    exit(0)
}
if first == "--version" {
    print(ConnectorCompilerVersion.current)
    exit(0)
}
guard let command = subcommands.first(where: { $0.name == first }) else {
    printError("error: unknown subcommand '\(first)'\n\n\(mainUsage)")
    exit(2)
}
arguments.removeFirst()
if arguments.contains("--help") || arguments.contains("-h") {
    print(command.usage)
    exit(0)
}
exit(command.run(arguments))
