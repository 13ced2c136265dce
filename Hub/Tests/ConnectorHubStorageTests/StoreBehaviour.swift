import ConnectorHubStorage
import ConnectorRuntime
import Foundation
import Testing
import TokenStoreTesting

/// What both SQL stores must do; each store's suite calls these against a real database.
enum StoreBehaviour {
    static func contract(_ kind: SQLStore) async throws {
        let opened = try await kind.open()
        defer { Task { await opened.close() } }
        checkEqual(await StoreContract.check(opened.store), [], "\(kind) store contract")
        // A second handle on the same database stands for another process.
        let other = try await kind.open()
        defer { Task { await other.close() } }
        let account = "shared-\(UUID().uuidString.prefix(8))"
        let written = try await opened.store.write(StoreFixtures.tokens, account: account, expectedVersion: 0, lease: nil)
        checkEqual(try await other.store.record(account: account), written, "another handle reads the same record")
        guard case let .acquired(lease) = try await opened.store.acquireRefreshLease(account: account, owner: "one", duration: 30) else {
            Issue.record("no lease")
            return
        }
        guard case .held(owner: "one", _) = try await other.store.acquireRefreshLease(account: account, owner: "two", duration: 30) else {
            Issue.record("the other handle got a held lease")
            return
        }
        try await opened.store.releaseRefreshLease(lease)
    }

    static func tokensAreEncryptedAtRest(_ kind: SQLStore) async throws {
        let opened = try await kind.open()
        defer { Task { await opened.close() } }
        let account = "at-rest-\(UUID().uuidString.prefix(8))"
        try await opened.store.save(StoreFixtures.tokens, account: account)
        let raw = try await kind.rawRow(account)
        check(!raw.isEmpty, "the row exists")
        check(!raw.contains("plaintext-marker") && !raw.contains("acme.example.com"), "no token or field in plaintext")
    }

