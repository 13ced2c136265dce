// The data a form and a connection guide need, as generated descriptors carry it, and the parsing
// of posted field values into typed ones.

/// Who supplies an OAuth variant's client id and secret (the spec's `"client"`).
public enum OAuthClientSupplier: String, Sendable, Hashable, CaseIterable {
    /// The person linking types them on the Link Account form (an app they created in their own
    /// provider account). Their fields are ``FieldDescriptor/Supplier/person`` fields.
    case person
    /// The integrating app's setup values; the person never sees them.
    case app
    /// The app's setup values when it has them, else the person types them: the variant's
    /// ``FieldDescriptor/Supplier/setup`` fields are asked on the form when the app has none.
    case either
}

/// One field of an auth variant, as its spec describes it.
public struct FieldDescriptor: Sendable, Hashable {
    /// The field's type in the spec.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case text, secret, url, hostname, email, number, boolean, select
    }

    /// Who enters the value.
    public enum Supplier: String, Sendable, Hashable, CaseIterable {
        /// The integrating app, once (the OAuth client id and secret it registered): never shown
        /// to the person linking.
        case setup
        /// The person linking the account (a subdomain, an API key). The spec says `config`.
        case person
    }

    /// An option of a `select` field.
    public struct Option: Sendable, Hashable {
        /// The value sent to the provider.
        public var value: String
        /// What the person sees.
        public var label: String

        public init(value: String, label: String) {
            self.value = value
            self.label = label
        }
    }

    /// The key of the field in templates and in the values of
    /// ``AuthVariantDescriptor/configuration(values:)``.
    public var key: String
    public var label: String
    public var kind: Kind
    public var supplier: Supplier
    /// Whether a value must be given (a default counts as given).
    public var required: Bool
    /// The default value, as text (`"200"`, `"true"`, an option's value).
    public var defaultValue: String?
    public var placeholder: String?
    public var help: String?
    /// A regular expression the whole value must match.
    public var pattern: String?
    /// The options of a `select` field; empty otherwise.
    public var options: [Option]
    /// Suffixes the host of the value must end with (`.okta.com`); empty when not pinned.
    public var hostSuffixes: [String]

    public init(
        key: String, label: String, kind: Kind, supplier: Supplier, required: Bool = true, defaultValue: String? = nil,
        placeholder: String? = nil, help: String? = nil, pattern: String? = nil, options: [Option] = [],
        hostSuffixes: [String] = []
    ) {
        self.hostSuffixes = hostSuffixes
        self.key = key
        self.label = label
        self.kind = kind
        self.supplier = supplier
        self.required = required
        self.defaultValue = defaultValue
        self.placeholder = placeholder
        self.help = help
        self.pattern = pattern
        self.options = options
    }
}

/// The connection guide of an auth variant, as in the seed documents: what the person needs,
/// what to watch out for, the numbered steps, and the scopes to enable.
public struct ConnectionGuide: Sendable, Hashable {
    /// A precondition of the connector ("Admin privileges in Zelt").
    public struct Requirement: Sendable, Hashable {
        /// `admin`, `plan` or `other`.
        public var kind: String
        public var text: String

        public init(kind: String, text: String) {
            self.kind = kind
            self.text = text
        }
    }

    /// A headed group of numbered steps.
    public struct Section: Sendable, Hashable {
        public var title: String
        public var intro: String?
        public var steps: [Step]
        /// In an ``OAuthClientSupplier/either`` variant: shown only when the person (`.person`) or
        /// the app (`.app`) supplies the client; `nil`: always.
        public var client: OAuthClientSupplier?

        public init(title: String, intro: String? = nil, steps: [Step], client: OAuthClientSupplier? = nil) {
            self.client = client
            self.title = title
            self.intro = intro
            self.steps = steps
        }
    }

    /// One step; `list` holds its bullet points.
    public struct Step: Sendable, Hashable {
        public var title: String
        public var text: String
        public var list: [String]
        /// As ``Section/client``.
        public var client: OAuthClientSupplier?

        public init(title: String, text: String, list: [String] = [], client: OAuthClientSupplier? = nil) {
            self.client = client
            self.title = title
            self.text = text
            self.list = list
        }
    }

    /// A scope the app must have, with the spec's description when it has one.
    public struct Scope: Sendable, Hashable {
        /// The provider's name of the scope.
        public var name: String
        public var description: String?

        public init(name: String, description: String? = nil) {
            self.name = name
            self.description = description
        }
    }

