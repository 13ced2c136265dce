// Test helpers shared by ConnectorRuntimeTests and ConnectorsTests (the latter links this file
// through a symlink: test targets cannot import each other).
import ConnectorRuntime
import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Runs `body` and throws when it hangs. This is a guard against hangs (URLSession waiting forever
/// on a challenge, a body that never ends), not a time limit: `seconds` is what the body takes on a
/// quiet machine, and the guard fires only after ten times that, and never before 60 s, because a
/// loaded machine (load 20 on 2 cores was seen) stretches any duration. What a test checks is the
/// outcome (the error, the request count), never how long it took. The body runs in an
/// unstructured task (cancelled when the guard fires), so even a body that ignores cancellation
/// cannot hang the test.
func withDeadline<T: Sendable>(
    _ seconds: Double, _ what: String, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    let seconds = max(seconds * 10, 60)
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

/// Plays the browser for the authorization-code flow: requests the authorize URL and returns the
/// `Location` it redirects to (the callback URL the app would receive), without following it.
enum Browser {
    static func callbackURL(for authorizeURL: URL) async throws -> URL {
        var request = URLRequest(url: authorizeURL, timeoutInterval: 10)
        request.httpMethod = "GET"
        let (_, response) = try await session.data(for: request)
        guard let http = response as? HTTPURLResponse, (300..<400).contains(http.statusCode),
            let location = http.value(forHTTPHeaderField: "Location"), let url = URL(string: location)
        else {
            throw ServerError("The authorize URL did not redirect (status \((response as? HTTPURLResponse)?.statusCode ?? 0)).")
        }
        return url
    }

    private static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 10
        configuration.timeoutIntervalForResource = 20
        return URLSession(configuration: configuration, delegate: NoRedirects(), delegateQueue: nil)
    }()

    private final class NoRedirects: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
        func urlSession(
            _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
            newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
        ) {
            completionHandler(nil)
        }
    }

    /// The query items of a URL, by name.
    static func query(_ url: URL) -> [String: String] {
        var items: [String: String] = [:]
        for item in URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems ?? [] {
            items[item.name] = item.value ?? ""
        }
        return items
    }
}

/// Records an issue unless `actual != unexpected`.
func checkNotEqual<T: Equatable>(_ actual: T, _ unexpected: T, _ comment: String = "", sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual != unexpected, Comment(rawValue: comment), sourceLocation: sourceLocation)
}

/// The value, or a failed test when it is `nil`.
func unwrap<T>(_ value: T?, _ what: String = "value", sourceLocation: SourceLocation = #_sourceLocation) throws -> T {
    try #require(value, Comment(rawValue: "\(what) is missing"), sourceLocation: sourceLocation)
}
