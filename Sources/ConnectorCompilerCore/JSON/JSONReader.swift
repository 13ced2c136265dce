/// A strict RFC 8259 JSON reader that keeps the position and JSON pointer of every value.
///
/// It accepts exactly the RFC 8259 grammar (no comments, trailing commas, single quotes, NaN,
/// leading zeros or `+`), requires valid UTF-8 without a byte order mark, and rejects duplicate
/// keys and lone `\u` surrogates. The first problem stops reading and is thrown as a
/// ``JSONReadError`` with a stable rule id and the exact position. Reading is linear in the input
/// size; recursion is bounded by ``JSONReaderLimits/maxDepth``.
///
/// ```swift
/// do {
///     let root = try JSONReader.read(Array(data))
///     print(root["id"]?.stringValue ?? "no id")
/// } catch {
///     print("\(error.position.line):\(error.position.column): \(error.message)")
/// }
/// ```
public enum JSONReader {
    /// Reads one JSON value (with optional surrounding whitespace) from UTF-8 bytes.
    public static func read(_ bytes: [UInt8], limits: JSONReaderLimits = JSONReaderLimits()) throws(JSONReadError)
        -> JSONNode
    {
        guard bytes.count <= limits.maxBytes else {
            throw JSONReadError(
                rule: "json-too-large",
                message: "input is \(bytes.count) bytes, more than the limit of \(limits.maxBytes) bytes; make the file smaller",
                position: SourcePosition(line: 1, column: 1, offset: 0))
        }
        var parser = JSONParser(bytes: bytes, maxDepth: min(limits.maxDepth, JSONReaderLimits.depthCeiling))
        return try parser.parseDocument()
    }
}

// ASCII bytes the grammar mentions.
private enum Byte {
    static let quote = UInt8(ascii: "\"")
    static let backslash = UInt8(ascii: "\\")
    static let slash = UInt8(ascii: "/")
    static let star = UInt8(ascii: "*")
    static let openBrace = UInt8(ascii: "{")
    static let closeBrace = UInt8(ascii: "}")
    static let openBracket = UInt8(ascii: "[")
    static let closeBracket = UInt8(ascii: "]")
    static let comma = UInt8(ascii: ",")
    static let colon = UInt8(ascii: ":")
    static let minus = UInt8(ascii: "-")
    static let plus = UInt8(ascii: "+")
    static let dot = UInt8(ascii: ".")
    static let zero = UInt8(ascii: "0")
    static let nine = UInt8(ascii: "9")
    static let apostrophe = UInt8(ascii: "'")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    static let lowerE = UInt8(ascii: "e")
    static let upperE = UInt8(ascii: "E")
    static let lowerU = UInt8(ascii: "u")

    static func isDigit(_ byte: UInt8) -> Bool { byte >= zero && byte <= nine }
    static func isWordByte(_ byte: UInt8) -> Bool {
        isLetter(byte) || isDigit(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "$")
    }
    static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") }
}

/// The open container a value sits in, for "unterminated object/array" messages.
private struct OpenContainer {
    var isObject: Bool
    var offset: Int
}

/// Recursive-descent parser over the bytes. Positions are computed on demand by a cursor that
/// only moves forward in the common case, so line and column tracking stays linear overall.
private struct JSONParser {
    let bytes: [UInt8]
    let maxDepth: Int
    var index = 0
    // Position cursor: `cursorLine`/`cursorColumn` describe byte offset `cursorOffset`.
    var cursorOffset = 0
    var cursorLine = 1
    var cursorColumn = 1
    var scratch: [UInt8] = []

