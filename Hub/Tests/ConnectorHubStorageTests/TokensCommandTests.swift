import ConnectorHubStorage
import ConnectorRuntime
import Foundation
import Testing
import TokenStoreTesting

/// `connector-hub-tokens`, the operator command, run as a process on a real SQLite file.
@Suite struct TokensCommandTests {
    @Test func reencryptMovesRowsToTheNewKeyAndSchemaPrintsTheVersion() async throws {
        let path = StoreFixtures.temporarySQLitePath()
        let old = try SQLiteTokenStore(path: path, keys: try TokenStoreKeys(current: "k2", keys: ["k2": StoreFixtures.keyBytes["k2"]!]))
        try await old.save(StoreFixtures.tokens, account: "acme")
        let command = try StressScenario.builtExecutable("connector-hub-tokens").path
        // k1 first (current), k2 kept so the old rows open.
        let environment = "\(TokenStoreKeys.environmentVariable)=\(StoreFixtures.keysEnvironment)"
        let reencrypt = try await Command.run(["env", environment, command, "reencrypt", "--sqlite", path])
        checkEqual(reencrypt.status, 0, reencrypt.output)
        checkEqual(
            reencrypt.output.trimmingCharacters(in: .whitespacesAndNewlines),
            "re-encrypted 1, skipped 0 written meanwhile, unreadable 0 (current key id: k1)")
        let onlyNew = try SQLiteTokenStore(path: path, keys: try TokenStoreKeys(current: "k1", keys: ["k1": StoreFixtures.keyBytes["k1"]!]))
        checkEqual(try await onlyNew.load(account: "acme"), StoreFixtures.tokens, "readable with the new key alone")
        let schema = try await Command.run(["env", environment, command, "schema", "--sqlite", path])
        checkEqual(schema.output.trimmingCharacters(in: .whitespacesAndNewlines), "schema version \(SQLiteTokenStore.schemaVersion)")
        let noKey = try await Command.run(["env", "-u", TokenStoreKeys.environmentVariable, command, "schema", "--sqlite", path])
        checkEqual(noKey.status, 1)
        check(noKey.output.contains("refuses to start without an encryption key"), noKey.output)
    }
}
