// The worker process of the SQL stores' multi-process tests and of `make bench` (see
// TokenStoreTesting.StressWorker). `--store sqlite:/path/to/file`, `postgres:URL` or `file:/dir`,
// keys from CONNECTOR_HUB_TOKEN_KEYS, then the worker's own arguments.
import ConnectorHubStorage
import ConnectorRuntime
import Foundation
import TokenStoreTesting

let arguments = Array(CommandLine.arguments.dropFirst())
let storeArgument = arguments.firstIndex(of: "--store").flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil } ?? ""
do {
    let keys = try TokenStoreKeys.fromEnvironment()
    if storeArgument.hasPrefix("sqlite:") {
        let store = try SQLiteTokenStore(path: String(storeArgument.dropFirst("sqlite:".count)), keys: keys)
        exit(await StressWorker.run(store: store, arguments: arguments))
    } else if storeArgument.hasPrefix("postgres:") {
        let store = try await PostgresTokenStore.connect(url: String(storeArgument.dropFirst("postgres:".count)), keys: keys)
        let status = await StressWorker.run(store: store, arguments: arguments)
        await store.shutdown()
        exit(status)
    } else if storeArgument.hasPrefix("file:") {
        let store = try FileTokenStore(directory: URL(fileURLWithPath: String(storeArgument.dropFirst("file:".count))))
        exit(await StressWorker.run(store: store, arguments: arguments))
    } else {
        FileHandle.standardError.write(Data("--store sqlite:PATH, postgres:URL or file:DIRECTORY is required\n".utf8))
        exit(64)
    }
} catch {
    FileHandle.standardError.write(Data("hub-store-worker: \(error)\n".utf8))
    exit(70)
}
