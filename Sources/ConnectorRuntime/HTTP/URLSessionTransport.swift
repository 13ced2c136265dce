import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The default ``HTTPTransport``: one long-lived `URLSession` with a delegate that works around
/// Linux FoundationNetworking pitfalls.
///
/// - Authentication challenges are cancelled, never answered, so a `401` with
///   `WWW-Authenticate: Basic` comes back as a 401 response instead of hanging (the body may be
///   empty in that case).
/// - A redirect to another origin loses `Authorization`, `Cookie` and every other header that is
///   not on a short safe list; a redirect from https to http fails with
///   ``TransportError/Kind/insecureRedirect``.
/// - Every request has a deadline (``HTTPRequest/timeout``), enforced by a timer as well as by
///   URLSession.
/// - Response bodies are capped (10 MiB by default, or the request's own
///   ``HTTPRequest/maxResponseBytes``), with or without `Content-Length`: past the
///   cap the body is no longer kept, the task is cancelled and the request fails with
///   ``TransportError/Kind/responseTooLarge``. FoundationNetworking may go on reading a chunked
///   body it was told to cancel (see docs/runtime.md); its bytes are dropped on arrival.
///
/// ```swift
/// let response = try await URLSessionTransport.shared.send(HTTPRequest(url: url))
/// ```
public final class URLSessionTransport: HTTPTransport, @unchecked Sendable {
    /// A process-wide transport with default settings.
    public static let shared = URLSessionTransport()

    /// The largest body accepted, in bytes.
    public let maxResponseBytes: Int
    private let session: URLSession
    private let delegate: TransportDelegate

    /// Creates a transport with its own session. Keep it for the life of the app: the session
    /// lives until the transport is released.
    public init(maxResponseBytes: Int = 10 * 1024 * 1024) {
        self.maxResponseBytes = maxResponseBytes
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = HTTPRequest.defaultTimeout
        configuration.timeoutIntervalForResource = 300
        configuration.httpMaximumConnectionsPerHost = 6
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        delegate = TransportDelegate(maxResponseBytes: maxResponseBytes)
        session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
    }

    deinit {
        session.invalidateAndCancel()
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        var urlRequest = URLRequest(url: request.url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: request.timeout)
        urlRequest.httpMethod = request.method
        for field in request.headers {
            urlRequest.addValue(field.value, forHTTPHeaderField: field.name)
        }
        urlRequest.httpBody = request.body
        let task = TaskBox(session.dataTask(with: urlRequest))
        let delegate = self.delegate
        let timeout = request.timeout
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, any Error>) in
                delegate.register(task.task, continuation: continuation, limit: request.maxResponseBytes)
                task.task.resume()
                let deadline = DeadlineTimer(after: timeout) {
                    delegate.fail(task.task, with: TransportError(.timedOut, detail: "No response within \(Int(timeout.rounded(.up))) s."))
                }
                delegate.attachDeadline(deadline, to: task.task)
            }
        } onCancel: {
            delegate.fail(task.task, with: TransportError(.cancelled, detail: "The request was cancelled."))
        }
    }
}

/// Lets a URLSessionTask cross into the cancellation handler.
private final class TaskBox: @unchecked Sendable {
    let task: URLSessionDataTask
    init(_ task: URLSessionDataTask) { self.task = task }
}

/// Per-task state, guarded by the delegate's lock. A class, so the body grows in place: copying
/// a struct out of the dictionary and back copied the whole body on every chunk.
private final class PendingTask {
    let continuation: CheckedContinuation<HTTPResponse, any Error>
    var data = Data()
    var response: HTTPURLResponse?
    var challengeResponse: HTTPURLResponse?
    var failure: TransportError?
    var deadline: DeadlineTimer?
    /// The largest body accepted for this task.
    let limit: Int

    init(continuation: CheckedContinuation<HTTPResponse, any Error>, limit: Int) {
        self.continuation = continuation
        self.limit = limit
    }
}

