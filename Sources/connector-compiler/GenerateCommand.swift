// `connector-compiler generate`: validates specs with the same loader as `validate`, then writes
// one Swift file per spec (and the catalog). Thin: argument parsing and file I/O around
// ConnectorCompilerCore.CodeGenerator.
import ConnectorCompilerCore
import Foundation

enum GenerateCommand: Subcommand {
    static let name = "generate"
    static let summary = "Compile connector specs into Swift"
    static let usage = """
        USAGE: connector-compiler generate --output <dir> [--catalog] [--source-root <dir>] [--warnings-as-errors] <file-or-folder>...

        Validates the specs, then writes <TypeName>.swift per spec into the output folder
        (zelt.json -> Zelt.swift). A folder is searched (not recursively) for *.json files.
        Nothing is written when any spec has an error. A file is rewritten only when its text
        changed, and no file the generator did not write is deleted.

        The output folder keeps a cache (.connector-compiler-cache): a later run by the same
        executable with the same options re-reads every spec but validates and generates only
        the specs that changed, had diagnostics, or whose output file changed.

        OPTIONS:
          --output <dir>        where to write the Swift files (created if missing)
          --catalog             also write ConnectorCatalog.swift (always, even with no specs)
                                and ConnectorCatalog+Specs.swift, every spec's source text
          --source-root <dir>   spec paths in generated comments are relative to this folder
          --warnings-as-errors  treat warnings as errors
          --string-table        add `specStrings` to each connector (for round-trip tests)
          --no-cache            ignore and do not write the cache: process every spec
          --stats               print how many specs were generated and how many reused
          -h, --help            show this help

        EXIT CODES:
          0  success
          1  a spec has an error (printed as path:line:column: error: message on stderr)
          2  usage error, or a file or folder that cannot be read or written
        """

    struct Options {
        var output: String?
        var catalog = false
        var sourceRoot: String?
        var warningsAsErrors = false
        var stringTable = false
        var noCache = false
        var stats = false
        var inputs: [String] = []
    }

