import ConnectorHubStorage
import ConnectorRuntime
import Foundation
import Testing

/// One SQL store under test: a SQLite file or a PostgreSQL database, opened as many times as a
/// test needs (each open is what another process would do).
enum SQLStore: Sendable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    var description: String {
        switch self {
        case .sqlite: "SQLite"
        case .postgres: "PostgreSQL"
        }
    }

    /// The worker's `--store` argument.
    var workerArgument: String {
        switch self {
        case let .sqlite(path): "sqlite:" + path
        case let .postgres(url): "postgres:" + url
        }
    }

    func open(keys: TokenStoreKeys? = StoreFixtures.keys, development: Bool = false) async throws -> OpenedStore {
        switch self {
        case let .sqlite(path):
            return OpenedStore(store: try SQLiteTokenStore(path: path, keys: keys, development: development), close: {})
        case let .postgres(url):
            // 10 s, not 3: connect and migrate run while every Hub suite starts at once (several Hub
            // instances migrating, the NIO event loops shared with their AsyncHTTPClient transports);
            // on a loaded 2-core machine 3 s was too short twice.
            let store = try await PostgresTokenStore.connect(url: url, keys: keys, development: development, operationTimeout: 10)
            return OpenedStore(store: store, close: { await store.shutdown() })
        }
    }

    /// Overwrites the sealed value of `account` with `bytes` (hex), bypassing the store.
    func overwriteSealed(_ account: String, hex: String) async throws {
        switch self {
        case let .sqlite(path):
            try StoreFixtures.sqlite(path, "UPDATE connector_tokens SET sealed = X'\(hex)' WHERE account = ?", [account])
        case let .postgres(url):
            try await StoreFixtures.psql(url, "UPDATE connector_tokens SET sealed = '\\x\(hex)'::bytea WHERE account = '\(account)'")
        }
    }

    /// Copies the sealed value and key id of `source` into `target`'s row.
    func copySealed(from source: String, to target: String) async throws {
        let sql = """
            UPDATE connector_tokens SET sealed = (SELECT sealed FROM connector_tokens WHERE account = '\(source)'),
                key_id = (SELECT key_id FROM connector_tokens WHERE account = '\(source)') WHERE account = '\(target)'
            """
        switch self {
        case let .sqlite(path): try StoreFixtures.sqlite(path, sql)
        case let .postgres(url): try await StoreFixtures.psql(url, sql)
        }
    }

    /// The raw bytes stored for `account` (to check nothing is in plaintext).
    func rawRow(_ account: String) async throws -> String {
        switch self {
        case let .sqlite(path):
            return (try RawSQLite.blob(path: path, sql: "SELECT sealed FROM connector_tokens WHERE account = ?", arguments: [account]))
                .map { String(decoding: $0, as: UTF8.self) } ?? ""
        case let .postgres(url):
            return try await StoreFixtures.psql(url, "SELECT encode(sealed, 'escape') FROM connector_tokens WHERE account = '\(account)'")
        }
    }
}

/// A store and how to close it.
struct OpenedStore: Sendable {
    let store: any TokenStore
    let close: @Sendable () async -> Void

    var statementCount: Int {
        switch store {
        case let sqlite as SQLiteTokenStore: sqlite.statementCount
        case let postgres as PostgresTokenStore: postgres.statementCount
        default: 0
        }
    }

    func reencrypt() async throws -> ReencryptionReport {
        switch store {
        case let sqlite as SQLiteTokenStore: try await sqlite.reencrypt()
        case let postgres as PostgresTokenStore: try await postgres.reencrypt()
        default: ReencryptionReport()
        }
    }
}
