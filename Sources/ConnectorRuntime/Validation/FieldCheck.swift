public import Foundation

/// Checks generated code runs on each field value before building a ``ConnectionConfiguration``.
/// Every check fails with ``ConnectorError/invalidField(key:reason:)``; the reason never
/// contains the value.
///
/// ```swift
/// let domain = try FieldCheck.hostname(fields.domain, key: "domain")
/// let key = try FieldCheck.secret(fields.apiKey, key: "apiKey", pattern: nil)
/// ```
public enum FieldCheck {
    /// A text value: no whitespace or line breaks at either end; matches `pattern` (whole value)
    /// when given.
    public static func text(_ value: String, key: String, pattern: String?) throws(ConnectorError) -> String {
        try checkEnds(value, key: key)
        try checkPattern(value, key: key, pattern: pattern)
        return value
    }

    /// A credential: not empty, no whitespace or line breaks at either end (the seed FAQ's
    /// "extra spaces"), matches `pattern` when given.
    public static func secret(_ value: Secret, key: String, pattern: String?) throws(ConnectorError) -> Secret {
        let text = value.reveal()
        guard !text.isEmpty else { throw .invalidField(key: key, reason: "is empty") }
        try checkEnds(text, key: key)
        try checkPattern(text, key: key, pattern: pattern)
        return value
    }

    /// An absolute `https` URL (`http` only for loopback hosts), e.g. `https://acme.example.com`.
    public static func url(_ value: String, key: String) throws(ConnectorError) -> URL {
        try checkEnds(value, key: key)
        guard let url = URL(string: value), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            throw .invalidField(key: key, reason: "is not an absolute URL; enter it with https://, e.g. https://acme.example.com")
        }
        guard scheme == "https" || (scheme == "http" && TransportSecurity.isLoopback(host)) else {
            throw .invalidField(key: key, reason: "must start with https://")
        }
        return url
    }

    /// A bare host name: no scheme, no path, no port, no spaces.
    public static func hostname(_ value: String, key: String) throws(ConnectorError) -> String {
        try checkEnds(value, key: key)
        let hint = "enter only the host name, e.g. acme.example.com"
        guard !value.isEmpty else { throw .invalidField(key: key, reason: "is empty; \(hint)") }
        if value.contains("://") { throw .invalidField(key: key, reason: "contains a scheme such as https://; \(hint)") }
        if value.contains("/") { throw .invalidField(key: key, reason: "contains a path; \(hint)") }
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
        guard value.unicodeScalars.allSatisfy(allowed.contains), !value.hasPrefix("."), !value.hasPrefix("-"), !value.hasSuffix("."),
            !value.contains("..")
        else {
            throw .invalidField(key: key, reason: "is not a valid host name; \(hint)")
        }
        return value
    }

    /// The host of a `hostname` value, or of a `url` value, ends with one of `suffixes`
    /// (`.okta.com`) after at least one label of its own: a host the person types that the app's
    /// client secret may be sent to. Run after ``hostname(_:key:)`` or ``url(_:key:)``.
    public static func hostSuffix(_ value: String, key: String, suffixes: [String]) throws(ConnectorError) -> String {
        let host = (value.contains("://") ? URL(string: value)?.host : value)?.lowercased() ?? ""
        let label = host.split(separator: ".", omittingEmptySubsequences: false).first ?? ""
        guard !label.isEmpty, suffixes.contains(where: { host.hasSuffix($0.lowercased()) && host.count > $0.count }) else {
            let example = "acme" + (suffixes.first ?? ".example.com")
            throw .invalidField(
                key: key, reason: "must be a host ending in " + suffixes.joined(separator: " or ") + ", e.g. " + example)
        }
        return value
    }

    /// An email address: one `@`, something before it, a dotted domain after it, no spaces.
    public static func email(_ value: String, key: String) throws(ConnectorError) -> String {
        try checkEnds(value, key: key)
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            !value.contains(where: \.isWhitespace)
        else {
            throw .invalidField(key: key, reason: "is not an email address, e.g. admin@acme.example.com")
        }
        return value
    }

    private static func checkEnds(_ value: String, key: String) throws(ConnectorError) {
        guard let first = value.unicodeScalars.first, let last = value.unicodeScalars.last else { return }
        if CharacterSet.whitespacesAndNewlines.contains(first) || CharacterSet.whitespacesAndNewlines.contains(last) {
            throw .invalidField(key: key, reason: "has spaces or line breaks at the start or end; copy the value again without them")
        }
    }

    private static func checkPattern(_ value: String, key: String, pattern: String?) throws(ConnectorError) {
        guard let pattern else { return }
        guard let regex = try? NSRegularExpression(pattern: "^(?:" + pattern + ")$") else {
            throw .misconfigured("The pattern of field \(key) is not a valid regular expression.")
        }
        let range = NSRange(value.startIndex..., in: value)
        guard regex.firstMatch(in: value, range: range) != nil else {
            throw .invalidField(key: key, reason: "does not have the expected format (pattern \(pattern))")
        }
    }
}

/// Checks a URL string built from a template (generated code calls it for every resolved URL).
public enum URLCheck {
    /// The URL when `string` is an absolute `https` URL (`http` for loopback hosts) that parses;
    /// otherwise ``ConnectorError/misconfigured(_:)`` naming the spec `pointer` (never the URL,
    /// which may contain field values).
    public static func url(_ string: String, pointer: String) throws(ConnectorError) -> URL {
        guard let url = URL(string: string), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            throw .misconfigured("The URL built from \(pointer) is not a valid absolute URL; check the fields it uses.")
        }
        guard scheme == "https" || (scheme == "http" && TransportSecurity.isLoopback(host)) else {
            throw .misconfigured("The URL built from \(pointer) does not use https.")
        }
        return url
    }
}

/// Where credentials may be sent.
public enum TransportSecurity {
    /// `true` for `127.0.0.1` (any 127/8 address), `::1` and `localhost`.
    public static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        return bare == "localhost" || bare == "::1" || bare.hasPrefix("127.")
    }

    /// `true` when credentials may go to `url`: https, or http to a loopback host.
    public static func allowsCredentials(to url: URL) -> Bool {
        guard let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else { return false }
        return scheme == "https" || (scheme == "http" && isLoopback(host))
    }

    /// Throws ``ConnectorError/misconfigured(_:)`` unless credentials may go to `url`.
    public static func requireSecure(_ url: URL, purpose: String) throws(ConnectorError) {
        guard allowsCredentials(to: url) else {
            throw .misconfigured("Refusing to send credentials to the \(purpose) over plain http (host \(url.host ?? "unknown")); use https.")
        }
    }
}
