public import ConnectorRuntime
public import Foundation
import PostgresNIO

/// A ``ConnectorRuntime/TokenStore`` in PostgreSQL, for processes on several machines.
///
/// - Compare-and-swap: a write is one `UPDATE … WHERE version = $expected` (or an insert that
///   does nothing when the row exists); nothing is locked between statements.
/// - The refresh lease is a row (owner, id, expiry on the database's clock) taken with one
///   `INSERT … ON CONFLICT DO UPDATE … WHERE expires_at <= now()`, released only by its own id.
///   A write carrying a lease locks the lease row `FOR SHARE` inside its single statement, so a
///   takeover and a fenced write cannot both succeed. No advisory lock, and no lock is ever held
///   while the runtime waits for the provider.
/// - Tokens are sealed with AES-256-GCM (``TokenStoreKeys``); the row keeps the key id.
/// - The schema is versioned and migrated on connect; a newer schema is refused.
/// - Every operation has a deadline (``operationTimeout``): while the database is down, sends
///   with a valid cached token go on (they never touch the store) and refreshes fail as
///   retryable until it is back.
///
/// ```swift
/// let store = try await PostgresTokenStore.connect(
///     url: "postgres://hub@db.internal:5432/hub", keys: try TokenStoreKeys.fromEnvironment())
/// defer { Task { await store.shutdown() } }
/// ```
public final class PostgresTokenStore: TokenStore {
    /// The newest schema this build knows.
    public static let schemaVersion = PostgresSchema.migrations.count

    /// Seconds one operation may take before it fails as unavailable.
    public let operationTimeout: TimeInterval
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let sealing: TokenSealing
    private let counter = StatementCounter()
    private let logger: Logger

    private init(client: PostgresClient, runner: Task<Void, Never>, sealing: TokenSealing, operationTimeout: TimeInterval, logger: Logger) {
        self.client = client
        self.runner = runner
        self.sealing = sealing
        self.operationTimeout = operationTimeout
        self.logger = logger
    }

    /// Connects to `url` (`postgres://user:password@host:port/database`; TLS is not used, so
    /// keep the database on a private network or a local socket proxy) and migrates the schema.
    ///
    /// - Parameters:
    ///   - keys: the encryption keys; `nil` refuses to connect unless `development` is `true`.
    ///   - development: with no keys, seal with the public ``TokenStoreKeys/development`` key.
    ///   - maximumConnections: the pool's size per process.
    public static func connect(
        url: String, keys: TokenStoreKeys?, development: Bool = false, operationTimeout: TimeInterval = 10, maximumConnections: Int = 10
    ) async throws -> PostgresTokenStore {
        guard let keys = keys ?? (development ? TokenStoreKeys.development : nil) else {
            throw TokenStorageError.missingKey(
                "Pass TokenStoreKeys (e.g. TokenStoreKeys.fromEnvironment()), or development: true for a local development store.")
        }
        var configuration = try DatabaseURL(url).configuration
        configuration.options.connectTimeout = .seconds(Int64(max(1, operationTimeout.rounded(.up))))
        configuration.options.maximumConnections = maximumConnections
        var quiet = Logger(label: "ConnectorHubStorage.PostgresTokenStore")
        quiet.logLevel = .critical
        let logger = quiet
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let runner = Task { await client.run() }
        let store = PostgresTokenStore(
            client: client, runner: runner, sealing: TokenSealing(keys: keys), operationTimeout: operationTimeout, logger: logger)
        do {
            // The schema statements wait for every other process starting on the same database
            // (one table lock), so they get a longer deadline than one operation.
            try await store.access(seconds: PostgresStoreDeadline.startup(operationTimeout: operationTimeout)) {
                try await PostgresSchema.migrate(client, logger: logger)
            }
        } catch {
            await store.shutdown()
            if let error = error as? TokenStorageError { throw error }
            throw TokenStorageError.database("Could not connect to or migrate the database: \(error)")
        }
        return store
    }

    /// Closes the connections.
    public func shutdown() async {
        runner.cancel()
        _ = await runner.value
    }

