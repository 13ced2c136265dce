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

    /// Creates a descriptor; generated code calls this with the spec's values.
    public init(id: String, displayName: String, categories: [String], docsURL: String, authVariants: [AuthVariantDescriptor]) {
        self.id = id
        self.displayName = displayName
        self.categories = categories
        self.docsURL = docsURL
        self.authVariants = authVariants
    }
}

/// Describes one auth variant of a connector.
public struct AuthVariantDescriptor: Sendable, Hashable {
    /// The variant's `id` in the spec, e.g. `"oauth"`.
    public var id: String
    /// Label shown to users, e.g. `"OAuth 2.0"`.
    public var label: String
    /// The spec's auth `type`, e.g. `"oauth2AuthorizationCode"`.
    public var type: String
    /// Keys of the fields a person enters, connector-level first.
    public var fieldKeys: [String]

    public init(id: String, label: String, type: String, fieldKeys: [String]) {
        self.id = id
        self.label = label
        self.type = type
        self.fieldKeys = fieldKeys
    }
}