    static func run(_ arguments: [String]) -> Int32 {
        let options: Options
        switch parse(arguments) {
        case .success(let parsed): options = parsed
        case .failure(let error): return usageError(error.message)
        }
        guard let output = options.output else { return usageError("'--output <dir>' is required") }
        guard let files = specFiles(options.inputs) else { return 2 }

        let base = output.hasSuffix("/") ? output : output + "/"
        let cacheKey = options.noCache ? nil : Self.cacheKey(options)
        let previous = cacheKey.map { GenerationCache.read(from: base + GenerationCache.fileName, key: $0) }
        // Each spec is read once: its bytes are both fingerprinted and validated, so the cache
        // never records a fingerprint of other bytes than those generated from.
        let contents = files.map(GenerationCache.bytes(ofFile:))
        let fingerprints = contents.map { bytes in
            cacheKey == nil ? nil : bytes.map { (size: $0.count, value: GenerationCache.fingerprint($0)) }
        }
        let reused: [GenerationCache.Entry?] = files.indices.map { index in
            guard let entry = previous?.entries[files[index]], let print = fingerprints[index],
                entry.specSize == print.size, entry.specFingerprint == print.value,
                let stamp = GenerationCache.fileStamp(base + OutputNaming.outputFileName(forSpecPath: files[index])),
                stamp.size == entry.outputSize, stamp.modified == entry.outputModified
            else { return nil }
            return entry
        }
        let known = reused.map { entry in
            entry.map { SpecSetValidator.KnownID(id: $0.id, position: SourcePosition(line: $0.idLine, column: $0.idColumn, offset: 0)) }
        }

        var set = SpecSetValidator()
        var diagnostics: [Diagnostic] = []
        var specs: [(path: String, spec: ConnectorSpec)] = []
        var clean: Set<String> = []
        // Loaded on every core; results come back in file order (nil for reused specs).
        for (file, result) in zip(files, set.load(contentsOf: files, bytes: contents, known: known)) {
            guard let result else { continue }
            if result.diagnostics.contains(where: { $0.rule == "file-unreadable" }) {
                for diagnostic in result.diagnostics { printError(diagnostic.textLine) }
                return 2
            }
            diagnostics += result.diagnostics
            if result.diagnostics.isEmpty { clean.insert(file) }
            if let spec = result.spec { specs.append((file, spec)) }
        }
        diagnostics += set.crossFileDiagnostics()
        if options.warningsAsErrors {
            diagnostics = diagnostics.map {
                var diagnostic = $0
                diagnostic.severity = .error
                return diagnostic
            }
        }
        for diagnostic in diagnostics { printError(diagnostic.textLine) }
        var failed = diagnostics.contains { $0.severity == .error }

        let plan = OutputNaming.plan(specPaths: files)
        for problem in plan.problems { printError("error: " + problem) }
        failed = failed || !plan.problems.isEmpty

        var outputs: [(name: String, text: String)] = []
        if !failed {
            let generated = generateAll(specs, options: options)
            for ((path, _), result) in zip(specs, generated) {
                switch result {
                case .success(let text):
                    outputs.append((OutputNaming.outputFileName(forSpecPath: path), text))
                case .failure(let error):
                    printError("\(path):1:1: error: \(error.description)")
                    failed = true
                }
            }
        }
        if failed { return 1 }
        if options.catalog {
            let typeNames = plan.outputs.map(\.typeName)
            outputs.append((OutputNaming.catalogFileName, CodeGenerator.generateCatalog(typeNames: typeNames)))
            outputs += CodeGenerator.generateSpecSources(specSources(files, contents))
        }
        guard write(outputs, to: output) else { return 2 }
        if options.catalog { removeStaleSpecSourceParts(in: output, keeping: outputs.map(\.name)) }
        if options.stats {
            let count = reused.compactMap { $0 }.count
            printError("generate: \(files.count) spec\(files.count == 1 ? "" : "s"), \(specs.count) generated, \(count) reused from the last run")
        }
        if let cacheKey {
            // Record every spec without diagnostics, as its output now is. Failing to write the
            // cache only costs the next run time: entries are checked against the files anyway.
            let ids = set.idsByFile
            var cache = GenerationCache(key: cacheKey)
            for (index, file) in files.enumerated() {
                if let entry = reused[index] {
                    cache.entries[file] = entry
                } else if clean.contains(file), let print = fingerprints[index], let id = ids[file],
                    let stamp = GenerationCache.fileStamp(base + OutputNaming.outputFileName(forSpecPath: file))
                {
                    cache.entries[file] = GenerationCache.Entry(
                        specSize: print.size, specFingerprint: print.value, id: id.id, idLine: id.position.line,
                        idColumn: id.position.column, outputSize: stamp.size, outputModified: stamp.modified)
                }
            }
            if !cache.entries.isEmpty {
                try? Data(cache.serialized().utf8).write(to: URL(fileURLWithPath: base + GenerationCache.fileName), options: .atomic)
            }
        }
        return 0
    }

    /// Identifies this executable (path, size, modification time), the working folder and the
    /// options that change generated text; `nil` when the executable cannot be found, which turns
    /// the cache off.
    static func cacheKey(_ options: Options) -> String? {
        guard let executable = Bundle.main.executablePath, let stamp = GenerationCache.fileStamp(executable) else { return nil }
        let parts = [
            ConnectorCompiler.version, executable, String(stamp.size), String(stamp.modified),
            FileManager.default.currentDirectoryPath, options.sourceRoot ?? "", options.stringTable ? "strings" : "",
        ]
        return parts.joined(separator: "|")
    }

    struct UsageError: Error { var message: String }

    /// The text of each spec's file, in the order of `specs`, generated on every core when there
    /// are enough specs.
    static func generateAll(
        _ specs: [(path: String, spec: ConnectorSpec)], options: Options
    ) -> [Result<String, GenerationError>] {
        Parallel.map(count: specs.count) { index in
            let (path, spec) = specs[index]
            let generationOptions = GenerationOptions(
                specPath: displayPath(path, sourceRoot: options.sourceRoot), includeStringTable: options.stringTable)
            do throws(GenerationError) {
                return .success(try CodeGenerator.generate(spec, options: generationOptions))
            } catch {
                return .failure(error)
            }
        }
    }