    /// Statements sent to PostgreSQL so far (for the bench and tests).
    public var statementCount: Int { counter.value }

    // MARK: TokenStore

    public func record(account: String) async throws -> TokenRecord? {
        counter.add()
        let row: (Int64, String, Data)? = try await access {
            let rows = try await self.client.query(
                "SELECT version, key_id, sealed FROM connector_tokens WHERE account = \(account)", logger: self.logger)
            for try await (version, keyID, sealed) in rows.decode((Int64, String, Data).self) { return (version, keyID, sealed) }
            return nil
        }
        guard let (version, keyID, sealed) = row else { return nil }
        return TokenRecord(tokens: try sealing.open(.init(keyID: keyID, bytes: sealed), account: account), version: version)
    }

    public func write(_ tokens: TokenSet, account: String, expectedVersion: Int64, lease: RefreshLease?) async throws -> TokenRecord {
        let sealed = try sealing.seal(tokens, account: account)
        let leaseID = lease?.id
        counter.add()
        let written: Int64? = try await access {
            // One statement: the lease row is locked FOR SHARE while the token row is written,
            // so a concurrent takeover either commits first (and this write matches no row) or
            // waits for it.
            let rows: PostgresRowSequence
            if expectedVersion == 0 {
                rows = try await self.client.query(
                    """
                    WITH lease AS (SELECT 1 FROM connector_token_leases WHERE account = \(account) AND lease_id = \(leaseID) FOR SHARE)
                    INSERT INTO connector_tokens (account, version, key_id, sealed, updated_at)
                    SELECT \(account), 1, \(sealed.keyID), \(sealed.bytes), now()
                    WHERE \(leaseID)::text IS NULL OR EXISTS (SELECT 1 FROM lease)
                    ON CONFLICT (account) DO NOTHING
                    RETURNING version
                    """, logger: self.logger)
            } else {
                rows = try await self.client.query(
                    """
                    WITH lease AS (SELECT 1 FROM connector_token_leases WHERE account = \(account) AND lease_id = \(leaseID) FOR SHARE)
                    UPDATE connector_tokens SET version = version + 1, key_id = \(sealed.keyID), sealed = \(sealed.bytes), updated_at = now()
                    WHERE account = \(account) AND version = \(expectedVersion)
                      AND (\(leaseID)::text IS NULL OR EXISTS (SELECT 1 FROM lease))
                    RETURNING version
                    """, logger: self.logger)
            }
            for try await version in rows.decode(Int64.self) { return version }
            return nil
        }
        if let written { return TokenRecord(tokens: tokens, version: written) }
        // Nothing written: say why (a second statement, only on this rare path).
        counter.add()
        let current: Int64 = try await access {
            let rows = try await self.client.query("SELECT version FROM connector_tokens WHERE account = \(account)", logger: self.logger)
            for try await version in rows.decode(Int64.self) { return version }
            return 0
        }
        if current != expectedVersion {
            throw TokenStoreError.versionConflict(account: account, expected: expectedVersion, current: current)
        }
        throw TokenStoreError.leaseLost(account: account)
    }

    public func remove(account: String) async throws {
        counter.add()
        _ = try await access { try await self.client.query("DELETE FROM connector_tokens WHERE account = \(account)", logger: self.logger) }
    }

    public func acquireRefreshLease(account: String, owner: String, duration: TimeInterval) async throws -> LeaseAcquisition {
        let id = UUID().uuidString
        // A lease row a concurrent transaction inserted after this statement's snapshot makes
        // the insert conflict while the select cannot see it yet: no row. The next attempt sees it.
        for _ in 0..<5 {
            if let answer = try await attemptLease(account: account, owner: owner, id: id, duration: duration) { return answer }
        }
        throw TokenStoreError.unavailable("The lease of account '\(account)' could be neither taken nor read.")
    }

