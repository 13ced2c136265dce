import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The part of a token refresh that involves every process sharing the ``TokenStore``: one token
/// request per expiry, however many processes and machines want a token at once.
///
/// 1. Read the store. Tokens a peer already wrote, valid and different from the stale ones, are
///    adopted: no request.
/// 2. Take the account's refresh lease. A process that does not get it waits, reading the store,
///    until the holder's tokens appear (adopted) or the lease expires (then it tries to take it).
/// 3. The holder reads the store again (a peer may have finished between 1 and 2), makes the
///    token request with the newest refresh token, and writes the result with compare-and-swap on
///    the version it read, fenced by its lease, before anyone uses the new access token.
/// 4. After `invalid_grant` the store is read again: a newer token set a peer wrote (a process
///    that took the lease over, or one not using leases) is adopted before giving up.
///
/// The lease must outlast the token request and the write: a holder that took longer finds its
/// write refused (``TokenStoreError/leaseLost(account:)``) and adopts the new holder's tokens.
struct RefreshCoordinator: Sendable {
    let store: any TokenStore
    let account: String
    /// `host/pid/id`, unique per ``Connection``.
    let owner: String
    /// Seconds the lease is taken for.
    let leaseDuration: TimeInterval
    /// Tokens expiring within this many seconds (at most half their lifetime) are not adopted.
    let margin: TimeInterval
    let now: @Sendable () -> Date

    /// Tokens obtained from the provider that could not be written (the store was unavailable).
    /// The lease is kept, so peers wait instead of spending the old refresh token; the connection
    /// writes them before any other use.
    struct Unsaved: Sendable {
        var tokens: TokenSet
        var expectedVersion: Int64
        var lease: RefreshLease
    }

    enum Outcome: Sendable {
        /// Tokens a peer wrote (no token request was made by this process).
        case adopted(TokenRecord)
        /// Tokens this process requested and wrote.
        case refreshed(TokenRecord)
        /// Tokens this process requested but could not write yet.
        case unsaved(Unsaved)
    }

    /// The request a lease holder makes: gets the newest stored tokens (or the stale ones when the
    /// store has none) and returns the new token set.
    typealias TokenRequest = @Sendable (TokenSet?) async throws(ConnectorError) -> TokenSet