private final class TransportDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    /// Headers that may follow a redirect to another origin; everything else (Authorization,
    /// Cookie, API-key headers) is dropped.
    private static let headersSafeAcrossOrigins: Set<String> = [
        "accept", "accept-language", "accept-encoding", "content-type", "content-length", "user-agent",
    ]

    private let lock = NSLock()
    private var pending: [Int: PendingTask] = [:]
    private let maxResponseBytes: Int

    init(maxResponseBytes: Int) {
        self.maxResponseBytes = maxResponseBytes
    }

    func register(_ task: URLSessionTask, continuation: CheckedContinuation<HTTPResponse, any Error>, limit: Int?) {
        let state = PendingTask(continuation: continuation, limit: limit.map { max($0, 0) } ?? maxResponseBytes)
        lock.withLock { pending[task.taskIdentifier] = state }
    }

    func attachDeadline(_ deadline: DeadlineTimer, to task: URLSessionTask) {
        let stillPending = lock.withLock { () -> Bool in
            guard let state = pending[task.taskIdentifier] else { return false }
            state.deadline = deadline
            return true
        }
        if !stillPending { deadline.cancel() }
    }

    /// Ends the task now with `error` (deadline, cancellation, oversized body).
    func fail(_ task: URLSessionTask, with error: TransportError) {
        guard let state = take(task) else { return }
        state.deadline?.cancel()
        task.cancel()
        state.continuation.resume(throwing: error)
    }

    private func take(_ task: URLSessionTask) -> PendingTask? {
        lock.withLock { pending.removeValue(forKey: task.taskIdentifier) }
    }

    private func update(_ task: URLSessionTask, _ body: (PendingTask) -> Void) -> Bool {
        lock.withLock {
            guard let state = pending[task.taskIdentifier] else { return false }
            body(state)
            return true
        }
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
    ) {
        let http = response as? HTTPURLResponse
        let limit = lock.withLock { pending[dataTask.taskIdentifier]?.limit } ?? maxResponseBytes
        if response.expectedContentLength > Int64(limit) {
            completionHandler(.cancel)
            fail(dataTask, with: TransportError(.responseTooLarge, detail: "The response body is larger than \(limit) bytes."))
            return
        }
        _ = update(dataTask) { state in
            state.response = http
            // A known length is allocated once instead of growing by doubling.
            if response.expectedContentLength > 0 { state.data.reserveCapacity(Int(response.expectedContentLength)) }
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        var tooLarge = false
        var limit = maxResponseBytes
        _ = update(dataTask) { state in
            limit = state.limit
            tooLarge = state.data.count + data.count > limit
            if !tooLarge { state.data.append(data) }
        }
        if tooLarge {
            fail(dataTask, with: TransportError(.responseTooLarge, detail: "The response body is larger than \(limit) bytes."))
        }
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, didReceive challenge: URLAuthenticationChallenge,
        completionHandler: @escaping @Sendable (URLSession.AuthChallengeDisposition, URLCredential?) -> Void
    ) {
        #if canImport(Darwin)
        if challenge.protectionSpace.authenticationMethod == NSURLAuthenticationMethodServerTrust {
            completionHandler(.performDefaultHandling, nil)
            return
        }
        #endif
        // Answering (or default-handling) a Basic challenge hangs on Linux; cancel it and report
        // the 401 the server sent.
        let failure = challenge.failureResponse as? HTTPURLResponse
        _ = update(task) { $0.challengeResponse = failure }
        completionHandler(.cancelAuthenticationChallenge, nil)
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        guard let target = request.url, let origin = task.originalRequest?.url else {
            completionHandler(nil)
            return
        }
        if origin.scheme?.lowercased() == "https" && target.scheme?.lowercased() != "https" {
            completionHandler(nil)
            fail(task, with: TransportError(.insecureRedirect, detail: "Refused a redirect from https to \(target.scheme ?? "another scheme")."))
            return
        }
        guard Self.origin(of: target) != Self.origin(of: origin) else {
            completionHandler(request)
            return
        }
        var stripped = request
        for name in (request.allHTTPHeaderFields ?? [:]).keys where !Self.headersSafeAcrossOrigins.contains(name.lowercased()) {
            stripped.setValue(nil, forHTTPHeaderField: name)
        }
        completionHandler(stripped)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        guard let state = take(task) else { return }
        state.deadline?.cancel()
        if let failure = state.failure {
            state.continuation.resume(throwing: failure)
        } else if let response = state.response, error == nil {
            state.continuation.resume(returning: Self.response(response, body: state.data))
        } else if let challenged = state.challengeResponse {
            state.continuation.resume(returning: Self.response(challenged, body: state.data))
        } else {
            state.continuation.resume(throwing: Self.transportError(error))
        }
    }

    private static func response(_ http: HTTPURLResponse, body: Data) -> HTTPResponse {
        var headers = HTTPHeaders()
        for (name, value) in http.allHeaderFields {
            headers.append(name: String(describing: name), value: String(describing: value))
        }
        return HTTPResponse(status: http.statusCode, headers: headers, body: body)
    }

    private static func transportError(_ error: (any Error)?) -> TransportError {
        guard let urlError = error as? URLError else {
            return TransportError(.network, detail: "The request failed without a response.")
        }
        // Never use localizedDescription: it may quote the URL, query and all.
        switch urlError.code {
        case .timedOut:
            return TransportError(.timedOut, detail: "The request timed out.")
        case .cancelled:
            return TransportError(.cancelled, detail: "The request was cancelled.")
        case .httpTooManyRedirects:
            return TransportError(.tooManyRedirects, detail: "The server redirected in a loop (too many redirects).")
        default:
            return TransportError(.network, detail: "Network error (URLError \(urlError.code.rawValue)).")
        }
    }

    private static func origin(of url: URL) -> String {
        let scheme = url.scheme?.lowercased() ?? ""
        let host = url.host?.lowercased() ?? ""
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        return "\(scheme)://\(host):\(port)"
    }
}
