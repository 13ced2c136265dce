public import Foundation

/// The tokens of one linked account, as a value. Codable so token stores can keep it; the
/// encoded form contains the secrets, so only stores should encode it.
///
/// Printing a `TokenSet` never shows a token (they are ``Secret``s).
public struct TokenSet: Sendable, Hashable, Codable {
    /// Sent as `Authorization: Bearer <accessToken>`.
    public var accessToken: Secret
    /// `nil` when the provider issued none (client credentials, some providers).
    public var refreshToken: Secret?
    /// The `token_type` the provider returned, as sent (compare case-insensitively).
    public var tokenType: String
    /// When the access token stops working; `nil` when unknown (then it is refreshed only after
    /// a 401).
    public var expiresAt: Date?
    /// The granted scopes when the response listed them; `nil` means "as requested".
    public var scope: [String]?
    /// When the token response arrived; with ``expiresAt`` it gives the token's lifetime, which
    /// scales the refresh margin (``refreshMargin(_:)``). `nil` for tokens stored before this
    /// field existed or built by hand.
    public var issuedAt: Date?
    /// Every other token-response field, kept raw (Salesforce `instance_url`, `issued_at`).
    /// Non-string JSON values are kept as their JSON text.
    public var extra: [String: String]

    public init(
        accessToken: Secret, refreshToken: Secret? = nil, tokenType: String = "Bearer", expiresAt: Date? = nil,
        issuedAt: Date? = nil, scope: [String]? = nil, extra: [String: String] = [:]
    ) {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.tokenType = tokenType
        self.expiresAt = expiresAt
        self.issuedAt = issuedAt
        self.scope = scope
        self.extra = extra
    }

    /// The token-response fields named in `names` (a configuration's
    /// ``ConnectionConfiguration/accountMetadata``) that this set holds, such as Notion's
    /// `workspace_id` and `bot_id`.
    ///
    /// ```swift
    /// let metadata = tokens.metadata(configuration.accountMetadata)  // ["workspace_id": "…"]
    /// ```
    public func metadata(_ names: [String]) -> [String: String] {
        var result: [String: String] = [:]
        for name in names {
            if let value = extra[name] { result[name] = value }
        }
        return result
    }

    /// `true` when the access token expires within `margin` seconds of `now` (or already has).
    /// A token without a known expiry is never considered expired.
    public func isExpired(at now: Date, margin: TimeInterval = 0) -> Bool {
        guard let expiresAt else { return false }
        return expiresAt.timeIntervalSince(now) <= margin
    }

    /// The margin to refresh this token with, given the connection's `margin`: at most half the
    /// token's lifetime when the lifetime is known, so a token that lives no longer than the
    /// margin is still used for half its life instead of being refreshed before every request.
    ///
    /// ```swift
    /// // A 2-second token with a 60-second margin is refreshed 1 second before expiry.
    /// tokens.isExpired(at: now, margin: tokens.refreshMargin(60))
    /// ```
    public func refreshMargin(_ margin: TimeInterval) -> TimeInterval {
        guard let expiresAt, let issuedAt else { return margin }
        let lifetime = expiresAt.timeIntervalSince(issuedAt)
        guard lifetime > 0 else { return margin }
        return min(margin, lifetime / 2)
    }

    /// The result of a refresh: the new tokens, keeping this set's refresh token when the
    /// response carried none (RFC 6749 §6).
    public func updated(with refreshed: TokenSet) -> TokenSet {
        var merged = refreshed
        if merged.refreshToken == nil || merged.refreshToken?.isEmpty == true {
            merged.refreshToken = refreshToken
        }
        for (key, value) in extra where merged.extra[key] == nil {
            merged.extra[key] = value
        }
        return merged
    }
}
