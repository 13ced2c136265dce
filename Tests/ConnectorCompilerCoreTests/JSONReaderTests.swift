import ConnectorCompilerCore
import Testing

private func read(_ text: String, limits: JSONReaderLimits = JSONReaderLimits()) throws(JSONReadError) -> JSONNode {
    try JSONReader.read(Array(text.utf8), limits: limits)
}

/// The error reading `bytes` throws, or `nil` when it parses.
private func readError(_ bytes: [UInt8], limits: JSONReaderLimits = JSONReaderLimits()) -> JSONReadError? {
    do {
        _ = try JSONReader.read(bytes, limits: limits)
        return nil
    } catch {
        return error
    }
}

private func readError(_ text: String, limits: JSONReaderLimits = JSONReaderLimits()) -> JSONReadError? {
    readError(Array(text.utf8), limits: limits)
}

private func expectError(
    _ error: JSONReadError?, rule: String, line: Int, column: Int, message: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    guard let error else {
        Issue.record("expected error \(rule), but the input parsed", sourceLocation: sourceLocation)
        return
    }
    #expect(error.rule == rule, sourceLocation: sourceLocation)
    #expect(error.position.line == line, sourceLocation: sourceLocation)
    #expect(error.position.column == column, sourceLocation: sourceLocation)
    #expect(error.message == message, sourceLocation: sourceLocation)
}

private func position(_ line: Int, _ column: Int, _ offset: Int) -> SourcePosition {
    SourcePosition(line: line, column: column, offset: offset)
}

// MARK: - Valid documents

@Suite struct JSONReaderValidDocumentTests {
    @Test func objectMembersKeepFileOrderPositionsAndPointers() throws {
        let text = """
            {
              "id": "zelt",
              "auth": [
                {"type": "oauth2", "scopes": ["a", "b"]},
                null
              ],
              "enabled": true
            }
            """
        let root = try read(text)
        #expect(root.position == position(1, 1, 0))
        #expect(root.pointer == "")
        #expect(root.kindName == "object")
        let members = try #require(root.members)
        #expect(members.map(\.key) == ["id", "auth", "enabled"])
        #expect(members[0].keyPosition == position(2, 3, 4))
        #expect(members[0].value.position == position(2, 9, 10))
        #expect(members[0].value.pointer == "/id")
        #expect(members[0].value.stringValue == "zelt")

        let auth = try #require(root["auth"]?.arrayValue)
        #expect(auth.count == 2)
        #expect(root["auth"]?.position == position(3, 11, 28))
        #expect(auth[0].pointer == "/auth/0")
        #expect(auth[0].position == position(4, 5, 34))
        #expect(auth[0]["type"]?.pointer == "/auth/0/type")
        #expect(auth[0]["type"]?.position == position(4, 14, 43))
        let scopes = try #require(auth[0]["scopes"]?.arrayValue)
        #expect(scopes.map(\.pointer) == ["/auth/0/scopes/0", "/auth/0/scopes/1"])
        #expect(scopes[1].position == position(4, 40, 69))
        #expect(auth[1].value == .null)
        #expect(auth[1].pointer == "/auth/1")
        #expect(auth[1].position == position(5, 5, 80))
        #expect(root["enabled"]?.boolValue == true)
        #expect(root["enabled"]?.position == position(7, 14, 103))
        #expect(root["missing"] == nil)
    }

