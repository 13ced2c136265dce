import ConnectorHubStorage
import Foundation
import Logging
import PostgresNIO

/// ``RecordStore`` in PostgreSQL: several Hub processes share sessions, attempts and accounts
/// (a link started on one completes on another). Tokens go to `PostgresTokenStore` on the same
/// database. Updates run in a transaction with `SELECT … FOR UPDATE`.
///
/// Every write of an account record also sends `NOTIFY connector_hub_accounts, '<account id>'`
/// in the same statement or transaction, so it is delivered when (and only if) the write commits.
/// ``followAccountChanges(into:)`` listens on that channel, so each process forgets a cached
/// account record as soon as another process changed it.
final class PostgresRecordStore: RecordStore {
    /// The channel account changes are announced on; the payload is the account id.
    static let accountChannel = "connector_hub_accounts"
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let logger: Logger
    private let counter = Counter()

    var statementCount: Int { counter.value }

    private init(client: PostgresClient, runner: Task<Void, Never>, logger: Logger) {
        self.client = client
        self.runner = runner
        self.logger = logger
    }

    deinit { runner.cancel() }

    /// Closes the connections.
    func shutdown() async {
        runner.cancel()
        _ = await runner.value
    }

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
        do {
            try await client.query(
                "CREATE TABLE IF NOT EXISTS hub_records (kind text NOT NULL, id text NOT NULL, body text NOT NULL, PRIMARY KEY (kind, id))",
                logger: logger)
        } catch let error as PSQLError where error.isConcurrentCreate {
            // Another process created it at the same moment (IF NOT EXISTS does not cover the race).
        }
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
        counter.add()
        // The row pg_notify returns (one for an account, none otherwise) is read to the end.
        try await drain(client.query(
            """
            WITH written AS (
                INSERT INTO hub_records (kind, id, body) VALUES (\(kind), \(id), \(body))
                ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body RETURNING kind, id)
            SELECT pg_notify(\(Self.accountChannel), id) FROM written WHERE kind = 'account'
            """,
            logger: logger))
    }

    func get<Value: Codable & Sendable>(_ type: Value.Type, kind: String, id: String) async throws -> Value? {
        counter.add()
        let rows = try await client.query("SELECT body FROM hub_records WHERE kind = \(kind) AND id = \(id)", logger: logger)
        for try await body in rows.decode(String.self) { return try Self.decode(type, body) }
        return nil
    }

    func delete(kind: String, id: String) async throws {
        counter.add()
        try await drain(client.query(
            """
            WITH gone AS (DELETE FROM hub_records WHERE kind = \(kind) AND id = \(id) RETURNING kind, id)
            SELECT pg_notify(\(Self.accountChannel), id) FROM gone WHERE kind = 'account'
            """,
            logger: logger))
    }

    func all<Value: Codable & Sendable>(_ type: Value.Type, kind: String) async throws -> [Value] {
        counter.add()
        let rows = try await client.query("SELECT body FROM hub_records WHERE kind = \(kind) ORDER BY id", logger: logger)
        var values: [Value] = []
        for try await body in rows.decode(String.self) { values.append(try Self.decode(type, body)) }
        return values
    }

    func update<Value: Codable & Sendable>(
        _ type: Value.Type, kind: String, id: String, _ change: @escaping @Sendable (inout Value) throws -> Void
    ) async throws -> Value? {
        let logger = self.logger
        counter.add()
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
            if kind == "account" {
                // Delivered at commit, after the update is visible to every reader.
                try await drain(connection.query("SELECT pg_notify(\(Self.accountChannel), \(id))", logger: logger))
            }
            return updated
        }
        return try text.map { try Self.decode(type, $0) }
    }
}

/// Reads a result to its end (a `SELECT pg_notify(…)` returns a row nobody needs).
private func drain(_ rows: PostgresRowSequence) async throws {
    for try await _ in rows {}
}

extension PostgresRecordStore {
    /// Listens for account changes (`LISTEN connector_hub_accounts` on a connection of its own)
    /// until the calling task is cancelled, and tells `cache`: each change, and whether
    /// notifications flow. When the connection breaks, `cache` falls back to its short lifetime
    /// and this reconnects (after 0.25 s, doubling up to 10 s).
    func followAccountChanges(into cache: ConnectionCache) async {
        var delay: UInt64 = 250_000_000
        while !Task.isCancelled {
            _ = try? await client.withConnection { connection in
                try await connection.listen(on: Self.accountChannel) { notifications in
                    cache.setNotified(true)
                    delay = 250_000_000
                    HubLog.info("following account changes (PostgreSQL LISTEN \(Self.accountChannel))")
                    for try await notification in notifications {
                        cache.changed(notification.payload)
                    }
                }
            }
            cache.setNotified(false)
            if Task.isCancelled { return }
            HubLog.warning("account change notifications stopped; cached account records are re-read every few seconds until they resume")
            try? await Task.sleep(nanoseconds: delay)
            delay = min(delay * 2, 10_000_000_000)
        }
    }
}
