public import Foundation

/// Everything the runtime needs to link one account of one auth variant and call its API. Built
/// by generated code from typed fields; URLs are already resolved, no placeholder survives.
public struct ConnectionConfiguration: Sendable {
    /// The connector's id, e.g. `"zelt"`.
    public var connectorID: String
    /// The auth variant's id, e.g. `"oauth"`.
    public var variantID: String
    /// Where API requests go.
    public var baseURL: BaseURL
    /// Headers sent with every API request (not credentials).
    public var headers: [HTTPField]
    /// A request proving the credentials work right after linking.
    public var verification: VerificationRequest?
    /// How requests are authenticated.
    public var auth: AuthScheme
    /// A lookup made once with the access token (OAuth only) whose values the base URL and
    /// headers need, stored with the tokens as `discovered.NAME` extra fields.
    public var discovery: DiscoveryRequest?
    /// Headers built from the token set's extra fields (`{{token.NAME}}`, `{{discovered.NAME}}`
    /// in a variant's headers, such as Xero's `xero-tenant-id`), added to every API request.
    public var tokenHeaders: TokenHeaders?
    /// Token-response fields kept as account metadata (Notion's `workspace_id`); read them with
    /// ``TokenSet/metadata(_:)`` or ``Connection/accountMetadata()``.
    public var accountMetadata: [String]
    /// The field values resource paths insert as `{{fields.KEY}}` (Workday's tenant), by key.
    /// Only the fields some resource path uses; never a secret.
    public var pathFields: [String: String]

    public init(
        connectorID: String, variantID: String, baseURL: BaseURL, headers: [HTTPField] = [],
        verification: VerificationRequest? = nil, auth: AuthScheme, discovery: DiscoveryRequest? = nil,
        tokenHeaders: TokenHeaders? = nil, accountMetadata: [String] = [], pathFields: [String: String] = [:]
    ) {
        self.connectorID = connectorID
        self.variantID = variantID
        self.baseURL = baseURL
        self.headers = headers
        self.verification = verification
        self.auth = auth
        self.discovery = discovery
        self.tokenHeaders = tokenHeaders
        self.accountMetadata = accountMetadata
        self.pathFields = pathFields
    }
}

/// Builds headers from a token set's extra fields (token-response fields and `discovered.NAME`
/// values); throws ``ConnectorError/misconfigured(_:)`` when one is missing.
///
/// ```swift
/// let tenant: TokenHeaders = { extra throws(ConnectorError) in
///     guard let id = extra["discovered.tenantId"] else { throw .misconfigured("No tenant yet.") }
///     return [HTTPField(name: "xero-tenant-id", value: id)]
/// }
/// ```
public typealias TokenHeaders = @Sendable ([String: String]) throws(ConnectorError) -> [HTTPField]

/// A header name and value. Credential headers use ``SecretHTTPField``.
public struct HTTPField: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// A header whose value is a credential (service-user headers, API-key headers).
public struct SecretHTTPField: Sendable, Hashable {
    public var name: String
    public var value: Secret

    public init(name: String, value: Secret) {
        self.name = name
        self.value = value
    }
}

/// Where API requests go.
public enum BaseURL: Sendable {
    /// Known from the fields alone.
    case fixed(URL)
    /// Built from fields of the token response (Salesforce's `instance_url`) or discovered values
    /// (`discovered.NAME` keys, see ``DiscoveryRequest``); the closure gets the token set's
    /// extra fields and throws ``ConnectorError/misconfigured(_:)`` when
    /// one is missing.
    case fromTokenResponse(@Sendable ([String: String]) throws(ConnectorError) -> URL)
}

/// A request made right after linking.
public struct VerificationRequest: Sendable, Hashable {
    public var method: String
    /// Path and optional query, relative to the base URL, starting with `/`; or an absolute URL
    /// on the base URL's origin (Xero's `/connections` outside the API path).
    public var path: String
    public var body: Data?
    /// `false` for an unauthenticated check (the validator warns about such specs).
    public var usesAuth: Bool
    /// RFC 6901 pointers into the response body that name the account (a company, workspace or
    /// user name), tried in order; empty when the spec names none.
    public var label: [String]

    public init(method: String = "GET", path: String, body: Data? = nil, usesAuth: Bool = true, label: [String] = []) {
        self.method = method
        self.path = path
        self.body = body
        self.usesAuth = usesAuth
        self.label = label
    }