    @Test func pointerSegmentsEscapeSlashAndTilde() throws {
        let root = try read(#"{"a/b": {"c~d": [1], "~/": {"": 2}}}"#)
        let inner = try #require(root["a/b"])
        #expect(inner.pointer == "/a~1b")
        #expect(inner["c~d"]?.pointer == "/a~1b/c~0d")
        #expect(inner["c~d"]?.arrayValue?.first?.pointer == "/a~1b/c~0d/0")
        #expect(inner["~/"]?.pointer == "/a~1b/~0~1")
        #expect(inner["~/"]?[""]?.pointer == "/a~1b/~0~1/")
    }

    @Test func columnsCountUnicodeScalarsNotBytes() throws {
        let root = try read("{\n\"é\": 1, \"😀\": \"ü\", \"x\": 2\n}")
        let members = try #require(root.members)
        // Line 2 is `"é": 1, "😀": "ü", "x": 2`: the colon is column 4, the value column 6.
        #expect(members[0].keyPosition == position(2, 1, 2))
        #expect(members[0].value.position == position(2, 6, 8))
        #expect(members[1].keyPosition == position(2, 9, 11))
        #expect(members[1].value.position == position(2, 14, 19))
        #expect(members[2].keyPosition == position(2, 19, 25))
        #expect(members[2].value.position == position(2, 24, 30))
        #expect(members[1].value.stringValue == "ü")
    }

    @Test func crlfCountsAsOneLineBreak() throws {
        let root = try read("{\r\n  \"a\": 1,\r\n\r\n  \"b\": 2\r\n}\r\n")
        #expect(root["a"]?.position == position(2, 8, 10))
        #expect(root["b"]?.position == position(4, 8, 23))
    }

    @Test func scalarsOfEveryKindKeepTheirExactValues() throws {
        let root = try read(#"["s", -0, 1E+2, 0.5e-3, 12, true, false, null, {}, []]"#)
        let values = try #require(root.arrayValue).map(\.value)
        #expect(values == [
            .string("s"), .number("-0"), .number("1E+2"), .number("0.5e-3"), .number("12"), .bool(true),
            .bool(false), .null, .object([]), .array([]),
        ])
        let kinds = try #require(root.arrayValue).map(\.kindName)
        #expect(kinds == ["string", "number", "number", "number", "number", "boolean", "boolean", "null", "object", "array"])
    }

    @Test func scalarRootsAndSurroundingWhitespaceAreAccepted() throws {
        #expect(try read(" \t\r\n42\n ").value == .number("42"))
        #expect(try read("\"x\"").stringValue == "x")
        #expect(try read("null").value == .null)
        #expect(try read("  true").position == position(1, 3, 2))
    }

