// The one table of Swift names the generator gives spec names (variant ids, field keys, select
// options, scopes), shared by the generator and the validator: `validate` reports exactly the
// renames `swift build` would make, at the spec value that causes them.

/// Swift names of one connector's spec names, in the generator's order of first use.
///
/// ```swift
/// SwiftNamePlan.variantTypeNames(["oauth", "fields"], connectorType: "Acme")  // ["Oauth", "Fields2"]
/// ```
enum SwiftNamePlan {
    /// Type names nested in a connector's namespace that no variant may take (besides the
    /// module-level reserved names of `OutputNaming.reservedTypeNames` and the namespace itself).
    static let memberTypeNames: [String] = ["Fields", "Scope"]

    /// Property names of a `Fields` struct that no field may take.
    static let reservedFieldNames: [String] = ["fields"]

    /// The variant enum names of `ids`, in order.
    static func variantTypeNames(_ ids: [String], connectorType: String) -> [String] {
        var names = IdentifierMaker(reserved: OutputNaming.reservedTypeNames + [connectorType] + memberTypeNames)
        return ids.map { names.make($0, style: .upperCamel) }
    }

    /// The `Fields` property names of `keys` (connector-level keys first, then the variant's).
    static func fieldNames(_ keys: [String]) -> [String] {
        var names = IdentifierMaker(reserved: reservedFieldNames)
        return keys.map { names.make($0, style: .lowerCamel) }
    }

    /// The enum names of select fields with `keys`, nested in `Fields`.
    static func selectTypeNames(_ keys: [String], connectorType: String, variantType: String) -> [String] {
        var names = IdentifierMaker(
            reserved: OutputNaming.reservedTypeNames + [connectorType, variantType] + memberTypeNames)
        return keys.map { names.make($0, style: .upperCamel) }
    }

    /// Case names of a `Scope` enum or of a select field's options.
    static func caseNames(_ rawValues: [String]) -> [String] {
        var names = IdentifierMaker()
        return rawValues.map { names.make($0, style: .lowerCamel) }
    }

    /// The name `raw` gets when nothing is reserved or taken: what an author expects.
    static func naturalName(_ raw: String, style: IdentifierMaker.Style) -> String {
        IdentifierMaker.camelCase(raw, style: style)
    }

    /// `name` without keyword backticks (backticks are not a rename: the name is written the same).
    static func unquoted(_ name: String) -> String {
        name.hasPrefix("`") ? String(name.dropFirst().dropLast()) : name
    }
}
