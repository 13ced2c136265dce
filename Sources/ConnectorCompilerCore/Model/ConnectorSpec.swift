// The typed model of a connector spec (format version 1). The validator builds it from the
// position-keeping JSON tree; the code and docs generators consume it. Every node keeps the
// JSON pointer it came from so generated code and diagnostics can point back into the spec.

/// A JSON pointer (RFC 6901) into a spec file, such as `/auth/0/tokenURL`. The root is `""`.
public typealias JSONPointer = String

/// One connector: a provider such as Zelt or BambooHR, with one or more ways to authenticate.
public struct ConnectorSpec: Sendable, Hashable {
    /// Format version; only `1` exists.
    public var specVersion: Int
    /// Lowercase identifier (`[a-z][a-z0-9_]*`), equal to the file name without `.json`.
    public var id: String
    /// Display name, e.g. "Smartsheet".
    public var name: String
    /// One-paragraph description shown in generated docs.
    public var description: String?
    /// What the connector covers: hris, ats, iam, crm, documents, ticketing, lms, ...
    public var categories: [Category]
    /// The provider's own API documentation.
    public var docsURL: String
    /// Provider documentation pages each value of the spec was taken from.
    public var sources: [String]
    /// What the person linking an account must have (admin rights, a paid plan).
    public var requirements: [Requirement]
    /// Fields shared by every auth variant (e.g. `subdomain`).
    public var fields: [Field]
    /// The provider's API: base URL, default headers, verification request.
    public var api: API
    /// The ways to authenticate, in order of preference. At least one.
    public var auth: [AuthVariant]
    /// Resources available once linked (e.g. "Users", "Roles").
    public var availableData: [String]
    /// Typed records and their operations (`/resources`).
    public var resources: [Resource] = []
    /// Unified models this connector's resources fill (`unified`), see `UnifiedMapping`.
    public var unified: [UnifiedMapping] = []
    /// Record types several resources share (`/records`).
    public var records: [SharedRecord] = []
    /// Writes a linked account can make (`/actions`).
    public var actions: [Action] = []

    public init(
        specVersion: Int = 1, id: String, name: String, description: String? = nil,
        categories: [Category], docsURL: String, sources: [String] = [],
        requirements: [Requirement] = [], fields: [Field] = [], api: API, auth: [AuthVariant],
        availableData: [String] = []
    ) {
        self.specVersion = specVersion
        self.id = id
        self.name = name
        self.description = description
        self.categories = categories
        self.docsURL = docsURL
        self.sources = sources
        self.requirements = requirements
        self.fields = fields
        self.api = api
        self.auth = auth
        self.availableData = availableData
    }
}

/// The category of a connector, as StackOne's hub groups them.
public enum Category: String, Sendable, Hashable, CaseIterable {
    case hris, ats, iam, crm, documents, ticketing, lms, marketing, accounting, screening, collaboration
}

/// Something the person linking an account must have.
public struct Requirement: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Administrator or elevated privileges in the provider.
        case admin
        /// A paid plan or tier.
        case plan
        /// A developer or partner account, an approval, anything else.
        case other
    }
    public var pointer: JSONPointer
    public var kind: Kind
    public var text: String

    public init(pointer: JSONPointer, kind: Kind, text: String) {
        self.pointer = pointer
        self.kind = kind
        self.text = text
    }
}

