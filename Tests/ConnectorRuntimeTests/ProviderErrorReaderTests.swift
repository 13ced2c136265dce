// The provider error shapes an action's refusal is read from: each maps the provider's field
// name to the input that caused it, and keeps the provider's own words (redacted) otherwise.
import Foundation
import Testing

@testable import ConnectorRuntime

@Suite struct ProviderErrorReaderTests {
    static let inputs = [
        ActionInputDescriptor("login", .string, .body("/profile/login"), required: true),
        ActionInputDescriptor("firstName", .string, .body("/name/givenName")),
        ActionInputDescriptor("sendEmail", .boolean, .query("send_email")),
    ]

    func read(_ json: String, secrets: [String] = []) -> (problems: [InputProblem], message: String?) {
        ProviderErrorReader.read(Data(json.utf8), inputs: Self.inputs, redact: Redactor(secrets.map { Secret($0) }))
    }

    @Test func oktaErrorCausesNameTheFieldBeforeAColon() {
        let result = read(#"{"errorCode": "E0000001", "errorSummary": "Api validation failed: login", "errorCauses": [{"errorSummary": "login: An object with this field already exists in the current organization"}]}"#)
        #expect(result.problems == [InputProblem(pointer: "/login", input: "login", message: "An object with this field already exists in the current organization")])
        #expect(result.message == nil)
    }

    @Test func aMapOfFieldsToMessagesAndJSONAPISourcePointers() {
        let map = read(#"{"errors": {"name.givenName": ["is too long"], "send_email": "must be a boolean"}}"#)
        #expect(map.problems.map(\.pointer) == ["/firstName", "/sendEmail"])
        let jsonAPI = read(#"{"errors": [{"source": {"pointer": "/data/attributes/profile/login"}, "detail": "is taken"}]}"#)
        #expect(jsonAPI.problems == [InputProblem(pointer: "/login", input: "login", message: "is taken")])
    }

    @Test func withoutAKnownFieldTheMessageIsKeptRedactedAndShort() {
        let result = read(#"{"message": "token sk-live-123456 cannot create users\n" }"#, secrets: ["sk-live-123456"])
        #expect(result.problems.isEmpty)
        #expect(result.message == "token [redacted] cannot create users")
        let long = read(#"{"message": "\#(String(repeating: "x", count: 1000))"}"#)
        #expect(long.message?.count == ProviderErrorReader.maxMessageLength + 1)
        #expect(read("<html>Bad Request</html>").message == "<html>Bad Request</html>")
    }
}
