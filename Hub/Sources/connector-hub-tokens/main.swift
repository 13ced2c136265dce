// Operator commands for the Hub's token stores. Keys come from CONNECTOR_HUB_TOKEN_KEYS
// (`id:base64,id:base64`, the first current).
//
//   connector-hub-tokens reencrypt --sqlite PATH | --postgres URL
//       re-encrypts every row not under the current key (after adding a new key first in the
//       list); rows that cannot be opened are listed and left unchanged (exit status 1)
//   connector-hub-tokens schema --sqlite PATH | --postgres URL
//       migrates if needed and prints the schema version
import ConnectorHubStorage
import Foundation

let usage = """
    usage: connector-hub-tokens reencrypt|schema --sqlite PATH | --postgres URL
    Keys: CONNECTOR_HUB_TOKEN_KEYS=id:base64key[,id:base64key...] (the first is the current key)
    """

func fail(_ message: String, status: Int32 = 64) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(status)
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count == 3, ["reencrypt", "schema"].contains(arguments[0]), ["--sqlite", "--postgres"].contains(arguments[1]) else {
    fail(usage)
}
do {
    let keys = try TokenStoreKeys.fromEnvironment()
    let report: ReencryptionReport?
    let schema: Int
    if arguments[1] == "--sqlite" {
        let store = try SQLiteTokenStore(path: arguments[2], keys: keys)
        report = arguments[0] == "reencrypt" ? try await store.reencrypt() : nil
        schema = try await store.storedSchemaVersion()
    } else {
        let store = try await PostgresTokenStore.connect(url: arguments[2], keys: keys)
        do {
            report = arguments[0] == "reencrypt" ? try await store.reencrypt() : nil
            schema = try await store.storedSchemaVersion()
        } catch {
            await store.shutdown()
            throw error
        }
        await store.shutdown()
    }
    if let report {
        print("\(report) (current key id: \(keys.currentKeyID))")
        if !report.unreadable.isEmpty { exit(1) }
    } else {
        print("schema version \(schema)")
    }
} catch {
    fail("connector-hub-tokens: \(error)", status: 1)
}
