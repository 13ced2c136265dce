public import Foundation
import Crypto

/// The AES-256 keys the SQL token stores encrypt tokens with, each under a key id stored in
/// every row, so keys can rotate: new writes use ``currentKeyID``; rows under an older id stay
/// readable while its key is configured, and `connector-hub-tokens reencrypt` moves them to the
/// current key.
///
/// Configure them in `CONNECTOR_HUB_TOKEN_KEYS` as `id:base64,id:base64` (32 random bytes each,
/// e.g. `openssl rand -base64 32`); the first is the current key:
///
/// ```swift
/// // CONNECTOR_HUB_TOKEN_KEYS="2026-11:q1w2...=,2026-05:z9x8...="
/// let keys = try TokenStoreKeys.fromEnvironment()
/// let store = try SQLiteTokenStore(path: "/var/lib/app/tokens.sqlite", keys: keys)
/// ```
///
/// The key bytes never appear in a description or an error.
public struct TokenStoreKeys: Sendable, CustomStringConvertible {
    /// The environment variable ``fromEnvironment(_:)`` reads.
    public static let environmentVariable = "CONNECTOR_HUB_TOKEN_KEYS"
    /// The key id of ``development``.
    public static let developmentKeyID = "development"

    /// The id new rows are encrypted under.
    public let currentKeyID: String
    /// Key bytes by id (`SymmetricKey` is made per use: it is not `Sendable`).
    let keys: [String: Data]

    /// `keys` maps ids (letters, digits, `.`, `_`, `-`; at most 64) to 32-byte keys; `current`
    /// must be one of them.
    public init(current: String, keys: [String: Data]) throws(TokenStorageError) {
        guard !keys.isEmpty else { throw .missingKey("No token encryption key was given.") }
        for (id, key) in keys {
            guard Self.isValidID(id) else {
                throw .invalidKey("Key id '\(id.prefix(64))' must be 1 to 64 letters, digits, '.', '_' or '-'.")
            }
            guard id != Self.developmentKeyID else {
                throw .invalidKey("Key id '\(Self.developmentKeyID)' is reserved for the development key.")
            }
            guard key.count == 32 else {
                throw .invalidKey("Key '\(id)' has \(key.count) bytes; AES-256 needs 32 (e.g. `openssl rand -base64 32`).")
            }
        }
        guard keys[current] != nil else { throw .invalidKey("The current key id '\(current)' is not among the keys.") }
        self.currentKeyID = current
        self.keys = keys
    }

    private init(developmentKey: Data) {
        currentKeyID = Self.developmentKeyID
        keys = [Self.developmentKeyID: developmentKey]
    }

    /// A fixed, public key for development only (`make hub`, tests). Its rows carry key id
    /// `development`, which a store opened with real keys refuses as unknown: development
    /// tokens never pass for protected ones.
    public static let development = TokenStoreKeys(
        developmentKey: Data(SHA256.hash(data: Data("connector-hub development key; not a secret".utf8))))

    /// `true` for ``development``.
    public var isDevelopment: Bool { currentKeyID == Self.developmentKeyID }

    /// Every configured key id, current first.
    public var keyIDs: [String] { [currentKeyID] + keys.keys.filter { $0 != currentKeyID }.sorted() }

    /// Reads ``environmentVariable`` (`id:base64,id:base64`, the first current). Throws
    /// ``TokenStorageError/missingKey(_:)`` when it is unset or empty.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws(TokenStorageError) -> TokenStoreKeys {
        guard let text = environment[environmentVariable]?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
            throw .missingKey(
                "\(environmentVariable) is not set. Set it to `id:base64key` (32 random bytes, e.g. `openssl rand -base64 32`), or open the store in development mode.")
        }
        var keys: [String: Data] = [:]
        var current: String?
        for entry in text.split(separator: ",") {
            let parts = entry.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else {
                throw .invalidKey("\(environmentVariable) entries must be `id:base64key`; one has no ':'.")
            }
            guard let key = Data(base64Encoded: parts[1]) else {
                throw .invalidKey("The key of id '\(parts[0].prefix(64))' in \(environmentVariable) is not valid base64.")
            }
            guard keys[parts[0]] == nil else { throw .invalidKey("Key id '\(parts[0].prefix(64))' appears twice in \(environmentVariable).") }
            keys[parts[0]] = key
            if current == nil { current = parts[0] }
        }
        return try TokenStoreKeys(current: current ?? "", keys: keys)
    }

    public var description: String { "TokenStoreKeys(current: \(currentKeyID), ids: \(keyIDs))" }

    private static func isValidID(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 64
            && id.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) && $0.isASCII || "._-".unicodeScalars.contains($0) }
    }
}

/// Errors of the SQL token stores' setup. Descriptions never contain a key or a token.
public enum TokenStorageError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No encryption key was configured and development mode was not asked for.
    case missingKey(String)
    /// A configured key or key id is malformed.
    case invalidKey(String)
    /// The database's schema is newer than this build knows: update the app.
    case newerSchema(found: Int, known: Int)
    /// The database could not be opened, migrated or configured.
    case database(String)

    public var description: String {
        switch self {
        case let .missingKey(detail): "The token store refuses to start without an encryption key: \(detail)"
        case let .invalidKey(detail): "Invalid token encryption key configuration: \(detail)"
        case let .newerSchema(found, known):
            "The token database has schema version \(found), newer than the \(known) this build knows. Update the app, or point it to another database."
        case let .database(detail): "The token database could not be used: \(detail)"
        }
    }
}
