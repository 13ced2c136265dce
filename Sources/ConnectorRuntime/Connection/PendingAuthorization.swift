public import Foundation

/// What an app keeps between sending a person to the provider's consent page and receiving the
/// callback: the `state` and the PKCE verifier. Store it in the person's session (Codable); it
/// is good for one callback only.
public struct PendingAuthorization: Sendable, Hashable, Codable {
    /// The `state` sent in the authorize URL; the callback must echo it exactly.
    public var state: String
    /// The PKCE verifier, `nil` when the provider does not support PKCE.
    public var codeVerifier: Secret?
    /// The redirect URI of the authorize request; the code exchange repeats it.
    public var redirectURI: URL
    /// When the authorize URL was built.
    public var createdAt: Date

    public init(state: String, codeVerifier: Secret?, redirectURI: URL, createdAt: Date) {
        self.state = state
        self.codeVerifier = codeVerifier
        self.redirectURI = redirectURI
        self.createdAt = createdAt
    }
}
