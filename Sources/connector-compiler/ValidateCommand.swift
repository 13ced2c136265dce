// `connector-compiler validate`: checks spec files and prints diagnostics as swiftc does.
import ConnectorCompilerCore
import Foundation

enum ValidateCommand: Subcommand {
    static let name = "validate"
    static let summary = "Check connector specs and report errors and warnings"
    static let usage = """
        USAGE: connector-compiler validate [--format text|json|github] [--warnings-as-errors] [--quiet] <file-or-folder>...

        Checks connector spec files. A folder is searched (not recursively) for *.json files.

        OPTIONS:
          --format text       path:line:column: error|warning: message, on stderr (default)
          --format json       a JSON array of diagnostics on stdout
          --format github     GitHub Actions annotations (::error file=...) on stdout
          --warnings-as-errors  treat warnings as errors (exit 1 when there are any)
          --quiet             print only diagnostics, no summary line
          -h, --help          show this help

        EXIT CODES:
          0  no errors
          1  at least one error (or warning, with --warnings-as-errors)
          2  usage error, or a file or folder that cannot be read
        """

    enum Format: String { case text, json, github }

    static func run(_ arguments: [String]) -> Int32 {
        var format = Format.text
        var warningsAsErrors = false
        var quiet = false
        var inputs: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case "--format":
                index += 1
                guard index < arguments.count, let value = Format(rawValue: arguments[index]) else {
                    return usageError("'--format' needs one of: text, json, github")
                }
                format = value
            case _ where argument.hasPrefix("--format="):
                guard let value = Format(rawValue: String(argument.dropFirst("--format=".count))) else {
                    return usageError("'--format' needs one of: text, json, github")
                }
                format = value
            case "--warnings-as-errors":
                warningsAsErrors = true
            case "--quiet", "-q":
                quiet = true
            case "--":
                inputs += arguments[(index + 1)...]
                index = arguments.count
            default:
                if argument.hasPrefix("-") && argument != "-" {
                    return usageError("unknown option '\(argument)'")
                }
                inputs.append(argument)
            }
            index += 1
        }
        guard !inputs.isEmpty else { return usageError("no spec files or folders given") }

        var files: [String] = []
        var unreadable = false
        for input in inputs {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
                printError("error: '\(input)' does not exist")
                unreadable = true
                continue
            }
            if isDirectory.boolValue {
                guard let names = try? FileManager.default.contentsOfDirectory(atPath: input) else {
                    printError("error: cannot read the folder '\(input)'")
                    unreadable = true
                    continue
                }
                let base = input.hasSuffix("/") ? input : input + "/"
                files += names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted().map { base + $0 }
            } else {
                files.append(input)
            }
        }

        var set = SpecSetValidator()
        var diagnostics: [Diagnostic] = []
        for file in files {
            let result = set.load(contentsOf: file)
            if result.diagnostics.contains(where: { $0.rule == "file-unreadable" }) { unreadable = true }
            diagnostics += result.diagnostics
        }
        diagnostics += set.crossFileDiagnostics()
        if warningsAsErrors {
            diagnostics = diagnostics.map {
                var diagnostic = $0
                diagnostic.severity = .error
                return diagnostic
            }
        }

        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.count - errors
        switch format {
        case .text:
            if !diagnostics.isEmpty { printError(DiagnosticFormatter.text(diagnostics)) }
        case .json:
            print(DiagnosticFormatter.json(diagnostics), terminator: "")
        case .github:
            print(DiagnosticFormatter.github(diagnostics), terminator: "")
        }
        if !quiet && !(files.isEmpty && unreadable) {
            let summary = files.isEmpty
                ? "no specs found"
                : "validated \(files.count) spec\(files.count == 1 ? "" : "s"): "
                    + "\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")"
            if format == .text { printError(summary) }
            else if format == .github { print("::notice::\(summary)") }
        }
        if unreadable { return 2 }
        return errors > 0 ? 1 : 0
    }

    private static func usageError(_ message: String) -> Int32 {
        printError("error: \(message)\n\n\(usage)")
        return 2
    }
}
