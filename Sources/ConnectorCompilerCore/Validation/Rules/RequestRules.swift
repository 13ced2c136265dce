// Rules about the HTTP requests a spec produces. Each place a spec value lands in a request
// (authorize URL, token/refresh/revoke requests, headers, base URL, verify) is checked for what
// the runtime would send twice, drop silently or put in the wrong place:
// - parameters the runtime already sends, also in a URL's query (`parameter-reserved`,
//   `parameter-duplicate`);
// - header names that are not tokens, repeat case-insensitively, or collide with the credential
//   header of the auth type (`header-name-invalid`, `header-duplicate`,
//   `header-credential-collision`, `header-reserved`, `header-value-invalid`);
// - base URLs with a query or fragment, request URLs with a fragment (`base-url-query`,
//   `url-fragment`);
// - a GET verification request with a body (`verify-body-get`).

import Foundation

struct RequestRules {
    var collector: DiagnosticCollector
    let root: JSONNode

    /// What each reserved parameter is, for the hint.
    private static let reasons: [String: String] = [
        "grant_type": "the grant type comes from the variant's 'type' (or 'grantType')",
        "code": "the runtime sends the authorization code",
        "code_verifier": "the runtime sends the PKCE verifier ('pkce')",
        "code_challenge": "the runtime sends the PKCE challenge ('pkce')",
        "code_challenge_method": "the runtime sends the PKCE challenge ('pkce')",
        "redirect_uri": "the runtime sends the connection's redirect URI",
        "refresh_token": "the runtime sends the refresh token",
        "scope": "scopes are sent from 'scopes'",
        "client_id": "'clientAuth' decides how the client id is sent",
        "client_secret": "'clientAuth' decides how the client secret is sent",
        "hash": "'clientAuth' smartsheet_hash sends it",
        "response_type": "the runtime sends response_type=code",
        "state": "the runtime sends a fresh state per attempt",
    ]

    mutating func check() {
        let api = root["api"]
        let apiHeaders = api?["headers"]?.members ?? []
        checkHeaderNames(apiHeaders, reserved: Self.transportHeaders)
        if let baseURL = api?["baseURL"] { checkBaseURL(baseURL) }
        let variants = root["auth"]?.arrayValue ?? []
        if let verify = api?["verify"] {
            // Variants without their own verification use this one, against their base URL.
            let hosts = variants.filter { $0["verify"] == nil }.map { Self.host(of: $0["baseURL"] ?? api?["baseURL"]) }
            checkVerify(verify, baseHosts: hosts.isEmpty ? [Self.host(of: api?["baseURL"])] : hosts)
        }
        for variant in variants where variant.members != nil {
            checkVariant(variant, apiHeaders: apiHeaders)
        }
    }

    /// The host part of an absolute URL template, lowercased, as written (placeholders
    /// included); `nil` when the template does not start with a scheme.
    static func host(of node: JSONNode?) -> String? {
        guard let raw = node?.stringValue, let range = raw.range(of: "://"),
              !raw[..<range.lowerBound].contains("{") else { return nil }
        let rest = raw[range.upperBound...]
        var authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        return authority.lowercased()
    }

    // MARK: - Variants

