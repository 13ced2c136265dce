import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Owner-only file modes (0600) for a SQLite database and its side files.
///
/// SQLite creates the `-wal`, `-shm` and `-journal` files with the mode of the database file,
/// whenever it creates them (also long after opening), so creating the database file as 0600
/// before SQLite opens it covers the files created later; files left by an earlier run are
/// narrowed to 0600 here too.
public enum SQLiteFileModes {
    /// The side files SQLite keeps next to a database.
    public static let sideFileSuffixes = ["-wal", "-shm", "-journal"]

    /// Creates `path` (empty) with mode 0600 when it does not exist, and sets 0600 on it and on
    /// any side file that exists. Call before opening the database.
    public static func restrict(_ path: String) throws {
        let descriptor = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        close(descriptor)
        for file in [path] + sideFileSuffixes.map({ path + $0 }) where FileManager.default.fileExists(atPath: file) {
            guard chmod(file, 0o600) == 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: file]) }
        }
    }
}