/// A value someone enters when linking an account.
public struct Field: Sendable, Hashable {
    public enum FieldType: String, Sendable, Hashable, CaseIterable {
        case text, secret, url, hostname, email, number, boolean, select
    }
    /// Who enters the value.
    public enum Supplier: String, Sendable, Hashable, CaseIterable {
        /// The integrating app, once (OAuth client id and secret).
        case setup
        /// The end user, when linking their account (subdomain, API key).
        case config
    }
    public struct Option: Sendable, Hashable {
        public var value: String
        public var label: String
        public init(value: String, label: String) {
            self.value = value
            self.label = label
        }
    }
    public var pointer: JSONPointer
    /// Identifier used in templates (`{{key}}`) and as the Swift property name.
    public var key: String
    public var label: String
    public var type: FieldType
    public var supplier: Supplier
    /// Defaults to `true`.
    public var required: Bool
    /// A default value; for `number` its lexeme, for `boolean` "true"/"false".
    public var defaultValue: String?
    public var placeholder: String?
    public var help: String?
    /// An ECMAScript-compatible regular expression the whole value must match.
    public var pattern: String?
    /// Options of a `select` field; empty otherwise.
    public var options: [Option]
    /// Host suffixes (`.okta.com`) the host of a `hostname` or `url` value must end with,
    /// checked before any request; empty when the host is not pinned.
    public var hostSuffixes: [String]

    public init(
        pointer: JSONPointer, key: String, label: String, type: FieldType, supplier: Supplier,
        required: Bool = true, defaultValue: String? = nil, placeholder: String? = nil,
        help: String? = nil, pattern: String? = nil, options: [Option] = [], hostSuffixes: [String] = []
    ) {
        self.hostSuffixes = hostSuffixes
        self.pointer = pointer
        self.key = key
        self.label = label
        self.type = type
        self.supplier = supplier
        self.required = required
        self.defaultValue = defaultValue
        self.placeholder = placeholder
        self.help = help
        self.pattern = pattern
        self.options = options
    }
}

/// A header or parameter whose value is a template.
public struct NamedTemplate: Sendable, Hashable {
    public var pointer: JSONPointer
    public var name: String
    public var value: Template

    public init(pointer: JSONPointer, name: String, value: Template) {
        self.pointer = pointer
        self.name = name
        self.value = value
    }
}

/// The provider's API.
public struct API: Sendable, Hashable {
    public var pointer: JSONPointer
    /// Base URL of API requests, e.g. `https://{{subdomain}}.bamboohr.com/api`. May use only
    /// connector-level fields; an auth variant can override it.
    public var baseURL: Template
    /// Headers sent on every request (e.g. `Notion-Version`).
    public var headers: [NamedTemplate]
    /// A request that proves the credentials work right after linking.
    public var verify: VerifyRequest?

    public init(pointer: JSONPointer, baseURL: Template, headers: [NamedTemplate] = [], verify: VerifyRequest? = nil) {
        self.pointer = pointer
        self.baseURL = baseURL
        self.headers = headers
        self.verify = verify
    }
}

/// A request made right after linking to prove the credentials work.
public struct VerifyRequest: Sendable, Hashable {
    public enum Method: String, Sendable, Hashable, CaseIterable { case GET, POST }
    public var pointer: JSONPointer
    public var method: Method
    /// Path relative to the base URL, starting with `/`. May contain a query.
    public var path: Template
    /// JSON body for POST requests, sent verbatim.
    public var body: String?
    /// Set to `false` only for an unauthenticated health check; the validator warns.
    public var usesAuth: Bool
    /// JSON pointers into the response that name the account, tried in order (empty: none).
    public var label: [String]

    public init(
        pointer: JSONPointer, method: Method = .GET, path: Template, body: String? = nil, usesAuth: Bool = true,
        label: [String] = []
    ) {
        self.pointer = pointer
        self.method = method
        self.path = path
        self.body = body
        self.usesAuth = usesAuth
        self.label = label
    }
}

/// One way to authenticate with the provider.
public struct AuthVariant: Sendable, Hashable {
    public var pointer: JSONPointer
    /// Identifier unique within the connector (`[a-z][a-z0-9_]*`), e.g. `oauth`, `api_key`.
    public var id: String
    /// Label shown to users, e.g. "OAuth 2.0" or "Access token".
    public var label: String
    /// Fields of this variant in addition to the connector-level fields.
    public var fields: [Field]
    /// Overrides `api.baseURL` for this variant (Jira: cloud id vs site URL).
    public var baseURL: Template?
    /// Extra headers for API requests with this variant.
    public var headers: [NamedTemplate]
    /// The mechanism and its parameters.
    public var kind: AuthKind
    /// The connection guide for this variant.
    public var guide: Guide
    /// Overrides `api.verify` for this variant.
    public var verify: VerifyRequest?
    /// What linking with this variant needs besides the connector's requirements.
    public var requirements: [Requirement]
    /// Resources replacing or adding to the connector's (`resources` of the variant).
    public var resources: [Resource] = []
    /// Unified models this connector's resources fill (`unified`), see `UnifiedMapping`.
    public var unified: [UnifiedMapping] = []
    /// Actions replacing or adding to the connector's (`actions` of the variant).
    public var actions: [Action] = []

