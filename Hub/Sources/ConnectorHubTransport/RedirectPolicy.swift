import ConnectorRuntime
import Foundation

/// Which redirect ``AsyncHTTPClientTransport`` follows and what the next request carries: the
/// same rules as `URLSessionTransport`'s delegate, as a pure function.
enum RedirectPolicy {
    /// Headers that may follow a redirect to another origin; everything else (Authorization,
    /// Cookie, API-key headers) is dropped.
    static let headersSafeAcrossOrigins: Set<String> = [
        "accept", "accept-language", "accept-encoding", "content-type", "content-length", "user-agent",
    ]

    /// Headers that describe a body, dropped when a redirect turns the request into a `GET`.
    static let bodyHeaders: Set<String> = ["content-type", "content-length", "content-encoding", "transfer-encoding"]

    /// The request that follows `status` with `location`, or `nil` when the response is not a
    /// redirect to follow (not 301, 302, 303, 307 or 308, or a target that is not http(s)).
    /// Throws `insecureRedirect` for a redirect from https to http.
    ///
    /// - Parameters:
    ///   - current: the request that got the redirect.
    ///   - original: the request the caller sent; headers survive only on its origin.
    static func redirect(_ current: HTTPRequest, original: HTTPRequest, status: Int, location: String) throws -> HTTPRequest? {
        guard [301, 302, 303, 307, 308].contains(status),
            let target = URL(string: location, relativeTo: current.url)?.absoluteURL,
            let scheme = target.scheme?.lowercased(), scheme == "http" || scheme == "https", target.host != nil
        else { return nil }
        let fromHTTPS = current.url.scheme?.lowercased() == "https" || original.url.scheme?.lowercased() == "https"
        if fromHTTPS && scheme != "https" {
            throw TransportError(.insecureRedirect, detail: "Refused a redirect from https to \(scheme).")
        }
        var next = current
        next.url = target
        let method = current.method.uppercased()
        if (status == 303 && method != "HEAD") || ((status == 301 || status == 302) && method == "POST") {
            next.method = "GET"
            next.body = nil
            for name in bodyHeaders { next.headers.remove(name) }
        }
        if origin(of: target) != origin(of: original.url) {
            for field in current.headers where !headersSafeAcrossOrigins.contains(field.name.lowercased()) {
                next.headers.remove(field.name)
            }
        }
        return next
    }

    /// `scheme://host:port`, lowercased, with the scheme's default port filled in.
    static func origin(of url: URL) -> String {
        let scheme = url.scheme?.lowercased() ?? ""
        let host = url.host?.lowercased() ?? ""
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        return "\(scheme)://\(host):\(port)"
    }
}
