// `connector-compiler docs`: writes a Markdown connection guide per spec plus an index.
import ConnectorCompilerCore
import Foundation

enum DocsCommand: Subcommand {
    static let name = "docs"
    static let summary = "Write a Markdown connection guide per spec, plus README.md"
    static let usage = """
        USAGE: connector-compiler docs --output <dir> [--callback-base <url>] <spec-or-folder>...

        Writes <dir>/<id>.md for every spec (a folder stands for its *.json files) and
        <dir>/README.md, a table of every connector. Only files whose text changed are rewritten;
        generated guides whose spec no longer exists are removed. Nothing is written when a spec
        has errors (printed as path:line:column: error: ...; exit code 1).

        OPTIONS:
          --output <dir>         folder of the guides (e.g. docs/connectors)
          --callback-base <url>  base of OAuth redirect URIs: <url>/<id>/callback
                                 (default \(ConnectionGuideRenderer.defaultCallbackBase))
        """

    static func run(_ arguments: [String]) -> Int32 {
        var output: String?
        var callbackBase = ConnectionGuideRenderer.defaultCallbackBase
        var inputs: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case "--output", "--callback-base":
                guard index + 1 < arguments.count else {
                    printError("error: \(argument) needs a value\n\n\(usage)")
                    return 2
                }
                if argument == "--output" { output = arguments[index + 1] } else { callbackBase = arguments[index + 1] }
                index += 2
                continue
            default:
                if argument.hasPrefix("--") {
                    printError("error: unknown option '\(argument)'\n\n\(usage)")
                    return 2
                }
                inputs.append(argument)
            }
            index += 1
        }
        guard let output else {
            printError("error: --output <dir> is required\n\n\(usage)")
            return 2
        }
        guard !inputs.isEmpty else {
            printError("error: give at least one spec file or folder\n\n\(usage)")
            return 2
        }
        guard let base = URL(string: callbackBase), let scheme = base.scheme, ["http", "https"].contains(scheme), base.host != nil else {
            printError("error: --callback-base must be an http(s) URL, such as https://api.example.com/connect/oauth2")
            return 2
        }

        var paths: [String] = []
        for input in inputs {
            guard let found = specPaths(in: input) else {
                printError("error: \(input): no such file or folder")
                return 1
            }
            paths += found
        }

        var set = SpecSetValidator()
        var specs: [(spec: ConnectorSpec, path: String)] = []
        var diagnostics: [Diagnostic] = []
        for path in paths {
            let result = set.load(contentsOf: path)
            diagnostics += result.diagnostics
            if let spec = result.spec { specs.append((spec, path)) }
        }
        diagnostics += set.crossFileDiagnostics()
        for diagnostic in diagnostics { printError(diagnostic.textLine) }
        if diagnostics.contains(where: { $0.severity == .error }) {
            printError("error: docs not written: fix the errors above")
            return 1
        }

        let renderer = ConnectionGuideRenderer(callbackBase: callbackBase)
        var files: [String: String] = ["README.md": renderer.index(for: specs.map(\.spec))]
        files[UnifiedCoverageRenderer.fileName] = UnifiedCoverageRenderer.render(specs.map(\.spec))
        for (spec, path) in specs {
            files[ConnectionGuideRenderer.fileName(for: spec)] = renderer.guide(for: spec, sourcePath: displayPath(path))
        }
        do {
            let report = try DocsWriter.write(files, to: URL(fileURLWithPath: output, isDirectory: true))
            print("docs: \(specs.count) connector\(specs.count == 1 ? "" : "s") in \(output): \(report.written.count) written, \(report.unchanged.count) unchanged, \(report.removed.count) removed")
            return 0
        } catch {
            printError("error: cannot write to \(output): \(error.localizedDescription)")
            return 1
        }
    }

    /// The spec files an input stands for: a folder's `*.json` files (sorted), or the file itself.
    static func specPaths(in input: String) -> [String]? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else { return nil }
        guard isDirectory.boolValue else { return [input] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: input)) ?? []
        let folder = input.hasSuffix("/") ? input : input + "/"
        return names.filter { $0.hasSuffix(".json") }.sorted().map { folder + $0 }
    }

    /// How a guide's header names its spec: the spec's folder and file name
    /// (`Connectors/zelt.json`), the same wherever the command is run from.
    static func displayPath(_ path: String) -> String {
        let components = URL(fileURLWithPath: path).standardizedFileURL.pathComponents.filter { $0 != "/" }
        return components.suffix(2).joined(separator: "/")
    }
}
