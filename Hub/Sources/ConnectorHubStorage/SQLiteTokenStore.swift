public import ConnectorRuntime
public import Foundation
import GRDB

/// A ``ConnectorRuntime/TokenStore`` in one SQLite file, for any number of processes on one
/// machine: the default store of the Hub.
///
/// - WAL journal with `synchronous = FULL` (a commit is on disk before the write returns):
///   readers never block the writer; every change is one `BEGIN IMMEDIATE` transaction (the version check, the lease check and the write together), and a busy
///   database is waited for (up to ``busyTimeout``) rather than failed.
/// - Tokens are sealed with AES-256-GCM (``TokenStoreKeys``); the row keeps the key id.
/// - The schema is versioned (``schemaVersion``) and migrated on open; a newer schema than this
///   build knows is refused (``TokenStorageError/newerSchema(found:known:)``).
/// - A row that cannot be opened (corrupt, wrong key, unknown key id) is an error naming its
///   account; other accounts are unaffected.
///
/// The file must be on a local file system (SQLite's WAL needs shared memory between the
/// processes): not NFS or SMB. For several machines use ``PostgresTokenStore``.
///
/// ```swift
/// let store = try SQLiteTokenStore(path: "/var/lib/app/tokens.sqlite", keys: try TokenStoreKeys.fromEnvironment())
/// let connection = Connection(configuration: configuration, account: "zelt/acme", store: store)
/// ```
public final class SQLiteTokenStore: TokenStore {
    /// The newest schema this build knows.
    public static let schemaVersion = SQLiteSchema.migrations.count
    /// How long a statement waits for another process's write transaction.
    public static let busyTimeout: TimeInterval = 10

    public let path: String
    private let pool: DatabasePool
    private let sealing: TokenSealing
    private let counter = StatementCounter()

    /// Opens (creating when missing) the database at `path` and migrates it.
    ///
    /// - Parameters:
    ///   - keys: the encryption keys; `nil` refuses to open unless `development` is `true`.
    ///   - development: with no keys, seal with the public ``TokenStoreKeys/development`` key.
    ///     For `make hub` and tests only.
    public init(path: String, keys: TokenStoreKeys?, development: Bool = false) throws {
        guard let keys = keys ?? (development ? TokenStoreKeys.development : nil) else {
            throw TokenStorageError.missingKey(
                "Pass TokenStoreKeys (e.g. TokenStoreKeys.fromEnvironment()), or development: true for a local development store.")
        }
        self.path = path
        self.sealing = TokenSealing(keys: keys)
        var configuration = Configuration()
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.label = "ConnectorHubStorage.SQLiteTokenStore"
        do {
            // Owner-only (0600): the database and the WAL and SHM files SQLite creates with its mode.
            try SQLiteFileModes.restrict(path)
            pool = try DatabasePool(path: path, configuration: configuration)
            // GRDB sets NORMAL for WAL: commits survive a process crash but may roll back on a
            // power loss. A rotated refresh token must survive both: FULL syncs the WAL on every
            // commit (on the pool's one writer connection, the only one that writes).
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            try pool.write { db in try SQLiteSchema.migrate(db) }
        } catch let error as TokenStorageError {
            throw error
        } catch {
            throw TokenStorageError.database("Could not open or migrate \(path): \(Self.describe(error))")
        }
        try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
    }

    /// Statements sent to SQLite so far (for the bench and tests).
    public var statementCount: Int { counter.value }

    // MARK: TokenStore

    public func record(account: String) async throws -> TokenRecord? {
        counter.add()
        let row = try await access {
            try await self.pool.read { db -> StoredRow? in
                guard let row = try Row.fetchOne(db, sql: SQLiteSchema.selectRecord, arguments: [account]) else { return nil }
                return StoredRow(version: row["version"], keyID: row["key_id"], sealed: row["sealed"])
            }
        }
        guard let row else { return nil }
        guard let version = row.version, let keyID = row.keyID, let sealed = row.sealed else {
            throw TokenStoreError.unreadable(account: account, reason: "its row is incomplete.")
        }
        return TokenRecord(tokens: try sealing.open(.init(keyID: keyID, bytes: sealed), account: account), version: version)
    }

