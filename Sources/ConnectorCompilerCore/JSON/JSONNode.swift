/// One member of a JSON object: its key, where the key starts, and its value.
public struct JSONMember: Sendable, Hashable {
    /// The key, with escapes decoded.
    public var key: String
    /// Position of the key's opening quote.
    public var keyPosition: SourcePosition
    /// The member's value (its pointer ends with the escaped key).
    public var value: JSONNode

    /// Creates a member.
    public init(key: String, keyPosition: SourcePosition, value: JSONNode) {
        self.key = key
        self.keyPosition = keyPosition
        self.value = value
    }
}

/// A JSON value read by ``JSONReader``, with the position of its first character and its
/// RFC 6901 pointer.
///
/// ```swift
/// let root = try JSONReader.read(Array(#"{"id": "zelt"}"#.utf8))
/// root["id"]?.stringValue      // "zelt"
/// root["id"]?.pointer          // "/id"
/// root["id"]?.position.column  // 8
/// ```
public struct JSONNode: Sendable, Hashable {
    /// The value itself.
    public enum Value: Sendable, Hashable {
        /// An object; members in file order (keys are unique, the reader rejects duplicates).
        case object([JSONMember])
        /// An array of values.
        case array([JSONNode])
        /// A string, escapes decoded.
        case string(String)
        /// A number, as the exact lexeme from the file (e.g. `-0`, `1E+2`), so no precision is lost.
        case number(String)
        /// `true` or `false`.
        case bool(Bool)
        /// `null`.
        case null
    }

    /// The value itself.
    public var value: Value
    /// Position of the value's first character (`{`, `[`, `"`, `-`, a digit or a letter).
    public var position: SourcePosition
    /// RFC 6901 pointer to this value, segments escaped (`~` as `~0`, `/` as `~1`); the root is `""`.
    ///
    /// Built on demand from a path shared with the parent node, so a long key above many values
    /// is stored once, not once per value (which would make reading quadratic in memory).
    public var pointer: JSONPointer {
        get { path.rendered }
        set { path = JSONPointerPath(parent: nil, token: newValue) }
    }

    /// The pointer as a chain of escaped tokens shared with the ancestors.
    var path: JSONPointerPath

    /// Creates a node.
    public init(value: Value, position: SourcePosition, pointer: JSONPointer) {
        self.value = value
        self.position = position
        self.path = JSONPointerPath(parent: nil, token: pointer)
    }

    init(value: Value, position: SourcePosition, path: JSONPointerPath) {
        self.value = value
        self.position = position
        self.path = path
    }

    /// The value of the member named `key` when this is an object that has one, else `nil`.
    public subscript(key: String) -> JSONNode? {
        guard case .object(let members) = value else { return nil }
        // Keys compare by Unicode scalars, as the reader does, not by canonical equivalence.
        return members.first { $0.key.unicodeScalars.elementsEqual(key.unicodeScalars) }?.value
    }

    /// The JSON type name as a person would say it: `object`, `array`, `string`, `number`,
    /// `boolean` or `null`.
    public var kindName: String {
        switch value {
        case .object: "object"
        case .array: "array"
        case .string: "string"
        case .number: "number"
        case .bool: "boolean"
        case .null: "null"
        }
    }

    /// The string when this is a string, else `nil`.
    public var stringValue: String? {
        if case .string(let text) = value { return text }
        return nil
    }

    /// The boolean when this is `true` or `false`, else `nil`.
    public var boolValue: Bool? {
        if case .bool(let flag) = value { return flag }
        return nil
    }

    /// The integer when this is a number written without fraction or exponent that fits in `Int`,
    /// else `nil` (`3` gives 3; `3.0`, `3e0` and `99999999999999999999` give `nil`).
    public var intValue: Int? {
        guard case .number(let lexeme) = value,
              !lexeme.utf8.contains(where: { $0 == UInt8(ascii: ".") || $0 | 0x20 == UInt8(ascii: "e") })
        else { return nil }
        return Int(lexeme)
    }

    /// The elements when this is an array, else `nil`.
    public var arrayValue: [JSONNode]? {
        if case .array(let elements) = value { return elements }
        return nil
    }

    /// The members in file order when this is an object, else `nil`.
    public var members: [JSONMember]? {
        if case .object(let members) = value { return members }
        return nil
    }
}

/// A JSON pointer as a parent link plus one escaped token; the root is a parentless path whose
/// token is the whole pointer (usually `""`). Equality and hashing use the rendered pointer.
final class JSONPointerPath: Sendable, Hashable {
    let parent: JSONPointerPath?
    let token: String

    init(parent: JSONPointerPath?, token: String) {
        self.parent = parent
        self.token = token
    }

    /// The child path for an escaped reference token.
    func appending(_ token: String) -> JSONPointerPath {
        JSONPointerPath(parent: self, token: token)
    }

    var rendered: String {
        guard parent != nil else { return token }
        var tokens: [String] = []
        var node: JSONPointerPath? = self
        while let current = node, let parent = current.parent {
            tokens.append(current.token)
            node = parent
        }
        var text = node?.token ?? ""
        for token in tokens.reversed() {
            text += "/"
            text += token
        }
        return text
    }

    static func == (lhs: JSONPointerPath, rhs: JSONPointerPath) -> Bool {
        lhs === rhs || lhs.rendered == rhs.rendered
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(rendered)
    }
}
