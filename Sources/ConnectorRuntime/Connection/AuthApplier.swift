import Foundation

/// Resolves a request against the base URL and adds default headers and credentials.
struct AuthApplier {
    var configuration: ConnectionConfiguration

    /// The base URL, using the token response's extra fields when the spec says so.
    func baseURL(tokens: TokenSet?) throws(ConnectorError) -> URL {
        switch configuration.baseURL {
        case let .fixed(url):
            return url
        case let .fromTokenResponse(build):
            guard let tokens else {
                throw .misconfigured("The base URL comes from the token response, but no tokens are available yet.")
            }
            return try build(tokens.extra)
        }
    }

    /// The absolute URL of `request`: relative URLs are appended to the base URL's path;
    /// absolute URLs must share the base URL's origin, so credentials never leave it.
    func resolve(_ url: URL, base: URL) throws(ConnectorError) -> URL {
        if url.scheme != nil {
            guard Self.origin(url) == Self.origin(base) else {
                throw .misconfigured("Refusing to send credentials to \(url.host ?? "another host"): requests must go to the connection's base URL host.")
            }
            return url
        }
        var reference = url.relativeString
        if reference.isEmpty { return base }
        if !reference.hasPrefix("/") && !reference.hasPrefix("?") { reference = "/" + reference }
        var baseText = base.absoluteString
        while baseText.hasSuffix("/") { baseText.removeLast() }
        guard let resolved = URL(string: baseText + reference) else {
            throw .misconfigured("The request path is not a valid URL reference.")
        }
        return resolved
    }

    /// `request` with its URL resolved, the configuration's headers added (request headers win)
    /// and, when `authenticate`, the credentials.
    func prepare(_ request: HTTPRequest, tokens: TokenSet?, authenticate: Bool) throws(ConnectorError) -> HTTPRequest {
        var prepared = request
        prepared.url = try resolve(request.url, base: baseURL(tokens: tokens))
        for field in configuration.headers where !prepared.headers.contains(field.name) {
            prepared.headers[field.name] = field.value
        }
        if let build = configuration.tokenHeaders {
            guard let tokens else {
                throw .misconfigured("Some headers come from the token response, but no tokens are available yet.")
            }
            for field in try build(tokens.extra) where !prepared.headers.contains(field.name) {
                prepared.headers[field.name] = field.value
            }
        }
        guard authenticate else { return prepared }
        try TransportSecurity.requireSecure(prepared.url, purpose: "API")
        try addCredentials(to: &prepared, tokens: tokens)
        return prepared
    }

    private func addCredentials(to request: inout HTTPRequest, tokens: TokenSet?) throws(ConnectorError) {
        if case let .apiKeyQuery(name, value) = configuration.auth {
            request.url = try Self.appendingQuery(name, value.reveal(), to: request.url)
            return
        }
        guard let fields = credentialFields(tokens: tokens) else {
            throw .reconnectRequired(detail: "No tokens are available for this account.")
        }
        for field in fields { request.headers[field.name] = field.value }
    }

    /// The header fields that carry the credentials, each replacing any field of its name; `nil`
    /// for an API key in the query (not a header) and for OAuth without `tokens`.
    func credentialFields(tokens: TokenSet?) -> [HTTPField]? {
        switch configuration.auth {
        case let .apiKeyHeader(field):
            return [HTTPField(name: field.name, value: field.value.reveal())]
        case .apiKeyQuery:
            return nil
        case let .basic(username, password):
            return [HTTPField(name: "Authorization", value: "Basic " + TemplateFilters.base64(username.reveal() + ":" + password.reveal()))]
        case let .headers(fields):
            return fields.map { HTTPField(name: $0.name, value: $0.value.reveal()) }
        case let .bearer(token):
            return [HTTPField(name: "Authorization", value: "Bearer " + token.reveal())]
        case .authorizationCode, .clientCredentials, .refreshToken:
            guard let tokens else { return nil }
            // Always "Bearer", whatever case the provider used in token_type (RFC 6750).
            return [HTTPField(name: "Authorization", value: "Bearer " + tokens.accessToken.reveal())]
        }
    }

    static func appendingQuery(_ name: String, _ value: String, to url: URL) throws(ConnectorError) -> URL {
        var text = url.absoluteString
        var fragment = ""
        if let hash = text.firstIndex(of: "#") {
            fragment = String(text[hash...])
            text = String(text[..<hash])
        }
        let separator = text.contains("?") ? (text.hasSuffix("?") || text.hasSuffix("&") ? "" : "&") : "?"
        guard let result = URL(string: text + separator + TemplateFilters.urlencode(name) + "=" + TemplateFilters.urlencode(value) + fragment) else {
            throw .misconfigured("Could not add the API key query parameter.")
        }
        return result
    }

    static func origin(_ url: URL) -> String {
        let scheme = url.scheme?.lowercased() ?? ""
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        return "\(scheme)://\(url.host?.lowercased() ?? ""):\(port)"
    }
}