    public init(
        pointer: JSONPointer, id: String, label: String, fields: [Field] = [],
        baseURL: Template? = nil, headers: [NamedTemplate] = [], kind: AuthKind, guide: Guide,
        verify: VerifyRequest? = nil, requirements: [Requirement] = []
    ) {
        self.verify = verify
        self.requirements = requirements
        self.pointer = pointer
        self.id = id
        self.label = label
        self.fields = fields
        self.baseURL = baseURL
        self.headers = headers
        self.kind = kind
        self.guide = guide
    }
}

/// The auth mechanisms of the spec format. JSON: `"type"` of an auth variant.
public enum AuthKind: Sendable, Hashable {
    /// `"apiKey"`: a static key in a header, a query parameter, or as Basic username.
    case apiKey(APIKeyAuth)
    /// `"basic"`: HTTP Basic with a username and password.
    case basic(BasicAuth)
    /// `"serviceUser"`: a dedicated integration user sent as provider headers or Basic.
    case serviceUser(ServiceUserAuth)
    /// `"bearerToken"`: a static bearer token (personal access token).
    case bearerToken(BearerTokenAuth)
    /// `"oauth2AuthorizationCode"`.
    case oauth2AuthorizationCode(OAuth2AuthorizationCode)
    /// `"oauth2ClientCredentials"`.
    case oauth2ClientCredentials(OAuth2ClientCredentials)
    /// `"oauth2RefreshToken"`: OAuth 2.0 with a long-lived refresh token the user pastes in
    /// (Workday integrations).
    case oauth2RefreshToken(OAuth2RefreshToken)

    /// The JSON `"type"` value.
    public var typeName: String {
        switch self {
        case .apiKey: "apiKey"
        case .basic: "basic"
        case .serviceUser: "serviceUser"
        case .bearerToken: "bearerToken"
        case .oauth2AuthorizationCode: "oauth2AuthorizationCode"
        case .oauth2ClientCredentials: "oauth2ClientCredentials"
        case .oauth2RefreshToken: "oauth2RefreshToken"
        }
    }
}

/// `"type": "apiKey"`.
public struct APIKeyAuth: Sendable, Hashable {
    public enum Placement: Sendable, Hashable {
        /// `"in": "header"`: `name: prefix + key`, e.g. `Authorization: Bearer KEY` or `X-API-Key: KEY`.
        case header(name: String, prefix: String)
        /// `"in": "query"`: `?name=KEY`. The validator warns: keys leak into logs.
        case query(name: String)
        /// `"in": "basicUsername"`: Basic auth with the key as username and a fixed password
        /// (often empty, BambooHR uses `x`).
        case basicUsername(password: Template)
    }
    /// The key, usually `{{apiKey}}`.
    public var value: Template
    public var placement: Placement

    public init(value: Template, placement: Placement) {
        self.value = value
        self.placement = placement
    }
}

/// `"type": "basic"`.
public struct BasicAuth: Sendable, Hashable {
    public var username: Template
    public var password: Template

    public init(username: Template, password: Template) {
        self.username = username
        self.password = password
    }
}

/// `"type": "serviceUser"`.
public enum ServiceUserAuth: Sendable, Hashable {
    /// `"headers": {...}`: provider headers such as `X-Service-User-ID`.
    case headers([NamedTemplate])
    /// `"basic": {"username": ..., "password": ...}` (HiBob).
    case basic(BasicAuth)
}