    /// A row's columns, read inside the database access.
    private struct StoredRow: Sendable {
        var account: String = ""
        var version: Int64?
        var keyID: String?
        var sealed: Data?
    }

    public func write(_ tokens: TokenSet, account: String, expectedVersion: Int64, lease: RefreshLease?) async throws -> TokenRecord {
        let sealed = try sealing.seal(tokens, account: account)
        let version: Int64 = try await access {
            try await self.pool.write { db in
                self.counter.add(lease == nil ? 2 : 3)
                let current = try Int64.fetchOne(db, sql: "SELECT version FROM connector_tokens WHERE account = ?", arguments: [account]) ?? 0
                guard current == expectedVersion else {
                    throw TokenStoreError.versionConflict(account: account, expected: expectedVersion, current: current)
                }
                if let lease {
                    let holder = try String.fetchOne(db, sql: "SELECT lease_id FROM connector_token_leases WHERE account = ?", arguments: [account])
                    guard holder == lease.id else { throw TokenStoreError.leaseLost(account: account) }
                }
                try db.execute(
                    sql: """
                        INSERT INTO connector_tokens (account, version, key_id, sealed, updated_at) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (account) DO UPDATE SET version = excluded.version, key_id = excluded.key_id,
                            sealed = excluded.sealed, updated_at = excluded.updated_at
                        """,
                    arguments: [account, current + 1, sealed.keyID, sealed.bytes, Date().timeIntervalSince1970])
                return current + 1
            }
        }
        return TokenRecord(tokens: tokens, version: version)
    }

    public func remove(account: String) async throws {
        counter.add()
        try await access {
            try await self.pool.write { db in try db.execute(sql: "DELETE FROM connector_tokens WHERE account = ?", arguments: [account]) }
        }
    }

    public func acquireRefreshLease(account: String, owner: String, duration: TimeInterval) async throws -> LeaseAcquisition {
        counter.add(2)
        return try await access {
            try await self.pool.write { db in
                let now = Date().timeIntervalSince1970
                if let row = try Row.fetchOne(
                    db, sql: "SELECT owner, expires_at FROM connector_token_leases WHERE account = ?", arguments: [account]),
                    let expires: Double = row["expires_at"], expires > now
                {
                    return .held(owner: row["owner"] ?? "", expiresIn: expires - now)
                }
                let lease = RefreshLease(account: account, owner: owner, id: UUID().uuidString, expiresAt: Date(timeIntervalSince1970: now + duration))
                try db.execute(
                    sql: """
                        INSERT INTO connector_token_leases (account, owner, lease_id, expires_at) VALUES (?, ?, ?, ?)
                        ON CONFLICT (account) DO UPDATE SET owner = excluded.owner, lease_id = excluded.lease_id, expires_at = excluded.expires_at
                        """,
                    arguments: [account, owner, lease.id, now + duration])
                return .acquired(lease)
            }
        }
    }

    public func releaseRefreshLease(_ lease: RefreshLease) async throws {
        counter.add()
        try await access {
            try await self.pool.write { db in
                // Expired, not deleted: the id keeps fencing until another owner takes the lease.
                try db.execute(
                    sql: "UPDATE connector_token_leases SET expires_at = 0 WHERE account = ? AND lease_id = ?", arguments: [lease.account, lease.id])
            }
        }
    }

    // MARK: Operations

