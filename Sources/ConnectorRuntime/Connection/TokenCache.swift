import Foundation

/// The token set a ``Connection`` may use without entering the actor: requests with a valid
/// cached token read it here under a lock and never queue on the actor's executor.
///
/// Only the actor writes, and only tokens that are safe to use as they are: loaded from the
/// store, or saved to it (a rotated refresh token is persisted before its access token is
/// used). While tokens are being saved, or could not be saved, the cache is empty and requests
/// take the actor path, which saves them first.
final class TokenCache: @unchecked Sendable {
    private let lock = NSLock()
    private var tokens: TokenSet?

    /// The cached tokens when they are not expired at `now` with `margin` seconds to spare (at
    /// most half their lifetime, see ``TokenSet/refreshMargin(_:)``).
    func valid(at now: Date, margin: TimeInterval) -> TokenSet? {
        let current = lock.withLock { tokens }
        guard let current, !current.isExpired(at: now, margin: current.refreshMargin(margin)) else { return nil }
        return current
    }

    func set(_ newTokens: TokenSet?) {
        lock.withLock { tokens = newTokens }
    }
}