/// `"type": "bearerToken"`.
public struct BearerTokenAuth: Sendable, Hashable {
    /// Usually `{{accessToken}}`.
    public var token: Template

    public init(token: Template) {
        self.token = token
    }
}

/// How the client authenticates at the token endpoint.
public enum ClientAuthMethod: String, Sendable, Hashable, CaseIterable {
    /// HTTP Basic with form-encoded id and secret (RFC 6749 section 2.3.1).
    case clientSecretBasic = "client_secret_basic"
    /// `client_id` and `client_secret` in the form body.
    case clientSecretPost = "client_secret_post"
    /// Smartsheet: `client_id` plus `hash` = hex SHA-256 of `secret|code` (or `secret|refresh_token`).
    case smartsheetHash = "smartsheet_hash"
    /// Public client: only `client_id` in the body (PKCE required).
    case none
}

/// How the parameters of token requests are encoded in the body.
public enum TokenRequestEncoding: String, Sendable, Hashable, CaseIterable {
    /// `application/x-www-form-urlencoded` (RFC 6749 section 4.1.3), the default.
    case form
    /// `application/json`, one string member per parameter (Notion).
    case json
}

/// PKCE policy of an authorization-code variant.
public enum PKCEPolicy: String, Sendable, Hashable, CaseIterable {
    /// The provider rejects requests without PKCE: always S256.
    case required
    /// The provider accepts PKCE: S256 is sent.
    case supported
    /// The provider rejects or mishandles PKCE parameters: never sent.
    case unsupported
}

/// A scope the provider offers.
public struct ScopeEntry: Sendable, Hashable {
    public var pointer: JSONPointer
    public var name: String
    public var description: String

    public init(pointer: JSONPointer, name: String, description: String) {
        self.pointer = pointer
        self.name = name
        self.description = description
    }
}

/// Scopes of an OAuth variant.
public struct Scopes: Sendable, Hashable {
    public var pointer: JSONPointer
    /// Joins scopes in the `scope` parameter: `" "` (default), `","` or `"+"`.
    public var separator: String
    /// Requested by default, and enabled in the provider's app settings per the guide.
    public var defaults: [String]
    /// Scopes without which the connector cannot work; a grant short of them is an error.
    /// Defaults to `defaults`.
    public var required: [String]
    /// Every scope the provider offers, with descriptions.
    public var catalog: [ScopeEntry]
    /// `false` when scopes are configured on the provider's app and never sent (Zelt, Pipedrive).
    public var sendInRequest: Bool

    public init(
        pointer: JSONPointer, separator: String = " ", defaults: [String] = [], required: [String]? = nil,
        catalog: [ScopeEntry] = [], sendInRequest: Bool = true
    ) {
        self.pointer = pointer
        self.separator = separator
        self.defaults = defaults
        self.required = required ?? defaults
        self.catalog = catalog
        self.sendInRequest = sendInRequest
    }
}

/// Who supplies an OAuth variant's client (its id and secret). JSON: `"client"`.
public enum ClientSupplier: String, Sendable, Hashable, CaseIterable {
    /// The person linking types the client id and secret on the Link Account form (an app they
    /// created in their own provider account, as the seed guides say).
    case person
    /// The integrating app's setup values (one client registered by the app for every account).
    case app
    /// The app's client when its setup has one, else the person's fields.
    case either
}

