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

    struct Options {
        var format = Format.text
        var warningsAsErrors = false
        var quiet = false
        var inputs: [String] = []
    }

    static func run(_ arguments: [String]) -> Int32 {
        let options: Options
        switch parse(arguments) {
        case .success(let parsed): options = parsed
        case .failure(let error): return usageError(error.message)
        }
        let (files, missing) = specFiles(in: options.inputs)
        var unreadable = missing
        var set = SpecSetValidator(buildsModels: false)
        var diagnostics: [Diagnostic] = []
        for result in set.load(contentsOf: files) {
            if result.diagnostics.contains(where: { $0.rule == "file-unreadable" }) { unreadable = true }
            diagnostics += result.diagnostics
        }
        diagnostics += set.crossFileDiagnostics()
        if options.warningsAsErrors {
            diagnostics = diagnostics.map { diagnostic in
                var copy = diagnostic
                copy.severity = .error
                return copy
            }
        }
        let errors = diagnostics.filter { $0.severity == .error }.count
        report(diagnostics, format: options.format)
        if !options.quiet && !(files.isEmpty && unreadable) {
            printSummary(files: files.count, errors: errors, warnings: diagnostics.count - errors, format: options.format)
        }
        if unreadable { return 2 }
        return errors > 0 ? 1 : 0
    }

    struct UsageError: Error {
        var message: String
    }

    static func parse(_ arguments: [String]) -> Result<Options, UsageError> {
        var options = Options()
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--format" || argument.hasPrefix("--format=") {
                var value: String?
                if argument == "--format" {
                    index += 1
                    value = index < arguments.count ? arguments[index] : nil
                } else {
                    value = String(argument.dropFirst("--format=".count))
                }
                guard let format = value.flatMap(Format.init(rawValue:)) else {
                    return .failure(UsageError(message: "'--format' needs one of: text, json, github"))
                }
                options.format = format
            } else if argument == "--warnings-as-errors" {
                options.warningsAsErrors = true
            } else if argument == "--quiet" || argument == "-q" {
                options.quiet = true
            } else if argument == "--" {
                options.inputs += arguments[(index + 1)...]
                break
            } else if argument.hasPrefix("-") && argument != "-" {
                return .failure(UsageError(message: "unknown option '\(argument)'"))
            } else {
                options.inputs.append(argument)
            }
            index += 1
        }
        guard !options.inputs.isEmpty else { return .failure(UsageError(message: "no spec files or folders given")) }
        return .success(options)
    }

    /// The spec files named by `inputs` (folders give their *.json files, sorted), and whether
    /// some input could not be read.
    static func specFiles(in inputs: [String]) -> (files: [String], unreadable: Bool) {
        var files: [String] = []
        var unreadable = false
        for input in inputs {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
                printError("error: '\(input)' does not exist")
                unreadable = true
                continue
            }
            guard isDirectory.boolValue else {
                files.append(input)
                continue
            }
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: input) else {
                printError("error: cannot read the folder '\(input)'")
                unreadable = true
                continue
            }
            let base = input.hasSuffix("/") ? input : input + "/"
            let specs: [String] = names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted()
            files += specs.map { base + $0 }
        }
        return (files, unreadable)
    }

    static func report(_ diagnostics: [Diagnostic], format: Format) {
        switch format {
        case .text:
            if !diagnostics.isEmpty { printError(DiagnosticFormatter.text(diagnostics)) }
        case .json:
            print(DiagnosticFormatter.json(diagnostics), terminator: "")
        case .github:
            print(DiagnosticFormatter.github(diagnostics), terminator: "")
        }
    }

    static func printSummary(files: Int, errors: Int, warnings: Int, format: Format) {
        func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }
        let summary = files == 0
            ? "no specs found"
            : "validated \(count(files, "spec")): \(count(errors, "error")), \(count(warnings, "warning"))"
        switch format {
        case .text: printError(summary)
        case .github: print("::notice::\(summary)")
        case .json: break
        }
    }

    private static func usageError(_ message: String) -> Int32 {
        printError("error: \(message)\n\n\(usage)")
        return 2
    }
}
