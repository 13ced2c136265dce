// Shared state of one connector's translation: the display path for doc comments and the
// resolved Swift names of a variant's fields.

/// Generation failed for a reason the validator does not catch (or a model built by hand).
public struct GenerationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, in one sentence.
    public var message: String
    /// JSON pointer of the offending value.
    public var pointer: JSONPointer

    public init(message: String, pointer: JSONPointer) {
        self.message = message
        self.pointer = pointer
    }

    public var description: String { "\(message) (at \(pointer.isEmpty ? "/" : pointer))" }
}

/// Options of the code generator.
public struct GenerationOptions: Sendable, Hashable {
    /// The spec path written into the header and every `- Remark:` line, e.g. `Connectors/zelt.json`.
    public var specPath: String
    /// Adds `specStrings`, every string of the spec as compiled, for round-trip tests.
    public var includeStringTable: Bool

    public init(specPath: String, includeStringTable: Bool = false) {
        self.specPath = specPath
        self.includeStringTable = includeStringTable
    }
}

/// A field as it appears in a variant's generated `Fields` struct.
struct ResolvedField: Sendable, Hashable {
    var field: Field
    /// The property name (backticked when a keyword).
    var name: String
    /// The nested enum of a `select` field.
    var selectEnum: SelectEnum?
    /// `true` when the property is Optional (not required and no default).
    var isOptional: Bool

    struct SelectEnum: Sendable, Hashable {
        var typeName: String
        /// Case names in option order.
        var caseNames: [String]
    }

    /// The Swift type without Optional.
    var baseType: String {
        switch field.type {
        case .text, .url, .hostname, .email: SwiftNames.string
        case .secret: SwiftNames.secret
        case .number: "Swift.Int"
        case .boolean: "Swift.Bool"
        case .select: selectEnum?.typeName ?? SwiftNames.string
        }
    }

    var propertyType: String { isOptional ? baseType + "?" : baseType }

    /// `fields.name`.
    var access: String { "fields." + name }
}

/// Spellings used throughout generated code.
enum SwiftNames {
    static let string = "Swift.String"
    static let secret = "ConnectorRuntime.Secret"
    static let url = "Foundation.URL"
    static let error = "ConnectorRuntime.ConnectorError"
    static let throwsClause = "throws(ConnectorRuntime.ConnectorError)"
}

/// Doc comments pointing back into the spec.
struct DocMaker: Sendable {
    var specPath: String

    /// Paragraphs of spec or fixed text (each sanitised), then the `- Remark:` line.
    func doc(_ paragraphs: [String], pointer: JSONPointer?) -> SwiftDocComment {
        var lines: [String] = []
        for paragraph in paragraphs where !paragraph.isEmpty {
            if !lines.isEmpty { lines.append("") }
            lines += DocCommentText.lines(paragraph)
        }
        if let pointer {
            if !lines.isEmpty { lines.append("") }
            let location = pointer.isEmpty ? specPath : specPath + "#" + pointer
            lines += DocCommentText.lines("- Remark: Generated from `" + location + "`")
        }
        return SwiftDocComment(lines: lines)
    }
}
