public import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A ``TokenStore`` keeping one JSON file per account in a directory.
///
/// - Writes are atomic: a temporary file (mode 0600) in the same directory is written, flushed
///   with `fsync`, then renamed over the account's file, so a crash leaves either the old or the
///   new tokens, never a torn file.
/// - Files and the directory are readable by the owner only (0600 / 0700).
/// - Account ids are sanitised into file names (percent-encoded, hashed when long), so an id
///   cannot escape the directory; a corrupt file affects only its own account.
///
/// ```swift
/// let store = try FileTokenStore(directory: URL(fileURLWithPath: "/var/lib/app/tokens"))
/// ```
public actor FileTokenStore: TokenStore {
    public nonisolated let directory: URL

    /// Creates the directory (0700) when missing.
    public init(directory: URL) throws {
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    /// Errors of the file store.
    public struct StoreError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public func load(account: String) async throws -> TokenSet? {
        let url = fileURL(for: account)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let data = try Data(contentsOf: url)
        do {
            return try JSONDecoder().decode(TokenSet.self, from: data)
        } catch {
            throw StoreError(description: "The token file of this account is corrupt.")
        }
    }

    public func save(_ tokens: TokenSet, account: String) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .deferredToDate
        let data = try encoder.encode(tokens)
        try writeAtomically(data, to: fileURL(for: account))
    }

    public func remove(account: String) async throws {
        let path = fileURL(for: account).path
        if unlink(path) != 0 && errno != ENOENT {
            throw StoreError(description: "Could not remove the token file (errno \(errno)).")
        }
    }

    /// The file of `account`: `<sanitised id>.json`.
    public nonisolated func fileURL(for account: String) -> URL {
        directory.appendingPathComponent(Self.fileName(for: account), isDirectory: false)
    }

    /// Letters, digits, `-` and `_` stay; every other byte becomes `%XX` (so `.`, `/` and `..`
    /// cannot appear); ids longer than 100 bytes become their SHA-256.
    static func fileName(for account: String) -> String {
        var name = ""
        for byte in account.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                name.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                name += FormEncoding.percentEncoded(byte)
            }
        }
        if name.isEmpty { name = "%00" }
        if name.utf8.count > 100 { name = "sha256-" + SHA256.hexDigest(of: account) }
        return name + ".json"
    }

    private func writeAtomically(_ data: Data, to destination: URL) throws {
        let temporary = directory.appendingPathComponent(".tmp-\(UUID().uuidString)", isDirectory: false).path
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw StoreError(description: "Could not create a temporary token file (errno \(errno)).") }
        var failure: StoreError?
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 {
                    failure = StoreError(description: "Could not write the token file (errno \(errno)).")
                    return
                }
                offset += written
            }
        }
        if failure == nil && fsync(descriptor) != 0 {
            failure = StoreError(description: "Could not flush the token file (errno \(errno)).")
        }
        close(descriptor)
        if failure == nil && rename(temporary, destination.path) != 0 {
            failure = StoreError(description: "Could not replace the token file (errno \(errno)).")
        }
        if let failure {
            unlink(temporary)
            throw failure
        }
        // Make the rename itself durable.
        let directoryDescriptor = open(directory.path, O_RDONLY)
        if directoryDescriptor >= 0 {
            fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }
}
