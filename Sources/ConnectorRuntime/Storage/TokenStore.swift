/// Where a connection's tokens live between runs. ``Connection`` saves a refreshed token set
/// (with a rotated refresh token) before it uses the new access token, so a store that persists
/// `save` durably loses no usable token in a crash.
///
/// Implementations: ``InMemoryTokenStore`` (tests, short-lived processes), ``FileTokenStore``
/// (one file per account); apps may back it with the Keychain or a database.
public protocol TokenStore: Sendable {
    /// The saved tokens of `account`, or `nil` when none are saved.
    func load(account: String) async throws -> TokenSet?
    /// Saves (replaces) the tokens of `account`; returns once they are durable.
    func save(_ tokens: TokenSet, account: String) async throws
    /// Forgets the tokens of `account`; removing an absent account is not an error.
    func remove(account: String) async throws
}
