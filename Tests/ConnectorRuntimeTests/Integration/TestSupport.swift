// Test helpers shared by ConnectorRuntimeTests and ConnectorsTests (the latter links this file
// through a symlink: test targets cannot import each other).
import ConnectorRuntime
import Foundation
import Testing

/// Runs `body` and throws when it takes longer than `seconds`. The body runs in an unstructured
/// task (cancelled on timeout), so even a body that ignores cancellation cannot hang the test.
func withDeadline<T: Sendable>(
    _ seconds: Double, _ what: String, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    let once = ResumeOnce<T>()
    return try await withCheckedThrowingContinuation { continuation in
        once.set(continuation)
        let work = Task {
            do { once.resume(.success(try await body())) } catch { once.resume(.failure(error)) }
        }
        Task {
            try? await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
            if once.resume(.failure(ServerError("\(what) took longer than \(seconds) s"))) { work.cancel() }
        }
    }
}

/// Resumes a continuation exactly once.
private final class ResumeOnce<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, any Error>?

    func set(_ continuation: CheckedContinuation<T, any Error>) {
        lock.withLock { self.continuation = continuation }
    }

    @discardableResult
    func resume(_ result: Result<T, any Error>) -> Bool {
        let taken = lock.withLock { () -> CheckedContinuation<T, any Error>? in
            defer { continuation = nil }
            return continuation
        }
        taken?.resume(with: result)
        return taken != nil
    }
}

/// The error a throwing call produced, as ``ConnectorError`` when it is one.
func connectorError(_ body: () async throws -> Void) async -> ConnectorError? {
    do {
        try await body()
        return nil
    } catch let error as ConnectorError {
        return error
    } catch {
        Issue.record("Expected a ConnectorError, got \(type(of: error)): \(error)")
        return nil
    }
}

// Plain functions around the testing macros: test bodies call these instead of expanding
// `#expect` dozens of times, which keeps test bodies small and quick to type-check.

/// Records an issue unless `condition` holds.
func check(_ condition: Bool, _ comment: String = "", sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(condition, Comment(rawValue: comment), sourceLocation: sourceLocation)
}

/// Records an issue unless `actual == expected`, showing both values.
func checkEqual<T: Equatable>(_ actual: T, _ expected: T, _ comment: String = "", sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual == expected, Comment(rawValue: comment), sourceLocation: sourceLocation)
}
