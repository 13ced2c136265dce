import Foundation
import Logging
import PostgresNIO

/// ``RecordStore`` in PostgreSQL: several Hub processes share sessions, attempts and accounts
/// (a link started on one completes on another). Tokens go to `PostgresTokenStore` on the same
/// database. Updates run in a transaction with `SELECT … FOR UPDATE`.
final class PostgresRecordStore: RecordStore {
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let logger: Logger

    private init(client: PostgresClient, runner: Task<Void, Never>, logger: Logger) {
        self.client = client
        self.runner = runner
        self.logger = logger
    }

    deinit { runner.cancel() }

    /// Connects to `url` (`postgres://user:password@host:port/database`) and creates the table.
    static func connect(url: String) async throws -> PostgresRecordStore {
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme ?? ""),
            let host = components.host, !host.isEmpty, let user = components.user
        else {
            throw HubConfigurationError("The database URL must look like postgres://user:password@host:port/database.")
        }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        var configuration = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: user, password: components.password,
            database: database.isEmpty ? nil : database, tls: .disable)
        configuration.options.maximumConnections = 10
        var logger = Logger(label: "ConnectorHub.PostgresRecordStore")
        logger.logLevel = .critical
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let runner = Task { await client.run() }
        let store = PostgresRecordStore(client: client, runner: runner, logger: logger)
        try await client.query(
            "CREATE TABLE IF NOT EXISTS hub_records (kind text NOT NULL, id text NOT NULL, body text NOT NULL, PRIMARY KEY (kind, id))",
            logger: logger)
        return store
    }

    private static func encode<Value: Encodable>(_ value: Value) throws -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    private static func decode<Value: Decodable>(_ type: Value.Type, _ text: String) throws -> Value {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return try decoder.decode(type, from: Data(text.utf8))
    }

    func put<Value: Codable & Sendable>(_ value: Value, kind: String, id: String) async throws {
        let body = try Self.encode(value)
        try await client.query(
            "INSERT INTO hub_records (kind, id, body) VALUES (\(kind), \(id), \(body)) ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body",
            logger: logger)
    }

    func get<Value: Codable & Sendable>(_ type: Value.Type, kind: String, id: String) async throws -> Value? {
        let rows = try await client.query("SELECT body FROM hub_records WHERE kind = \(kind) AND id = \(id)", logger: logger)
        for try await body in rows.decode(String.self) { return try Self.decode(type, body) }
        return nil
    }

    func delete(kind: String, id: String) async throws {
        try await client.query("DELETE FROM hub_records WHERE kind = \(kind) AND id = \(id)", logger: logger)
    }

    func all<Value: Codable & Sendable>(_ type: Value.Type, kind: String) async throws -> [Value] {
        let rows = try await client.query("SELECT body FROM hub_records WHERE kind = \(kind) ORDER BY id", logger: logger)
        var values: [Value] = []
        for try await body in rows.decode(String.self) { values.append(try Self.decode(type, body)) }
        return values
    }

    func update<Value: Codable & Sendable>(
        _ type: Value.Type, kind: String, id: String, _ change: @escaping @Sendable (inout Value) throws -> Void
    ) async throws -> Value? {
        let logger = self.logger
        let text: String? = try await client.withTransaction(logger: logger) { connection in
            let rows = try await connection.query(
                "SELECT body FROM hub_records WHERE kind = \(kind) AND id = \(id) FOR UPDATE", logger: logger)
            var current: String?
            for try await body in rows.decode(String.self) { current = body }
            guard let current else { return nil }
            var value = try Self.decode(type, current)
            try change(&value)
            let updated = try Self.encode(value)
            try await connection.query("UPDATE hub_records SET body = \(updated) WHERE kind = \(kind) AND id = \(id)", logger: logger)
            return updated
        }
        return try text.map { try Self.decode(type, $0) }
    }
}