/// Parameters shared by the three OAuth 2.0 variants.
public struct OAuth2Common: Sendable, Hashable {
    /// Who supplies the client id and secret.
    public var client: ClientSupplier
    /// Usually `{{clientId}}`.
    public var clientId: Template
    /// Usually `{{clientSecret}}`; absent only with `clientAuth: none`.
    public var clientSecret: Template?
    public var tokenURL: Template
    /// RFC 7009 revocation endpoint, when the provider has one.
    public var revokeURL: Template?
    public var clientAuth: ClientAuthMethod
    public var scopes: Scopes?
    /// Extra form parameters of token requests (e.g. `audience`).
    public var tokenParams: [NamedTemplate]
    /// Access-token lifetime in seconds to assume when the response has no `expires_in`.
    public var defaultExpiresIn: Int?
    /// Token-response fields the connector uses (`instance_url`), available to templates of
    /// this variant as `{{token.instance_url}}`.
    public var tokenResponseFields: [String]
    /// A request made once with the access token whose values the `baseURL` and `headers` of
    /// this variant use as `{{discovered.NAME}}` (Jira's cloud id, Xero's tenant id).
    public var discovery: Discovery?
    /// Extra headers of token requests (GitHub's `Accept: application/json`).
    public var tokenHeaders: [NamedTemplate]
    /// How token request parameters are encoded (Notion: JSON).
    public var tokenRequestEncoding: TokenRequestEncoding
    /// Token-response fields kept as account metadata for the app (Notion's `workspace_id`).
    public var accountMetadata: [String]

    public init(
        clientId: Template, clientSecret: Template?, tokenURL: Template, revokeURL: Template? = nil,
        clientAuth: ClientAuthMethod = .clientSecretBasic, scopes: Scopes? = nil,
        tokenParams: [NamedTemplate] = [], defaultExpiresIn: Int? = nil, tokenResponseFields: [String] = [],
        discovery: Discovery? = nil, tokenHeaders: [NamedTemplate] = [], tokenRequestEncoding: TokenRequestEncoding = .form,
        accountMetadata: [String] = [], client: ClientSupplier = .app
    ) {
        self.client = client
        self.tokenHeaders = tokenHeaders
        self.tokenRequestEncoding = tokenRequestEncoding
        self.accountMetadata = accountMetadata
        self.clientId = clientId
        self.clientSecret = clientSecret
        self.tokenURL = tokenURL
        self.revokeURL = revokeURL
        self.clientAuth = clientAuth
        self.scopes = scopes
        self.tokenParams = tokenParams
        self.defaultExpiresIn = defaultExpiresIn
        self.tokenResponseFields = tokenResponseFields
        self.discovery = discovery
    }
}

/// `"discovery"` of an OAuth variant: `GET url` with the access token, then values picked from
/// the JSON response by RFC 6901 pointers.
public struct Discovery: Sendable, Hashable {
    /// A value compared with each item's value at `Match.path`.
    public enum Expected: Sendable, Hashable {
        /// A string, possibly with field placeholders (`https://{{site}}.atlassian.net`).
        case template(Template)
        case boolean(Bool)
        /// A number, as its JSON lexeme.
        case number(String)
    }

    /// Selects the first item whose value at `path` equals `equals`.
    public struct Match: Sendable, Hashable {
        public var pointer: JSONPointer
        /// RFC 6901 pointer into each item, e.g. `/url`.
        public var path: String
        public var equals: Expected

        public init(pointer: JSONPointer, path: String, equals: Expected) {
            self.pointer = pointer
            self.path = path
            self.equals = equals
        }
    }

    /// A value to keep: `{{discovered.name}}` is the value at `path` of the selected item.
    public struct Value: Sendable, Hashable {
        public var pointer: JSONPointer
        public var name: String
        /// RFC 6901 pointer into the selected item (or the response without `items`).
        public var path: String

        public init(pointer: JSONPointer, name: String, path: String) {
            self.pointer = pointer
            self.name = name
            self.path = path
        }
    }

    public var pointer: JSONPointer
    /// Requested with `GET` and the access token as bearer.
    public var url: Template
    /// RFC 6901 pointer to an array in the response (`""`: the response is the array).
    public var items: String?
    /// Which item to use; without it the first item.
    public var match: Match?
    public var values: [Value]

    public init(pointer: JSONPointer, url: Template, items: String? = nil, match: Match? = nil, values: [Value]) {
        self.pointer = pointer
        self.url = url
        self.items = items
        self.match = match
        self.values = values
    }
}

