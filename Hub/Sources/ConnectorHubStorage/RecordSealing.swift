public import Foundation
import Crypto
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

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

    /// A ``Batch`` for sealing and fingerprinting about `count` values in a row (a sync page).
    public func batch(count: Int) -> Batch {
        Batch(sealing: self, count: count)
    }

    /// Seals and fingerprints many values in a row with the same bytes as ``RecordSealing/seal(_:context:)``
    /// and ``RecordSealing/fingerprint(_:keyID:)``, setting up once per batch what those set up per
    /// call: the current key, the HMAC key state of each fingerprint key (its inner and outer padded
    /// SHA-256 states, copied for each value), and the random nonces, read from the system's
    /// generator a block at a time (each nonce is still 12 fresh random bytes, used once). One task
    /// uses a batch (it is not `Sendable`); make one per page.
    public struct Batch {
        private let currentKey: SymmetricKey?
        private var fingerprinters: [String: HMAC<SHA256>] = [:]
        private let fingerprintKeys: [String: Data]
        private var nonces: [UInt8]
        private var nextNonce: Int

        private static let nonceByteCount = 12
        /// `getentropy` returns at most 256 bytes a call: 21 nonces.
        private static let entropyCallBytes = 252

        init(sealing: RecordSealing, count: Int) {
            currentKey = sealing.keys.keys[sealing.keys.currentKeyID].map { SymmetricKey(data: $0) }
            fingerprintKeys = sealing.fingerprintKeys
            nonces = Array(repeating: 0, count: max(1, min(count, 4096)) * Self.nonceByteCount)
            nextNonce = nonces.count
        }

        /// `plaintext` sealed under the current key: nonce ‖ ciphertext ‖ tag.
        public mutating func seal(_ plaintext: Data, context: Data) throws(TokenStorageError) -> Data {
            guard let currentKey else { throw .missingKey("The current key is missing.") }
            if nextNonce == nonces.count {
                nonces.withUnsafeMutableBytes { Self.fillRandom($0) }
                nextNonce = 0
            }
            let start = nextNonce
            nextNonce += Self.nonceByteCount
            do {
                let nonce = try AES.GCM.Nonce(data: nonces[start..<nextNonce])
                guard let combined = try AES.GCM.seal(plaintext, using: currentKey, nonce: nonce, authenticating: context).combined
                else { throw TokenStorageError.invalidKey("AES-GCM sealing failed.") }
                return combined
            } catch {
                throw .invalidKey("AES-GCM sealing failed.")
            }
        }

        /// The fingerprint of `data` under key `keyID`, as ``RecordSealing/fingerprint(_:keyID:)``;
        /// `nil` when the key is not configured.
        public mutating func fingerprint(_ data: Data, keyID: String) -> Data? {
            var authenticator: HMAC<SHA256>
            if let keyed = fingerprinters[keyID] {
                authenticator = keyed
            } else {
                guard let derived = fingerprintKeys[keyID] else { return nil }
                authenticator = HMAC<SHA256>(key: SymmetricKey(data: derived))
                fingerprinters[keyID] = authenticator
            }
            authenticator.update(data: data)
            return authenticator.finalize().withUnsafeBytes { Data($0) }
        }

        /// Fills `buffer` from the system's cryptographic generator (`getentropy`: `getrandom` on
        /// Linux), 252 bytes a call instead of 8 (`SystemRandomNumberGenerator.next()`).
        private static func fillRandom(_ buffer: UnsafeMutableRawBufferPointer) {
            var offset = 0
            while offset < buffer.count {
                let length = min(Self.entropyCallBytes, buffer.count - offset)
                let slice = UnsafeMutableRawBufferPointer(rebasing: buffer[offset..<(offset + length)])
                if getentropy(slice.baseAddress, length) != 0 {
                    // Not expected (ENOSYS on a kernel before 3.17): the standard library's generator.
                    var generator = SystemRandomNumberGenerator()
                    for index in slice.indices { slice[index] = UInt8.random(in: .min ... .max, using: &generator) }
                }
                offset += length
            }
        }
    }
}
