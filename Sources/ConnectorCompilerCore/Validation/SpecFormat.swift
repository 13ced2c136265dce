// The structural description of the spec format, version 1: every object kind, its keys, their
// value kinds and which are required. This one table drives both the structural validator
// (`StructuralValidator`) and the JSON Schema (`SchemaGenerator`, printed by
// `connector-compiler schema`), so the two cannot drift apart.

/// The kind of value a key holds.
public indirect enum ValueKind: Sendable, Hashable {
    /// A non-empty string (or any string when `allowEmpty`), optionally matching `pattern`.
    case string(pattern: StringPattern? = nil, allowEmpty: Bool = false)
    /// A non-empty template string (see `Template`); `url` when it must be an absolute URL.
    case template(url: Bool)
    /// A literal absolute https URL (no placeholders), such as a documentation link.
    case url
    /// An integer, at least `minimum`.
    case integer(minimum: Int)
    /// `true` or `false`.
    case boolean
    /// Exactly this integer (`specVersion`).
    case constant(Int)
    /// One of these strings.
    case enumeration([String])
    /// One of these strings, or a non-empty array of them without repeats (`stop`: one rule or
    /// several).
    case enumerationList([String])
    /// An array whose elements are all `element`, with at least `minItems` elements.
    case array(ValueKind, minItems: Int)
    /// An object of the named `ObjectKind`.
    case object(String)
    /// An object of header or parameter names mapped to templates.
    case templateMap
    /// An object of names (matching `name`) mapped to strings matching `value`, at least one.
    case stringMap(name: StringPattern, value: StringPattern)
    /// A string, number or boolean (field defaults).
    case scalar
    /// Any JSON value except `null` (request bodies).
    case anyJSON
}

/// A regular expression a string must match, with the rule id and message used when it does not.
public struct StringPattern: Sendable, Hashable {
    /// ECMAScript-compatible, anchored with `^...$`.
    public var regex: String
    /// Rule id of the diagnostic.
    public var rule: String
    /// Completes "'<key>' must ..." in messages, e.g. "start with '/'".
    public var requirement: String
}

/// One key of an object kind.
public struct KeySpec: Sendable, Hashable {
    /// The JSON key, e.g. `tokenURL`.
    public var name: String
    /// What its value must be.
    public var kind: ValueKind
    /// Whether the key must be present.
    public var required: Bool
    /// One sentence for the JSON Schema and the docs.
    public var description: String

    /// A key named `name` holding `kind`, described by one sentence.
    public init(_ name: String, _ kind: ValueKind, required: Bool = false, _ description: String) {
        self.name = name
        self.kind = kind
        self.required = required
        self.description = description
    }
}

/// A rule of the form "when `key` is (or is not) `value`, these keys are required / not allowed".
/// A missing `key` counts as its `defaultValue`.
public struct KeyCondition: Sendable, Hashable {
    /// The key whose value is tested, e.g. `in`.
    public var key: String
    /// The value compared with, e.g. `header`.
    public var value: String
    /// `true`: applies when `key` equals `value`; `false`: when it differs.
    public var equals: Bool
    /// What `key` means when absent, if it has a default.
    public var defaultValue: String?
    /// Keys that must be present when the condition holds.
    public var required: [String]
    /// Keys that must be absent when the condition holds.
    public var forbidden: [String]
    /// Rule id of the diagnostics.
    public var rule: String
}

/// A group of keys of which exactly one must be present.
public struct ExactlyOne: Sendable, Hashable {
    /// The alternatives, e.g. `credentialHeaders` and `basic`.
    public var keys: [String]
    /// Rule id of the diagnostics.
    public var rule: String
}

/// A variant of an object selected by the value of a discriminator key (auth `type`).
public struct ObjectVariant: Sendable, Hashable {
    /// The discriminator value selecting this variant, e.g. `apiKey`.
    public var value: String
    /// One sentence for the JSON Schema.
    public var description: String
    /// Keys this variant adds to the object kind's common keys.
    public var keys: [KeySpec]
    /// Key rules that depend on other keys' values.
    public var conditions: [KeyCondition] = []
    /// Groups of keys of which exactly one must be present.
    public var exactlyOne: [ExactlyOne] = []
}

