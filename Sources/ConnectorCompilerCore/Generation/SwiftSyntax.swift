// A deliberately small Swift syntax model: just the declarations the connector generator emits.
// The translator builds it from a ConnectorSpec; the renderer turns it into text. Doc comment
// lines and expressions are already-safe text (see SwiftText.swift).

/// A whole generated file.
public struct SwiftFile: Sendable, Hashable {
    /// `//` comment lines at the top (without `// `).
    public var headerComments: [String]
    public var imports: [SwiftImport]
    public var declarations: [SwiftDeclaration]

    public init(headerComments: [String], imports: [SwiftImport], declarations: [SwiftDeclaration]) {
        self.headerComments = headerComments
        self.imports = imports
        self.declarations = declarations
    }
}

/// `import M` or `public import M`.
public struct SwiftImport: Sendable, Hashable {
    public var module: String
    public var isPublic: Bool

    public init(module: String, isPublic: Bool) {
        self.module = module
        self.isPublic = isPublic
    }
}

/// A declaration's access level.
public enum SwiftAccess: String, Sendable, Hashable {
    case `public`, `internal`, `private`
}

/// A statement in a function body: one line, or a braced block such as `guard ... else {`.
public indirect enum SwiftStatement: Sendable, Hashable {
    case line(String)
    /// `opening` ends with `{`; the body is indented; `}` closes it.
    case block(opening: String, body: [SwiftStatement])
}

/// The declarations the generator emits.
public indirect enum SwiftDeclaration: Sendable, Hashable {
    /// `enum`/`struct` with conformances and members.
    case type(SwiftTypeDeclaration)
    /// `static var name: Type { value }` (constants), `let name: Type`, `var name: Type`.
    case property(SwiftProperty)
    /// `func` or `init`.
    case function(SwiftFunction)
    /// `case name = "raw"`.
    case enumCase(SwiftEnumCase)
}

/// `/// ...` lines, without the slashes.
public struct SwiftDocComment: Sendable, Hashable {
    public var lines: [String]

    public init(lines: [String]) {
        self.lines = lines
    }
}

public struct SwiftTypeDeclaration: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case `enum`, `struct`
        /// `extension Name { ... }` of a type declared elsewhere (give it `.internal` access).
        case `extension`
    }
    public var doc: SwiftDocComment
    public var access: SwiftAccess
    public var kind: Kind
    public var name: String
    public var inheritance: [String]
    public var members: [SwiftDeclaration]

    public init(
        doc: SwiftDocComment, access: SwiftAccess = .public, kind: Kind, name: String, inheritance: [String] = [],
        members: [SwiftDeclaration]
    ) {
        self.doc = doc
        self.access = access
        self.kind = kind
        self.name = name
        self.inheritance = inheritance
        self.members = members
    }
}

public struct SwiftProperty: Sendable, Hashable {
    public var doc: SwiftDocComment
    public var access: SwiftAccess
    public var isStatic: Bool
    public var isMutable: Bool
    public var name: String
    public var type: String
    /// Lines of the initial value; several lines render one per line, indented after the first.
    public var value: [String]
    /// Renders an instance `let` with a value as a computed `var` (static constants always are).
    public var isComputed: Bool
    /// Statements of a computed property's getter, instead of `value` (a getter that builds its result).
    public var getter: [SwiftStatement]

    public init(
        doc: SwiftDocComment, access: SwiftAccess = .public, isStatic: Bool, isMutable: Bool = false, name: String,
        type: String, value: [String] = [], isComputed: Bool = false, getter: [SwiftStatement] = []
    ) {
        self.doc = doc
        self.access = access
        self.isStatic = isStatic
        self.isMutable = isMutable
        self.name = name
        self.type = type
        self.value = value
        self.isComputed = isComputed
        self.getter = getter
    }
}

public struct SwiftParameter: Sendable, Hashable {
    /// `nil` renders `_`; equal to `name` renders a single name.
    public var label: String?
    public var name: String
    public var type: String
    public var defaultValue: String?

    public init(label: String?, name: String, type: String, defaultValue: String? = nil) {
        self.label = label
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
    }
}

public struct SwiftFunction: Sendable, Hashable {
    public var doc: SwiftDocComment
    public var access: SwiftAccess
    public var isStatic: Bool
    /// `nil` for an initializer.
    public var name: String?
    /// `init?` rather than `init` (only for initializers).
    public var isFailable: Bool = false
    public var parameters: [SwiftParameter]
    /// Typed throws clause, e.g. `throws(ConnectorRuntime.ConnectorError)`, or `nil`.
    public var throwsClause: String?
    public var returnType: String?
    public var body: [SwiftStatement]

    public init(
        doc: SwiftDocComment, access: SwiftAccess = .internal, isStatic: Bool = true, name: String?,
        parameters: [SwiftParameter], throwsClause: String? = nil, returnType: String? = nil,
        body: [SwiftStatement]
    ) {
        self.doc = doc
        self.access = access
        self.isStatic = isStatic
        self.name = name
        self.parameters = parameters
        self.throwsClause = throwsClause
        self.returnType = returnType
        self.body = body
    }
}

public struct SwiftEnumCase: Sendable, Hashable {
    public var doc: SwiftDocComment
    public var name: String
    /// An already-escaped literal, or `nil` for a case without a raw value.
    public var rawValue: String?

    public init(doc: SwiftDocComment, name: String, rawValue: String?) {
        self.doc = doc
        self.name = name
        self.rawValue = rawValue
    }
}

