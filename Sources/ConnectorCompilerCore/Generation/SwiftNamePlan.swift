// The one table of Swift names the generator gives spec names (variant ids, field keys, select
// options, scopes, record fields, operation inputs), shared by the generator and the validator: `validate` reports exactly the
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

    /// Property names of a record struct that no record field may take (`raw`, the whole record).
    static let reservedRecordPropertyNames: [String] = ["raw"]

    /// The property names of a record's fields, in declaration order (duplicate field names are
    /// an error of their own and do not reach the generator).
    static func recordPropertyNames(_ fieldNames: [String]) -> [String] {
        var names = IdentifierMaker(reserved: reservedRecordPropertyNames)
        return fieldNames.map { names.make($0, style: .lowerCamel) }
    }

    /// The names of the value enums of a record's `enum` fields, nested in the record struct
    /// `record`, in declaration order.
    static func recordEnumTypeNames(_ enumFieldNames: [String], record: String) -> [String] {
        var names = IdentifierMaker(reserved: OutputNaming.reservedTypeNames + [record])
        return enumFieldNames.map { names.make($0, style: .upperCamel) }
    }

    /// Parameter names of a generated `list` (and `pages`) that no operation input may take.
    static let reservedInputNames: [String] = ["options", "connection"]

    /// The Swift parameter names of a `list` operation's inputs, in declaration order.
    static func inputParameterNames(_ inputNames: [String]) -> [String] {
        var names = IdentifierMaker(reserved: reservedInputNames)
        return inputNames.map { names.make($0, style: .lowerCamel) }
    }

    /// The names of the value enums of a `list` operation's `enum` inputs, nested in the
    /// resource's accessor struct, in declaration order.
    static func inputEnumTypeNames(_ enumInputNames: [String]) -> [String] {
        var names = IdentifierMaker(reserved: OutputNaming.reservedTypeNames)
        return enumInputNames.map { names.make($0, style: .upperCamel) }
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
