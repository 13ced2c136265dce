/// Facts about this compiler.
public enum ConnectorCompiler {
    /// Stamped into every generated file; bump when generated output changes.
    public static let version = "0.3.0"
}
