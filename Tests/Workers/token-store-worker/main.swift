// The worker process of the file store's multi-process tests (see TokenStoreTesting.StressWorker).
// `--store file:/path/to/directory` or `--store memory`, then the worker's own arguments.
import ConnectorRuntime
import Foundation
import TokenStoreTesting

let arguments = Array(CommandLine.arguments.dropFirst())
let storeArgument = arguments.firstIndex(of: "--store").flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil } ?? "memory"
let store: any TokenStore
if storeArgument.hasPrefix("file:") {
    do {
        store = try FileTokenStore(directory: URL(fileURLWithPath: String(storeArgument.dropFirst("file:".count))))
    } catch {
        FileHandle.standardError.write(Data("Cannot open the file store: \(error)\n".utf8))
        exit(70)
    }
} else {
    store = InMemoryTokenStore()
}
exit(await StressWorker.run(store: store, arguments: arguments))
