// The protocol generated connector namespaces conform to, and the descriptors they return.

/// What every generated connector namespace conforms to, so tools can enumerate the catalog.
///
/// The code generator emits one caseless enum per spec, e.g. `Zelt`, conforming to this protocol,
/// with one nested caseless enum per auth variant, e.g. `Zelt.Oauth`. A variant enum has a typed
/// `Fields` struct, `descriptor` (an ``AuthVariantDescriptor``) and
/// `configuration(_:) throws(ConnectorError) -> ConnectionConfiguration`; OAuth variants with a
/// scope catalogue also have `Scope`, `defaultScopes` and `configuration(_:scopes:)`.
///
/// Variant enums conform to no protocol of their own, on purpose: a conformance with requirements
/// costs every variant a witness table in the module interface, which the compiler re-emits for
/// all files on each incremental build (about 10% of a one-spec edit rebuild with 1,000 specs).
/// ``authVariants`` describes the variants as data.
public protocol ConnectorDefinition: Sendable {
    /// The connector's identity, categories and auth variants, straight from its spec.
    ///
    /// This is the protocol's only requirement on purpose: every requirement costs each generated
    /// connector a witness in the module interface, and with a large catalog that compile step
    /// runs on every incremental build. `id`, `displayName` and the other properties below read
    /// from it.
    static var descriptor: ConnectorDescriptor { get }
}

extension ConnectorDefinition {
    /// The spec's `id`, e.g. `"zelt"`.
    public static var id: String { descriptor.id }
    /// The spec's display name, e.g. `"Zelt"`.
    public static var displayName: String { descriptor.displayName }
    /// The spec's categories, e.g. `["hris", "iam"]`.
    public static var categories: [String] { descriptor.categories }
    /// The provider's API documentation.
    public static var docsURL: String { descriptor.docsURL }
    /// One descriptor per auth variant, in the spec's order.
    public static var authVariants: [AuthVariantDescriptor] { descriptor.authVariants }
}

/// Describes one connector: what ``ConnectorDefinition/descriptor`` returns.
public struct ConnectorDescriptor: Sendable, Hashable {
    /// The spec's `id`, e.g. `"zelt"`.
    public var id: String
    /// The spec's display name, e.g. `"Zelt"`.
    public var displayName: String
    /// The spec's categories, e.g. `["hris", "iam"]`.
    public var categories: [String]
    /// The provider's API documentation.
    public var docsURL: String
    /// One descriptor per auth variant, in the spec's order.
    public var authVariants: [AuthVariantDescriptor]
    /// The spec's `availableData`: what a linked account gives the app, in the provider's words
    /// (Smartsheet: `["Users", "Roles"]`).
    public var availableData: [String]
    /// The spec's resources (those of every variant, once each): what the generated code lists.
    public var resources: [ResourceSummary]

    /// Creates a descriptor; generated code calls this with the spec's values.
    public init(
        id: String, displayName: String, categories: [String], docsURL: String, authVariants: [AuthVariantDescriptor],
        availableData: [String] = [], resources: [ResourceSummary] = []
    ) {
        self.id = id
        self.displayName = displayName
        self.categories = categories
        self.docsURL = docsURL
        self.authVariants = authVariants
        self.availableData = availableData
        self.resources = resources
    }
}

/// One resource of a connector as data: its name in the generated API and its description.
public struct ResourceSummary: Sendable, Hashable {
    /// The spec's resource `name`, e.g. `"users"`.
    public var name: String
    /// The spec's resource `description`.
    public var description: String?

    public init(name: String, description: String? = nil) {
        self.name = name
        self.description = description
    }
}

