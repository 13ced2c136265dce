// Errors of the connector plugins. SwiftPM prints a thrown error's description on its own, so
// each message says what is wrong and what to do about it.

import Foundation

/// An error of the connector plugins.
enum PluginError: Error, CustomStringConvertible, LocalizedError {
    /// The target is not a source-module target (a binary or system target), so it has no specs.
    case notASourceTarget(targetName: String)
    /// Spec file names that cannot become distinct Swift types (collisions, reserved names).
    case invalidSpecNames(problems: [String])
    /// `--target` named no target of the package.
    case unknownTarget(name: String, available: [String])
    /// None of the selected targets has connector specs.
    case noSpecs(targets: [String])
    /// The command plugin's tool failed.
    case toolFailed(command: String, exitCode: Int32)

    var description: String {
        switch self {
        case .notASourceTarget(let target):
            "Target '\(target)' has no source files, so ConnectorCompilerPlugin cannot run on it. Apply the plugin to a Swift target whose folder holds the connector specs (*.json)."
        case .invalidSpecNames(let problems):
            "A spec's file name decides its Swift type name, and these names cannot be used:\n" + problems.map { "  - " + $0 }.joined(separator: "\n") + "\nRename the spec files (lowercase letters, digits and underscores, starting with a letter) and set each spec's \"id\" to its new file name."
        case .unknownTarget(let name, let available):
            "No target named '\(name)' in this package. Targets: \(available.joined(separator: ", "))."
        case .noSpecs(let targets):
            "No connector specs (*.json source files) in \(targets.isEmpty ? "this package" : "targets " + targets.joined(separator: ", ")). Add specs to a target's folder, or pass --target with a target that has them."
        case .toolFailed(let command, let exitCode):
            "'\(command)' failed with exit code \(exitCode); see the errors above."
        }
    }

    var errorDescription: String? { description }
}