/// One kind of JSON object in a spec.
public struct ObjectKind: Sendable, Hashable {
    /// Name of the kind, also its `$defs` name in the JSON Schema.
    public var name: String
    /// One sentence for the JSON Schema.
    public var description: String
    /// Keys every object of this kind may have.
    public var keys: [KeySpec]
    /// The key whose value selects a variant, if any.
    public var discriminator: String?
    /// Variants selected by `discriminator`.
    public var variants: [ObjectVariant] = []
    /// Key rules that depend on other keys' values.
    public var conditions: [KeyCondition] = []

    /// The keys allowed when the discriminator has `value` (all keys when there is none).
    public func keys(forVariant value: String?) -> [KeySpec] {
        guard discriminator != nil else { return keys }
        guard let value, let variant = variants.first(where: { $0.value == value }) else { return keys }
        return keys + variant.keys
    }

    /// Every key of every variant (for "belongs to another type" messages).
    public var allKeys: [KeySpec] {
        var result = keys
        for variant in variants {
            for key in variant.keys where !result.contains(where: { $0.name == key.name }) {
                result.append(key)
            }
        }
        return result
    }
}

/// The spec format, version 1.
public enum SpecFormat {
    /// The only supported `specVersion`.
    public static let version = 1

    /// Identifiers of connectors and auth variants.
    public static let identifierPattern = StringPattern(
        regex: "^[a-z][a-z0-9_]*$", rule: "invalid-id",
        requirement: "start with a lowercase letter and contain only lowercase letters, digits and underscores")

    /// Field keys, used as template names and Swift property names.
    public static let fieldKeyPattern = StringPattern(
        regex: "^[a-z][A-Za-z0-9]*$", rule: "invalid-field-key",
        requirement: "be lowerCamelCase: a lowercase letter followed by letters and digits")

    /// RFC 6901 JSON pointers into a discovery response (`""` is the whole value).
    public static let jsonPointerPattern = StringPattern(
        regex: "^(/([^/~]|~[01])*)*$", rule: "discovery-pointer",
        requirement: "be a JSON pointer (RFC 6901): empty or '/'-prefixed tokens, with '~' written '~0' and '/' written '~1'")

    /// Names of discovered values, used in templates as `{{discovered.NAME}}`.
    public static let discoveredNamePattern = StringPattern(
        regex: "^[a-z][A-Za-z0-9]*$", rule: "discovery-value-name",
        requirement: "be lowerCamelCase: a lowercase letter followed by letters and digits")

    /// JSON pointers into the verification response that name the account (`api.verify.label`).
    static let verifyLabelPattern = StringPattern(
        regex: jsonPointerPattern.regex, rule: "verify-label-pointer", requirement: jsonPointerPattern.requirement)

    static let verifyPathPattern = StringPattern(
        regex: "^(/|https?://)", rule: "verify-path",
        requirement: "start with '/' (relative to the base URL) or be an absolute URL on the API's host")

    /// RFC 6749 `grant-name`: a registered name (`client_credentials`) or an absolute URI.
    public static let grantTypePattern = StringPattern(
        regex: "^([A-Za-z0-9._-]+|[a-z][a-z0-9+.-]*:[!-~]+)$", rule: "grant-type-invalid",
        requirement: "be an OAuth grant type name (letters, digits, '.', '_', '-') or an absolute URI")

    /// The root object kind.
    public static let root = "connector"

    /// Host suffixes of `hostSuffixes`: a dot, then at least two DNS labels (`.okta.com`).
    public static let hostSuffixPattern = StringPattern(
        regex: "^(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?){2,}$", rule: "host-suffix",
        requirement: "be a lowercase DNS suffix starting with '.' and of at least two labels, e.g. '.okta.com'")

