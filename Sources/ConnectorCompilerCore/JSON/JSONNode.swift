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
    /// Built on demand from the parent's path (shared by all siblings) and this value's own
    /// token, so a long key above many values is stored once, not once per value (which would
    /// make reading quadratic in memory), and leaves allocate nothing for their pointer.
    public var pointer: JSONPointer {
        get {
            guard let parentPath else { return token }
            return parentPath.rendered + "/" + token
        }
        set {
            parentPath = nil
            token = newValue
        }
    }

    /// The path of the enclosing object or array (`nil` for the root, or after `pointer` is set).
    var parentPath: JSONPointerPath?
    /// The escaped reference token under `parentPath`, or the whole pointer when there is no parent.
    var token: String

    /// Creates a node.
    public init(value: Value, position: SourcePosition, pointer: JSONPointer) {
        self.value = value
        self.position = position
        self.parentPath = nil
        self.token = pointer
    }

    init(value: Value, position: SourcePosition, parent: JSONPointerPath?, token: String) {
        self.value = value
        self.position = position
        self.parentPath = parent
        self.token = token
    }

    /// This node's path, for its children.
    var path: JSONPointerPath {
        JSONPointerPath(parent: parentPath, token: token)
    }

    /// Nodes are equal when their values, positions and pointers are.
    public static func == (lhs: JSONNode, rhs: JSONNode) -> Bool {
        lhs.value == rhs.value && lhs.position == rhs.position && lhs.pointer == rhs.pointer
    }

    /// Hashes the value, position and pointer.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(value)
        hasher.combine(position)
        hasher.combine(pointer)
    }

    /// The value of the member named `key` when this is an object that has one, else `nil`.
    public subscript(key: String) -> JSONNode? {
        guard case .object(let members) = value else { return nil }
        // Keys compare by Unicode scalars, as the reader does, not by canonical equivalence.
        // Equal scalars are equal UTF-8 bytes, so the byte count rules out most keys at once.
        let count = key.utf8.count
        return members.first { $0.key.utf8.count == count && $0.key.utf8.elementsEqual(key.utf8) }?.value
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
