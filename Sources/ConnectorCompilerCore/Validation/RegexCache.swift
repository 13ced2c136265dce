import Foundation

/// Compiled field patterns, shared by every spec of the process: a repository's specs repeat the
/// same few patterns, and compiling one costs far more than validating a whole spec. Invalid
/// patterns are remembered too. Bounded, so hostile input cannot grow it without limit.
final class RegexCache: @unchecked Sendable {
    static let shared = RegexCache()
    private static let capacity = 512
    private let lock = NSLock()
    private var entries: [String: NSRegularExpression?] = [:]

    /// The compiled `pattern`, or `nil` when it is not a valid regular expression.
    func regex(for pattern: String) -> NSRegularExpression? {
        lock.lock()
        if let entry = entries[pattern] {
            lock.unlock()
            return entry
        }
        lock.unlock()
        let compiled = try? NSRegularExpression(pattern: pattern)
        lock.lock()
        if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
        entries[pattern] = .some(compiled)
        lock.unlock()
        return compiled
    }
}
