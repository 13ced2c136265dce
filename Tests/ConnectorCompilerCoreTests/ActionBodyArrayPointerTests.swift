// Body pointers of an action may go into an element the constant body's arrays already have, as
// a SCIM PatchOp needs (`/Operations/0/value/0/value`); an index the array lacks, or a key into an
// array, is still the `action-body-pointer` error.
@testable import ConnectorCompilerCore
import Foundation
import Testing

@Suite struct ActionBodyArrayPointerTests {
    /// The valid actions fixture with its first action's body and `name` input replaced.
    private func load(body: Any, pointer: String) throws -> SpecLoadResult {
        var spec = try #require(JSONSerialization.jsonObject(with: Data(Fixtures.bytes("valid/actions.json"))) as? [String: Any])
        var actions = try #require(spec["actions"] as? [[String: Any]])
        var inputs = try #require(actions[0]["inputs"] as? [[String: Any]])
        let index = try #require(inputs.firstIndex { $0["name"] as? String == "name" })
        inputs[index]["pointer"] = pointer
        actions[0]["inputs"] = inputs
        actions[0]["body"] = body
        spec["actions"] = actions
        let data = try JSONSerialization.data(withJSONObject: spec, options: [.prettyPrinted, .sortedKeys])
        return SpecLoader.load(bytes: [UInt8](data), file: "actions.json")
    }

    private let patchBody: [String: Any] = ["Operations": [["op": "add", "path": "members", "value": [[String: Any]()]]]]

    @Test func aPointerThroughAnElementTheBodyHasIsValid() throws {
        let result = try load(body: patchBody, pointer: "/Operations/0/value/0/value")
        #expect(result.spec != nil)
        #expect(result.diagnostics.filter { $0.severity == .error }.map(\.rule) == [])
    }

    @Test func anIndexTheArrayLacksOrAKeyIntoAnArrayIsRefused() throws {
        for pointer in ["/Operations/1/value", "/Operations/0/value/01/value", "/Operations/op/value"] {
            let result = try load(body: patchBody, pointer: pointer)
            let errors = result.diagnostics.filter { $0.severity == .error }
            #expect(errors.map(\.rule) == ["action-body-pointer"], "\(pointer)")
            #expect(errors.first?.message.hasPrefix("body pointer \"\(pointer)\" goes through") == true, "\(pointer)")
        }
    }
}