    private mutating func checkVariant(_ variant: JSONNode, apiHeaders: [JSONMember]) {
        let type = variant["type"]?.stringValue ?? ""
        let variantID = variant["id"]?.stringValue ?? "?"
        if let baseURL = variant["baseURL"] { checkBaseURL(baseURL) }
        if let verify = variant["verify"] {
            checkVerify(verify, baseHosts: [Self.host(of: variant["baseURL"] ?? root["api"]?["baseURL"])])
        }
        let headers = variant["headers"]?.members ?? []
        checkHeaderNames(headers, reserved: Self.transportHeaders)
        // A variant header with the name of an `api.headers` header: the runtime keeps the first.
        for header in headers {
            if let first = apiHeaders.first(where: { $0.key.caseInsensitiveEquals(header.key) }) {
                collector.error(
                    "header-duplicate", "header '\(header.key)' is also set in 'api.headers', so one of them is dropped",
                    hint: "header names are case-insensitive (RFC 9110); remove one (first set at line \(first.keyPosition.line))",
                    at: header.keyPosition, pointer: header.value.pointer)
            }
        }
        var credentialHeaders: [String] = []
        switch type {
        case "apiKey":
            switch variant["in"]?.stringValue {
            case "header": if let name = variant["name"]?.stringValue { credentialHeaders.append(name) }
            case "basicUsername": credentialHeaders.append("Authorization")
            default: break
            }
            if variant["in"]?.stringValue == "header", let nameNode = variant["name"], let name = nameNode.stringValue,
               !name.isEmpty, !Self.isToken(name) {
                collector.error(
                    "header-name-invalid", "header name '\(name)' is not a valid HTTP field name",
                    hint: "use letters, digits and !#$%&'*+-.^_`|~ only (RFC 9110 section 5.1)",
                    at: nameNode.position, pointer: nameNode.pointer)
            }
        case "serviceUser":
            let members = variant["credentialHeaders"]?.members ?? []
            checkHeaderNames(members, reserved: Self.transportHeaders)
            credentialHeaders += members.map(\.key)
            if variant["basic"] != nil { credentialHeaders.append("Authorization") }
        case "basic", "bearerToken", "oauth2AuthorizationCode", "oauth2ClientCredentials", "oauth2RefreshToken":
            credentialHeaders.append("Authorization")
        default:
            break
        }
        for header in apiHeaders + headers {
            guard let credential = credentialHeaders.first(where: { $0.caseInsensitiveEquals(header.key) }) else { continue }
            collector.error(
                "header-credential-collision",
                "header '\(header.key)' is replaced by the '\(credential)' credential of auth variant '\(variantID)', so this value is never sent",
                hint: "remove it; the auth variant sends '\(credential)' itself",
                at: header.keyPosition, pointer: header.value.pointer)
        }
        guard type.hasPrefix("oauth2") else { return }
        checkOAuth(variant, type: type)
        if let grant = variant["grantType"], let name = grant.stringValue, let reason = Self.unusableGrants[name] {
            collector.error(
                "grant-type-unusable", "'grantType' \(quoted(name)) \(reason)",
                hint: "use the variant type of that grant, or the provider's own client-credentials-like grant",
                at: grant.position, pointer: grant.pointer)
        }
    }

    /// Grants a client-credentials variant cannot send, and why.
    static let unusableGrants: [String: String] = [
        "authorization_code": "needs a code from the authorize step; use type 'oauth2AuthorizationCode'",
        "refresh_token": "needs a refresh token; use type 'oauth2RefreshToken'",
        "password": "sends a person's password to the client, which RFC 9700 section 2.4 forbids",
        "implicit": "is not a token-endpoint grant and RFC 9700 section 2.1.2 forbids it",
    ]