    init(bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    // MARK: Positions and errors

    mutating func position(at offset: Int) -> SourcePosition {
        if offset < cursorOffset {
            cursorOffset = 0
            cursorLine = 1
            cursorColumn = 1
        }
        guard cursorOffset < offset else {
            return SourcePosition(line: cursorLine, column: cursorColumn, offset: offset)
        }
        var line = cursorLine
        var column = cursorColumn
        bytes.withUnsafeBufferPointer { buffer in
            // An index loop, not a slice: debug builds (the build plugin's) iterate slices slowly.
            var index = cursorOffset
            while index < offset {
                let byte = buffer[index]
                if byte == Byte.newline {
                    line += 1
                    column = 1
                } else if byte & 0xC0 != 0x80 {
                    column += 1
                }
                index += 1
            }
        }
        cursorOffset = offset
        cursorLine = line
        cursorColumn = column
        return SourcePosition(line: cursorLine, column: cursorColumn, offset: offset)
    }

    mutating func error(_ rule: String, _ message: String, at offset: Int) -> JSONReadError {
        JSONReadError(rule: rule, message: message, position: position(at: offset))
    }

    /// Describes the character at `offset` for a message: `'x'`, `U+0009`, `'“' (U+201C)` or
    /// `end of input`. Assumes any non-ASCII sequence there is valid UTF-8.
    func describe(at offset: Int) -> String {
        guard offset < bytes.count else { return "end of input" }
        let byte = bytes[offset]
        if byte < 0x20 || byte == 0x7F { return "control character \(Self.hex(UInt32(byte)))" }
        if byte < 0x80 { return "'\(Character(Unicode.Scalar(byte)))'" }
        let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
        let end = min(offset + length, bytes.count)
        let text = String(decoding: bytes[offset..<end], as: UTF8.self)
        let scalar = text.unicodeScalars.first.map { Self.hex($0.value) } ?? ""
        return "'\(text)' (\(scalar))"
    }

    static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    static func hexByte(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return "0x" + (digits.count < 2 ? "0" : "") + digits
    }

    /// The error for a character that cannot appear here: invalid UTF-8 wins over a syntax message.
    mutating func unexpected(_ rule: String, _ expectation: String, at offset: Int) -> JSONReadError {
        if offset < bytes.count, bytes[offset] >= 0x80 {
            if let utf8Error = utf8Error(at: offset) { return utf8Error }
        }
        return error(rule, "\(expectation), found \(describe(at: offset))", at: offset)
    }

    mutating func endOfInput(in container: OpenContainer?) -> JSONReadError {
        guard let container else {
            return error("json-empty", "expected a JSON value, found end of input", at: bytes.count)
        }
        let opened = position(at: container.offset)
        if container.isObject {
            return error(
                "json-unterminated-object",
                "unterminated object (opened at \(opened)); add the missing '}'", at: bytes.count)
        }
        return error(
            "json-unterminated-array", "unterminated array (opened at \(opened)); add the missing ']'",
            at: bytes.count)
    }

    // MARK: UTF-8

    /// Length of the valid UTF-8 sequence at `offset` (whose first byte is >= 0x80), or `nil`.
    func utf8Length(at offset: Int) -> Int? {
        let lead = bytes[offset]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xED: length = 3; high = 0x9F
        case 0xE1...0xEF: length = 3
        case 0xF0: length = 4; low = 0x90
        case 0xF4: length = 4; high = 0x8F
        case 0xF1...0xF3: length = 4
        default: return nil
        }
        guard offset + length <= bytes.count else { return nil }
        let second = bytes[offset + 1]
        guard second >= low && second <= high else { return nil }
        var next = offset + 2
        while next < offset + length {
            guard bytes[next] & 0xC0 == 0x80 else { return nil }
            next += 1
        }
        return length
    }

    /// The `json-invalid-utf8` error for the sequence at `offset`, or `nil` when it is valid.
    mutating func utf8Error(at offset: Int) -> JSONReadError? {
        utf8Length(at: offset) == nil ? invalidUTF8(at: offset) : nil
    }

    /// The `json-invalid-utf8` error for the invalid sequence at `offset`.
    mutating func invalidUTF8(at offset: Int) -> JSONReadError {
        let lead = bytes[offset]
        let second: UInt8? = offset + 1 < bytes.count ? bytes[offset + 1] : nil
        let why: String
        switch lead {
        case 0x80...0xBF: why = "a continuation byte without a lead byte"
        case 0xC0, 0xC1: why = "an overlong encoding"
        case 0xF5...0xFF: why = "a byte that never appears in UTF-8"
        case 0xE0 where second.map { $0 >= 0x80 && $0 < 0xA0 } == true,
             0xF0 where second.map { $0 >= 0x80 && $0 < 0x90 } == true:
            why = "an overlong encoding"
        case 0xED where second.map { $0 >= 0xA0 && $0 <= 0xBF } == true:
            why = "an encoded UTF-16 surrogate"
        case 0xF4 where second.map { $0 >= 0x90 && $0 <= 0xBF } == true:
            why = "a code point above U+10FFFF"
        default: why = "an incomplete sequence"
        }
        return error(
            "json-invalid-utf8",
            "invalid UTF-8 at byte \(Self.hexByte(lead)) (\(why)); save the file as UTF-8", at: offset)
    }