    /// The longest account label taken from a response, in characters.
    public static let labelLimit = 80

    /// The account's name in a verification response body: the first non-empty string or number
    /// at one of the `label` pointers, trimmed and cut to ``labelLimit`` characters. `nil` when the
    /// body is not JSON or no pointer finds one. The body is the provider's answer, never the
    /// credentials sent.
    public func accountLabel(from body: Data) -> String? {
        guard !label.isEmpty, let root = try? JSONValue.parse(body) else { return nil }
        for pointer in label {
            let text: String
            switch root.at(pointer: pointer) {
            case .string(let value): text = value
            case .integer(let value): text = String(value)
            case .number(let value): text = String(value)
            default: continue
            }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !trimmed.isEmpty { return String(trimmed.prefix(Self.labelLimit)) }
        }
        return nil
    }
}

/// How requests of a connection are authenticated.
public enum AuthScheme: Sendable {
    /// A static key in a header; `value` already includes any prefix (`Bearer KEY`, `SSWS KEY`).
    case apiKeyHeader(SecretHTTPField)
    /// A static key in a query parameter (only when the spec says so).
    case apiKeyQuery(name: String, value: Secret)
    /// HTTP Basic (also API key as Basic username, and Basic service users).
    case basic(username: Secret, password: Secret)
    /// Provider-specific credential headers (service users).
    case headers([SecretHTTPField])
    /// A static bearer token.
    case bearer(Secret)
    /// OAuth 2.0 authorization code.
    case authorizationCode(AuthorizationCodeConfiguration)
    /// OAuth 2.0 client credentials.
    case clientCredentials(ClientCredentialsConfiguration)
    /// OAuth 2.0 with a long-lived refresh token supplied at link time.
    case refreshToken(RefreshTokenConfiguration)
}

/// How the client authenticates at the token endpoint.
public enum ClientAuthentication: String, Sendable, Hashable {
    /// HTTP Basic with id and secret form-encoded first (RFC 6749 section 2.3.1).
    case clientSecretBasic = "client_secret_basic"
    /// `client_id` and `client_secret` in the form body.
    case clientSecretPost = "client_secret_post"
    /// Smartsheet: `client_id` and `hash` = lowercase hex SHA-256 of `secret + "|" + code`
    /// (or the refresh token on refresh), no `client_secret`.
    case smartsheetHash = "smartsheet_hash"
    /// Public client: `client_id` only.
    case none
}

/// PKCE policy of an authorization-code connection.
public enum PKCEPolicy: String, Sendable, Hashable {
    case required, supported, unsupported
}

/// An OAuth client registered with the provider.
public struct OAuthClient: Sendable, Hashable {
    public var id: String
    public var secret: Secret?
    public var authentication: ClientAuthentication

    public init(id: String, secret: Secret?, authentication: ClientAuthentication) {
        self.id = id
        self.secret = secret
        self.authentication = authentication
    }
}

/// Scopes of an OAuth connection.
public struct ScopeConfiguration: Sendable, Hashable {
    /// Joins scopes in the `scope` parameter.
    public var separator: String
    /// Requested scopes.
    public var requested: [String]
    /// Scopes the grant must include; a shorter grant fails with ``ConnectorError/missingScopes(_:)``.
    public var required: [String]
    /// `false` when scopes are configured on the provider's app and never sent.
    public var sendInRequest: Bool

    public init(separator: String = " ", requested: [String] = [], required: [String] = [], sendInRequest: Bool = true) {
        self.separator = separator
        self.requested = requested
        self.required = required
        self.sendInRequest = sendInRequest
    }
}

/// A form or query parameter. Its value may be ``ParameterValue/redirectURI``.
public struct OAuthParameter: Sendable, Hashable {
    public var name: String
    public var value: ParameterValue

    public init(name: String, value: ParameterValue) {
        self.name = name
        self.value = value
    }
}

/// The value of an extra OAuth parameter.
public enum ParameterValue: Sendable, Hashable {
    case text(String)
    /// The connection's redirect URI, filled in at request time.
    case redirectURI
}

/// How the parameters of token requests are encoded in the body.
public enum TokenRequestEncoding: String, Sendable, Hashable {
    /// `application/x-www-form-urlencoded` (RFC 6749 §4.1.3).
    case form
    /// `application/json`: one string member per parameter (Notion).
    case json
}

