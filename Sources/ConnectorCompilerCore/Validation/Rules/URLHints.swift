// The hint of `url-invalid`: the actual cause, found in the URL with placeholders filled in.

enum URLHints {
    /// Names the first thing wrong with `sample` (an absolute URL whose scheme is
    /// `schemeLength` characters long, placeholders replaced by a letter).
    static func hint(_ sample: String, schemeLength: Int) -> String {
        for scalar in sample.unicodeScalars where !SemanticValidator.isURLScalar(scalar) {
            switch scalar {
            case " ":
                return "it contains a space; write it as '%20'"
            case "{", "}":
                return "it contains '\(scalar)' outside a placeholder; placeholders are written '{{name}}'"
            case "\t", "\n", "\r":
                return "it contains a tab or line break; remove it"
            default:
                if scalar.isASCII {
                    return "it contains '\(scalar)', which must be percent-encoded"
                }
                return "it contains the non-ASCII character '\(scalar)'; write the host in punycode (xn--...) and percent-encode the rest"
            }
        }
        let rest = sample.unicodeScalars.dropFirst(schemeLength + 3)
        var authority = Substring(String(String.UnicodeScalarView(rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" })))
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var host = authority
        if !host.hasPrefix("["), let colon = host.firstIndex(of: ":") { host = host[..<colon] }
        if host.isEmpty { return "add a host after '\(sample.prefix(schemeLength))://'" }
        return "the host '\(host)' is not a valid host name: use letters, digits, '-' and '.', not starting with '.' or '-'"
    }
}
