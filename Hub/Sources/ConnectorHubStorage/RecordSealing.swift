public import Foundation
import Crypto

/// AES-256-GCM sealing of other personal data under the token store's keys (the records a sync
/// keeps, see docs/syncs.md), and a keyed fingerprint for comparing records without opening
/// them. The associated data (`context`) binds a sealed value to its row, as for token sets.
public struct RecordSealing: Sendable {
    public let keys: TokenStoreKeys
    /// The fingerprint key derived from each key, by key id: derived once per key set, not per
    /// fingerprint (a sync fingerprints every record it reads).
    private let fingerprintKeys: [String: Data]

    public init(keys: TokenStoreKeys) {
        self.keys = keys
        fingerprintKeys = keys.keys.mapValues { Self.fingerprintKey($0) }
    }

    private static func fingerprintKey(_ key: Data) -> Data {
        Data(SHA256.hash(data: Data("connector-hub record fingerprint v1\u{0}".utf8) + key))
    }

    /// The key id new values are sealed under.
    public var currentKeyID: String { keys.currentKeyID }

    /// `plaintext` sealed under the current key: nonce ‖ ciphertext ‖ tag.
    public func seal(_ plaintext: Data, context: Data) throws(TokenStorageError) -> Data {
        guard let key = keys.keys[keys.currentKeyID] else { throw .missingKey("The current key is missing.") }
        do {
            guard let combined = try AES.GCM.seal(plaintext, using: SymmetricKey(data: key), authenticating: context).combined
            else { throw TokenStorageError.invalidKey("AES-GCM sealing failed.") }
            return combined
        } catch {
            throw .invalidKey("AES-GCM sealing failed.")
        }
    }

    /// The plaintext of `sealed` (sealed under `keyID` with `context`); `nil` when the key is not
    /// configured or the value does not open (wrong key, altered, or copied from another row).
    public func open(_ sealed: Data, keyID: String, context: Data) -> Data? {
        guard let key = keys.keys[keyID], let box = try? AES.GCM.SealedBox(combined: sealed) else { return nil }
        return try? AES.GCM.open(box, using: SymmetricKey(data: key), authenticating: context)
    }

    /// HMAC-SHA256 of `data` under a key derived from key `keyID` (`nil` when not configured): equal
    /// records give equal fingerprints under one key, and the stored fingerprint says nothing about
    /// the record to someone without the key.
    public func fingerprint(_ data: Data, keyID: String) -> Data? {
        guard let derived = fingerprintKeys[keyID] else { return nil }
        return Data(HMAC<SHA256>.authenticationCode(for: data, using: SymmetricKey(data: derived)))
    }
}