/// Token-endpoint settings shared by the OAuth flows.
public struct TokenEndpoint: Sendable, Hashable {
    public var tokenURL: URL
    public var revokeURL: URL?
    public var client: OAuthClient
    public var scopes: ScopeConfiguration
    /// Extra parameters of every token request.
    public var tokenParameters: [OAuthParameter]
    /// Lifetime in seconds to assume when a response has no `expires_in`; `nil` means unknown
    /// (refresh reactively on 401).
    public var defaultExpiresIn: Int?
    /// Extra headers of token and revocation requests; they replace the defaults of the same
    /// name (`Accept`), never `Content-Type` or the client's `Authorization`.
    public var headers: [HTTPField]
    /// The body encoding of token and revocation requests.
    public var encoding: TokenRequestEncoding
    /// The `token_type` values (lowercase) of tokens the runtime may send as `Bearer`. A token
    /// response with any other type fails with ``ConnectorError/misconfigured(_:)`` (RFC 6749
    /// §7.1: never use a token type the client does not understand).
    public var bearerTokenTypes: Set<String>

    /// `bearer`, and `bot`: Slack's label for its bot tokens, which its API takes as
    /// `Authorization: Bearer` (`oauth.v2.access` answers `"token_type": "bot"`).
    public static let defaultBearerTokenTypes: Set<String> = ["bearer", "bot"]

    public init(
        tokenURL: URL, revokeURL: URL? = nil, client: OAuthClient, scopes: ScopeConfiguration = ScopeConfiguration(),
        tokenParameters: [OAuthParameter] = [], defaultExpiresIn: Int? = nil, headers: [HTTPField] = [],
        encoding: TokenRequestEncoding = .form, bearerTokenTypes: Set<String> = TokenEndpoint.defaultBearerTokenTypes
    ) {
        self.bearerTokenTypes = bearerTokenTypes
        self.tokenURL = tokenURL
        self.revokeURL = revokeURL
        self.client = client
        self.scopes = scopes
        self.tokenParameters = tokenParameters
        self.defaultExpiresIn = defaultExpiresIn
        self.headers = headers
        self.encoding = encoding
    }
}

/// OAuth 2.0 authorization code settings.
public struct AuthorizationCodeConfiguration: Sendable, Hashable {
    public var endpoint: TokenEndpoint
    public var authorizeURL: URL
    /// Where refresh requests go when it differs from the token URL.
    public var refreshURL: URL?
    public var pkce: PKCEPolicy
    public var authorizeParameters: [OAuthParameter]
    public var refreshParameters: [OAuthParameter]
    public var rotatesRefreshToken: Bool

    public init(
        endpoint: TokenEndpoint, authorizeURL: URL, refreshURL: URL? = nil, pkce: PKCEPolicy = .supported,
        authorizeParameters: [OAuthParameter] = [], refreshParameters: [OAuthParameter] = [], rotatesRefreshToken: Bool = false
    ) {
        self.endpoint = endpoint
        self.authorizeURL = authorizeURL
        self.refreshURL = refreshURL
        self.pkce = pkce
        self.authorizeParameters = authorizeParameters
        self.refreshParameters = refreshParameters
        self.rotatesRefreshToken = rotatesRefreshToken
    }
}

/// OAuth 2.0 client credentials settings.
public struct ClientCredentialsConfiguration: Sendable, Hashable {
    public var endpoint: TokenEndpoint
    /// The `grant_type` sent: `client_credentials`, or a provider grant of the same shape
    /// (Zoom's `account_credentials`, whose `account_id` is a token parameter).
    public var grantType: String

    public init(endpoint: TokenEndpoint, grantType: String = "client_credentials") {
        self.endpoint = endpoint
        self.grantType = grantType
    }
}

/// OAuth 2.0 with a long-lived refresh token entered at link time (Workday integrations).
public struct RefreshTokenConfiguration: Sendable, Hashable {
    public var endpoint: TokenEndpoint
    public var refreshToken: Secret
    public var refreshParameters: [OAuthParameter]
    public var rotatesRefreshToken: Bool

    public init(endpoint: TokenEndpoint, refreshToken: Secret, refreshParameters: [OAuthParameter] = [], rotatesRefreshToken: Bool = false) {
        self.endpoint = endpoint
        self.refreshToken = refreshToken
        self.refreshParameters = refreshParameters
        self.rotatesRefreshToken = rotatesRefreshToken
    }
}
