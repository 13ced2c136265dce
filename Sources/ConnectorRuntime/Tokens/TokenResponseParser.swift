public import Foundation

/// Parses token-endpoint responses: JSON, or form-encoded / `text/plain` bodies (GitHub without
/// `Accept: application/json`, Facebook).
///
/// ```swift
/// let tokens = try TokenResponseParser.parse(response, grant: .refreshToken, now: Date(), defaultExpiresIn: nil)
/// ```
public enum TokenResponseParser {
    private static let knownFields: Set<String> = ["access_token", "refresh_token", "token_type", "expires_in", "scope"]

    /// A ``TokenSet`` from a successful response, or the mapped error.
    ///
    /// - `expires_in` may be a number, a numeric string, `null` or absent; absent (or `0`, or
    ///   unparseable) uses `defaultExpiresIn`, else the expiry is unknown.
    /// - An `error` field fails even in a 200; a missing `access_token` is
    ///   ``ConnectorError/misconfigured(_:)``.
    /// - `scope` is split on spaces and commas.
    /// - A `token_type` not in `bearerTokenTypes` (compared case-insensitively; absent means
    ///   Bearer) is ``ConnectorError/misconfigured(_:)``: such tokens (`MAC`, `DPoP`, …) must not
    ///   be sent as bearer tokens (RFC 6749 §7.1), and the runtime sends no other kind.
    /// - Provider text that enters an error passes through `redactor`.
    public static func parse(
        _ response: HTTPResponse, grant: TokenGrant, now: Date, defaultExpiresIn: Int? = nil,
        bearerTokenTypes: Set<String> = TokenEndpoint.defaultBearerTokenTypes, redacting redactor: Redactor = Redactor([])
    ) throws(ConnectorError) -> TokenSet {
        guard response.isSuccess else { throw OAuthErrorMapping.tokenError(response, grant: grant, redacting: redactor) }
        let fields = decodeFields(response)
        if let error = fields["error"], !error.isEmpty {
            throw OAuthErrorMapping.map(
                OAuthErrorResponse(error: error, description: fields["error_description"], uri: fields["error_uri"]).redacted(by: redactor),
                status: response.status, grant: grant)
        }
        guard let access = fields["access_token"], !access.isEmpty else {
            throw .misconfigured("The token response has no access_token.")
        }
        let tokenType = fields["token_type"]?.trimmingCharacters(in: .whitespaces) ?? "Bearer"
        guard tokenType.isEmpty || bearerTokenTypes.contains(tokenType.lowercased()) else {
            let shown = redactor(String(tokenType.prefix(40)))
            throw .misconfigured(
                "The token endpoint issued a token of type “\(shown)”, not Bearer; the runtime sends only Bearer tokens and must not send this one as Bearer (RFC 6749 §7.1). Use an auth variant or provider setting that issues Bearer tokens, or add the type to the token endpoint's bearerTokenTypes if the provider's API takes it as Bearer.")
        }
        let lifetime = expiresIn(fields["expires_in"]) ?? defaultExpiresIn.map(Double.init)
        var extra = fields
        for key in knownFields { extra.removeValue(forKey: key) }
        return TokenSet(
            accessToken: Secret(access),
            refreshToken: fields["refresh_token"].flatMap { $0.isEmpty ? nil : Secret($0) },
            tokenType: tokenType.isEmpty ? "Bearer" : tokenType,
            expiresAt: lifetime.map { now.addingTimeInterval($0) },
            issuedAt: now,
            scope: fields["scope"].map(splitScopes),
            extra: extra)
    }

    /// Splits a `scope` value on spaces and commas (some providers use commas).
    public static func splitScopes(_ value: String) -> [String] {
        value.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
    }

    /// The scopes of `required` missing from `granted` (compared as a set, case-sensitively).
    /// A `nil` grant means "as requested", so nothing is missing.
    public static func missingScopes(required: [String], granted: [String]?) -> [String] {
        guard let granted else { return [] }
        let grantedSet = Set(granted)
        return required.filter { !grantedSet.contains($0) }
    }

    /// The OAuth error of a body, if it has an `error` field.
    static func errorBody(_ response: HTTPResponse) -> OAuthErrorResponse? {
        let fields = decodeFields(response)
        guard let error = fields["error"], !error.isEmpty else { return nil }
        return OAuthErrorResponse(error: error, description: fields["error_description"], uri: fields["error_uri"])
    }

    /// Top-level fields as strings. JSON `null` drops the field; numbers and booleans become
    /// their text; nested values become JSON text.
    static func decodeFields(_ response: HTTPResponse) -> [String: String] {
        if let object = (try? JSONSerialization.jsonObject(with: response.body, options: [.fragmentsAllowed])) as? [String: Any] {
            var fields: [String: String] = [:]
            for (key, value) in object {
                if let text = jsonText(value) { fields[key] = text }
            }
            return fields
        }
        var fields: [String: String] = [:]
        let text = response.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.hasPrefix("<"), text.contains("=") else { return [:] }
        for (name, value) in FormEncoding.decode(text) where fields[name] == nil {
            fields[name] = value
        }
        return fields
    }

    private static func jsonText(_ value: Any) -> String? {
        switch value {
        case is NSNull:
            return nil
        case let string as String:
            return string
        case let number as NSNumber:
            if String(cString: number.objCType) == "c" { return number.boolValue ? "true" : "false" }
            return number.stringValue
        default:
            guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]) else { return nil }
            return String(decoding: data, as: UTF8.self)
        }
    }

    private static func expiresIn(_ value: String?) -> Double? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), let seconds = Double(value), seconds > 0, seconds.isFinite else {
            return nil
        }
        return seconds
    }
}
