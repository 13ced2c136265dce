// Writes rendered guides into a folder: only files whose text changed are rewritten (so
// timestamps and git status stay quiet), and guides whose spec is gone are removed. Only files
// that start with the generated marker are ever removed; hand-written files are left alone.

public import Foundation

/// What ``DocsWriter/write(_:to:)`` did.
public struct DocsWriteReport: Sendable, Hashable {
    /// Files written because they were new or their text changed, sorted.
    public var written: [String] = []
    /// Files whose text was already up to date, sorted.
    public var unchanged: [String] = []
    /// Stale generated files removed, sorted.
    public var removed: [String] = []

    /// Creates an empty report.
    public init() {}
}

/// Writes generated Markdown files into a folder.
public enum DocsWriter {
    /// Writes `files` (file name → text) into `directory`, creating it when needed.
    ///
    /// A file is rewritten only when its text differs. Every other `*.md` file in `directory`
    /// that starts with ``ConnectionGuideRenderer/generatedMarker`` is removed.
    public static func write(_ files: [String: String], to directory: URL) throws -> DocsWriteReport {
        let manager = FileManager.default
        try manager.createDirectory(at: directory, withIntermediateDirectories: true)
        var report = DocsWriteReport()
        for name in files.keys.sorted() {
            let text = files[name] ?? ""
            let url = directory.appendingPathComponent(name)
            if let existing = try? Data(contentsOf: url), existing == Data(text.utf8) {
                report.unchanged.append(name)
                continue
            }
            try Data(text.utf8).write(to: url, options: .atomic)
            report.written.append(name)
        }
        let present = try manager.contentsOfDirectory(atPath: directory.path)
        for name in present.sorted() where name.hasSuffix(".md") && files[name] == nil {
            let url = directory.appendingPathComponent(name)
            guard isGenerated(url) else { continue }
            try manager.removeItem(at: url)
            report.removed.append(name)
        }
        return report
    }

    /// `true` when the file at `url` starts with the generated marker.
    static func isGenerated(_ url: URL) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return false }
        defer { try? handle.close() }
        let marker = Data(ConnectionGuideRenderer.generatedMarker.utf8)
        let head = (try? handle.read(upToCount: marker.count)) ?? nil
        return head == marker
    }
}
