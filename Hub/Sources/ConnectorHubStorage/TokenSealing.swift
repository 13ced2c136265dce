import ConnectorRuntime
import Crypto
import Foundation

/// AES-256-GCM sealing of one account's token set. The associated data binds the ciphertext to
/// its row (the account id, which is the row's key): a sealed value copied into another
/// account's row does not open.
struct TokenSealing: Sendable {
    let keys: TokenStoreKeys

    /// A sealed token set: the key id and nonce ‖ ciphertext ‖ tag.
    struct Sealed: Sendable {
        var keyID: String
        var bytes: Data
    }

    func seal(_ tokens: TokenSet, account: String) throws -> Sealed {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let plaintext = try encoder.encode(tokens)
        guard let key = keys.keys[keys.currentKeyID] else { throw TokenStoreError.unavailable("The current key is missing.") }
        let box = try AES.GCM.seal(plaintext, using: SymmetricKey(data: key), authenticating: Self.associatedData(account))
        guard let combined = box.combined else { throw TokenStoreError.unavailable("AES-GCM sealing failed.") }
        return Sealed(keyID: keys.currentKeyID, bytes: combined)
    }

    /// The token set of `account`, or ``TokenStoreError/unreadable(account:reason:)`` saying why
    /// not (unknown key id, wrong key or tampered row, corrupt payload).
    func open(_ sealed: Sealed, account: String) throws(TokenStoreError) -> TokenSet {
        guard let key = keys.keys[sealed.keyID] else {
            throw .unreadable(
                account: account,
                reason: "it is encrypted under key id '\(sealed.keyID.prefix(64))', which is not configured (configured: \(keys.keyIDs.joined(separator: ", "))).")
        }
        let plaintext: Data
        do {
            let box = try AES.GCM.SealedBox(combined: sealed.bytes)
            plaintext = try AES.GCM.open(box, using: SymmetricKey(data: key), authenticating: Self.associatedData(account))
        } catch {
            throw .unreadable(
                account: account,
                reason: "it does not decrypt with key '\(sealed.keyID.prefix(64))' (wrong key, or the row was altered or copied from another account).")
        }
        do {
            return try JSONDecoder().decode(TokenSet.self, from: plaintext)
        } catch {
            throw .unreadable(account: account, reason: "its decrypted content is not a token set.")
        }
    }

    static func associatedData(_ account: String) -> Data {
        Data("connector-hub token v1\u{0}".utf8) + Data(account.utf8)
    }
}

/// Counts the statements a store sends to its database (the bench and tests check that sends
/// with a valid cached token make none).
final class StatementCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func add(_ n: Int = 1) { lock.withLock { count += n } }
    var value: Int { lock.withLock { count } }
}