/// Renders the syntax model as text, four spaces per level, one declaration per line group.
public enum SwiftRenderer {
    public static func render(_ file: SwiftFile) -> String {
        var out = ""
        for line in file.headerComments { out += "// " + line + "\n" }
        if !file.imports.isEmpty { out += "\n" }
        for item in file.imports {
            out += (item.isPublic ? "public import " : "import ") + item.module + "\n"
        }
        for declaration in file.declarations {
            out += "\n"
            render(declaration, indent: "", into: &out)
        }
        return out
    }

    public static func render(_ declaration: SwiftDeclaration) -> String {
        var out = ""
        render(declaration, indent: "", into: &out)
        return out
    }

    static func render(_ declaration: SwiftDeclaration, indent: String, into out: inout String) {
        switch declaration {
        case .type(let type): render(type, indent: indent, into: &out)
        case .property(let property): render(property, indent: indent, into: &out)
        case .function(let function): render(function, indent: indent, into: &out)
        case .enumCase(let enumCase):
            renderDoc(enumCase.doc, indent: indent, into: &out)
            out += indent + "case " + enumCase.name + (enumCase.rawValue.map { " = " + $0 } ?? "") + "\n"
        }
    }

    static func renderDoc(_ doc: SwiftDocComment, indent: String, into out: inout String) {
        for line in doc.lines {
            out += indent + (line.isEmpty ? "///" : "/// " + line) + "\n"
        }
    }

    static func render(_ type: SwiftTypeDeclaration, indent: String, into out: inout String) {
        renderDoc(type.doc, indent: indent, into: &out)
        var head = indent + accessPrefix(type.access) + type.kind.rawValue + " " + type.name
        if !type.inheritance.isEmpty { head += ": " + type.inheritance.joined(separator: ", ") }
        out += head + " {\n"
        var previousWasCase = false
        for (index, member) in type.members.enumerated() {
            let isCase: Bool
            if case .enumCase = member { isCase = true } else { isCase = false }
            if index > 0 && !(isCase && previousWasCase) { out += "\n" }
            render(member, indent: indent + "    ", into: &out)
            previousWasCase = isCase
        }
        out += indent + "}\n"
    }

    static func render(_ property: SwiftProperty, indent: String, into out: inout String) {
        renderDoc(property.doc, indent: indent, into: &out)
        var line = indent + accessPrefix(property.access) + (property.isStatic ? "static " : "")
        if !property.getter.isEmpty {
            out += line + "var " + property.name + ": " + property.type + " {\n"
            render(property.getter, indent: indent + "    ", into: &out)
            out += indent + "}\n"
            return
        }
        guard let first = property.value.first else {
            line += (property.isMutable ? "var " : "let ") + property.name + ": " + property.type
            out += line + "\n"
            return
        }
        if (property.isStatic || property.isComputed) && !property.isMutable {
            // Constants are computed properties, not stored `static let`s: the compiler skips
            // their bodies when it emits the module interface, which is the largest part of an
            // incremental rebuild of a catalog with many connectors (measured on 1,000 specs:
            // the emit-module job went from 8.2 s to 5.1 s).
            line += "var " + property.name + ": " + property.type + " {"
            guard property.value.count > 1 else {
                out += line + " " + first + " }\n"
                return
            }
            out += line + "\n" + indent + "    " + first + "\n"
            for (index, more) in property.value.dropFirst().enumerated() {
                let isLast = index == property.value.count - 2
                out += indent + (isLast ? "    " : "        ") + more + "\n"
            }
            out += indent + "}\n"
            return
        }
        line += (property.isMutable ? "var " : "let ") + property.name + ": " + property.type
        out += line + " = " + first + "\n"
        for (index, more) in property.value.dropFirst().enumerated() {
            let isLast = index == property.value.count - 2
            out += indent + (isLast ? "" : "    ") + more + "\n"
        }
    }

    static func render(_ function: SwiftFunction, indent: String, into out: inout String) {
        renderDoc(function.doc, indent: indent, into: &out)
        var head = indent + accessPrefix(function.access) + (function.isStatic ? "static " : "")
        head += function.name.map { "func " + $0 } ?? (function.isFailable ? "init?" : "init")
        let parameters = function.parameters.map(render(_:))
        let singleLine = "(" + parameters.joined(separator: ", ") + ")"
        if parameters.count > 3 {
            head += "(\n"
            for parameter in parameters { head += indent + "    " + parameter + ",\n" }
            head += indent + ")"
        } else {
            head += singleLine
        }
        if let throwsClause = function.throwsClause { head += " " + throwsClause }
        if let returnType = function.returnType { head += " -> " + returnType }
        out += head + " {\n"
        render(function.body, indent: indent + "    ", into: &out)
        out += indent + "}\n"
    }

    static func render(_ parameter: SwiftParameter) -> String {
        var text: String
        switch parameter.label {
        case nil: text = "_ " + parameter.name
        case parameter.name?: text = parameter.name
        case let label?: text = label + " " + parameter.name
        }
        text += ": " + parameter.type
        if let value = parameter.defaultValue { text += " = " + value }
        return text
    }

    static func render(_ statements: [SwiftStatement], indent: String, into out: inout String) {
        for statement in statements {
            switch statement {
            case .line(let text):
                out += indent + text + "\n"
            case .block(let opening, let body):
                out += indent + opening + "\n"
                render(body, indent: indent + "    ", into: &out)
                out += indent + "}\n"
            }
        }
    }

    static func accessPrefix(_ access: SwiftAccess) -> String {
        switch access {
        case .public: "public "
        case .internal: ""
        case .private: "private "
        }
    }
}