    private mutating func checkOAuth(_ variant: JSONNode, type: String) {
        for key in ["tokenURL", "refreshURL", "revokeURL", "authorizeURL"] {
            if let node = variant[key] { checkNoFragment(node, label: "'\(key)'") }
        }
        if let url = variant["discovery"]?["url"] { checkNoFragment(url, label: "the discovery 'url'") }

        let clientAuth = variant["clientAuth"]?.stringValue ?? ClientAuthMethod.clientSecretBasic.rawValue
        var clientParameters: [String] = []
        switch clientAuth {
        case ClientAuthMethod.clientSecretPost.rawValue: clientParameters = ["client_id", "client_secret"]
        case ClientAuthMethod.smartsheetHash.rawValue: clientParameters = ["client_id", "hash", "client_secret"]
        case ClientAuthMethod.none.rawValue: clientParameters = ["client_id", "client_secret"]
        default: clientParameters = ["client_secret"]
        }
        var tokenReserved = ["grant_type", "scope"] + clientParameters
        switch type {
        case "oauth2AuthorizationCode": tokenReserved += ["code", "redirect_uri", "code_verifier", "refresh_token"]
        case "oauth2RefreshToken": tokenReserved += ["refresh_token"]
        default: break
        }
        let tokenParams = variant["tokenParams"]?.members ?? []
        checkReserved(tokenParams, reserved: tokenReserved, request: "every token request")
        let refreshParams = variant["refreshParams"]?.members ?? []
        checkReserved(refreshParams, reserved: ["grant_type", "refresh_token"] + clientParameters, request: "every refresh request")
        for parameter in refreshParams {
            guard let first = tokenParams.first(where: { $0.key == parameter.key }) else { continue }
            collector.error(
                "parameter-duplicate",
                "parameter '\(parameter.key)' is also in 'tokenParams', which every refresh request already includes, so it is sent twice",
                hint: "remove it from one of them (first set at line \(first.keyPosition.line))",
                at: parameter.keyPosition, pointer: parameter.value.pointer)
        }
        var authorizeReserved = ["response_type", "client_id", "redirect_uri", "scope", "state"]
        if variant["pkce"]?.stringValue != PKCEPolicy.unsupported.rawValue {
            authorizeReserved += ["code_challenge", "code_challenge_method"]
        }
        checkReserved(variant["authorizeParams"]?.members ?? [], reserved: authorizeReserved, request: "the authorize request")
        // A query copied from the provider's docs into a URL (Zoom documents
        // `/oauth/token?grant_type=account_credentials`) duplicates parameters the same way.
        if let url = variant["authorizeURL"] { checkQuery(url, key: "authorizeURL", reserved: authorizeReserved, request: "the authorize request") }
        if let url = variant["tokenURL"] { checkQuery(url, key: "tokenURL", reserved: tokenReserved, request: "every token request") }
        if let url = variant["refreshURL"] {
            checkQuery(url, key: "refreshURL", reserved: ["grant_type", "refresh_token"] + clientParameters, request: "every refresh request")
        }

        let tokenHeaders = variant["tokenHeaders"]?.members ?? []
        var tokenHeaderReserved = Self.transportHeaders + ["Content-Type"]
        if clientAuth == ClientAuthMethod.clientSecretBasic.rawValue { tokenHeaderReserved.append("Authorization") }
        checkHeaderNames(tokenHeaders, reserved: tokenHeaderReserved)
    }

    /// Parameter names in the literal query of a URL template that the runtime already sends.
    private mutating func checkQuery(_ node: JSONNode, key: String, reserved: [String], request: String) {
        guard let raw = node.stringValue, let question = raw.firstIndex(of: "?") else { return }
        let query = raw[raw.index(after: question)...].prefix { $0 != "#" }
        for pair in query.split(separator: "&") {
            let name = String(pair.prefix { $0 != "=" })
            guard reserved.contains(name) else { continue }
            collector.error(
                "parameter-reserved",
                "the query of '\(key)' sets '\(name)', which the runtime already sends in \(request), so it would go out twice",
                hint: "remove it from the URL; \(Self.reasons[name] ?? "the runtime sends it")",
                at: node.position, pointer: node.pointer)
        }
    }

    private mutating func checkReserved(_ parameters: [JSONMember], reserved: [String], request: String) {
        for parameter in parameters where reserved.contains(parameter.key) {
            collector.error(
                "parameter-reserved", "parameter '\(parameter.key)' is already sent by the runtime in \(request), so it would go out twice",
                hint: "remove it; \(Self.reasons[parameter.key] ?? "the runtime sends it")",
                at: parameter.keyPosition, pointer: parameter.value.pointer)
        }
    }

    // MARK: - Headers

    /// Headers the HTTP client sets from the request itself.
    static let transportHeaders = ["Host", "Content-Length", "Transfer-Encoding", "Connection"]

