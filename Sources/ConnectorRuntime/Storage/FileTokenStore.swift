public import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A ``TokenStore`` keeping one JSON file per account in a directory, safe for several processes
/// on one machine.
///
/// - Every change of an account (a write, taking or releasing its refresh lease, removal) happens
///   under an exclusive `flock(2)` on the account's lock file (`<name>.lock`), so the version
///   check, the lease check and the write are one step for every process sharing the directory.
/// - Writes are atomic: a temporary file (mode 0600) in the same directory is written, flushed
///   with `fsync`, then renamed over the account's file, so a crash leaves either the old or the
///   new record, never a torn file.
/// - Files and the directory are readable by the owner only (0600 / 0700).
/// - Account ids are sanitised into file names (percent-encoded, hashed when long), so an id
///   cannot escape the directory; a corrupt file affects only its own account.
///
/// Use a local file system (ext4, XFS, Btrfs, APFS, tmpfs). Network and synchronised file
/// systems (NFS, SMB/CIFS, sshfs and other FUSE mounts, Dropbox or iCloud folders, a host folder
/// mounted into a Docker Desktop VM) do not give `flock` and `rename` the guarantees this store
/// relies on across machines: use the Hub's SQL stores there (docs/token-storage.md).
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

    /// What one account's file holds. Files written before versions existed hold a bare
    /// ``TokenSet``; they read as version 1.
    private struct Envelope: Codable {
        var version: Int64
        var tokens: TokenSet?
        var lease: RefreshLease?
    }

    // MARK: TokenStore

    public func record(account: String) async throws -> TokenRecord? {
        let envelope = try read(account: account)
        guard let envelope, let tokens = envelope.tokens else { return nil }
        return TokenRecord(tokens: tokens, version: envelope.version)
    }

    public func write(_ tokens: TokenSet, account: String, expectedVersion: Int64, lease: RefreshLease?) async throws -> TokenRecord {
        try await withAccountLock(account) {
            var envelope = try read(account: account) ?? Envelope(version: 0, tokens: nil, lease: nil)
            let current = envelope.tokens == nil ? 0 : envelope.version
            guard current == expectedVersion else {
                throw TokenStoreError.versionConflict(account: account, expected: expectedVersion, current: current)
            }
            if let lease, envelope.lease?.id != lease.id {
                throw TokenStoreError.leaseLost(account: account)
            }
            envelope.version = current + 1
            envelope.tokens = tokens
            try store(envelope, account: account)
            return TokenRecord(tokens: tokens, version: envelope.version)
        }
    }

    public func remove(account: String) async throws {
        try await withAccountLock(account) {
            let path = fileURL(for: account).path
            if unlink(path) != 0 && errno != ENOENT {
                throw TokenStoreError.unavailable("Could not remove the token file of account '\(account)' (errno \(errno)).")
            }
        }
    }

    public func acquireRefreshLease(account: String, owner: String, duration: TimeInterval) async throws -> LeaseAcquisition {
        try await withAccountLock(account) {
            var envelope = try read(account: account) ?? Envelope(version: 0, tokens: nil, lease: nil)
            let now = Date()
            if let held = envelope.lease, held.expiresAt > now {
                return .held(owner: held.owner, expiresIn: held.expiresAt.timeIntervalSince(now))
            }
            let lease = RefreshLease(account: account, owner: owner, id: UUID().uuidString, expiresAt: now.addingTimeInterval(duration))
            envelope.lease = lease
            try store(envelope, account: account)
            return .acquired(lease)
        }
    }

    public func releaseRefreshLease(_ lease: RefreshLease) async throws {
        try await withAccountLock(lease.account) {
            guard var envelope = try read(account: lease.account), var held = envelope.lease, held.id == lease.id else { return }
            // Expired, not forgotten: the id keeps fencing until another owner takes the lease.
            held.expiresAt = Date(timeIntervalSince1970: 0)
            envelope.lease = held
            try store(envelope, account: lease.account)
        }
    }

    // MARK: Files

    /// The file of `account`: `<sanitised id>.json`.
    public nonisolated func fileURL(for account: String) -> URL {
        directory.appendingPathComponent(Self.fileName(for: account) + ".json", isDirectory: false)
    }

    /// The lock file of `account`: `<sanitised id>.lock`. Created on first use and never removed
    /// (removing a lock file while another process waits on it would split the lock in two).
    public nonisolated func lockURL(for account: String) -> URL {
        directory.appendingPathComponent(Self.fileName(for: account) + ".lock", isDirectory: false)
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
        return name
    }

    private func read(account: String) throws -> Envelope? {
        let url = fileURL(for: account)
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            if !FileManager.default.fileExists(atPath: url.path) { return nil }
            throw TokenStoreError.unavailable("Could not read the token file of account '\(account)'.")
        }
        let decoder = JSONDecoder()
        if let envelope = try? decoder.decode(Envelope.self, from: data) { return envelope }
        if let legacy = try? decoder.decode(TokenSet.self, from: data) { return Envelope(version: 1, tokens: legacy, lease: nil) }
        throw TokenStoreError.unreadable(account: account, reason: "its token file is corrupt.")
    }

    private func store(_ envelope: Envelope, account: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .deferredToDate
        let data = try encoder.encode(envelope)
        try writeAtomically(data, to: fileURL(for: account))
    }

    /// Runs `body` holding the exclusive `flock` of the account's lock file. Waits without
    /// blocking a thread: the lock is tried, and retried after a short sleep while a peer holds it.
    private func withAccountLock<T>(_ account: String, _ body: () throws -> T) async throws -> T {
        let path = lockURL(for: account).path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw TokenStoreError.unavailable("Could not open the lock file of account '\(account)' (errno \(errno)).")
        }
        defer { close(descriptor) }  // closing the descriptor also releases the lock
        var pause: UInt64 = 200_000
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                throw TokenStoreError.unavailable("Could not lock the token file of account '\(account)' (errno \(errno)).")
            }
            try? await Task.sleep(nanoseconds: pause)
            pause = min(pause * 2, 5_000_000)
        }
        return try body()
    }

    private func writeAtomically(_ data: Data, to destination: URL) throws {
        let temporary = directory.appendingPathComponent(".tmp-\(UUID().uuidString)", isDirectory: false).path
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw TokenStoreError.unavailable("Could not create a temporary token file (errno \(errno)).") }
        var failure: TokenStoreError?
        if !writeAll(descriptor, data) {
            failure = .unavailable("Could not write the token file (errno \(errno)).")
        }
        if failure == nil && fsync(descriptor) != 0 {
            failure = .unavailable("Could not flush the token file (errno \(errno)).")
        }
        close(descriptor)
        if failure == nil && rename(temporary, destination.path) != 0 {
            failure = .unavailable("Could not replace the token file (errno \(errno)).")
        }
        if let failure {
            unlink(temporary)
            throw failure
        }
        // Make the rename itself durable.
        let directoryDescriptor = open(directory.path, O_RDONLY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }
}

/// Writes all of `data` to `descriptor`; `false` on an error (errno says which).
private func writeAll(_ descriptor: Int32, _ data: Data) -> Bool {
    data.withUnsafeBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if written <= 0 { return false }
            offset += written
        }
        return true
    }
}