    /// Re-encrypts every row not under the current key (see `connector-hub-tokens reencrypt`).
    /// Rows written meanwhile are skipped (they are under the current key already); rows that
    /// cannot be opened are listed, not changed.
    public func reencrypt() async throws -> ReencryptionReport {
        let current = sealing.keys.currentKeyID
        let rows = try await access {
            try await self.pool.read { db in
                try Row.fetchAll(db, sql: "SELECT account, version, key_id, sealed FROM connector_tokens WHERE key_id <> ?", arguments: [current])
                    .map { StoredRow(account: $0["account"], version: $0["version"], keyID: $0["key_id"], sealed: $0["sealed"]) }
            }
        }
        var report = ReencryptionReport()
        for row in rows {
            let account = row.account
            let version = row.version ?? 0
            do {
                let tokens = try sealing.open(.init(keyID: row.keyID ?? "", bytes: row.sealed ?? Data()), account: account)
                let sealed = try sealing.seal(tokens, account: account)
                let changed = try await access {
                    try await self.pool.write { db in
                        try db.execute(
                            sql: "UPDATE connector_tokens SET key_id = ?, sealed = ? WHERE account = ? AND version = ?",
                            arguments: [sealed.keyID, sealed.bytes, account, version])
                        return db.changesCount
                    }
                }
                if changed == 1 { report.reencrypted += 1 } else { report.skipped += 1 }
            } catch let error as TokenStoreError {
                report.unreadable.append(error.description)
            }
        }
        return report
    }

    /// The schema version of the database.
    public func storedSchemaVersion() async throws -> Int {
        try await access { try await self.pool.read { db in try SQLiteSchema.storedVersion(db) } }
    }

    // MARK: Helpers

    /// Runs a database access, keeping store errors and turning SQLite errors into
    /// ``ConnectorRuntime/TokenStoreError/unavailable(_:)`` (no statement arguments in the text).
    private func access<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as TokenStoreError {
            throw error
        } catch {
            throw TokenStoreError.unavailable("SQLite: \(Self.describe(error))")
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return "\(error.resultCode) \(error.message ?? "")"
        }
        return String(describing: type(of: error))
    }
}

/// What ``SQLiteTokenStore/reencrypt()`` or ``PostgresTokenStore/reencrypt()`` did.
public struct ReencryptionReport: Sendable, Hashable, CustomStringConvertible {
    /// Rows moved to the current key.
    public var reencrypted = 0
    /// Rows written meanwhile (already under the current key).
    public var skipped = 0
    /// One error per row that could not be opened (naming its account).
    public var unreadable: [String] = []

    public init() {}

    public var description: String {
        "re-encrypted \(reencrypted), skipped \(skipped) written meanwhile, unreadable \(unreadable.count)"
            + unreadable.map { "\n  \($0)" }.joined()
    }
}

/// The versioned schema of the SQLite store.
enum SQLiteSchema {
    /// Migration n (1-based) brings the schema from version n - 1 to n. Append only.
    static let migrations: [String] = [
        """
        CREATE TABLE connector_tokens (
            account TEXT PRIMARY KEY NOT NULL,
            version INTEGER NOT NULL,
            key_id TEXT NOT NULL,
            sealed BLOB NOT NULL,
            updated_at REAL NOT NULL
        );
        CREATE TABLE connector_token_leases (
            account TEXT PRIMARY KEY NOT NULL,
            owner TEXT NOT NULL,
            lease_id TEXT NOT NULL,
            expires_at REAL NOT NULL
        );
        """
    ]

    static let selectRecord = "SELECT version, key_id, sealed FROM connector_tokens WHERE account = ?"

    static func storedVersion(_ db: Database) throws -> Int {
        guard try db.tableExists("connector_token_schema") else { return 0 }
        return try Int.fetchOne(db, sql: "SELECT version FROM connector_token_schema") ?? 0
    }

    /// Applies the missing migrations in the caller's (immediate) transaction, so processes
    /// opening the file at once migrate it once.
    static func migrate(_ db: Database) throws {
        try db.execute(sql: "CREATE TABLE IF NOT EXISTS connector_token_schema (version INTEGER NOT NULL)")
        let stored = try storedVersion(db)
        guard stored <= migrations.count else { throw TokenStorageError.newerSchema(found: stored, known: migrations.count) }
        guard stored < migrations.count else { return }
        for migration in migrations[stored...] { try db.execute(sql: migration) }
        try db.execute(sql: "DELETE FROM connector_token_schema")
        try db.execute(sql: "INSERT INTO connector_token_schema (version) VALUES (?)", arguments: [migrations.count])
    }
}
