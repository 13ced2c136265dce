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

    /// The documented shapes of the catalog's action providers that name a field elsewhere than
    /// `errors[].field` with a message (the Hub's CatalogActionHubTests.validationThroughTheHub
    /// sends each provider's own body).
    @Test func providerShapesNamingTheFieldTheirOwnWay() {
        // Clerk: the field in `meta.param_name`.
        let clerk = read(#"{"errors": [{"message": "That login is taken.", "long_message": "That login is taken. Please try another.", "code": "form_identifier_exists", "meta": {"param_name": "login"}}], "clerk_trace_id": "t1"}"#)
        #expect(clerk.problems == [InputProblem(pointer: "/login", input: "login", message: "That login is taken.")])
        // FusionAuth: a map of fields to lists of {code, message}; general errors without a field.
        let fusion = read(#"{"fieldErrors": {"profile.login": [{"code": "[blank]profile.login", "message": "You must specify the [profile.login] property."}]}}"#)
        #expect(fusion.problems == [InputProblem(pointer: "/login", input: "login", message: "You must specify the [profile.login] property.")])
        let general = read(#"{"generalErrors": [{"code": "[LicenseRequired]", "message": "A license is required."}]}"#)
        #expect(general.problems.isEmpty)
        #expect(general.message == "A license is required.")
        // GitHub: a field and a code, no message.
        let github = read(#"{"message": "Validation Failed", "errors": [{"resource": "User", "field": "login", "code": "invalid"}], "documentation_url": "https://docs.github.com/rest"}"#)
        #expect(github.problems == [InputProblem(pointer: "/login", input: "login", message: "invalid")])
        // Keycloak: one ErrorRepresentation at the root, with a field or with only its message.
        let keycloak = read(#"{"field": "firstName", "errorMessage": "error-invalid-length", "params": ["firstName", 1, 40]}"#)
        #expect(keycloak.problems == [InputProblem(pointer: "/firstName", input: "firstName", message: "error-invalid-length")])
        let conflict = read(#"{"errorMessage": "User exists with same username"}"#)
        #expect(conflict.problems.isEmpty)
        #expect(conflict.message == "User exists with same username")
    }
}
