// What `connector-compiler generate` remembers between runs, so that a run after a one-spec edit
// re-reads every spec's bytes but parses, validates and generates only the changed ones.
//
// A spec is reused only when all of these hold, and otherwise it is processed as if there were no
// cache:
// - the cache was written by this very executable (path, size and modification time) with the
//   same options (see `key`): a rebuilt generator regenerates everything;
// - the spec's size and 64-bit fingerprint are those recorded;
// - the spec had no diagnostic at all when it was recorded (so there is never a warning to replay);
// - its output file still has the size and modification time recorded after it was written.
//
// Generated code of one spec depends only on its bytes, its path and the options, so a reused
// spec's output is byte-identical to what a full run would write. The one rule across specs (two
// files declaring the same id) still sees reused specs: their id and its position are recorded.

import Foundation

/// The generator's record of earlier runs, stored as one text file in the output folder.
public struct GenerationCache: Sendable, Equatable {
    /// The name of the cache file inside the output folder.
    public static let fileName = ".connector-compiler-cache"

    /// What is known about one spec generated without diagnostics.
    public struct Entry: Sendable, Equatable {
        /// The spec's size in bytes.
        public var specSize: Int
        /// ``GenerationCache/fingerprint(_:)`` of the spec's bytes.
        public var specFingerprint: UInt64
        /// The spec's `id` and where its value starts, for the duplicate-id rule.
        public var id: String
        public var idLine: Int
        public var idColumn: Int
        /// The output file's size and modification time (nanoseconds) after it was written.
        public var outputSize: Int
        public var outputModified: Int64

        /// Creates an entry.
        public init(
            specSize: Int, specFingerprint: UInt64, id: String, idLine: Int, idColumn: Int, outputSize: Int,
            outputModified: Int64
        ) {
            self.specSize = specSize
            self.specFingerprint = specFingerprint
            self.id = id
            self.idLine = idLine
            self.idColumn = idColumn
            self.outputSize = outputSize
            self.outputModified = outputModified
        }
    }

    /// Identifies the generator and options that wrote the entries.
    public var key: String
    /// Entries by spec path, as given on the command line.
    public var entries: [String: Entry]

    /// An empty cache for `key`.
    public init(key: String, entries: [String: Entry] = [:]) {
        self.key = key
        self.entries = entries
    }

    private static let magic = "connector-compiler-cache 1"

    /// The cache stored at `path` when it was written with the same `key`; otherwise, or when the
    /// file is missing or malformed in any way, an empty cache for `key`.
    public static func read(from path: String, key: String) -> GenerationCache {
        let empty = GenerationCache(key: key)
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            return empty
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 2, lines.removeLast().isEmpty, lines.removeFirst() == magic + "\t" + key else { return empty }
        var entries: [String: Entry] = [:]
        for line in lines {
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard columns.count == 8, let specSize = Int(columns[1]), let fingerprint = UInt64(columns[2], radix: 16),
                let idLine = Int(columns[4]), let idColumn = Int(columns[5]), let outputSize = Int(columns[6]),
                let outputModified = Int64(columns[7]), entries[String(columns[0])] == nil
            else { return empty }
            entries[String(columns[0])] = Entry(
                specSize: specSize, specFingerprint: fingerprint, id: String(columns[3]), idLine: idLine, idColumn: idColumn,
                outputSize: outputSize, outputModified: outputModified)
        }
        return GenerationCache(key: key, entries: entries)
    }

    /// The file's text. Entries whose path or id contains a tab or line break are left out (they
    /// are regenerated every run).
    public func serialized() -> String {
        guard !Self.unstorable(key) else { return "" }
        var text = Self.magic + "\t" + key + "\n"
        for path in entries.keys.sorted() where !Self.unstorable(path) {
            let entry = entries[path]!
            guard !Self.unstorable(entry.id) else { continue }
            let columns = [
                path, String(entry.specSize), String(entry.specFingerprint, radix: 16), entry.id, String(entry.idLine),
                String(entry.idColumn), String(entry.outputSize), String(entry.outputModified),
            ]
            text += columns.joined(separator: "\t") + "\n"
        }
        return text
    }

    private static func unstorable(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0 == "\t" || $0 == "\n" || $0 == "\r" }
    }

    /// FNV-1a (64-bit) of `bytes`: a fingerprint to notice edits, not a security measure.
    public static func fingerprint(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        bytes.withUnsafeBufferPointer { buffer in
            // An index loop: the plugin's generator is a debug build, where this is much faster
            // than iterating the array.
            var index = 0
            while index < buffer.count {
                hash = (hash ^ UInt64(buffer[index])) &* 0x0000_0100_0000_01b3
                index += 1
            }
        }
        return hash
    }

    /// The size and modification time (nanoseconds) of the regular file at `path`, or `nil`.
    public static func fileStamp(_ path: String) -> (size: Int, modified: Int64)? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        #if canImport(Darwin)
            let time = info.st_mtimespec
        #else
            let time = info.st_mtim
        #endif
        return (Int(info.st_size), Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec))
    }

    /// The bytes of the file at `path`, or `nil` when it cannot be read.
    public static func bytes(ofFile path: String) -> [UInt8]? {
        FileBytes.contents(ofFile: path)
    }
}
