import Foundation

/// PKCE (RFC 7636) verifier and S256 challenge, plus the random `state` value.
///
/// ```swift
/// let verifier = PKCE.makeVerifier()          // 64 unreserved characters
/// let challenge = PKCE.challenge(for: verifier) // BASE64URL(SHA256(verifier)), no padding
/// ```
public enum PKCE {
    private static let unreserved = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// A code verifier of `length` unreserved characters (RFC 7636 §4.1 requires 43...128), drawn
    /// from `SystemRandomNumberGenerator`.
    public static func makeVerifier(length: Int = 64) -> String {
        randomString(length: min(max(length, 43), 128))
    }

    /// An unguessable `state` value (43 unreserved characters, about 256 bits).
    public static func makeState() -> String {
        randomString(length: 43)
    }

    /// The S256 challenge: base64url (no padding) of the SHA-256 of the verifier's ASCII bytes.
    public static func challenge(for verifier: String) -> String {
        base64URL(SHA256.digest(of: verifier))
    }

    /// Base64url without padding (RFC 4648 §5).
    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private static func randomString(length: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        var characters: [Character] = []
        characters.reserveCapacity(length)
        for _ in 0..<length {
            // 66 symbols: rejection-free modulo bias is negligible for UInt64 draws.
            characters.append(unreserved[Int(generator.next() % UInt64(unreserved.count))])
        }
        return String(characters)
    }
}