    static func parse(_ arguments: [String]) -> Result<Options, UsageError> {
        var options = Options()
        var index = 0
        func value(_ flag: String) -> Result<String, UsageError> {
            index += 1
            guard index < arguments.count else { return .failure(UsageError(message: "'\(flag)' needs a value")) }
            return .success(arguments[index])
        }
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case "--output", "-o":
                switch value(argument) {
                case .success(let text): options.output = text
                case .failure(let error): return .failure(error)
                }
            case "--source-root":
                switch value(argument) {
                case .success(let text): options.sourceRoot = text
                case .failure(let error): return .failure(error)
                }
            case _ where argument.hasPrefix("--output="):
                options.output = String(argument.dropFirst("--output=".count))
            case _ where argument.hasPrefix("--source-root="):
                options.sourceRoot = String(argument.dropFirst("--source-root=".count))
            case "--catalog": options.catalog = true
            case "--warnings-as-errors": options.warningsAsErrors = true
            case "--string-table": options.stringTable = true
            case "--no-cache": options.noCache = true
            case "--stats": options.stats = true
            case "--":
                options.inputs += arguments[(index + 1)...]
                index = arguments.count
            default:
                if argument.hasPrefix("-") && argument != "-" {
                    return .failure(UsageError(message: "unknown option '\(argument)'"))
                }
                options.inputs.append(argument)
            }
            index += 1
        }
        if options.inputs.isEmpty && !options.catalog {
            return .failure(UsageError(message: "no spec files or folders given"))
        }
        return .success(options)
    }

    /// Spec files of the inputs, folders expanded (sorted, not recursive); `nil` after printing
    /// an error when an input does not exist.
    static func specFiles(_ inputs: [String]) -> [String]? {
        var files: [String] = []
        for input in inputs {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
                printError("error: '\(input)' does not exist")
                return nil
            }
            guard isDirectory.boolValue else {
                files.append(input)
                continue
            }
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: input) else {
                printError("error: cannot read the folder '\(input)'")
                return nil
            }
            let base = input.hasSuffix("/") ? input : input + "/"
            files += names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted().map { base + $0 }
        }
        return files
    }

    /// `path` relative to `sourceRoot` when it lies inside it, else as given.
    static func displayPath(_ path: String, sourceRoot: String?) -> String {
        guard let sourceRoot else { return path }
        let root = URL(fileURLWithPath: sourceRoot).standardizedFileURL.path
        let full = URL(fileURLWithPath: path).standardizedFileURL.path
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return full.hasPrefix(prefix) ? String(full.dropFirst(prefix.count)) : path
    }

    /// Writes each file whose text differs from what is on disk; `false` after printing an error.
    static func write(_ outputs: [(name: String, text: String)], to directory: String) -> Bool {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            printError("error: cannot create the folder '\(directory)'")
            return false
        }
        let base = directory.hasSuffix("/") ? directory : directory + "/"
        for (name, text) in outputs {
            let path = base + name
            let data = Data(text.utf8)
            if FileManager.default.contents(atPath: path) == data { continue }
            do {
                try data.write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                printError("error: cannot write '\(path)'")
                return false
            }
        }
        return true
    }

    /// Deletes the spec-text part files (`ConnectorCatalog+Specs<n>.swift`) of an earlier run
    /// with more specs, so a folder compiled as a whole has no part that `specSource(id:)` no
    /// longer asks. Failing to delete one is harmless: nothing calls it.
    static func removeStaleSpecSourceParts(in directory: String, keeping names: [String]) {
        let keep = Set(names)
        let base = directory.hasSuffix("/") ? directory : directory + "/"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        where !keep.contains(name) && OutputNaming.isSpecSourcesPart(name) {
            try? FileManager.default.removeItem(atPath: base + name)
        }
    }

    private static func usageError(_ message: String) -> Int32 {
        printError("error: \(message)\n\n\(usage)")
        return 2
    }
}
