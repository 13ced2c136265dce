import ConnectorHubStorage
import ConnectorRuntime
import Foundation
import Testing
import TokenStoreTesting

/// ``PostgresTokenStore`` against the real PostgreSQL server `make hub-test` starts
/// (scripts/postgres.sh). Serialized: one test stops and restarts the server.
@Suite(.authServer, .serialized)
struct PostgresTokenStoreTests {
    private func store() throws -> SQLStore { .postgres(url: try StoreFixtures.postgresURL()) }

    @Test func followsTheTokenStoreContract() async throws { try await StoreBehaviour.contract(try store()) }
    @Test func tokensAreEncryptedAtRest() async throws { try await StoreBehaviour.tokensAreEncryptedAtRest(try store()) }
    @Test func badRowsAreClearErrorsNamingTheAccount() async throws { try await StoreBehaviour.badRowsAreClearErrorsNamingTheAccount(try store()) }
    @Test func reencryptMovesRowsToTheCurrentKey() async throws { try await StoreBehaviour.reencryptMovesRowsToTheCurrentKey(try store()) }
    @Test func refusesToStartWithoutAKey() async throws { try await StoreBehaviour.refusesToStartWithoutAKey(try store()) }
    @Test func sendsWithAValidTokenMakeNoQueries() async throws { try await StoreBehaviour.sendsWithAValidTokenMakeNoQueries(try store()) }

    @Test func fourProcessesRefreshOneExpiredAccountOncePerExpiry() async throws {
        try await StoreBehaviour.multiProcess(try store(), rounds: SQLiteTokenStoreTests.rounds)
    }

    @Test(arguments: [false, true])
    func aProcessKilledHoldingTheLeaseIsTakenOver(providerHadRotated: Bool) async throws {
        try await StoreBehaviour.killedLeaseHolder(try store(), spendFirst: providerHadRotated)
    }

    /// Processes starting together on an empty database each create the schema table: the
    /// losers of `CREATE TABLE IF NOT EXISTS` get 23505, 42P07 or 42710 ("type ... already
    /// exists"), which all mean the table is there. hub-processes-test met the 42710 case (its
    /// second process did not start). A race: this test cannot fail on every run without the
    /// fix, so it starts 8 stores together on 6 fresh databases.
    @Test func storesStartingTogetherOnAnEmptyDatabaseAllStart() async throws {
        let url = try StoreFixtures.postgresURL()
        for _ in 0..<6 {
            let database = "together_\(UUID().uuidString.prefix(8).lowercased())"
            try await StoreFixtures.psql(url, "CREATE DATABASE \(database)")
            let other = url.replacingOccurrences(of: "/postgres", with: "/\(database)")
            let versions = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        let store = try await PostgresTokenStore.connect(url: other, keys: StoreFixtures.keys)
                        let version = try await store.storedSchemaVersion()
                        await store.shutdown()
                        return version
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            checkEqual(versions, Array(repeating: PostgresTokenStore.schemaVersion, count: 8))
        }
    }

    @Test func aNewerSchemaIsRefused() async throws {
        let url = try StoreFixtures.postgresURL()
        let database = "schema_\(UUID().uuidString.prefix(8).lowercased())"
        try await StoreFixtures.psql(url, "CREATE DATABASE \(database)")
        let other = url.replacingOccurrences(of: "/postgres", with: "/\(database)")
        let store = try await PostgresTokenStore.connect(url: other, keys: StoreFixtures.keys)
        checkEqual(try await store.storedSchemaVersion(), PostgresTokenStore.schemaVersion)
        await store.shutdown()
        try await StoreFixtures.psql(other, "UPDATE connector_token_schema SET version = 99")
        await #expect(throws: TokenStorageError.newerSchema(found: 99, known: PostgresTokenStore.schemaVersion)) {
            _ = try await PostgresTokenStore.connect(url: other, keys: StoreFixtures.keys)
        }
    }

    @Test func aRestartedDatabaseKeepsCachedSendsWorkingAndRefreshesResume() async throws {
        let url = try StoreFixtures.postgresURL()
        guard let control = ProcessInfo.processInfo.environment["CONNECTOR_TEST_POSTGRES_CONTROL"] else {
            throw ServerError("CONNECTOR_TEST_POSTGRES_CONTROL is not set: run the Hub tests with `make hub-test`.")
        }
        let server = try TestServer.current(.auth)
        let client = try await server.registerClient("restart", reuseDetection: true)
        let store = try await PostgresTokenStore.connect(url: url, keys: StoreFixtures.keys, operationTimeout: 3)
        defer { Task { await store.shutdown() } }
        let account = "restart-\(UUID().uuidString.prefix(8))"
        let minted = try await server.control("POST", "/_control/mint-refresh?client_id=\(client.id)&scope=read") as? [String: Any]
        let refresh = try unwrap(minted?["refresh_token"] as? String, "minted refresh token")
        try await store.save(TokenSet(accessToken: Secret("expired"), refreshToken: Secret(refresh), expiresAt: Date(timeIntervalSince1970: 0)), account: account)
        let connection = Connection(
            configuration: server.codeConfiguration(client), account: account, store: store, transport: URLSessionTransport())
        checkEqual(try await connection.send(path: "/api/me").status, 200, "first send refreshes")

        try await shell(control + " stop")
        let statuses = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<100 { group.addTask { (try? await connection.send(path: "/api/me").status) ?? -1 } }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
        checkEqual(statuses.filter { $0 == 200 }.count, 100, "sends with a valid cached token while the database is down")
        let error = await connectorError { _ = try await connection.refreshNow() }
        guard case .providerUnavailable(_, retryable: true)? = error else {
            Issue.record("a refresh while the database is down is retryable, got \(String(describing: error))")
            try await shell(control + " start")
            return
        }
        checkNotEqual(await connection.status, .reconnectRequired)

        try await shell(control + " start")
        var refreshed = false
        for _ in 0..<20 where !refreshed {
            if (try? await connection.refreshNow()) != nil { refreshed = true } else { try await Task.sleep(nanoseconds: 250_000_000) }
        }
        check(refreshed, "refreshes resume once the database is back")
        checkEqual(try await connection.send(path: "/api/me").status, 200)
        checkEqual(try await server.stats(client.id).tokenRequests["refresh_token"], 2, "no token request while the database was down")
        checkEqual(await connection.status, .active)
    }

    private func shell(_ command: String) async throws {
        let result = try await Command.run(["/bin/sh", "-c", command])
        guard result.status == 0 else { throw ServerError("`\(command)` failed (\(result.status)): \(result.output)") }
    }
}
