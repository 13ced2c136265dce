import ConnectorHubStorage
import ConnectorRuntime
import Foundation
import Testing
import TokenStoreTesting

/// Keys, stores and raw database access for the SQL store tests.
enum StoreFixtures {
    /// Two real keys: `k1` (current) and `k2`.
    static let keyBytes: [String: Data] = [
        "k1": Data((0..<32).map { UInt8($0) }), "k2": Data((0..<32).map { UInt8(255 - $0) }),
    ]
    static let keys = try! TokenStoreKeys(current: "k1", keys: keyBytes)
    /// The environment value for worker processes.
    static let keysEnvironment = "k1:\(keyBytes["k1"]!.base64EncodedString()),k2:\(keyBytes["k2"]!.base64EncodedString())"

    static let tokens = TokenSet(
        accessToken: Secret("access-plaintext-marker"), refreshToken: Secret("refresh-plaintext-marker"),
        expiresAt: Date(timeIntervalSince1970: 1_800_000_000), scope: ["read"], extra: ["instance_url": "https://acme.example.com"])

    static func temporarySQLitePath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("tokens-\(UUID().uuidString).sqlite").path
    }

    /// `CONNECTOR_TEST_POSTGRES_URL`, set by `make hub-test` (scripts/postgres.sh).
    static func postgresURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["CONNECTOR_TEST_POSTGRES_URL"], !url.isEmpty else {
            throw ServerError("CONNECTOR_TEST_POSTGRES_URL is not set: run the Hub tests with `make hub-test` (it starts a PostgreSQL server).")
        }
        return url
    }

    /// Runs SQL with psql against `url` (for tests that damage rows on purpose).
    @discardableResult
    static func psql(_ url: String, _ sql: String) async throws -> String {
        let result = try await Command.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-tAc", sql])
        guard result.status == 0 else { throw ServerError("psql failed: \(result.output)") }
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs `sqlite3`-free raw SQL on a SQLite store file through a second store-independent
    /// connection (GRDB), for tests that damage rows on purpose.
    static func sqlite(_ path: String, _ sql: String, _ arguments: [String] = []) throws {
        try RawSQLite.execute(path: path, sql: sql, arguments: arguments)
    }
}
