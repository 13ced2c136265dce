import ConnectorHubStorage
import Foundation
import GRDB

/// What the Hub keeps besides tokens: link sessions, link attempts and accounts, as JSON rows
/// keyed by kind and id. Nothing secret is stored here: field values and pending OAuth state go
/// to the encrypted token store (see ``SealedValues``).
protocol RecordStore: Sendable {
    func put<Value: Codable & Sendable>(_ value: Value, kind: String, id: String) async throws
    func get<Value: Codable & Sendable>(_ type: Value.Type, kind: String, id: String) async throws -> Value?
    func delete(kind: String, id: String) async throws
    func all<Value: Codable & Sendable>(_ type: Value.Type, kind: String) async throws -> [Value]
    /// Reads, changes and writes one record atomically; `nil` when it does not exist.
    func update<Value: Codable & Sendable>(
        _ type: Value.Type, kind: String, id: String, _ change: @escaping @Sendable (inout Value) throws -> Void
    ) async throws -> Value?
    /// Statements sent to the database so far (the bench and tests count them per request).
    var statementCount: Int { get }
}

/// ``RecordStore`` in a SQLite file (WAL), next to the token store's file.
final class SQLiteRecordStore: RecordStore {
    private let pool: DatabasePool
    private let counter = Counter()

    var statementCount: Int { counter.value }

    init(path: String) throws {
        try FileManager.default.createDirectory(
            at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        // Owner-only (0600): the database and the WAL and SHM files SQLite creates with its mode.
        try SQLiteFileModes.restrict(path)
        pool = try DatabasePool(path: path, configuration: configuration)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1 hub records") { db in
            try db.execute(
                sql: "CREATE TABLE hub_records (kind TEXT NOT NULL, id TEXT NOT NULL, body BLOB NOT NULL, PRIMARY KEY (kind, id))")
        }
        try migrator.migrate(pool)
    }

    private static func encode<Value: Encodable>(_ value: Value) throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        return try encoder.encode(value)
    }

    private static func decode<Value: Decodable>(_ type: Value.Type, _ data: Data) throws -> Value {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return try decoder.decode(type, from: data)
    }

    func put<Value: Codable & Sendable>(_ value: Value, kind: String, id: String) async throws {
        counter.add()
        let body = try Self.encode(value)
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO hub_records (kind, id, body) VALUES (?, ?, ?) ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body",
                arguments: [kind, id, body])
        }
    }

    func get<Value: Codable & Sendable>(_ type: Value.Type, kind: String, id: String) async throws -> Value? {
        counter.add()
        let body = try await pool.read { db in
            try Data.fetchOne(db, sql: "SELECT body FROM hub_records WHERE kind = ? AND id = ?", arguments: [kind, id])
        }
        return try body.map { try Self.decode(type, $0) }
    }

    func delete(kind: String, id: String) async throws {
        counter.add()
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM hub_records WHERE kind = ? AND id = ?", arguments: [kind, id])
        }
    }

    func all<Value: Codable & Sendable>(_ type: Value.Type, kind: String) async throws -> [Value] {
        counter.add()
        let bodies = try await pool.read { db in
            try Data.fetchAll(db, sql: "SELECT body FROM hub_records WHERE kind = ? ORDER BY id", arguments: [kind])
        }
        return try bodies.map { try Self.decode(type, $0) }
    }

    func update<Value: Codable & Sendable>(
        _ type: Value.Type, kind: String, id: String, _ change: @escaping @Sendable (inout Value) throws -> Void
    ) async throws -> Value? {
        counter.add()
        return try await pool.write { db in
            guard let body = try Data.fetchOne(db, sql: "SELECT body FROM hub_records WHERE kind = ? AND id = ?", arguments: [kind, id])
            else { return nil }
            var value = try Self.decode(type, body)
            try change(&value)
            try db.execute(sql: "UPDATE hub_records SET body = ? WHERE kind = ? AND id = ?", arguments: [try Self.encode(value), kind, id])
            return value
        }
    }
}

/// Counts statements sent (the bench checks that proxied requests with a cached token send none).
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func add(_ n: Int = 1) { lock.withLock { count += n } }
    var value: Int { lock.withLock { count } }
}