    /// A process-wide prefix for lease owners: `host/pid`.
    static let processOwner: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        let host = gethostname(&buffer, buffer.count) == 0 ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "host"
        return "\(host)/\(getpid())"
    }()

    /// New tokens replacing `stale` (`nil`: the connection has none), written to the store.
    func obtain(replacing stale: TokenSet?, request: TokenRequest) async throws(ConnectorError) -> Outcome {
        var retriedWithPeerTokens = false
        // Peers that keep taking the lease and never write (a crash loop) must not hold this
        // caller forever.
        let deadline = Date().addingTimeInterval(3 * leaseDuration + 5)
        while Date() < deadline {
            let seen = try await read()
            if let seen, isUsable(seen.tokens, replacing: stale) { return .adopted(seen) }
            switch try await acquire() {
            case let .held(_, expiresIn):
                if let adopted = try await waitForHolder(expiresIn: expiresIn, replacing: stale) { return .adopted(adopted) }
            case let .acquired(lease):
                switch try await refresh(holding: lease, replacing: stale, request: request, mayRetry: !retriedWithPeerTokens) {
                case let .done(outcome):
                    return outcome
                case .retry:
                    retriedWithPeerTokens = true
                case .waitForNewHolder:
                    break
                }
            }
        }
        throw .providerUnavailable(detail: "Other processes held the refresh lease of this account without writing new tokens; retry later.", retryable: true)
    }

    /// Writes `values` into the extra fields of the stored tokens (or of `fallback` when none
    /// are stored), retrying when a peer writes meanwhile. For discovered values.
    func merge(_ values: [String: String], fallback: TokenSet) async throws(ConnectorError) -> TokenRecord {
        for _ in 0..<20 {
            let current = try await read()
            var merged = current?.tokens ?? fallback
            merged.extra.merge(values) { _, new in new }
            do {
                return try await store.write(merged, account: account, expectedVersion: current?.version ?? 0, lease: nil)
            } catch TokenStoreError.versionConflict {
                continue
            } catch {
                throw Self.mapped(error)
            }
        }
        throw .providerUnavailable(detail: "The stored tokens kept changing while the discovered values were saved.", retryable: true)
    }

    /// Writes tokens that could not be written before. `nil` when the store moved on meanwhile
    /// (another write or another lease holder): the caller reads the store again.
    func flush(_ unsaved: Unsaved) async throws(ConnectorError) -> TokenRecord? {
        do {
            let record = try await store.write(unsaved.tokens, account: account, expectedVersion: unsaved.expectedVersion, lease: unsaved.lease)
            await release(unsaved.lease)
            return record
        } catch let error as TokenStoreError {
            switch error {
            case .versionConflict, .leaseLost:
                await release(unsaved.lease)
                return nil
            default:
                throw Self.mapped(error)
            }
        } catch {
            throw Self.mapped(error)
        }
    }

    // MARK: Steps

    private enum HolderResult {
        case done(Outcome)
        /// `invalid_grant`, and a peer has written newer (but expired) tokens: refresh with them.
        case retry
        /// The lease was taken over: wait for the new holder's tokens.
        case waitForNewHolder
    }

    private func refresh(
        holding lease: RefreshLease, replacing stale: TokenSet?, request: TokenRequest, mayRetry: Bool
    ) async throws(ConnectorError) -> HolderResult {
        let current: TokenRecord?
        do {
            current = try await read()
        } catch {
            await release(lease)
            throw error
        }
        if let current, isUsable(current.tokens, replacing: stale) {
            await release(lease)
            return .done(.adopted(current))
        }
        let base = current?.tokens ?? stale
        let fresh: TokenSet
        do {
            fresh = try await request(base)
        } catch {
            await release(lease)
            guard case .reconnectRequired = error else { throw error }
            // The refresh token was already spent: by a process that took this lease over after
            // it expired, or by one that does not take leases. Adopt what it wrote.
            guard let newer = await newerRecord(than: current, spent: base?.refreshToken) else { throw error }
            if isUsable(newer.tokens, replacing: nil) { return .done(.adopted(newer)) }
            if mayRetry { return .retry }
            throw error
        }
        return try await write(fresh, over: current, lease: lease)
    }

    /// Writes the new tokens with compare-and-swap on the version read under the lease.
    private func write(_ fresh: TokenSet, over current: TokenRecord?, lease: RefreshLease) async throws(ConnectorError) -> HolderResult {
        var tokens = fresh
        var expected = current?.version ?? 0
        var failures = 0
        while true {
            do {
                let record = try await store.write(tokens, account: account, expectedVersion: expected, lease: lease)
                await release(lease)
                return .done(.refreshed(record))
            } catch let error as TokenStoreError {
                switch error {
                case .versionConflict:
                    // Someone wrote without the lease: discovered values, or the account was
                    // linked again. Keep their extra values; a new grant wins over this refresh.
                    let newer: TokenRecord?
                    do { newer = try await store.record(account: account) } catch { newer = nil }
                    guard let newer else {
                        await release(lease)
                        throw .reconnectRequired(detail: "The tokens of this account were removed while it was refreshing")
                    }
                    if let spent = current?.tokens.refreshToken, newer.tokens.refreshToken != spent {
                        await release(lease)
                        return .done(.adopted(newer))
                    }
                    for (key, value) in newer.tokens.extra where tokens.extra[key] == nil { tokens.extra[key] = value }
                    expected = newer.version
                case .leaseLost:
                    return .waitForNewHolder
                default:
                    failures += 1
                    if failures >= 3 {
                        return .done(.unsaved(Unsaved(tokens: tokens, expectedVersion: expected, lease: lease)))
                    }
                    try? await Task.sleep(nanoseconds: UInt64(failures) * 100_000_000)
                }
            } catch {
                failures += 1
                if failures >= 3 { return .done(.unsaved(Unsaved(tokens: tokens, expectedVersion: expected, lease: lease))) }
                try? await Task.sleep(nanoseconds: UInt64(failures) * 100_000_000)
            }
        }
    }

    /// Reads the store until the lease holder's tokens appear, or the lease expires (`nil`).
    private func waitForHolder(expiresIn: TimeInterval, replacing stale: TokenSet?) async throws(ConnectorError) -> TokenRecord? {
        let deadline = Date().addingTimeInterval(max(expiresIn, 0) + 0.02)
        var pause: Double = 0.005
        while Date() < deadline {
            try? await Task.sleep(nanoseconds: UInt64(min(pause, max(deadline.timeIntervalSinceNow, 0.001)) * 1e9))
            pause = min(pause * 1.5, 0.2)
            if let record = try await read(), isUsable(record.tokens, replacing: stale) { return record }
        }
        return nil
    }

    /// A record whose refresh token is not `spent`, reading the store for up to about a second
    /// (a peer without a lease may still be writing).
    private func newerRecord(than current: TokenRecord?, spent: Secret?) async -> TokenRecord? {
        for attempt in 0..<6 {
            if attempt > 0 { try? await Task.sleep(nanoseconds: 200_000_000) }
            if let record = try? await store.record(account: account), record.version != current?.version,
                record.tokens.refreshToken != spent
            {
                return record
            }
        }
        return nil
    }

    private func isUsable(_ tokens: TokenSet, replacing stale: TokenSet?) -> Bool {
        if let stale, stale.accessToken == tokens.accessToken { return false }
        return !tokens.isExpired(at: now(), margin: tokens.refreshMargin(margin))
    }

    private func read() async throws(ConnectorError) -> TokenRecord? {
        do {
            return try await store.record(account: account)
        } catch {
            throw Self.mapped(error)
        }
    }

    private func acquire() async throws(ConnectorError) -> LeaseAcquisition {
        do {
            return try await store.acquireRefreshLease(account: account, owner: owner, duration: leaseDuration)
        } catch {
            throw Self.mapped(error)
        }
    }

    /// Gives the lease back; a failure only means peers wait for its expiry.
    private func release(_ lease: RefreshLease) async {
        try? await store.releaseRefreshLease(lease)
    }

    /// A store failure as the connection reports it.
    static func mapped(_ error: any Error) -> ConnectorError {
        switch error as? TokenStoreError {
        case let .unreadable(account, reason)?:
            return .reconnectRequired(detail: "The stored tokens of account '\(account)' cannot be read (\(reason))")
        case let .unavailable(detail)?:
            return .providerUnavailable(detail: "The token store is unavailable: \(detail)", retryable: true)
        default:
            return .providerUnavailable(detail: "The token store failed: \(String(describing: type(of: error))).", retryable: true)
        }
    }
}
