// The command plugin `swift package generate-connector-docs`: writes the connection guides of
// the package's connector specs into docs/connectors/ by running `connector-compiler docs`.
//
//   swift package --allow-writing-to-package-directory generate-connector-docs
//       [--target <name>]... [--output <dir relative to the package>] [--callback-base <url>]
//
// Without --target it documents the specs in <package>/Connectors, or, when that folder does
// not exist, the specs of every non-test target.

import Foundation
import PackagePlugin

@main struct GenerateConnectorDocs: CommandPlugin {
    func performCommand(context: PluginContext, arguments: [String]) async throws {
        var extractor = ArgumentExtractor(arguments)
        let targetNames = extractor.extractOption(named: "target")
        let output = extractor.extractOption(named: "output").last ?? "docs/connectors"
        let callbackBase = extractor.extractOption(named: "callback-base").last
        let packageDirectory = context.package.directoryURL
        let inputs = try Self.inputs(package: context.package, targetNames: targetNames)

        var toolArguments = ["docs", "--output", packageDirectory.appending(path: output).path(percentEncoded: false)]
        if let callbackBase { toolArguments += ["--callback-base", callbackBase] }
        toolArguments += inputs.map { $0.path(percentEncoded: false) }

        let tool = try context.tool(named: "connector-compiler").url
        let process = Process()
        process.executableURL = tool
        process.arguments = toolArguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw PluginError.toolFailed(command: "connector-compiler docs", exitCode: process.terminationStatus)
        }
    }

    /// Spec files or folders to document.
    static func inputs(package: Package, targetNames: [String]) throws -> [URL] {
        if targetNames.isEmpty {
            let folder = package.directoryURL.appending(path: "Connectors", directoryHint: .isDirectory)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder.path(percentEncoded: false), isDirectory: &isDirectory), isDirectory.boolValue {
                return [folder]
            }
            let specs = package.targets.compactMap { $0 as? any SourceModuleTarget }
                .filter { $0.kind != .test }
                .flatMap { $0.sourceFiles.filter(isConnectorSpec).map(\.url) }
            guard !specs.isEmpty else { throw PluginError.noSpecs(targets: []) }
            return specs
        }
        var specs: [URL] = []
        for name in targetNames {
            guard let target = package.targets.first(where: { $0.name == name }) else {
                throw PluginError.unknownTarget(name: name, available: package.targets.map(\.name).sorted())
            }
            guard let sourceTarget = target as? any SourceModuleTarget else {
                throw PluginError.notASourceTarget(targetName: name)
            }
            specs += sourceTarget.sourceFiles.filter(isConnectorSpec).map(\.url)
        }
        guard !specs.isEmpty else { throw PluginError.noSpecs(targets: targetNames) }
        return specs
    }
}