    private func attemptLease(account: String, owner: String, id: String, duration: TimeInterval) async throws -> LeaseAcquisition? {
        counter.add()
        return try await access {
            // Takes a free or expired lease, or reports the holder, in one statement.
            let rows = try await self.client.query(
                """
                WITH taken AS (
                    INSERT INTO connector_token_leases (account, owner, lease_id, expires_at)
                    VALUES (\(account), \(owner), \(id), now() + make_interval(secs => \(duration)))
                    ON CONFLICT (account) DO UPDATE
                        SET owner = excluded.owner, lease_id = excluded.lease_id, expires_at = excluded.expires_at
                        WHERE connector_token_leases.expires_at <= now()
                    RETURNING lease_id, owner, extract(epoch FROM expires_at)::float8 AS expires, extract(epoch FROM expires_at - now())::float8 AS remaining
                )
                SELECT lease_id, owner, expires, remaining FROM taken
                UNION ALL
                SELECT lease_id, owner, extract(epoch FROM expires_at)::float8, extract(epoch FROM expires_at - now())::float8
                FROM connector_token_leases WHERE account = \(account) AND NOT EXISTS (SELECT 1 FROM taken)
                """, logger: self.logger)
            for try await (leaseID, holder, expires, remaining) in rows.decode((String, String, Double, Double).self) {
                if leaseID == id {
                    return .acquired(RefreshLease(account: account, owner: owner, id: id, expiresAt: Date(timeIntervalSince1970: expires)))
                }
                return .held(owner: holder, expiresIn: max(remaining, 0))
            }
            return nil
        }
    }

    public func releaseRefreshLease(_ lease: RefreshLease) async throws {
        counter.add()
        _ = try await access {
            // Expired, not deleted: the id keeps fencing until another owner takes the lease.
            try await self.client.query(
                "UPDATE connector_token_leases SET expires_at = to_timestamp(0) WHERE account = \(lease.account) AND lease_id = \(lease.id)",
                logger: self.logger)
        }
    }

    // MARK: Operations

    /// Re-encrypts every row not under the current key; rows written meanwhile are skipped (they
    /// are under the current key already); rows that cannot be opened are listed, not changed.
    public func reencrypt() async throws -> ReencryptionReport {
        let current = sealing.keys.currentKeyID
        let rows: [(String, Int64, String, Data)] = try await access {
            var rows: [(String, Int64, String, Data)] = []
            let sequence = try await self.client.query(
                "SELECT account, version, key_id, sealed FROM connector_tokens WHERE key_id <> \(current)", logger: self.logger)
            for try await row in sequence.decode((String, Int64, String, Data).self) { rows.append(row) }
            return rows
        }
        var report = ReencryptionReport()
        for (account, version, keyID, bytes) in rows {
            do {
                let tokens = try sealing.open(.init(keyID: keyID, bytes: bytes), account: account)
                let sealed = try sealing.seal(tokens, account: account)
                let changed: Bool = try await access {
                    let result = try await self.client.query(
                        """
                        UPDATE connector_tokens SET key_id = \(sealed.keyID), sealed = \(sealed.bytes)
                        WHERE account = \(account) AND version = \(version) RETURNING 1
                        """, logger: self.logger)
                    for try await _ in result.decode(Int.self) { return true }
                    return false
                }
                if changed { report.reencrypted += 1 } else { report.skipped += 1 }
            } catch let error as TokenStoreError {
                report.unreadable.append(error.description)
            }
        }
        return report
    }

    /// The schema version of the database.
    public func storedSchemaVersion() async throws -> Int {
        try await access { try await PostgresSchema.storedVersion(self.client, logger: self.logger) }
    }

    // MARK: Helpers

    /// Runs `body` with the store's deadline; database errors become
    /// ``ConnectorRuntime/TokenStoreError/unavailable(_:)``.
    private func access<T: Sendable>(seconds: TimeInterval? = nil, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let timeout = seconds ?? operationTimeout
        do {
            return try await withThrowingTaskGroup(of: T.self) { group in
                group.addTask { try await body() }
                group.addTask {
                    try await Task.sleep(nanoseconds: UInt64(timeout * 1e9))
                    throw TokenStoreError.unavailable("PostgreSQL did not answer within \(Int(timeout)) s.")
                }
                guard let first = try await group.next() else { throw CancellationError() }
                group.cancelAll()
                return first
            }
        } catch let error as TokenStoreError {
            throw error
        } catch let error as TokenStorageError {
            throw error
        } catch let error as PSQLError {
            throw TokenStoreError.unavailable("PostgreSQL: \(Self.describe(error))")
        } catch {
            throw TokenStoreError.unavailable("PostgreSQL: \(String(describing: type(of: error)))")
        }
    }

