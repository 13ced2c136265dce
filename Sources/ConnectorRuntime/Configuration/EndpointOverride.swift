public import Foundation

extension ConnectionConfiguration {
    /// A copy whose URLs on the given hosts point at replacement origins: for sandboxes
    /// (`"api.hibob.com": https://api.sandbox.hibob.com`) or a local test server
    /// (`"login.salesforce.com": http://127.0.0.1:5001`). Applies to the base URL (also one built
    /// from the token response), the token, authorize, refresh, revoke and discovery URLs, and
    /// an absolute verification URL.
    ///
    /// Each replacement's scheme, host and port replace the original's; a path in the
    /// replacement (other than `/`) is put in front of the original path. Hosts match
    /// case-insensitively; URLs on other hosts are unchanged.
    ///
    /// ```swift
    /// let sandbox = try HiBob.ServiceUser.configuration(fields)
    ///     .overridingEndpoints(["api.hibob.com": URL(string: "https://api.sandbox.hibob.com")!])
    /// ```
    public func overridingEndpoints(_ overrides: [String: URL]) -> ConnectionConfiguration {
        let map = Dictionary(overrides.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
        let rewrite: @Sendable (URL) -> URL = { EndpointRewriter.rewrite($0, map) }
        var copy = self
        switch baseURL {
        case let .fixed(url):
            copy.baseURL = .fixed(rewrite(url))
        case let .fromTokenResponse(build):
            copy.baseURL = .fromTokenResponse { fields throws(ConnectorError) in rewrite(try build(fields)) }
        }
        copy.auth = auth.rewritingURLs(rewrite)
        if let discovery { copy.discovery?.url = rewrite(discovery.url) }
        // An absolute verification URL sits on an API host too.
        if let path = verification?.path, !path.hasPrefix("/"), let url = URL(string: path), url.scheme != nil {
            copy.verification?.path = rewrite(url).absoluteString
        }
        return copy
    }
}

extension AuthScheme {
    func rewritingURLs(_ rewrite: (URL) -> URL) -> AuthScheme {
        switch self {
        case var .authorizationCode(code):
            code.endpoint = code.endpoint.rewritingURLs(rewrite)
            code.authorizeURL = rewrite(code.authorizeURL)
            code.refreshURL = code.refreshURL.map(rewrite)
            return .authorizationCode(code)
        case var .clientCredentials(credentials):
            credentials.endpoint = credentials.endpoint.rewritingURLs(rewrite)
            return .clientCredentials(credentials)
        case var .refreshToken(refresh):
            refresh.endpoint = refresh.endpoint.rewritingURLs(rewrite)
            return .refreshToken(refresh)
        default:
            return self
        }
    }
}

extension TokenEndpoint {
    func rewritingURLs(_ rewrite: (URL) -> URL) -> TokenEndpoint {
        var copy = self
        copy.tokenURL = rewrite(tokenURL)
        copy.revokeURL = revokeURL.map(rewrite)
        return copy
    }
}

enum EndpointRewriter {
    static func rewrite(_ url: URL, _ overrides: [String: URL]) -> URL {
        guard let host = url.host?.lowercased(), let replacement = overrides[host],
            var components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        else { return url }
        components.scheme = replacement.scheme
        components.host = replacement.host
        components.port = replacement.port
        var prefix = replacement.path
        while prefix.hasSuffix("/") { prefix.removeLast() }
        if !prefix.isEmpty { components.percentEncodedPath = prefix + components.percentEncodedPath }
        return components.url ?? url
    }
}
