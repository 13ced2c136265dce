public import Foundation

/// One HTTP request, as a value. A relative `url` (for example `URL(string: "/v1/users")`) is
/// resolved against the connection's base URL by ``Connection/send(_:)``.
///
/// Printing a request shows its method and URL without the query (which may hold an API key),
/// never its headers or body.
public struct HTTPRequest: Sendable, Hashable, CustomStringConvertible {
    /// `GET`, `POST`, ...
    public var method: String
    public var url: URL
    public var headers: HTTPHeaders
    public var body: Data?
    /// Deadline for the whole exchange, in seconds. Enforced by the transport even when the
    /// underlying client ignores it.
    public var timeout: TimeInterval
    /// The largest response body accepted for this request, in bytes, instead of the transport's
    /// own cap (``URLSessionTransport/maxResponseBytes``, 10 MiB by default); `nil` keeps the
    /// transport's. A list whose single page is larger (a `none`-style list) raises it per
    /// resource (`maxResponseBytes` in the spec) or per call (``ListOptions/maxResponseBytes``).
    public var maxResponseBytes: Int?

    /// The default deadline, 30 seconds.
    public static let defaultTimeout: TimeInterval = 30

    public init(method: String = "GET", url: URL, headers: HTTPHeaders = HTTPHeaders(), body: Data? = nil, timeout: TimeInterval = HTTPRequest.defaultTimeout) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }

    /// A request to `path` (with optional query), relative to the connection's base URL.
    /// Returns `nil` when `path` is not a valid URL reference.
    public init?(method: String = "GET", path: String, headers: HTTPHeaders = HTTPHeaders(), body: Data? = nil, timeout: TimeInterval = HTTPRequest.defaultTimeout) {
        guard let url = URL(string: path) else { return nil }
        self.init(method: method, url: url, headers: headers, body: body, timeout: timeout)
    }

    public var description: String {
        var components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        components?.query = nil
        return "\(method) \(components?.string ?? "<url>")"
    }
}
