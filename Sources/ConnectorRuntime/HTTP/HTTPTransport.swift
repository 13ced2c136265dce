import Foundation

/// Sends HTTP requests. ``URLSessionTransport`` is the default; tests and apps with another
/// HTTP client provide their own.
///
/// Implementations return every HTTP status as an ``HTTPResponse`` (a 401 is a response, not an
/// error) and throw only when no response arrived, preferably a ``TransportError``.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}

/// Why a request got no usable response.
public struct TransportError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The deadline passed.
        case timedOut
        /// Connection refused, DNS failure, TLS failure, reset.
        case network
        /// The body exceeded the transport's cap.
        case responseTooLarge
        /// A redirect from https to http, refused.
        case insecureRedirect
        /// The server kept redirecting (a redirect loop); trying again will not help.
        case tooManyRedirects
        /// The task was cancelled.
        case cancelled
    }

    public var kind: Kind
    /// What happened, without URLs' queries or any header value.
    public var detail: String

    public init(_ kind: Kind, detail: String) {
        self.kind = kind
        self.detail = detail
    }

    /// `true` when trying again later may help.
    public var isRetryable: Bool {
        kind == .timedOut || kind == .network
    }

    public var description: String { detail }
}