    /// Names that must be tokens, unique case-insensitively, not `reserved`, with values that
    /// cannot split the header.
    private mutating func checkHeaderNames(_ headers: [JSONMember], reserved: [String]) {
        var seen: [JSONMember] = []
        for header in headers {
            if !Self.isToken(header.key) {
                collector.error(
                    "header-name-invalid", "header name '\(header.key)' is not a valid HTTP field name",
                    hint: header.key.isEmpty ? "give the header a name"
                        : "use letters, digits and !#$%&'*+-.^_`|~ only (RFC 9110 section 5.1)",
                    at: header.keyPosition, pointer: header.value.pointer)
            } else if let first = seen.first(where: { $0.key.caseInsensitiveEquals(header.key) }) {
                collector.error(
                    "header-duplicate", "header '\(header.key)' repeats header '\(first.key)', so one of them is dropped",
                    hint: "header names are case-insensitive (RFC 9110); keep one (first set at line \(first.keyPosition.line))",
                    at: header.keyPosition, pointer: header.value.pointer)
            } else if let name = reserved.first(where: { $0.caseInsensitiveEquals(header.key) }) {
                collector.error(
                    "header-reserved", "header '\(header.key)' is set by the runtime for this request",
                    hint: name == "Content-Type" ? "remove it; 'tokenRequestEncoding' decides the body's type"
                        : name == "Authorization" ? "remove it; 'clientAuth' sends the client credentials"
                        : "remove it; the HTTP client derives it from the request",
                    at: header.keyPosition, pointer: header.value.pointer)
            }
            seen.append(header)
            if let value = header.value.stringValue,
               value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) {
                collector.error(
                    "header-value-invalid", "the value of header '\(header.key)' contains a line break or NUL, which would split the request",
                    hint: "remove the control character", at: header.value.position, pointer: header.value.pointer)
            }
        }
    }

    /// RFC 9110 `token`: one or more tchar.
    static func isToken(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "!", "#", "$", "%", "&", "'", "*", "+", "-", ".", "^", "_", "`", "|", "~":
                true
            default:
                false
            }
        }
    }

    // MARK: - URLs

    /// Request paths are appended to the base URL: after a query or fragment they land in it.
    private mutating func checkBaseURL(_ node: JSONNode) {
        guard let raw = node.stringValue, let parts = try? TemplateParser.parts(of: raw) else { return }
        for case (.literal(let text), _) in parts {
            if text.contains("?") {
                collector.error(
                    "base-url-query", "'baseURL' has a query, so request paths would be appended after it",
                    hint: "end the base URL at its path; send fixed query parameters in each request path",
                    at: node.position, pointer: node.pointer)
                return
            }
            if text.contains("#") {
                collector.error(
                    "base-url-query", "'baseURL' has a fragment, so request paths would be appended after it",
                    hint: "remove the '#' part", at: node.position, pointer: node.pointer)
                return
            }
        }
    }

    private mutating func checkNoFragment(_ node: JSONNode, label: String) {
        guard let raw = node.stringValue, let parts = try? TemplateParser.parts(of: raw) else { return }
        for case (.literal(let text), _) in parts where text.contains("#") {
            collector.error(
                "url-fragment", "\(label) has a fragment ('#'), which is never sent and breaks the query the runtime appends",
                hint: "remove the '#' part", at: node.position, pointer: node.pointer)
            return
        }
    }

    /// `baseHosts`: the hosts of the base URLs the request is resolved against (`nil` entries
    /// are unknown until runtime).
    private mutating func checkVerify(_ verify: JSONNode, baseHosts: [String?]) {
        guard verify.members != nil else { return }
        if let body = verify["body"], (verify["method"]?.stringValue ?? VerifyRequest.Method.GET.rawValue) == VerifyRequest.Method.GET.rawValue {
            collector.error(
                "verify-body-get", "a GET verification request cannot carry a 'body'",
                hint: "set \"method\": \"POST\" or remove 'body'", at: body.position, pointer: body.pointer)
        }
        guard let node = verify["path"], let path = node.stringValue else { return }
        if path.contains("#") {
            collector.error(
                "url-fragment", "the verification 'path' has a fragment ('#'), which is never sent",
                hint: "remove the '#' part", at: node.position, pointer: node.pointer)
        }
        guard !path.hasPrefix("/"), let host = Self.host(of: node) else { return }
        for case let base? in baseHosts where base != host {
            collector.error(
                "verify-url-host",
                "the verification URL's host '\(host)' is not the base URL's host '\(base)', and credentials are sent only to the base URL's host",
                hint: "use a path relative to the base URL, or an absolute URL on '\(base)'", at: node.position,
                pointer: node.pointer)
            return
        }
    }
}

extension String {
    /// ASCII case-insensitive equality (header names are ASCII tokens).
    func caseInsensitiveEquals(_ other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        return zip(utf8, other.utf8).allSatisfy { ASCIISearch.lower($0, true) == ASCIISearch.lower($1, true) }
    }
}
