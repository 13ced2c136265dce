import PackagePlugin

@main struct GenerateConnectorDocs: CommandPlugin {
    func performCommand(context: PluginContext, arguments: [String]) async throws {}
}