    /// The error's code, SQLSTATE and server message; never the query's bound values.
    static func describe(_ error: PSQLError) -> String {
        var text = "\(error.code)"
        if let state = error.serverInfo?[.sqlState] { text += " \(state)" }
        if let message = error.serverInfo?[.message] { text += " \(message)" }
        return text
    }
}

/// `postgres://user:password@host:port/database` as a client configuration.
struct DatabaseURL {
    let configuration: PostgresClient.Configuration

    init(_ text: String) throws {
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme ?? ""),
            let host = components.host, !host.isEmpty, let user = components.user
        else {
            throw TokenStorageError.database("The database URL must look like postgres://user:password@host:port/database.")
        }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        configuration = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: user, password: components.password,
            database: database.isEmpty ? nil : database, tls: .disable)
    }
}

/// The versioned schema of the PostgreSQL store.
enum PostgresSchema {
    /// Migration n (1-based) brings the schema from version n - 1 to n. Append only.
    static let migrations: [[PostgresQuery]] = [
        [
            """
            CREATE TABLE connector_tokens (
                account text PRIMARY KEY,
                version bigint NOT NULL,
                key_id text NOT NULL,
                sealed bytea NOT NULL,
                updated_at timestamptz NOT NULL
            )
            """,
            """
            CREATE TABLE connector_token_leases (
                account text PRIMARY KEY,
                owner text NOT NULL,
                lease_id text NOT NULL,
                expires_at timestamptz NOT NULL
            )
            """,
        ]
    ]

    static func storedVersion(_ client: PostgresClient, logger: Logger) async throws -> Int {
        let rows = try await client.query("SELECT to_regclass('connector_token_schema') IS NOT NULL", logger: logger)
        var exists = false
        for try await value in rows.decode(Bool.self) { exists = value }
        guard exists else { return 0 }
        let versions = try await client.query("SELECT version FROM connector_token_schema", logger: logger)
        for try await version in versions.decode(Int.self) { return version }
        return 0
    }

    /// Applies the missing migrations in one transaction; the schema table's row is locked
    /// (`FOR UPDATE`) for the transaction's length, so instances starting together migrate once.
    static func migrate(_ client: PostgresClient, logger: Logger) async throws {
        do {
            try await client.query("CREATE TABLE IF NOT EXISTS connector_token_schema (version integer NOT NULL)", logger: logger)
        } catch let error as PSQLError where error.isConcurrentCreate {
            // Another instance created it at the same moment.
        }
        do {
            try await migrateHoldingLock(client, logger: logger)
        } catch let error as PostgresTransactionError {
            if let storage = error.closureError as? TokenStorageError { throw storage }
            throw error.closureError ?? error.beginError ?? error.commitError ?? error
        }
    }

    private static func migrateHoldingLock(_ client: PostgresClient, logger: Logger) async throws {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("LOCK TABLE connector_token_schema IN EXCLUSIVE MODE", logger: logger)
            var stored = 0
            for try await version in try await connection.query("SELECT version FROM connector_token_schema", logger: logger).decode(Int.self) {
                stored = version
            }
            guard stored <= migrations.count else { throw TokenStorageError.newerSchema(found: stored, known: migrations.count) }
            guard stored < migrations.count else { return }
            for migration in migrations[stored...] {
                for statement in migration { try await connection.query(statement, logger: logger) }
            }
            try await connection.query("DELETE FROM connector_token_schema", logger: logger)
            try await connection.query("INSERT INTO connector_token_schema (version) VALUES (\(migrations.count))", logger: logger)
        }
    }
}