    static let oauthCommon: [KeySpec] = [
        KeySpec("client", .enumeration(ClientSupplier.allCases.map(\.rawValue)), required: true,
                "Who supplies the OAuth client: `person` (typed on the Link Account form), `app` (the integrating app's setup values) or `either` (the app's when set up, else the person's)."),
        KeySpec("clientId", .template(url: false), required: true, "OAuth client id, usually `{{clientId}}`."),
        KeySpec("clientSecret", .template(url: false),
                "OAuth client secret, usually `{{clientSecret}}`; required unless `clientAuth` is `none`."),
        KeySpec("tokenURL", .template(url: true), required: true, "Token endpoint."),
        KeySpec("revokeURL", .template(url: true), "RFC 7009 revocation endpoint."),
        KeySpec("clientAuth", .enumeration(ClientAuthMethod.allCases.map(\.rawValue)),
                "How the client authenticates at the token endpoint (default `client_secret_basic`)."),
        KeySpec("scopes", .object("scopes"), "Scopes to request and the provider's scope catalogue."),
        KeySpec("tokenParams", .templateMap, "Extra parameters of token requests."),
        KeySpec("tokenHeaders", .templateMap, "Extra headers of token requests, e.g. `Accept`."),
        KeySpec("tokenRequestEncoding", .enumeration(TokenRequestEncoding.allCases.map(\.rawValue)),
                "Body of token requests: `form` (`application/x-www-form-urlencoded`, the default) or `json`."),
        KeySpec("defaultExpiresIn", .integer(minimum: 1),
                "Access-token lifetime in seconds assumed when a token response has no `expires_in`."),
        KeySpec("tokenResponseFields", .array(.string(), minItems: 1),
                "Token-response fields used in templates as `{{token.NAME}}`."),
        KeySpec("accountMetadata", .array(.string(), minItems: 1),
                "Token-response fields kept as account metadata for the app after linking (Notion's `workspace_id`)."),
        KeySpec("discovery", .object("discovery"),
                "A request made once with the access token whose values `baseURL` and `headers` use as `{{discovered.NAME}}`."),
    ]

    static let refreshKeys: [KeySpec] = [
        KeySpec("refreshParams", .templateMap, "Extra parameters of refresh requests."),
        KeySpec("rotatesRefreshToken", .boolean,
                "`true` when each refresh returns a new refresh token and invalidates the old one (default `false`)."),
    ]

    static let clientSecretCondition = KeyCondition(
        key: "clientAuth", value: ClientAuthMethod.none.rawValue, equals: false,
        defaultValue: ClientAuthMethod.clientSecretBasic.rawValue, required: ["clientSecret"], forbidden: [], rule: "client-secret-missing")

    /// Every object kind, the root first.
    public static let objectKinds: [ObjectKind] = [
        connectorKind, requirementKind, fieldKind, optionKind, apiKind, verifyKind, authVariantKind, basicCredentialsKind, scopesKind, scopeEntryKind, discoveryKind, discoveryMatchKind, guideKind, guideSectionKind, guideStepKind,
    ] + resourceKinds + unifiedKinds + actionKinds

