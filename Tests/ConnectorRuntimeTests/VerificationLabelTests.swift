import ConnectorRuntime
import Foundation
import Testing

/// The account's name read from a verification response (`verify.label` in a spec).
@Suite struct VerificationLabelTests {
    private func label(_ pointers: [String], _ json: String) -> String? {
        VerificationRequest(path: "/me", label: pointers).accountLabel(from: Data(json.utf8))
    }

    @Test func theFirstPointerThatFindsAStringOrNumberWins() {
        #expect(label(["/company/name", "/email"], #"{"company":{"name":"Acme Ltd"},"email":"a@acme.test"}"#) == "Acme Ltd")
        #expect(label(["/company/name", "/email"], #"{"company":null,"email":"a@acme.test"}"#) == "a@acme.test")
        #expect(label(["/company/name", "/email"], #"{"company":{"name":"   "},"email":"a@acme.test"}"#) == "a@acme.test", "blank skipped")
        #expect(label(["/accounts/0/id"], #"{"accounts":[{"id":4711}]}"#) == "4711")
        #expect(label(["/a~1b"], #"{"a/b":"escaped"}"#) == "escaped")
        #expect(label([""], #""Whole body""#) == "Whole body")
    }

    @Test func trimmedAndCut() {
        #expect(label(["/name"], #"{"name":"  Globex \n"}"#) == "Globex")
        let long = String(repeating: "x", count: 200)
        #expect(label(["/name"], #"{"name":""# + long + #""}"#)?.count == VerificationRequest.labelLimit)
    }

    @Test func nothingWithoutPointersJSONOrAScalar() {
        #expect(label([], #"{"name":"Acme"}"#) == nil)
        #expect(label(["/name"], "not json") == nil)
        #expect(label(["/name"], #"{"name":{"first":"Ada"}}"#) == nil)
        #expect(label(["/name"], #"{"name":true}"#) == nil)
        #expect(label(["/missing"], #"{"name":"Acme"}"#) == nil)
    }
}
