// Small pieces the service uses: sealed field values, errors, random tokens, digests and the
// credential-free log. The connection cache is in AccountCache.swift.
import ConnectorHubStorage
import ConnectorRuntime
import Crypto
import Foundation

/// The person's values and the PKCE/state of an OAuth round trip, sealed between start and callback.
struct PendingLink: Codable, Sendable {
    var values: [String: String]
    var pending: PendingAuthorization
}

/// Stores a Codable value sealed (AES-256-GCM) in the token store, as the access token of a
/// token set under a reserved account key (`fields:<account>`, `attempt:<id>`), so field
/// values a person entered get the same encryption at rest as tokens.
enum SealedValues {
    static func save<Value: Encodable>(_ value: Value, account: String, in store: any TokenStore) async throws {
        let json = String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
        try await store.save(TokenSet(accessToken: Secret(json), tokenType: "connector-hub-values"), account: account)
    }

    static func load<Value: Decodable>(account: String, in store: any TokenStore) async throws -> Value? {
        guard let set = try await store.load(account: account) else { return nil }
        return try JSONDecoder().decode(Value.self, from: Data(set.accessToken.reveal().utf8))
    }
}

/// Errors of the Hub's API and pages; messages never contain a credential.
enum HubError: Error {
    case notFound
    case unauthorized
    case invalidCallback
    case reconnectRequired
    case badRequest(String)
    case provider(ConnectorError)
}

enum Random {
    /// `bytes` random bytes, base64url without padding.
    static func token(bytes: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        let data = Data((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &generator) })
        return data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

enum Digest {
    static func sha256(_ text: String) -> String {
        Crypto.SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func hmac(_ text: String, key: String) -> String {
        HMAC<Crypto.SHA256>.authenticationCode(for: Data(text.utf8), using: SymmetricKey(data: Data(key.utf8)))
            .map { String(format: "%02x", $0) }.joined()
    }

    static func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8)
        let b = Array(rhs.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}

/// Log lines of the Hub: never a credential, a token, a field value or a request body.
enum HubLog {
    static func info(_ message: String) { FileHandle.standardError.write(Data(("connector-hub: " + message + "\n").utf8)) }
    static func warning(_ message: String) { info("warning: " + message) }
}