    static let connectorKind: ObjectKind = ObjectKind(
        name: "connector",
        description: "A connector spec (format version 1): one provider and the ways to authenticate with it.",
        keys: [
            KeySpec("$schema", .string(), "Path or URL of this JSON Schema, for editors."),
            KeySpec("specVersion", .constant(1), required: true, "Format version; always `1`."),
            KeySpec("id", .string(pattern: identifierPattern), required: true,
                    "Identifier, equal to the file name without `.json`."),
            KeySpec("name", .string(), required: true, "Display name."),
            KeySpec("description", .string(), "One paragraph for the generated docs."),
            KeySpec("categories", .array(.enumeration(Category.allCases.map(\.rawValue)), minItems: 1),
                    required: true, "What the connector covers."),
            KeySpec("docsURL", .url, required: true, "The provider's API documentation."),
            KeySpec("sources", .array(.url, minItems: 0),
                    "Provider pages the values of this spec were taken from."),
            KeySpec("requirements", .array(.object("requirement"), minItems: 0),
                    "What the person linking an account must have."),
            KeySpec("fields", .array(.object("field"), minItems: 0), "Fields shared by every auth variant."),
            KeySpec("api", .object("api"), required: true, "The provider's API."),
            KeySpec("auth", .array(.object("authVariant"), minItems: 1), required: true,
                    "The ways to authenticate, in order of preference."),
            KeySpec("availableData", .array(.string(), minItems: 0),
                    "Resources available once linked, such as \"Users\"."),
            KeySpec("resources", .array(.object("resource"), minItems: 0),
                    "Typed records and the operations that list and read them."),
            KeySpec("records", .array(.object("sharedRecord"), minItems: 1),
                    "Record types shared by several resources (one user shape listed by several endpoints): a resource names one in `record` and declares no `fields`."),
            unifiedKey,
            KeySpec("actions", .array(.object("action"), minItems: 0),
                    "Typed writes a linked account can make (add a user, create a candidate)."),
        ])

    static let requirementKind: ObjectKind = ObjectKind(
        name: "requirement",
        description: "Something the person linking an account must have.",
        keys: [
            KeySpec("kind", .enumeration(Requirement.Kind.allCases.map(\.rawValue)), required: true,
                    "`admin` (privileges), `plan` (a paid plan) or `other`."),
            KeySpec("text", .string(), required: true, "What is needed, as one sentence."),
        ])

    static let fieldKind: ObjectKind = ObjectKind(
        name: "field",
        description: "A value a person enters when linking an account.",
        keys: [
            KeySpec("key", .string(pattern: fieldKeyPattern), required: true,
                    "Name used in templates as `{{key}}` and as the Swift property name."),
            KeySpec("label", .string(), required: true, "Shown in forms and guides."),
            KeySpec("type", .enumeration(Field.FieldType.allCases.map(\.rawValue)), required: true,
                    "Value type; `secret` values are never printed."),
            KeySpec("supplier", .enumeration(Field.Supplier.allCases.map(\.rawValue)), required: true,
                    "`setup`: the integrating app (OAuth client id/secret); `config`: the end user."),
            KeySpec("required", .boolean, "Whether a value must be given (default `true`)."),
            KeySpec("default", .scalar, "Default value matching `type`; for `select`, one of the option values."),
            KeySpec("placeholder", .string(), "Example shown in an empty input."),
            KeySpec("help", .string(), "Help text shown under the input."),
            KeySpec("pattern", .string(), "Regular expression the whole value must match."),
            KeySpec("options", .array(.object("option"), minItems: 1), "Choices of a `select` field."),
            KeySpec("hostSuffixes", .array(.string(pattern: hostSuffixPattern), minItems: 1),
                    "`hostname` and `url` fields: the host must end with one of these suffixes (`.okta.com`), checked before any request."),
        ],
        conditions: [
            KeyCondition(key: "type", value: "select", equals: true, required: ["options"], forbidden: [], rule: "select-options"),
            KeyCondition(key: "type", value: "select", equals: false, required: [], forbidden: ["options"], rule: "select-options"),
        ])

    static let optionKind: ObjectKind = ObjectKind(
        name: "option",
        description: "A choice of a `select` field.",
        keys: [
            KeySpec("value", .string(), required: true, "Value stored and used in templates."),
            KeySpec("label", .string(), required: true, "Shown to the person choosing."),
        ])

    static let apiKind: ObjectKind = ObjectKind(
        name: "api",
        description: "The provider's API.",
        keys: [
            KeySpec("baseURL", .template(url: true), required: true,
                    "Base URL of API requests; may use connector-level fields."),
            KeySpec("headers", .templateMap, "Headers sent with every request."),
            KeySpec("verify", .object("verify"), "A request that proves the credentials work right after linking."),
        ])