    @Test func intValueOnlyForIntegerLexemesThatFit() throws {
        let root = try read(#"[3, -17, 3.0, 3e0, 99999999999999999999, "3", -0]"#)
        let ints = try #require(root.arrayValue).map(\.intValue)
        #expect(ints == [3, -17, nil, nil, nil, nil, 0])
    }

    @Test func escapesDecodeIncludingEscapedNulAndSurrogatePairs() throws {
        let root = try read(#"["\"\\\/\b\f\n\r\t", "\u0000", "\u00e9\u20AC", "\ud83d\ude00", "a\u0041b"]"#)
        let strings = try #require(root.arrayValue).map(\.stringValue)
        #expect(strings == ["\"\\/\u{8}\u{C}\n\r\t", "\u{0}", "é€", "😀", "aAb"])
    }

    @Test func keysThatDifferOnlyInNormalizationAreDistinct() throws {
        // U+00E9 and e + U+0301 are canonically equivalent but different keys in JSON.
        let root = try read("{\"\u{E9}\": 1, \"e\u{301}\": 2}")
        #expect(root.members?.count == 2)
    }

    @Test func nestingUpToTheDepthLimitIsAccepted() throws {
        let deep = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        var node = try read(deep)
        var depth = 1
        while let first = node.arrayValue?.first {
            node = first
            depth += 1
        }
        #expect(depth == 64)
        #expect(node.pointer == String(repeating: "/0", count: 63))
        let objects = String(repeating: #"{"a":"#, count: 10) + "1" + String(repeating: "}", count: 10)
        #expect(try read(objects, limits: JSONReaderLimits(maxDepth: 10))["a"]?.pointer == "/a")
    }

    @Test func readsADocumentJustUnderTheSizeLimit() throws {
        var text = "{\"items\": ["
        var index = 0
        while text.utf8.count < 1_040_000 {
            text += #"{"id": \#(index), "name": "item \#(index) é", "ok": true, "tags": ["a", "b"], "n": null},"#
            text += "\n"
            index += 1
        }
        text += "{}]}"
        let bytes = Array(text.utf8)
        #expect(bytes.count < JSONReaderLimits().maxBytes)
        #expect(bytes.count > 1_040_000)
        // Speed is measured by `make bench` (bench-validate), never asserted here.
        let root = try JSONReader.read(bytes)
        #expect(root["items"]?.arrayValue?.count == index + 1)
    }

    @Test func longKeysAboveManyValuesStayLinear() throws {
        // Each element's pointer starts with the 400 KB key; storing it per element would need
        // tens of gigabytes. Pointers are shared with the parent and built when asked for.
        let key = String(repeating: "k", count: 400_000)
        let count = 150_000
        let text = "{\"\(key)\": [" + Array(repeating: "0", count: count).joined(separator: ",") + "]}"
        let root = try read(text)
        let elements = try #require(root[key]?.arrayValue)
        #expect(elements.count == count)
        #expect(elements[count - 1].pointer == "/" + key + "/\(count - 1)")
    }

    @Test func pointerCanBeReplacedAndNodesCompareByRenderedPointer() throws {
        var node = try read(#"{"a": [true]}"#)["a"]?.arrayValue?.first
        #expect(node?.pointer == "/a/0")
        let built = JSONNode(value: .bool(true), position: position(1, 8, 7), pointer: "/a/0")
        #expect(node == built)
        node?.pointer = "/b"
        #expect(node?.pointer == "/b")
        #expect(node != built)
    }

    @Test func everyPrefixOfADocumentParsesOrFailsCleanly() {
        let document = Array("{\"a\": [1, -2.5e+3, \"x\\u00e9\\ud83d\\ude00é😀\", {\"b\": null}], \"c\": true}\n".utf8)
        for end in 0...document.count {
            let error = readError(Array(document[0..<end]))
            if end == document.count || end == document.count - 1 {
                #expect(error == nil)
            } else {
                #expect(error != nil)
                #expect(error.map { $0.position.offset <= end } == true)
            }
        }
    }
}

// MARK: - Errors, one test per rule

@Suite struct JSONReaderErrorTests {
    @Test func tooLargeIsReportedAtTheStartBeforeParsing() {
        let error = readError("[1, 2, 3, 4", limits: JSONReaderLimits(maxBytes: 10))
        expectError(
            error, rule: "json-too-large", line: 1, column: 1,
            message: "input is 11 bytes, more than the limit of 10 bytes; make the file smaller")
    }

    @Test func byteOrderMarkIsRejected() {
        expectError(
            readError([0xEF, 0xBB, 0xBF] + Array("{}".utf8)), rule: "json-bom", line: 1, column: 1,
            message: "the input starts with a UTF-8 byte order mark; remove the byte order mark")
    }

    @Test func emptyOrBlankInputIsRejectedAtTheEnd() {
        let message = "the input is empty or only whitespace; write a JSON value such as {}"
        expectError(readError(""), rule: "json-empty", line: 1, column: 1, message: message)
        expectError(readError("  \n "), rule: "json-empty", line: 2, column: 2, message: message)
    }

    @Test(arguments: [
        ([0xFF], "0xFF", "a byte that never appears in UTF-8"),
        ([0xC0, 0xAF], "0xC0", "an overlong encoding"),
        ([0xE0, 0x80, 0xAF], "0xE0", "an overlong encoding"),
        ([0xED, 0xA0, 0x80], "0xED", "an encoded UTF-16 surrogate"),
        ([0xF4, 0x90, 0x80, 0x80], "0xF4", "a code point above U+10FFFF"),
        ([0x80], "0x80", "a continuation byte without a lead byte"),
        ([0xE2, 0x82], "0xE2", "an incomplete sequence"),
        ([0xC3, 0x41], "0xC3", "an incomplete sequence"),
    ] as [([UInt8], String, String)])
    func invalidUTF8InAStringIsReportedAtTheBadByte(sequence: [UInt8], byte: String, why: String) {
        // `{"é": "x` then the bad bytes, then `"}`: the bad byte is column 9.
        let bytes = Array("{\"é\": \"x".utf8) + sequence + Array("\"}".utf8)
        expectError(
            readError(bytes), rule: "json-invalid-utf8", line: 1, column: 9,
            message: "invalid UTF-8 at byte \(byte) (\(why)); save the file as UTF-8")
    }

    @Test func invalidUTF8OutsideStringsAndTruncatedAtTheEndIsReported() {
        expectError(
            readError(Array("[1,\n ".utf8) + [0xFE]), rule: "json-invalid-utf8", line: 2, column: 2,
            message: "invalid UTF-8 at byte 0xFE (a byte that never appears in UTF-8); save the file as UTF-8")
        expectError(
            readError(Array("\"ab".utf8) + [0xF0, 0x9F, 0x98]), rule: "json-invalid-utf8", line: 1, column: 4,
            message: "invalid UTF-8 at byte 0xF0 (an incomplete sequence); save the file as UTF-8")
        expectError(
            readError(Array("{} ".utf8) + [0xC1, 0x81]), rule: "json-invalid-utf8", line: 1, column: 4,
            message: "invalid UTF-8 at byte 0xC1 (an overlong encoding); save the file as UTF-8")
    }

    @Test func nestingDeeperThanTheLimitIsReportedAtTheOpeningBracket() {
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        expectError(
            readError(deep), rule: "json-too-deep", line: 1, column: 65,
            message: "objects and arrays are nested more than 64 levels deep; flatten the structure")
        expectError(
            readError(#"{"a": {"b": {}}}"#, limits: JSONReaderLimits(maxDepth: 2)), rule: "json-too-deep", line: 1,
            column: 13, message: "objects and arrays are nested more than 2 levels deep; flatten the structure")
    }

    @Test func hugeMaxDepthIsCappedSoHostileNestingCannotExhaustTheStack() {
        let deep = String(repeating: "[", count: 100_000)
        let error = readError(deep, limits: JSONReaderLimits(maxDepth: .max))
        #expect(error?.rule == "json-too-deep")
        #expect(error?.position.column == JSONReaderLimits.depthCeiling + 1)
    }

    @Test func commentsAreRejectedWhereverTheyAppear() {
        let message = "comments are not allowed in JSON; remove the comment"
        expectError(
            readError("{\n  // note\n  \"a\": 1\n}"), rule: "json-comment", line: 2, column: 3, message: message)
        expectError(readError("[1, /* x */ 2]"), rule: "json-comment", line: 1, column: 5, message: message)
        expectError(readError("{} // end"), rule: "json-comment", line: 1, column: 4, message: message)
    }

    @Test func trailingCommasAreReportedAtTheComma() {
        expectError(
            readError("[1, 2,]"), rule: "json-trailing-comma", line: 1, column: 6,
            message: "trailing comma before ']'; remove the comma")
        expectError(
            readError("{\"a\": 1,\n}"), rule: "json-trailing-comma", line: 1, column: 8,
            message: "trailing comma before '}'; remove the comma")
    }

    @Test func singleQuotesAreRejectedForKeysAndValues() {
        expectError(
            readError("{'a': 1}"), rule: "json-single-quote", line: 1, column: 2,
            message: "object keys use double quotes in JSON; replace the single quotes with '\"'")
        expectError(
            readError("[\"a\", 'b']"), rule: "json-single-quote", line: 1, column: 7,
            message: "strings use double quotes in JSON; replace the single quotes with '\"'")
    }

    @Test func unquotedKeysAreRejected() {
        expectError(
            readError("{a: 1}"), rule: "json-unquoted-key", line: 1, column: 2,
            message: "object keys must be strings in double quotes; put the key in '\"'")
    }

    @Test func nanAndInfinityAreRejected() {
        let suffix = "is not a JSON number; JSON has no NaN or Infinity, use a finite number or null"
        expectError(readError("[NaN]"), rule: "json-non-finite-number", line: 1, column: 2, message: "'NaN' \(suffix)")
        expectError(
            readError("[1, -Infinity]"), rule: "json-non-finite-number", line: 1, column: 5,
            message: "'-Infinity' \(suffix)")
        expectError(
            readError("Infinity"), rule: "json-non-finite-number", line: 1, column: 1, message: "'Infinity' \(suffix)")
    }

    @Test func leadingZerosAreRejectedAtTheZero() {
        let message = "numbers cannot have leading zeros; remove the leading 0"
        expectError(readError("[01]"), rule: "json-leading-zero", line: 1, column: 2, message: message)
        expectError(readError("-007"), rule: "json-leading-zero", line: 1, column: 2, message: message)
    }

    @Test func leadingPlusIsRejected() {
        expectError(
            readError("[+1]"), rule: "json-leading-plus", line: 1, column: 2,
            message: "numbers cannot start with '+'; remove the '+'")
    }

    @Test func malformedNumbersPointAtTheMissingDigit() {
        expectError(
            readError("[1.]"), rule: "json-invalid-number", line: 1, column: 4,
            message: "expected a digit after the decimal point, found ']'")
        expectError(
            readError("[-]"), rule: "json-invalid-number", line: 1, column: 3,
            message: "expected a digit after '-', found ']'")
        expectError(
            readError("1e"), rule: "json-invalid-number", line: 1, column: 3,
            message: "expected a digit in the exponent, found end of input")
        expectError(
            readError(".5"), rule: "json-invalid-number", line: 1, column: 1,
            message: "numbers cannot start with '.'; write a 0 before the decimal point")
    }

    @Test func unknownWordsAreRejected() {
        expectError(
            readError("[True]"), rule: "json-invalid-literal", line: 1, column: 2,
            message: "unknown word 'True'; JSON values are objects, arrays, strings in double quotes, numbers, true, false and null (lowercase)")
    }

    @Test func rawControlCharactersInStringsAreRejected() {
        expectError(
            readError("[\"a\tb\"]"), rule: "json-control-character", line: 1, column: 4,
            message: "control character U+0009 inside a string; write it as the escape \\t")
        expectError(
            readError([0x22, 0x00, 0x22]), rule: "json-control-character", line: 1, column: 2,
            message: "control character U+0000 inside a string; write it as the escape \\u0000")
        expectError(
            readError("{\"a\": \"abc\n\"}"), rule: "json-control-character", line: 1, column: 11,
            message: "line break inside the string that starts at line 1, column 7; close the string with '\"' before the line ends, or write the line break as \\n")
    }

    @Test func invalidEscapesAreReportedAtTheBackslash() {
        expectError(
            readError(#"["a\x"]"#), rule: "json-invalid-escape", line: 1, column: 4,
            message: #"invalid escape '\x'; valid escapes are \" \\ \/ \b \f \n \r \t and \u followed by four hex digits"#)
        expectError(
            readError(#""\u12G4""#), rule: "json-invalid-escape", line: 1, column: 2,
            message: #"invalid escape: \u must be followed by four hex digits (0-9, A-F)"#)
    }

    @Test func loneSurrogatesAreRejected() {
        let high = #"\uD800 is a high surrogate without a low surrogate \uDC00–\uDFFF right after it; write the character's full surrogate pair or the character itself"#
        expectError(readError(#"["\ud800"]"#), rule: "json-lone-surrogate", line: 1, column: 3, message: high)
        expectError(readError(#"["x\ud800\u0041"]"#), rule: "json-lone-surrogate", line: 1, column: 4, message: high)
        expectError(
            readError(#"["\udc00"]"#), rule: "json-lone-surrogate", line: 1, column: 3,
            message: #"\uDC00 is a low surrogate without a high surrogate before it; write the character's full surrogate pair or the character itself"#)
    }

    @Test func duplicateKeysAreReportedAtTheSecondKeyNamingTheFirst() {
        expectError(
            readError("{\n  \"tokenURL\": \"a\",\n  \"tokenURL\": \"b\"\n}"), rule: "json-duplicate-key", line: 3,
            column: 3, message: "duplicate key 'tokenURL' (first defined at line 2, column 3); remove one of them")
        // Escaped and literal spellings of one key are the same key.
        expectError(
            readError(#"{"a": 1, "\u0061": 2}"#), rule: "json-duplicate-key", line: 1, column: 10,
            message: "duplicate key 'a' (first defined at line 1, column 2); remove one of them")
    }

    @Test func missingCommasAreReportedWhereTheCommaBelongs() {
        expectError(
            readError(#"{"a": 1 "b": 2}"#), rule: "json-missing-comma", line: 1, column: 9,
            message: "missing ',' between members; add a ',' after the value of 'a'")
        expectError(
            readError("[1 2]"), rule: "json-missing-comma", line: 1, column: 4,
            message: "missing ',' between array elements; add a ',' after element 0")
    }

    @Test func unexpectedCharactersSayWhatWasExpected() {
        expectError(
            readError(#"{"a" 1}"#), rule: "json-unexpected-character", line: 1, column: 6,
            message: "expected ':' after the key 'a', found '1'")
        expectError(
            readError("[1}"), rule: "json-unexpected-character", line: 1, column: 3,
            message: "expected ',' or ']' after an array element, found '}'")
        expectError(
            readError("[,1]"), rule: "json-unexpected-character", line: 1, column: 2,
            message: "expected a value (an object, array, string, number, true, false or null), found ','")
        expectError(
            readError("{\"a\": “b”}"), rule: "json-unexpected-character", line: 1, column: 7,
            message: "expected a value (an object, array, string, number, true, false or null), found '“' (U+201C)")
    }

    @Test func unterminatedStringPointsAtTheEndAndNamesItsStart() {
        expectError(
            readError(#"{"a": "abc"#), rule: "json-unterminated-string", line: 1, column: 11,
            message: "unterminated string (started at line 1, column 7); add the closing '\"'")
        expectError(
            readError(#"["ab\"#), rule: "json-unterminated-string", line: 1, column: 6,
            message: "unterminated string (started at line 1, column 2); add the closing '\"'")
    }

    @Test func unterminatedObjectPointsAtTheEndAndNamesItsStart() {
        expectError(
            readError("[{\"a\": 1,\n \"b\": 2"), rule: "json-unterminated-object", line: 2, column: 8,
            message: "unterminated object (opened at line 1, column 2); add the missing '}'")
        expectError(
            readError(#"{"a""#), rule: "json-unterminated-object", line: 1, column: 5,
            message: "unterminated object (opened at line 1, column 1); add the missing '}'")
    }

    @Test func unterminatedArrayPointsAtTheEndAndNamesItsStart() {
        expectError(
            readError("[1, [2, 3]"), rule: "json-unterminated-array", line: 1, column: 11,
            message: "unterminated array (opened at line 1, column 1); add the missing ']'")
        expectError(
            readError("[1,"), rule: "json-unterminated-array", line: 1, column: 4,
            message: "unterminated array (opened at line 1, column 1); add the missing ']'")
    }

    @Test func trailingContentAfterTheValueIsRejected() {
        expectError(
            readError("{\"a\": 1}}\n"), rule: "json-trailing-content", line: 1, column: 9,
            message: "unexpected '}' after the end of the JSON value; the input holds exactly one value, remove what follows it")
        expectError(
            readError("{}\n{}"), rule: "json-trailing-content", line: 2, column: 1,
            message: "unexpected '{' after the end of the JSON value; the input holds exactly one value, remove what follows it")
    }
}
