// Protocols the generated connector namespaces conform to.

/// What every generated connector namespace conforms to, so tools can enumerate the catalog.
///
/// The code generator emits one caseless enum per spec, e.g. `Zelt`, conforming to this protocol,
/// with one nested type per auth variant conforming to ``AuthVariantDefinition``.
public protocol ConnectorDefinition: Sendable {
    /// The spec's `id`, e.g. `"zelt"`.
    static var id: String { get }
    /// The spec's display name, e.g. `"Zelt"`.
    static var displayName: String { get }
    /// The spec's categories, e.g. `["hris", "iam"]`.
    static var categories: [String] { get }
    /// The provider's API documentation.
    static var docsURL: String { get }
    /// One descriptor per auth variant, in the spec's order.
    static var authVariants: [AuthVariantDescriptor] { get }
}

/// An auth variant's generated type: typed fields in, runtime configuration out.
public protocol AuthVariantDefinition: Sendable {
    /// The generated fields struct: required fields non-optional, secrets as ``Secret``.
    associatedtype Fields: Sendable
    /// Describes the variant for catalogs and UIs.
    static var descriptor: AuthVariantDescriptor { get }
    /// Builds what the runtime needs to link an account and make requests. Fails with
    /// ``ConnectorError/invalidField(key:reason:)`` when a value is malformed (whitespace around a
    /// secret, a hostname with a scheme, a value not matching the spec's pattern).
    static func configuration(_ fields: Fields) throws(ConnectorError) -> ConnectionConfiguration
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