    static let verifyKind: ObjectKind = ObjectKind(
        name: "verify",
        description: "A request made right after linking to prove the credentials work.",
        keys: [
            KeySpec("method", .enumeration(VerifyRequest.Method.allCases.map(\.rawValue)),
                    "HTTP method (default `GET`)."),
            KeySpec("path", .string(pattern: verifyPathPattern), required: true,
                    "Template path relative to the base URL, starting with `/`, or an absolute URL on the host of the base URL."),
            KeySpec("body", .anyJSON, "JSON body of a POST request, sent verbatim."),
            KeySpec("usesAuth", .boolean, "Whether the request is authenticated (default `true`)."),
            KeySpec("label", .array(.string(pattern: verifyLabelPattern, allowEmpty: true), minItems: 1),
                    "JSON pointers into the response that name the account (company, workspace, user), tried in order: the first string or number found labels the account on the Accounts pages."),
        ])

    static let authVariantKind: ObjectKind = ObjectKind(
        name: "authVariant",
        description: "One way to authenticate; `type` selects the mechanism and the keys it allows.",
        keys: [
            KeySpec("id", .string(pattern: identifierPattern), required: true, "Identifier unique in the connector."),
            KeySpec("label", .string(), required: true, "Shown to users, e.g. \"OAuth 2.0\"."),
            KeySpec("type", .enumeration(authTypes), required: true, "The auth mechanism."),
            KeySpec("fields", .array(.object("field"), minItems: 0), "Fields of this variant."),
            KeySpec("baseURL", .template(url: true), "Overrides `api.baseURL` for this variant."),
            KeySpec("headers", .templateMap,
                    "Extra API headers for this variant; OAuth variants may use `{{token.NAME}}` and `{{discovered.NAME}}`."),
            KeySpec("verify", .object("verify"), "Overrides `api.verify` for this variant."),
            KeySpec("requirements", .array(.object("requirement"), minItems: 0),
                    "What the person linking an account with this variant must have, besides the connector's `requirements`."),
            KeySpec("guide", .object("guide"), required: true, "The connection guide."),
            KeySpec("resources", .array(.object("resource"), minItems: 0),
                    "Resources of this variant: each replaces the connector's resource of the same name, or adds one."),
            unifiedKey,
            KeySpec("actions", .array(.object("action"), minItems: 0),
                    "Actions of this variant: each replaces the connector's action of the same id, or adds one."),
        ],
        discriminator: "type",
        variants: [apiKeyVariant, basicVariant, serviceUserVariant, bearerTokenVariant, oauth2AuthorizationCodeVariant, oauth2ClientCredentialsVariant, oauth2RefreshTokenVariant])

    static let apiKeyVariant: ObjectVariant = ObjectVariant(
        value: "apiKey", description: "A static API key in a header, a query parameter or as Basic username.",
        keys: [
            KeySpec("value", .template(url: false), required: true, "The key, usually `{{apiKey}}`."),
            KeySpec("in", .enumeration(["header", "query", "basicUsername"]), required: true,
                    "Where the key is sent."),
            KeySpec("name", .string(), "Header or query parameter name (`header` and `query` only)."),
            KeySpec("prefix", .string(), "Prefix of the header value, e.g. `Bearer ` (`header` only)."),
            KeySpec("password", .template(url: false), "Basic password (`basicUsername` only; default empty)."),
        ],
        conditions: [
            KeyCondition(key: "in", value: "header", equals: true, required: ["name"], forbidden: ["password"], rule: "api-key-placement"),
            KeyCondition(key: "in", value: "query", equals: true, required: ["name"],
                         forbidden: ["prefix", "password"], rule: "api-key-placement"),
            KeyCondition(key: "in", value: "basicUsername", equals: true, required: [],
                         forbidden: ["name", "prefix"], rule: "api-key-placement"),
        ])