/// Describes one auth variant of a connector: its fields and connection guide as data, and a
/// way to build its configuration from field values by key.
///
/// Everything here comes from the variant's spec, so a tool (the Hub's Link Account page, a CLI)
/// can render a form and a guide for any connector without code of its own. The generated
/// descriptor holds it all in one function body: data there costs the module interface nothing,
/// unlike one declaration per field (see docs/plugin.md).
///
/// Equality and hashing use the data only (`configure` is a function).
public struct AuthVariantDescriptor: Sendable, Hashable {
    /// The variant's `id` in the spec, e.g. `"oauth"`.
    public var id: String
    /// Label shown to users, e.g. `"OAuth 2.0"`.
    public var label: String
    /// The spec's auth `type`, e.g. `"oauth2AuthorizationCode"`.
    public var type: String
    /// The fields, connector-level first, in the spec's order (setup fields included).
    public var fields: [FieldDescriptor]
    /// The connection guide: requirements, warnings, numbered steps and the scopes to enable.
    public var guide: ConnectionGuide
    /// Who supplies the OAuth client (the spec's `"client"`); `nil` for other auth types.
    public var client: OAuthClientSupplier?
    /// Builds the configuration from field values by key (see ``configuration(values:)``).
    public var configure: @Sendable ([String: String]) throws(ConnectorError) -> ConnectionConfiguration
    /// The variant's actions (the spec's `actions`), for code that runs them by id (the Hub).
    public var actions: [ActionOperation]
    /// The unified operations the variant binds to its actions (`iam.user.create`...), for code
    /// that runs them by model and name (the Hub). Not part of equality, like `configure`.
    public var unifiedOperations: [UnifiedOperationBinding] = []

    /// Creates a descriptor; generated code calls this with the spec's values.
    public init(
        id: String, label: String, type: String, fields: [FieldDescriptor], guide: ConnectionGuide,
        client: OAuthClientSupplier? = nil, actions: [ActionOperation] = [],
        configure: @escaping @Sendable ([String: String]) throws(ConnectorError) -> ConnectionConfiguration
    ) {
        self.actions = actions
        self.client = client
        self.id = id
        self.label = label
        self.type = type
        self.fields = fields
        self.guide = guide
        self.configure = configure
    }

    /// Keys of the fields, connector-level first.
    public var fieldKeys: [String] { fields.map(\.key) }

    /// The fields the person fills in on the Link Account form: theirs, and in an
    /// ``OAuthClientSupplier/either`` variant whose app has no client set up (`appHasClient`
    /// false), the setup fields too.
    public func formFields(appHasClient: Bool) -> [FieldDescriptor] {
        fields.filter { $0.supplier == .person || (client == .either && !appHasClient && $0.supplier == .setup) }
    }

    /// Who supplies the client for this link: `.person` or `.app` (`nil` without OAuth).
    public func effectiveClient(appHasClient: Bool) -> OAuthClientSupplier? {
        guard let client else { return nil }
        return client == .either ? (appHasClient ? .app : .person) : client
    }

    /// The guide as the person sees it (``ConnectionGuide/shown(client:)``).
    public func shownGuide(appHasClient: Bool) -> ConnectionGuide {
        effectiveClient(appHasClient: appHasClient).map { guide.shown(client: $0) } ?? guide
    }

    /// `true` for the OAuth 2.0 authorization code grant: linking sends the person to the provider.
    public var usesAuthorizationCode: Bool { type == "oauth2AuthorizationCode" }

    /// Builds the runtime configuration from field values by key, as a form posts them.
    ///
    /// A missing or empty value takes the field's default; a required field without one fails
    /// with ``ConnectorError/invalidField(key:reason:)``. Numbers, booleans and select options
    /// are parsed, then the same compiled checks as the typed `configuration(_:)` run (stray
    /// whitespace, URL, host name, email, pattern). OAuth variants request their default scopes.
    public func configuration(values: [String: String]) throws(ConnectorError) -> ConnectionConfiguration {
        try configure(values)
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.id == rhs.id && lhs.label == rhs.label && lhs.type == rhs.type && lhs.fields == rhs.fields && lhs.guide == rhs.guide
            && lhs.client == rhs.client
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(label)
        hasher.combine(type)
        hasher.combine(fields)
        hasher.combine(guide)
        hasher.combine(client)
    }
}
