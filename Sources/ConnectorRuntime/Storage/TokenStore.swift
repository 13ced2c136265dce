public import Foundation

/// Where a connection's tokens live between runs, shared by every ``Connection`` of the account
/// in this process, in other processes and on other machines.
///
/// Two things make sharing safe with providers that rotate refresh tokens (and revoke the whole
/// family when an old one is reused):
/// - **A version per account record, written with compare-and-swap.** ``write(_:account:expectedVersion:lease:)``
///   replaces the record only when its version is still the one the writer read, so a writer
///   working from stale tokens cannot overwrite a peer's rotated refresh token.
/// - **A refresh lease** (owner and expiry). One process at a time holds it and makes the token
///   request; the others wait for and adopt the tokens it writes. The lease is a fencing token:
///   a write carrying a lease that is no longer the account's current lease (another owner took
///   it over after it expired) is refused with ``TokenStoreError/leaseLost(account:)``.
///
/// ``Connection`` saves a refreshed token set (with a rotated refresh token) before it uses the
/// new access token, so a store whose writes are durable loses no usable token in a crash.
///
/// Implementations: ``InMemoryTokenStore`` (tests, one process), ``FileTokenStore`` (several
/// processes on one machine), and in the `Hub/` package `SQLiteTokenStore` (one machine, the
/// default for servers) and `PostgresTokenStore` (several machines). An app may write its own;
/// the Hub's store tests show the behaviour each operation must have.
///
/// ```swift
/// let store = try FileTokenStore(directory: URL(fileURLWithPath: "/var/lib/app/tokens"))
/// let connection = Connection(configuration: configuration, account: "acme", store: store)
/// ```
public protocol TokenStore: Sendable {
    /// The record of `account` (tokens and version), or `nil` when none is saved.
    ///
    /// Throws ``TokenStoreError/unreadable(account:reason:)`` when the record exists but cannot be
    /// decoded or decrypted; other accounts stay readable.
    func record(account: String) async throws -> TokenRecord?

    /// Writes `tokens` as the record of `account` if its version is still `expectedVersion`
    /// (0: no record exists) and, when `lease` is given, if `lease` is still the account's current
    /// refresh lease (it may have expired, as long as nobody took it over). Returns the new record,
    /// whose version is `expectedVersion + 1`; returns once it is durable.
    ///
    /// Throws ``TokenStoreError/versionConflict(account:expected:current:)`` or
    /// ``TokenStoreError/leaseLost(account:)`` and writes nothing otherwise.
    func write(_ tokens: TokenSet, account: String, expectedVersion: Int64, lease: RefreshLease?) async throws -> TokenRecord

    /// Forgets the tokens of `account`; removing an absent account is not an error.
    func remove(account: String) async throws

    /// Takes the refresh lease of `account` for `duration` seconds (of the store's clock) unless
    /// another owner holds an unexpired one. An expired lease is taken over.
    func acquireRefreshLease(account: String, owner: String, duration: TimeInterval) async throws -> LeaseAcquisition

    /// Gives the lease back so a waiting peer need not wait for its expiry. Only the lease's own
    /// holder can release it: releasing a lease that was taken over does nothing.
    func releaseRefreshLease(_ lease: RefreshLease) async throws
}

extension TokenStore {
    /// The saved tokens of `account`, or `nil` when none are saved.
    public func load(account: String) async throws -> TokenSet? {
        try await record(account: account)?.tokens
    }

    /// Saves `tokens` whatever the record's current version (linking an account, importing
    /// tokens). A refresh in flight elsewhere then fails its compare-and-swap and adopts these.
    @discardableResult
    public func save(_ tokens: TokenSet, account: String) async throws -> TokenRecord {
        while true {
            let current = try await record(account: account)
            do {
                return try await write(tokens, account: account, expectedVersion: current?.version ?? 0, lease: nil)
            } catch TokenStoreError.versionConflict {
                continue  // another writer got in between: read again and retry
            }
        }
    }
}

/// The tokens of one account as stored, with the record's version.
public struct TokenRecord: Sendable, Hashable {
    /// The tokens.
    public var tokens: TokenSet
    /// 1 after the first write; every write adds one. Compare-and-swap writes name the version
    /// they replace.
    public var version: Int64

    public init(tokens: TokenSet, version: Int64) {
        self.tokens = tokens
        self.version = version
    }
}

/// The right to make the token request of one account, held by one owner until it is released
/// or expires. Its ``id`` is unique per acquisition and is what fences writes.
public struct RefreshLease: Sendable, Hashable, Codable {
    /// The account the lease is for.
    public var account: String
    /// Who holds it (``Connection`` uses `host/pid/connection`), for diagnostics and release.
    public var owner: String
    /// Unique per acquisition: a write carrying it is accepted only while it is the account's
    /// current lease.
    public var id: String
    /// When it expires, on the store's clock.
    public var expiresAt: Date

    public init(account: String, owner: String, id: String, expiresAt: Date) {
        self.account = account
        self.owner = owner
        self.id = id
        self.expiresAt = expiresAt
    }
}

/// The answer to ``TokenStore/acquireRefreshLease(account:owner:duration:)``.
public enum LeaseAcquisition: Sendable, Hashable {
    /// The caller holds the lease: it makes the token request and writes the result with it.
    case acquired(RefreshLease)
    /// Another owner holds an unexpired lease for about `expiresIn` more seconds: wait for the
    /// tokens it writes, and try again once it has expired.
    case held(owner: String, expiresIn: TimeInterval)
}

/// Failures of a ``TokenStore``. Descriptions name the account but never contain a token.
public enum TokenStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The record's version is no longer `expected`: someone else wrote first. Nothing was written.
    case versionConflict(account: String, expected: Int64, current: Int64)
    /// The write carried a lease that another owner has since taken over. Nothing was written.
    case leaseLost(account: String)
    /// The record of `account` exists but cannot be used (corrupt, wrong key, unknown key id).
    /// Other accounts are not affected.
    case unreadable(account: String, reason: String)
    /// The store cannot be reached or used right now (I/O error, database down); retry later.
    case unavailable(String)

    public var description: String {
        switch self {
        case let .versionConflict(account, expected, current):
            "The tokens of account '\(account)' changed meanwhile (version \(current), expected \(expected)); read them again."
        case let .leaseLost(account):
            "The refresh lease of account '\(account)' was taken over by another process; its write was refused."
        case let .unreadable(account, reason):
            "The stored tokens of account '\(account)' cannot be read: \(reason)"
        case let .unavailable(detail):
            "The token store is unavailable: \(detail)"
        }
    }
}