    /// The connector's requirements (the same for each of its variants).
    public var requirements: [Requirement]
    public var warnings: [String]
    public var sections: [Section]
    /// The scopes requested by default, in the spec's order: the ones to enable at the provider.
    public var scopes: [Scope]

    public init(requirements: [Requirement] = [], warnings: [String] = [], sections: [Section] = [], scopes: [Scope] = []) {
        self.requirements = requirements
        self.warnings = warnings
        self.sections = sections
        self.scopes = scopes
    }

    /// The guide as the person sees it when `client` (`.person` or `.app`) supplies the OAuth
    /// client: sections and steps for the other one left out, empty sections dropped.
    public func shown(client: OAuthClientSupplier) -> ConnectionGuide {
        var guide = self
        guide.sections = sections.compactMap { section in
            guard section.client == nil || section.client == client else { return nil }
            var kept = section
            kept.steps = section.steps.filter { $0.client == nil || $0.client == client }
            return kept.steps.isEmpty ? nil : kept
        }
        return guide
    }
}

/// Reads typed field values from text values by key; generated descriptors call these in
/// `configure`. An absent or empty value takes `default`; without one, a required value fails
/// with ``ConnectorError/invalidField(key:reason:)``. Reasons never contain the value.
public enum FieldValues {
    /// A text value (text, URL, host name, email fields).
    public static func text(_ values: [String: String], _ key: String, default fallback: String?) throws(ConnectorError) -> String {
        if let value = present(values, key) { return value }
        if let fallback { return fallback }
        throw .invalidField(key: key, reason: "is required")
    }

    /// A text value, or `nil` when absent or empty.
    public static func optionalText(_ values: [String: String], _ key: String) -> String? {
        present(values, key)
    }

    /// A secret value.
    public static func secret(_ values: [String: String], _ key: String, default fallback: Secret?) throws(ConnectorError) -> Secret {
        if let value = present(values, key) { return Secret(value) }
        if let fallback { return fallback }
        throw .invalidField(key: key, reason: "is required")
    }

    /// A secret value, or `nil` when absent or empty.
    public static func optionalSecret(_ values: [String: String], _ key: String) -> Secret? {
        present(values, key).map(Secret.init)
    }

    /// A whole number.
    public static func integer(_ values: [String: String], _ key: String, default fallback: Int?) throws(ConnectorError) -> Int {
        if let number = try optionalInteger(values, key) { return number }
        if let fallback { return fallback }
        throw .invalidField(key: key, reason: "is required")
    }

    /// A whole number, or `nil` when absent or empty.
    public static func optionalInteger(_ values: [String: String], _ key: String) throws(ConnectorError) -> Int? {
        guard let value = present(values, key) else { return nil }
        guard let number = Int(value) else { throw .invalidField(key: key, reason: "is not a whole number") }
        return number
    }

    /// `true` or `false` (`on`, as an HTML checkbox posts it, is `true`).
    public static func boolean(_ values: [String: String], _ key: String, default fallback: Bool?) throws(ConnectorError) -> Bool {
        if let flag = try optionalBoolean(values, key) { return flag }
        if let fallback { return fallback }
        throw .invalidField(key: key, reason: "is required")
    }

    /// `true` or `false`, or `nil` when absent or empty.
    public static func optionalBoolean(_ values: [String: String], _ key: String) throws(ConnectorError) -> Bool? {
        guard let value = present(values, key) else { return nil }
        switch value {
        case "true", "on", "1": return true
        case "false", "off", "0": return false
        default: throw .invalidField(key: key, reason: "is not true or false")
        }
    }

    /// One of a select field's options.
    public static func option<Option: RawRepresentable & CaseIterable>(
        _ values: [String: String], _ key: String, default fallback: Option?
    ) throws(ConnectorError) -> Option where Option.RawValue == String {
        if let option: Option = try optionalOption(values, key) { return option }
        if let fallback { return fallback }
        throw .invalidField(key: key, reason: "is required")
    }

    /// One of a select field's options, or `nil` when absent or empty.
    public static func optionalOption<Option: RawRepresentable & CaseIterable>(
        _ values: [String: String], _ key: String
    ) throws(ConnectorError) -> Option? where Option.RawValue == String {
        guard let value = present(values, key) else { return nil }
        guard let option = Option(rawValue: value) else {
            let choices = Option.allCases.map(\.rawValue).joined(separator: ", ")
            throw .invalidField(key: key, reason: "is not one of the options (" + choices + ")")
        }
        return option
    }

    private static func present(_ values: [String: String], _ key: String) -> String? {
        guard let value = values[key], !value.isEmpty else { return nil }
        return value
    }
}
