public import Foundation

/// An RFC 6749 §5.2 error body (`error`, `error_description`, `error_uri`).
public struct OAuthErrorResponse: Sendable, Hashable {
    public var error: String
    public var description: String?
    public var uri: String?

    public init(error: String, description: String? = nil, uri: String? = nil) {
        self.error = error
        self.description = description
        self.uri = uri
    }

    /// This error with every secret of `redactor` removed from its texts.
    func redacted(by redactor: Redactor) -> OAuthErrorResponse {
        OAuthErrorResponse(error: redactor(error), description: redactor(description), uri: redactor(uri))
    }

    /// A one-line summary for error details: the code and, shortened, the description.
    var summary: String {
        guard let description, !description.isEmpty else { return error }
        let short = description.count > 200 ? String(description.prefix(200)) + "…" : description
        return "\(error): \(short)"
    }
}

/// Which token request produced a response, for error mapping.
public enum TokenGrant: Sendable, Hashable {
    case authorizationCode
    case refreshToken
    case clientCredentials
}

/// Maps HTTP responses of token endpoints and resource servers to ``ConnectorError`` (research
/// §1: RFC 6749 §5.2, RFC 6750 §3.1).
public enum OAuthErrorMapping {
    /// The error of a failed token request, or of a 200 that carries `error`. Provider text in
    /// the error passes through `redactor` first, so a secret the provider quotes never reaches
    /// the error's description.
    public static func tokenError(_ response: HTTPResponse, grant: TokenGrant, redacting redactor: Redactor = Redactor([])) -> ConnectorError {
        if let limited = rateLimit(response) { return limited }
        let oauth = TokenResponseParser.errorBody(response)
        if let oauth {
            return map(oauth.redacted(by: redactor), status: response.status, grant: grant)
        }
        switch response.status {
        case 401:
            return .invalidCredentials(detail: "The token endpoint answered 401 (client authentication failed).")
        case 500...:
            return .providerUnavailable(detail: "The token endpoint answered \(response.status).", retryable: true)
        case 403:
            return .invalidCredentials(detail: "The token endpoint answered 403.")
        case 404:
            return .misconfigured("The token endpoint answered 404: the token URL is wrong.")
        default:
            return .providerUnavailable(detail: "The token endpoint answered \(response.status) without an OAuth error.", retryable: false)
        }
    }

    /// `oauth` must already be redacted.
    static func map(_ oauth: OAuthErrorResponse, status: Int, grant: TokenGrant) -> ConnectorError {
        switch oauth.error {
        case "invalid_grant":
            if grant == .authorizationCode {
                return .invalidCallback(detail: "The provider rejected the authorization code (\(oauth.summary)). Start linking again.")
            }
            return .reconnectRequired(detail: oauth.summary)
        case "invalid_client", "unauthorized":
            return .invalidCredentials(detail: oauth.summary)
        case "invalid_scope", "unauthorized_client", "unsupported_grant_type", "invalid_request":
            return .misconfigured("The token endpoint refused the request (\(oauth.summary)).")
        case "temporarily_unavailable", "server_error":
            return .providerUnavailable(detail: oauth.summary, retryable: true)
        case "slow_down":
            return .rateLimited(retryAfter: nil)
        default:
            if status == 401 { return .invalidCredentials(detail: oauth.summary) }
            if status >= 500 { return .providerUnavailable(detail: oauth.summary, retryable: true) }
            return .providerUnavailable(detail: "The token endpoint answered \(status) (\(oauth.summary)).", retryable: false)
        }
    }

    /// `rateLimited` for a 429, with `Retry-After` (seconds or an HTTP date) when present.
    public static func rateLimit(_ response: HTTPResponse, now: Date = Date()) -> ConnectorError? {
        guard response.status == 429 else { return nil }
        return .rateLimited(retryAfter: retryAfter(response.headers["Retry-After"], now: now))
    }

    /// Seconds to wait from a `Retry-After` value: delta-seconds or an HTTP-date in any of the
    /// three forms of RFC 9110 (see ``HTTPDate``).
    public static func retryAfter(_ value: String?, now: Date = Date()) -> Double? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Double(value) { return max(seconds, 0) }
        guard let date = HTTPDate.parse(value, now: now) else { return nil }
        return max(date.timeIntervalSince(now), 0)
    }

    /// Parses `WWW-Authenticate: Bearer error="…", scope="…"` parameters (RFC 6750 §3).
    public static func bearerChallenge(_ response: HTTPResponse) -> [String: String] {
        var parameters: [String: String] = [:]
        for header in response.headers.values(for: "WWW-Authenticate") {
            var rest = Substring(header)
            if let space = rest.firstIndex(of: " "), !rest[..<space].contains("=") {
                rest = rest[rest.index(after: space)...]
            }
            parameters.merge(authParameters(rest)) { first, _ in first }
        }
        return parameters
    }

    private static func authParameters(_ text: Substring) -> [String: String] {
        var result: [String: String] = [:]
        var index = text.startIndex
        while index < text.endIndex {
            while index < text.endIndex, text[index] == " " || text[index] == "," { index = text.index(after: index) }
            guard let equals = text[index...].firstIndex(of: "=") else { break }
            let name = text[index..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            index = text.index(after: equals)
            var value = ""
            if index < text.endIndex, text[index] == "\"" {
                index = text.index(after: index)
                while index < text.endIndex, text[index] != "\"" {
                    if text[index] == "\\" { index = text.index(after: index); if index == text.endIndex { break } }
                    value.append(text[index])
                    index = text.index(after: index)
                }
                if index < text.endIndex { index = text.index(after: index) }
            } else {
                let end = text[index...].firstIndex(of: ",") ?? text.endIndex
                value = text[index..<end].trimmingCharacters(in: .whitespaces)
                index = end
            }
            result[name] = value
        }
        return result
    }

    /// The scopes a resource server's 403 says are missing (`WWW-Authenticate: … scope="a b"`),
    /// or `nil` when the 403 is not `insufficient_scope`.
    public static func insufficientScope(_ response: HTTPResponse) -> [String]? {
        let challenge = bearerChallenge(response)
        var isInsufficient = challenge["error"] == "insufficient_scope"
        if !isInsufficient, let body = TokenResponseParser.errorBody(response), body.error == "insufficient_scope" {
            isInsufficient = true
        }
        guard isInsufficient else { return nil }
        return challenge["scope"].map { $0.split(separator: " ").map(String.init) } ?? []
    }

    /// The transport failure as a ``ConnectorError``.
    static func transportFailure(_ error: any Error) -> ConnectorError {
        if let transport = error as? TransportError {
            if transport.kind == .tooManyRedirects {
                return .misconfigured("The server redirects in a loop (too many redirects): check the base URL, the request path and the provider's settings.")
            }
            return .providerUnavailable(detail: transport.detail, retryable: transport.isRetryable)
        }
        if let connector = error as? ConnectorError { return connector }
        return .providerUnavailable(detail: "The request failed without a response.", retryable: true)
    }
}
