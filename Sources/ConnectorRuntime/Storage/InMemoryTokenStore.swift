/// A ``TokenStore`` in memory. Also counts saves, which tests use to check persistence order.
public actor InMemoryTokenStore: TokenStore {
    private var tokens: [String: TokenSet]
    /// Every `save` in order, as (account, tokens).
    public private(set) var saveHistory: [(account: String, tokens: TokenSet)] = []

    public init(_ tokens: [String: TokenSet] = [:]) {
        self.tokens = tokens
    }

    public func load(account: String) async throws -> TokenSet? {
        tokens[account]
    }

    public func save(_ tokens: TokenSet, account: String) async throws {
        self.tokens[account] = tokens
        saveHistory.append((account, tokens))
    }

    public func remove(account: String) async throws {
        tokens.removeValue(forKey: account)
    }
}
