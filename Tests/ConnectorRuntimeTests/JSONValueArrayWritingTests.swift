// Writing into an element an array already has: how an action's constant body such as a SCIM
// PatchOp receives the user's id at `/Operations/0/value/0/value`.
import ConnectorRuntime
import Foundation
import Testing

@Suite struct JSONValueArrayWritingTests {
    @Test func writesIntoAnExistingElementAndKeepsTheOthers() throws {
        let body = try JSONValue.parse(Data(#"{"Operations": [{"op": "add", "path": "members", "value": [{}]}], "schemas": ["s"]}"#.utf8))
        let written = try #require(body.setting(.string("2819c223"), at: "/Operations/0/value/0/value"))
        #expect(written == (try JSONValue.parse(Data(
            #"{"Operations": [{"op": "add", "path": "members", "value": [{"value": "2819c223"}]}], "schemas": ["s"]}"#.utf8))))
        // An element itself can be replaced.
        #expect(body.setting(.string("t"), at: "/schemas/0")?.at(pointer: "/schemas/0") == .string("t"))
    }

    @Test func neverCreatesElementsOrReadsLooseIndexes() throws {
        let body = try JSONValue.parse(Data(#"{"list": [{}]}"#.utf8))
        #expect(body.setting(.integer(1), at: "/list/1/a") == nil)
        #expect(body.setting(.integer(1), at: "/list/-/a") == nil)
        #expect(body.setting(.integer(1), at: "/list/00/a") == nil)
        #expect(body.setting(.integer(1), at: "/list/+0/a") == nil)
        #expect(body.setting(.integer(1), at: "/list/a") == nil)
    }
}
