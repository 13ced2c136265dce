import ConnectorCompilerCore

enum ConnectorCompilerVersion {
    static var current: String { "connector-compiler \(ConnectorCompiler.version)" }
}