    static let basicVariant: ObjectVariant = ObjectVariant(
        value: "basic", description: "HTTP Basic with a username and a password.",
        keys: [
            KeySpec("username", .template(url: false), required: true, "Basic username."),
            KeySpec("password", .template(url: false), required: true, "Basic password."),
        ])

    static let serviceUserVariant: ObjectVariant = ObjectVariant(
        value: "serviceUser", description: "A dedicated integration user, sent as provider headers or Basic.",
        keys: [
            KeySpec("credentialHeaders", .templateMap, "Provider headers built from fields."),
            KeySpec("basic", .object("basicCredentials"), "Basic credentials of the service user."),
        ],
        exactlyOne: [ExactlyOne(keys: ["credentialHeaders", "basic"], rule: "service-user-credentials")])

    static let bearerTokenVariant: ObjectVariant = ObjectVariant(
        value: "bearerToken", description: "A static bearer token, such as a personal access token.",
        keys: [KeySpec("token", .template(url: false), required: true, "The token, usually `{{accessToken}}`.")])

    static let oauth2AuthorizationCodeVariant: ObjectVariant = ObjectVariant(
        value: "oauth2AuthorizationCode", description: "OAuth 2.0 authorization code grant.",
        keys: oauthCommon + [
            KeySpec("authorizeURL", .template(url: true), required: true, "Authorization endpoint."),
            KeySpec("refreshURL", .template(url: true), "Token endpoint for refreshes, when it differs."),
            KeySpec("pkce", .enumeration(PKCEPolicy.allCases.map(\.rawValue)),
                    "PKCE policy (default `supported`)."),
            KeySpec("authorizeParams", .templateMap, "Extra query parameters of the authorize request."),
        ] + refreshKeys,
        conditions: [clientSecretCondition])

    static let oauth2ClientCredentialsVariant: ObjectVariant = ObjectVariant(
        value: "oauth2ClientCredentials",
        description: "OAuth 2.0 client credentials grant, or a provider grant of the same shape (Zoom's `account_credentials`).",
        keys: oauthCommon + [
            KeySpec("grantType", .string(pattern: grantTypePattern),
                    "The `grant_type` sent (default `client_credentials`), e.g. `account_credentials` for Zoom."),
        ], conditions: [clientSecretCondition])

    static let oauth2RefreshTokenVariant: ObjectVariant = ObjectVariant(
        value: "oauth2RefreshToken",
        description: "OAuth 2.0 with a long-lived refresh token the user enters (Workday integrations).",
        keys: oauthCommon + [
            KeySpec("refreshToken", .template(url: false), required: true,
                    "The refresh token, usually `{{refreshToken}}`."),
        ] + refreshKeys,
        conditions: [clientSecretCondition])

    static let basicCredentialsKind: ObjectKind = ObjectKind(
        name: "basicCredentials",
        description: "Basic credentials.",
        keys: [
            KeySpec("username", .template(url: false), required: true, "Basic username."),
            KeySpec("password", .template(url: false), required: true, "Basic password."),
        ])

    static let scopesKind: ObjectKind = ObjectKind(
        name: "scopes",
        description: "Scopes of an OAuth variant.",
        keys: [
            KeySpec("separator", .enumeration([" ", ",", "+"]), "Joins scopes in the `scope` parameter (default \" \")."),
            KeySpec("default", .array(.string(), minItems: 0), "Scopes requested by default."),
            KeySpec("required", .array(.string(), minItems: 0),
                    "Scopes without which the connector cannot work (default: `default`)."),
            KeySpec("catalog", .array(.object("scopeEntry"), minItems: 0), "Every scope the provider offers."),
            KeySpec("sendInRequest", .boolean,
                    "`false` when scopes are configured on the provider's app and never sent (default `true`)."),
            KeySpec("granted", .array(.object("scopeEntry"), minItems: 1),
                    "Permissions granted to the client outside the request (Microsoft Graph's application permissions behind `.default`, consented by an administrator): never requested; actions may need them, and a link without one gets a missing-scope error."),
        ])