    // MARK: Grammar

    mutating func parseDocument() throws(JSONReadError) -> JSONNode {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            throw error("json-bom", "the input starts with a UTF-8 byte order mark; remove the byte order mark", at: 0)
        }
        try skipWhitespace()
        guard index < bytes.count else {
            throw error(
                "json-empty", "the input is empty or only whitespace; write a JSON value such as {}",
                at: bytes.count)
        }
        let root = try parseValue(parent: nil, token: "", depth: 0, in: nil)
        try skipWhitespace()
        if index < bytes.count {
            if bytes[index] >= 0x80, let utf8Error = utf8Error(at: index) { throw utf8Error }
            throw error(
                "json-trailing-content",
                "unexpected \(describe(at: index)) after the end of the JSON value; the input holds exactly one value, remove what follows it",
                at: index)
        }
        return root
    }

    /// Skips RFC 8259 whitespace; reports `//` and `/*` comments.
    mutating func skipWhitespace() throws(JSONReadError) {
        while index < bytes.count {
            let byte = bytes[index]
            if byte == Byte.space || byte == Byte.newline || byte == Byte.carriageReturn || byte == Byte.tab {
                index += 1
            } else if byte == Byte.slash, index + 1 < bytes.count,
                      bytes[index + 1] == Byte.slash || bytes[index + 1] == Byte.star {
                throw error("json-comment", "comments are not allowed in JSON; remove the comment", at: index)
            } else {
                return
            }
        }
    }

    /// Reads the value at `index`, whose pointer is `token` under `parent`.
    mutating func parseValue(parent: JSONPointerPath?, token: String, depth: Int, in container: OpenContainer?)
        throws(JSONReadError)
        -> JSONNode
    {
        guard index < bytes.count else { throw endOfInput(in: container) }
        let start = index
        let byte = bytes[start]
        switch byte {
        case Byte.openBrace:
            return try parseObject(parent: parent, token: token, depth: depth + 1)
        case Byte.openBracket:
            return try parseArray(parent: parent, token: token, depth: depth + 1)
        case Byte.quote:
            let position = position(at: start)
            return JSONNode(value: .string(try parseString()), position: position, parent: parent, token: token)
        case Byte.minus, Byte.zero...Byte.nine:
            let position = position(at: start)
            return JSONNode(value: .number(try parseNumber()), position: position, parent: parent, token: token)
        case Byte.plus:
            throw error(
                "json-leading-plus", "numbers cannot start with '+'; remove the '+'", at: start)
        case Byte.dot:
            throw error(
                "json-invalid-number", "numbers cannot start with '.'; write a 0 before the decimal point",
                at: start)
        case Byte.apostrophe:
            throw error(
                "json-single-quote", "strings use double quotes in JSON; replace the single quotes with '\"'",
                at: start)
        case _ where Byte.isLetter(byte):
            let position = position(at: start)
            return JSONNode(value: try parseWord(), position: position, parent: parent, token: token)
        default:
            throw unexpected(
                "json-unexpected-character",
                "expected a value (an object, array, string, number, true, false or null)", at: start)
        }
    }

    /// Reads `true`, `false` or `null`; any other word is an error.
    mutating func parseWord() throws(JSONReadError) -> JSONNode.Value {
        let start = index
        while index < bytes.count, Byte.isWordByte(bytes[index]) { index += 1 }
        let word = bytes[start..<index]
        if word.elementsEqual("true".utf8) { return .bool(true) }
        if word.elementsEqual("false".utf8) { return .bool(false) }
        if word.elementsEqual("null".utf8) { return .null }
        let text = String(decoding: word.prefix(32), as: UTF8.self) + (word.count > 32 ? "…" : "")
        if word.elementsEqual("NaN".utf8) || word.elementsEqual("Infinity".utf8) {
            throw error(
                "json-non-finite-number",
                "'\(text)' is not a JSON number; JSON has no NaN or Infinity, use a finite number or null",
                at: start)
        }
        throw error(
            "json-invalid-literal",
            "unknown word '\(text)'; JSON values are objects, arrays, strings in double quotes, numbers, true, false and null (lowercase)",
            at: start)
    }

    /// Reads a number and returns its exact lexeme.
    mutating func parseNumber() throws(JSONReadError) -> String {
        let start = index
        if bytes[index] == Byte.minus {
            index += 1
            if index < bytes.count, Byte.isLetter(bytes[index]) {
                let wordStart = index
                while index < bytes.count, Byte.isWordByte(bytes[index]) { index += 1 }
                if bytes[wordStart..<index].elementsEqual("Infinity".utf8) {
                    throw error(
                        "json-non-finite-number",
                        "'-Infinity' is not a JSON number; JSON has no NaN or Infinity, use a finite number or null",
                        at: start)
                }
                index = wordStart
            }
        }
        guard index < bytes.count, Byte.isDigit(bytes[index]) else {
            throw unexpected("json-invalid-number", "expected a digit after '-'", at: index)
        }
        if bytes[index] == Byte.zero {
            if index + 1 < bytes.count, Byte.isDigit(bytes[index + 1]) {
                throw error(
                    "json-leading-zero", "numbers cannot have leading zeros; remove the leading 0", at: index)
            }
            index += 1
        } else {
            while index < bytes.count, Byte.isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == Byte.dot {
            index += 1
            guard index < bytes.count, Byte.isDigit(bytes[index]) else {
                throw unexpected("json-invalid-number", "expected a digit after the decimal point", at: index)
            }
            while index < bytes.count, Byte.isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == Byte.lowerE || bytes[index] == Byte.upperE {
            index += 1
            if index < bytes.count, bytes[index] == Byte.plus || bytes[index] == Byte.minus { index += 1 }
            guard index < bytes.count, Byte.isDigit(bytes[index]) else {
                throw unexpected("json-invalid-number", "expected a digit in the exponent", at: index)
            }
            while index < bytes.count, Byte.isDigit(bytes[index]) { index += 1 }
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// Reads a string whose opening quote is at `index`; returns it with escapes decoded.
    mutating func parseString() throws(JSONReadError) -> String {
        let open = index
        index += 1
        var segmentStart = index
        var escaped = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == Byte.quote {
                let text: String
                if escaped {
                    scratch.append(contentsOf: bytes[segmentStart..<index])
                    text = String(decoding: scratch, as: UTF8.self)
                } else {
                    text = String(decoding: bytes[segmentStart..<index], as: UTF8.self)
                }
                index += 1
                return text
            } else if byte == Byte.backslash {
                if !escaped {
                    escaped = true
                    scratch.removeAll(keepingCapacity: true)
                }
                scratch.append(contentsOf: bytes[segmentStart..<index])
                try parseEscape(stringStart: open)
                segmentStart = index
            } else if byte < 0x20 {
                throw controlCharacter(byte, stringStart: open)
            } else if byte < 0x80 {
                index += 1
            } else if let length = utf8Length(at: index) {
                index += length
            } else {
                throw invalidUTF8(at: index)
            }
        }
        let opened = position(at: open)
        throw error(
            "json-unterminated-string",
            "unterminated string (started at \(opened)); add the closing '\"'", at: bytes.count)
    }

    mutating func controlCharacter(_ byte: UInt8, stringStart: Int) -> JSONReadError {
        let escapes: [UInt8: String] = [0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r"]
        let escape = escapes[byte] ?? "\\u00" + Self.hexByte(byte).dropFirst(2)
        if byte == Byte.newline {
            let opened = position(at: stringStart)
            return error(
                "json-control-character",
                "line break inside the string that starts at \(opened); close the string with '\"' before the line ends, or write the line break as \(escape)",
                at: index)
        }
        return error(
            "json-control-character",
            "control character \(Self.hex(UInt32(byte))) inside a string; write it as the escape \(escape)",
            at: index)
    }

    /// Decodes the escape at `index` (a backslash) into `scratch`.
    mutating func parseEscape(stringStart: Int) throws(JSONReadError) {
        let backslash = index
        guard index + 1 < bytes.count else {
            let opened = position(at: stringStart)
            throw error(
                "json-unterminated-string",
                "unterminated string (started at \(opened)); add the closing '\"'", at: bytes.count)
        }
        let code = bytes[index + 1]
        index += 2
        let simple: UInt8? =
            switch code {
            case Byte.quote, Byte.backslash, Byte.slash: code
            case UInt8(ascii: "b"): 0x08
            case UInt8(ascii: "f"): 0x0C
            case UInt8(ascii: "n"): 0x0A
            case UInt8(ascii: "r"): 0x0D
            case UInt8(ascii: "t"): 0x09
            default: nil
            }
        if let simple {
            scratch.append(simple)
            return
        }
        guard code == Byte.lowerU else {
            let shown = code >= 0x20 && code < 0x7F ? "'\\\(Character(Unicode.Scalar(code)))'" : "after '\\'"
            throw error(
                "json-invalid-escape",
                "invalid escape \(shown); valid escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\u followed by four hex digits",
                at: backslash)
        }
        let unit = try readHex4(escapeStart: backslash, stringStart: stringStart)
        var scalarValue = UInt32(unit)
        if unit >= 0xDC00 && unit <= 0xDFFF {
            throw error(
                "json-lone-surrogate",
                "\\u\(Self.hex(UInt32(unit)).dropFirst(2)) is a low surrogate without a high surrogate before it; write the character's full surrogate pair or the character itself",
                at: backslash)
        }
        if unit >= 0xD800 && unit <= 0xDBFF {
            let lowStart = index
            var low: UInt16?
            if index + 1 < bytes.count, bytes[index] == Byte.backslash, bytes[index + 1] == Byte.lowerU {
                index += 2
                let candidate = try readHex4(escapeStart: lowStart, stringStart: stringStart)
                if candidate >= 0xDC00 && candidate <= 0xDFFF { low = candidate }
            }
            guard let low else {
                throw error(
                    "json-lone-surrogate",
                    "\\u\(Self.hex(UInt32(unit)).dropFirst(2)) is a high surrogate without a low surrogate \\uDC00–\\uDFFF right after it; write the character's full surrogate pair or the character itself",
                    at: backslash)
            }
            scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
        }
        // Non-surrogate values below 0x110000 are always valid scalars.
        scratch.append(contentsOf: String(Character(Unicode.Scalar(scalarValue)!)).utf8)
    }

    /// Reads the four hex digits after `\u` (index is just past the `u`).
    mutating func readHex4(escapeStart: Int, stringStart: Int) throws(JSONReadError) -> UInt16 {
        var value: UInt16 = 0
        for _ in 0..<4 {
            guard index < bytes.count else {
                let opened = position(at: stringStart)
                throw error(
                    "json-unterminated-string",
                    "unterminated string (started at \(opened)); add the closing '\"'", at: bytes.count)
            }
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case Byte.zero...Byte.nine: digit = byte - Byte.zero
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default:
                throw error(
                    "json-invalid-escape", "invalid escape: \\u must be followed by four hex digits (0-9, A-F)",
                    at: escapeStart)
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }

    mutating func parseObject(parent: JSONPointerPath?, token: String, depth: Int) throws(JSONReadError) -> JSONNode {
        let open = index
        let position = position(at: open)
        if depth > maxDepth {
            throw error(
                "json-too-deep",
                "objects and arrays are nested more than \(maxDepth) levels deep; flatten the structure", at: open)
        }
        let container = OpenContainer(isObject: true, offset: open)
        index += 1
        var members: [JSONMember] = []
        let path = JSONPointerPath(parent: parent, token: token)
        // Duplicate keys: a linear scan while the object is small (no hashing or key copies),
        // a dictionary of UTF-8 keys once it has `Self.smallObject` members.
        var seen: [[UInt8]: SourcePosition] = [:]
        try skipWhitespace()
        if index < bytes.count, bytes[index] == Byte.closeBrace {
            index += 1
            return JSONNode(value: .object([]), position: position, parent: parent, token: token)
        }
        while true {
            guard index < bytes.count else { throw endOfInput(in: container) }
            let keyStart = index
            let byte = bytes[keyStart]
            if byte != Byte.quote {
                if byte == Byte.apostrophe {
                    throw error(
                        "json-single-quote",
                        "object keys use double quotes in JSON; replace the single quotes with '\"'", at: keyStart)
                }
                if Byte.isLetter(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "$") {
                    throw error(
                        "json-unquoted-key", "object keys must be strings in double quotes; put the key in '\"'",
                        at: keyStart)
                }
                throw unexpected("json-unexpected-character", "expected a key in double quotes", at: keyStart)
            }
            let keyPosition = self.position(at: keyStart)
            let key = try parseString()
            if let first = Self.firstPosition(of: key, in: members, seen: &seen, adding: keyPosition) {
                throw error(
                    "json-duplicate-key",
                    "duplicate key '\(key)' (first defined at \(first)); remove one of them", at: keyStart)
            }
            try skipWhitespace()
            guard index < bytes.count else { throw endOfInput(in: container) }
            guard bytes[index] == Byte.colon else {
                throw unexpected("json-unexpected-character", "expected ':' after the key '\(key)'", at: index)
            }
            index += 1
            try skipWhitespace()
            let value = try parseValue(parent: path, token: Self.escapedPointerToken(key), depth: depth, in: container)
            members.append(JSONMember(key: key, keyPosition: keyPosition, value: value))
            try skipWhitespace()
            guard index < bytes.count else { throw endOfInput(in: container) }
            let next = bytes[index]
            if next == Byte.closeBrace {
                index += 1
                return JSONNode(value: .object(members), position: position, parent: parent, token: token)
            }
            if next == Byte.comma {
                let comma = index
                index += 1
                try skipWhitespace()
                if index < bytes.count, bytes[index] == Byte.closeBrace {
                    throw error("json-trailing-comma", "trailing comma before '}'; remove the comma", at: comma)
                }
                continue
            }
            if next == Byte.quote {
                throw error(
                    "json-missing-comma", "missing ',' between members; add a ',' after the value of '\(key)'",
                    at: index)
            }
            throw unexpected("json-unexpected-character", "expected ',' or '}' after the value of '\(key)'", at: index)
        }
    }

    mutating func parseArray(parent: JSONPointerPath?, token: String, depth: Int) throws(JSONReadError) -> JSONNode {
        let open = index
        let position = position(at: open)
        if depth > maxDepth {
            throw error(
                "json-too-deep",
                "objects and arrays are nested more than \(maxDepth) levels deep; flatten the structure", at: open)
        }
        let container = OpenContainer(isObject: false, offset: open)
        index += 1
        var elements: [JSONNode] = []
        let path = JSONPointerPath(parent: parent, token: token)
        try skipWhitespace()
        if index < bytes.count, bytes[index] == Byte.closeBracket {
            index += 1
            return JSONNode(value: .array([]), position: position, parent: parent, token: token)
        }
        while true {
            let element = try parseValue(parent: path, token: String(elements.count), depth: depth, in: container)
            elements.append(element)
            try skipWhitespace()
            guard index < bytes.count else { throw endOfInput(in: container) }
            let next = bytes[index]
            if next == Byte.closeBracket {
                index += 1
                return JSONNode(value: .array(elements), position: position, parent: parent, token: token)
            }
            if next == Byte.comma {
                let comma = index
                index += 1
                try skipWhitespace()
                if index < bytes.count, bytes[index] == Byte.closeBracket {
                    throw error("json-trailing-comma", "trailing comma before ']'; remove the comma", at: comma)
                }
                continue
            }
            let byte = next
            if byte == Byte.quote || byte == Byte.openBrace || byte == Byte.openBracket || byte == Byte.minus
                || Byte.isDigit(byte) || Byte.isLetter(byte)
            {
                throw error(
                    "json-missing-comma", "missing ',' between array elements; add a ',' after element \(elements.count - 1)",
                    at: index)
            }
            throw unexpected("json-unexpected-character", "expected ',' or ']' after an array element", at: index)
        }
    }

    /// Objects up to this many members find duplicate keys by a linear scan.
    static let smallObject = 16

    /// The key position of the member named `key` (compared by UTF-8 bytes) when there is one;
    /// otherwise records `key` at `position` in `seen` (used once the object is large) and
    /// returns `nil`.
    static func firstPosition(
        of key: String, in members: [JSONMember], seen: inout [[UInt8]: SourcePosition], adding position: SourcePosition
    ) -> SourcePosition? {
        if members.count < smallObject {
            let count = key.utf8.count
            for member in members where member.key.utf8.count == count && member.key.utf8.elementsEqual(key.utf8) {
                return member.keyPosition
            }
            return nil
        }
        if seen.isEmpty {
            for member in members { seen[Array(member.key.utf8)] = member.keyPosition }
        }
        let bytes = Array(key.utf8)
        if let first = seen[bytes] { return first }
        seen[bytes] = position
        return nil
    }

    /// Escapes one reference token for a JSON pointer (RFC 6901): `~` becomes `~0`, `/` becomes `~1`.
    static func escapedPointerToken(_ token: String) -> String {
        guard token.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else { return token }
        var escaped = ""
        for scalar in token.unicodeScalars {
            switch scalar {
            case "~": escaped += "~0"
            case "/": escaped += "~1"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