    static func badRowsAreClearErrorsNamingTheAccount(_ kind: SQLStore) async throws {
        let opened = try await kind.open()
        defer { Task { await opened.close() } }
        let prefix = UUID().uuidString.prefix(8)
        let good = "good-\(prefix)", corrupt = "corrupt-\(prefix)", swapped = "swapped-\(prefix)"
        for account in [good, corrupt, swapped] { try await opened.store.save(StoreFixtures.tokens, account: account) }
        try await kind.overwriteSealed(corrupt, hex: "00010203")
        try await kind.copySealed(from: good, to: swapped)

        await #expect(
            throws: TokenStoreError.unreadable(
                account: corrupt, reason: "it does not decrypt with key 'k1' (wrong key, or the row was altered or copied from another account).")
        ) { try await opened.store.record(account: corrupt) }
        await #expect(
            throws: TokenStoreError.unreadable(
                account: swapped, reason: "it does not decrypt with key 'k1' (wrong key, or the row was altered or copied from another account).")
        ) { try await opened.store.record(account: swapped) }
        checkEqual(try await opened.store.load(account: good), StoreFixtures.tokens, "other accounts are unaffected")

        // The same key id with other bytes: a wrong key.
        let wrong = try await kind.open(keys: try TokenStoreKeys(current: "k1", keys: ["k1": Data(repeating: 7, count: 32)]))
        defer { Task { await wrong.close() } }
        await #expect(
            throws: TokenStoreError.unreadable(
                account: good, reason: "it does not decrypt with key 'k1' (wrong key, or the row was altered or copied from another account).")
        ) { try await wrong.store.record(account: good) }
        // Only another key id configured: an unknown key id.
        let other = try await kind.open(keys: try TokenStoreKeys(current: "k2", keys: ["k2": StoreFixtures.keyBytes["k2"]!]))
        defer { Task { await other.close() } }
        await #expect(
            throws: TokenStoreError.unreadable(account: good, reason: "it is encrypted under key id 'k1', which is not configured (configured: k2).")
        ) { try await other.store.record(account: good) }

        // Through a connection: reconnect required, saying which account, never a crash.
        let connection = Connection(
            configuration: ConnectionConfiguration(
                connectorID: "test", variantID: "oauth", baseURL: .fixed(URL(string: "https://api.example.com")!),
                auth: .clientCredentials(
                    ClientCredentialsConfiguration(
                        endpoint: TokenEndpoint(
                            tokenURL: URL(string: "https://auth.example.com/token")!,
                            client: OAuthClient(id: "c", secret: Secret("s"), authentication: .clientSecretBasic))))),
            account: corrupt, store: opened.store)
        let error = await connectorError { _ = try await connection.currentTokens() }
        checkEqual(
            error,
            .reconnectRequired(
                detail:
                    "The stored tokens of account '\(corrupt)' cannot be read (it does not decrypt with key 'k1' (wrong key, or the row was altered or copied from another account).)"
            ))
    }

    static func reencryptMovesRowsToTheCurrentKey(_ kind: SQLStore) async throws {
        let prefix = UUID().uuidString.prefix(8)
        let oldKeys = try TokenStoreKeys(current: "k2", keys: ["k2": StoreFixtures.keyBytes["k2"]!])
        let before = try await kind.open(keys: oldKeys)
        defer { Task { await before.close() } }
        for n in 0..<3 { try await before.store.save(StoreFixtures.tokens, account: "rotate-\(prefix)-\(n)") }
        try await kind.overwriteSealed("rotate-\(prefix)-2", hex: "ff")
        // k1 becomes current; k2 stays configured until the rows are re-encrypted.
        let after = try await kind.open(keys: StoreFixtures.keys)
        defer { Task { await after.close() } }
        let report = try await after.reencrypt()
        check(report.reencrypted >= 2, "re-encrypted: \(report)")
        check(report.unreadable.contains { $0.contains("rotate-\(prefix)-2") }, "the damaged row is named: \(report)")
        let version = try await after.store.record(account: "rotate-\(prefix)-0")?.version
        checkEqual(version, 1, "re-encryption keeps the version (no compare-and-swap writer is disturbed)")
        // Without k2, the moved rows still open.
        let onlyCurrent = try await kind.open(keys: try TokenStoreKeys(current: "k1", keys: ["k1": StoreFixtures.keyBytes["k1"]!]))
        defer { Task { await onlyCurrent.close() } }
        checkEqual(try await onlyCurrent.store.load(account: "rotate-\(prefix)-1"), StoreFixtures.tokens)
    }

    static func refusesToStartWithoutAKey(_ kind: SQLStore) async throws {
        await #expect(
            throws: TokenStorageError.missingKey(
                "Pass TokenStoreKeys (e.g. TokenStoreKeys.fromEnvironment()), or development: true for a local development store.")
        ) { _ = try await kind.open(keys: nil) }
        let development = try await kind.open(keys: nil, development: true)
        defer { Task { await development.close() } }
        let account = "dev-\(UUID().uuidString.prefix(8))"
        try await development.store.save(StoreFixtures.tokens, account: account)
        checkEqual(try await development.store.load(account: account), StoreFixtures.tokens)
        // A store with real keys does not take development rows for protected ones.
        let real = try await kind.open()
        defer { Task { await real.close() } }
        await #expect(
            throws: TokenStoreError.unreadable(
                account: account, reason: "it is encrypted under key id 'development', which is not configured (configured: k1, k2).")
        ) { try await real.store.record(account: account) }
    }

    /// 0 statements per send with a valid cached token: the store is off the hot path.
    static func sendsWithAValidTokenMakeNoQueries(_ kind: SQLStore) async throws {
        let opened = try await kind.open()
        defer { Task { await opened.close() } }
        let server = try LocalAPI.start()
        defer { server.stop() }
        let account = "hot-\(UUID().uuidString.prefix(8))"
        try await opened.store.save(
            TokenSet(accessToken: Secret("valid"), refreshToken: Secret("r"), expiresAt: Date().addingTimeInterval(3600)), account: account)
        let connection = Connection(configuration: server.configuration, account: account, store: opened.store, transport: URLSessionTransport())
        checkEqual(try await connection.send(path: "/api").status, 200)
        let before = opened.statementCount
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<200 { group.addTask { try await connection.send(path: "/api").status } }
            for try await status in group { checkEqual(status, 200) }
        }
        checkEqual(opened.statementCount - before, 0, "statements for 200 sends with a valid cached token")
    }

    static func multiProcess(_ kind: SQLStore, rounds: Int) async throws {
        let seedStore = try await kind.open()
        defer { Task { await seedStore.close() } }
        let scenario = StressScenario(
            worker: try StressScenario.builtExecutable("hub-store-worker"), storeArguments: ["--store", kind.workerArgument],
            authServer: try TestServer.current(.auth).baseURL, rounds: rounds,
            environment: [TokenStoreKeys.environmentVariable: StoreFixtures.keysEnvironment], account: "stress-\(UUID().uuidString.prefix(8))")
        let account = scenario.account
        let report = try await scenario.runRounds { tokens in try await seedStore.store.save(tokens, account: account) }
        checkEqual(report.tokenRequestsPerRound, Array(repeating: 1, count: rounds), "\(kind): token requests per expiry")
        checkEqual(report.sends, 4 * 250 * rounds, "sends")
        checkEqual(report.failedSends, 0, "failed sends: \(report.results.filter { $0.ok != 250 })")
        checkEqual(Set(report.results.map(\.status)), ["active"], "statuses")
        checkEqual(report.refreshTokensActive, 1, "the account is not lost")
    }

    static func killedLeaseHolder(_ kind: SQLStore, spendFirst: Bool) async throws {
        let seedStore = try await kind.open()
        defer { Task { await seedStore.close() } }
        let scenario = StressScenario(
            worker: try StressScenario.builtExecutable("hub-store-worker"), storeArguments: ["--store", kind.workerArgument],
            authServer: try TestServer.current(.auth).baseURL, lease: 2,
            environment: [TokenStoreKeys.environmentVariable: StoreFixtures.keysEnvironment], account: "killed-\(UUID().uuidString.prefix(8))")
        let account = scenario.account
        let report = try await scenario.runKilledLeaseHolder(spendFirst: spendFirst) { tokens in
            try await seedStore.store.save(tokens, account: account)
        }
        if spendFirst {
            checkEqual(report.result.reconnectRequired, 250, "\(kind): the provider had rotated: \(report.result)")
            checkEqual(report.result.status, "reconnectRequired")
            checkEqual(report.refreshTokensActive, 0)
        } else {
            checkEqual(report.result.ok, 250, "\(kind): the survivor's sends: \(report.result)")
            checkEqual(report.tokenRequests, 1)
            checkEqual(report.refreshTokensActive, 1, "the account survives")
        }
    }
}