    static let scopeEntryKind: ObjectKind = ObjectKind(
        name: "scopeEntry",
        description: "A scope the provider offers.",
        keys: [
            KeySpec("name", .string(), required: true, "Scope name as sent to the provider."),
            KeySpec("description", .string(), required: true, "What the scope grants."),
        ])

    static let discoveryKind: ObjectKind = ObjectKind(
        name: "discovery",
        description: "A GET request made once with the access token; its values are stored with the tokens.",
        keys: [
            KeySpec("url", .template(url: true), required: true,
                    "The https URL requested with `Authorization: Bearer <access token>`; may use fields."),
            KeySpec("items", .string(pattern: jsonPointerPattern, allowEmpty: true),
                    "JSON pointer to an array in the response (`\"\"` when the response is the array)."),
            KeySpec("match", .object("discoveryMatch"),
                    "Selects the item of `items` to use (default: the first); requires `items`."),
            KeySpec("values", .stringMap(name: discoveredNamePattern, value: jsonPointerPattern), required: true,
                    "Names mapped to JSON pointers into the selected item (or the response)."),
        ])

    static let discoveryMatchKind: ObjectKind = ObjectKind(
        name: "discoveryMatch",
        description: "Selects the first item whose value at `pointer` equals `equals`.",
        keys: [
            KeySpec("pointer", .string(pattern: jsonPointerPattern, allowEmpty: true), required: true,
                    "JSON pointer into each item, e.g. `/url`."),
            KeySpec("equals", .scalar, required: true,
                    "The value to find: a template string (may use fields), a number or a boolean."),
        ])

    static let guideKind: ObjectKind = ObjectKind(
        name: "guide",
        description: "The connection guide of an auth variant.",
        keys: [
            KeySpec("warnings", .array(.string(), minItems: 0), "Shown first, highlighted."),
            KeySpec("sections", .array(.object("guideSection"), minItems: 1), required: true,
                    "Headed groups of numbered steps."),
        ])

    static let guideSectionKind: ObjectKind = ObjectKind(
        name: "guideSection",
        description: "A headed group of numbered steps.",
        keys: [
            KeySpec("title", .string(), required: true, "Section heading."),
            KeySpec("intro", .string(), "Text before the steps."),
            KeySpec("steps", .array(.object("guideStep"), minItems: 1), required: true, "Numbered steps."),
            KeySpec("client", .enumeration([ClientSupplier.person.rawValue, ClientSupplier.app.rawValue]),
                    "In a `\"client\": \"either\"` variant: shown only when the person (`person`) or the app (`app`) supplies the client."),
        ])

    static let guideStepKind: ObjectKind = ObjectKind(
        name: "guideStep",
        description: "One numbered step.",
        keys: [
            KeySpec("title", .string(), required: true, "Step title."),
            KeySpec("text", .string(), required: true, "What to do."),
            KeySpec("list", .array(.string(), minItems: 0), "Bullet points under the text."),
            KeySpec("client", .enumeration([ClientSupplier.person.rawValue, ClientSupplier.app.rawValue]),
                    "In a `\"client\": \"either\"` variant: shown only when the person (`person`) or the app (`app`) supplies the client."),
        ])

    /// The auth `type` values.
    public static let authTypes = [
        "apiKey", "basic", "serviceUser", "bearerToken", "oauth2AuthorizationCode", "oauth2ClientCredentials",
        "oauth2RefreshToken",
    ]

    private static let kindsByName: [String: ObjectKind] = Dictionary(
        uniqueKeysWithValues: objectKinds.map { ($0.name, $0) })

    /// The object kind named `name`.
    public static func objectKind(_ name: String) -> ObjectKind {
        guard let kind = kindsByName[name] else {
            preconditionFailure("unknown object kind \(name)")
        }
        return kind
    }
}
