// The build-tool plugin: compiles every connector spec (`*.json` source file) of a target into
// Swift with ONE build command for all specs. With one command per spec, SwiftPM re-runs every
// command whenever the target's file list changes (Swift 6.3.1: adding one spec to 1,000 ran the
// generator 1,001 times; Benchmarks/codegen-bench.sh compares both shapes). A single command
// runs the generator once per build, and the generator rewrites only the files whose text
// changed, so only those are recompiled.
//
// Outputs are declared from spec FILE NAMES only (OutputNaming.swift, shared with the generator
// by symlink), so the plugin never reads a spec and the declared outputs cannot drift from what
// the generator writes.

import Foundation
import PackagePlugin

@main struct ConnectorCompilerPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        guard let sourceTarget = target as? any SourceModuleTarget else {
            throw PluginError.notASourceTarget(targetName: target.name)
        }
        return try Self.commands(
            tool: context.tool(named: "connector-compiler").url,
            workDirectory: context.pluginWorkDirectoryURL,
            sourceRoot: context.package.directoryURL,
            specs: sourceTarget.sourceFiles.filter(isConnectorSpec).map(\.url),
            targetName: target.name
        )
    }

    /// The one build command for `specs`, or none when there are no specs.
    static func commands(tool: URL, workDirectory: URL, sourceRoot: URL, specs unsorted: [URL], targetName: String) throws -> [Command] {
        let specs = unsorted.sorted { $0.path(percentEncoded: false) < $1.path(percentEncoded: false) }
        guard !specs.isEmpty else { return [] }
        let outputDirectory = workDirectory.appending(path: "GeneratedSources", directoryHint: .isDirectory)
        let plan = OutputNaming.plan(specPaths: specs.map { $0.path(percentEncoded: false) })
        guard plan.problems.isEmpty else { throw PluginError.invalidSpecNames(problems: plan.problems) }
        let generated = plan.outputs.map(\.fileName) + [OutputNaming.catalogFileName]
        let outputs = (generated + OutputNaming.specSourcesFileNames(specCount: specs.count)).map {
            outputDirectory.appending(path: $0, directoryHint: .notDirectory)
        }
        let arguments = [
            "generate",
            "--output", outputDirectory.path(percentEncoded: false),
            "--catalog",
            "--source-root", sourceRoot.path(percentEncoded: false),
        ] + specs.map { $0.path(percentEncoded: false) }
        return [
            .buildCommand(
                displayName: "Compiling \(specs.count) connector spec\(specs.count == 1 ? "" : "s") of \(targetName)",
                executable: tool,
                arguments: arguments,
                // The generator is an input too: a new generator regenerates every file.
                inputFiles: specs + [tool],
                outputFiles: outputs
            )
        ]
    }
}

#if canImport(XcodeProjectPlugin)
import XcodeProjectPlugin

extension ConnectorCompilerPlugin: XcodeBuildToolPlugin {
    func createBuildCommands(context: XcodePluginContext, target: XcodeTarget) throws -> [Command] {
        try Self.commands(
            tool: context.tool(named: "connector-compiler").url,
            workDirectory: context.pluginWorkDirectoryURL,
            sourceRoot: context.xcodeProject.directoryURL,
            specs: target.inputFiles.filter(isConnectorSpec).map(\.url),
            targetName: target.displayName
        )
    }
}
#endif