/// `"type": "oauth2AuthorizationCode"`.
public struct OAuth2AuthorizationCode: Sendable, Hashable {
    public var common: OAuth2Common
    public var authorizeURL: Template
    /// Token URL for refresh requests when it differs from `tokenURL`.
    public var refreshURL: Template?
    public var pkce: PKCEPolicy
    /// Extra query parameters of the authorize request (`access_type=offline`, `audience`).
    public var authorizeParams: [NamedTemplate]
    /// Extra form parameters of refresh requests (Zelt requires `redirect_uri`; the value
    /// `{{redirectURI}}` is the redirect URI of the connection).
    public var refreshParams: [NamedTemplate]
    /// The provider issues a new refresh token on each refresh and invalidates the old one.
    public var rotatesRefreshToken: Bool

    public init(
        common: OAuth2Common, authorizeURL: Template, refreshURL: Template? = nil, pkce: PKCEPolicy = .supported,
        authorizeParams: [NamedTemplate] = [], refreshParams: [NamedTemplate] = [], rotatesRefreshToken: Bool = false
    ) {
        self.common = common
        self.authorizeURL = authorizeURL
        self.refreshURL = refreshURL
        self.pkce = pkce
        self.authorizeParams = authorizeParams
        self.refreshParams = refreshParams
        self.rotatesRefreshToken = rotatesRefreshToken
    }
}

/// `"type": "oauth2ClientCredentials"`.
public struct OAuth2ClientCredentials: Sendable, Hashable {
    public var common: OAuth2Common
    /// The `grant_type` sent: `client_credentials`, or a provider grant of the same shape
    /// (Zoom's `account_credentials`).
    public var grantType: String

    public init(common: OAuth2Common, grantType: String = "client_credentials") {
        self.common = common
        self.grantType = grantType
    }
}

/// `"type": "oauth2RefreshToken"`.
public struct OAuth2RefreshToken: Sendable, Hashable {
    public var common: OAuth2Common
    /// Usually `{{refreshToken}}`, a secret field.
    public var refreshToken: Template
    public var refreshParams: [NamedTemplate]
    public var rotatesRefreshToken: Bool

    public init(common: OAuth2Common, refreshToken: Template, refreshParams: [NamedTemplate] = [], rotatesRefreshToken: Bool = false) {
        self.common = common
        self.refreshToken = refreshToken
        self.refreshParams = refreshParams
        self.rotatesRefreshToken = rotatesRefreshToken
    }
}

/// The connection guide of an auth variant, as in the seed documents.
public struct Guide: Sendable, Hashable {
    public var pointer: JSONPointer
    /// Shown first, highlighted ("Ensure you have Admin privileges").
    public var warnings: [String]
    /// Headed groups of numbered steps.
    public var sections: [GuideSection]

    public init(pointer: JSONPointer, warnings: [String] = [], sections: [GuideSection] = []) {
        self.pointer = pointer
        self.warnings = warnings
        self.sections = sections
    }
}

public struct GuideSection: Sendable, Hashable {
    public var pointer: JSONPointer
    public var title: String
    public var intro: String?
    public var steps: [GuideStep]
    /// In an `either` variant: shown only when the person (`.person`) or the app (`.app`)
    /// supplies the client; `nil`: always.
    public var client: ClientSupplier?

    public init(pointer: JSONPointer, title: String, intro: String? = nil, steps: [GuideStep], client: ClientSupplier? = nil) {
        self.client = client
        self.pointer = pointer
        self.title = title
        self.intro = intro
        self.steps = steps
    }
}

public struct GuideStep: Sendable, Hashable {
    public var pointer: JSONPointer
    public var title: String
    public var text: String
    /// Bullet points under the text.
    public var list: [String]
    /// As ``GuideSection/client``.
    public var client: ClientSupplier?

    public init(pointer: JSONPointer, title: String, text: String, list: [String] = [], client: ClientSupplier? = nil) {
        self.client = client
        self.pointer = pointer
        self.title = title
        self.text = text
        self.list = list
    }
}
