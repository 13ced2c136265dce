import ConnectorRuntime
import Foundation
import Testing

@Suite struct FieldCheckTests {
    @Test(arguments: [" key", "key ", "key\n", "\tkey", "key\r\n"])
    func surroundingWhitespaceIsRejectedBeforeAnyRequest(value: String) {
        #expect(throws: ConnectorError.self) { try FieldCheck.secret(Secret(value), key: "apiKey", pattern: nil) }
        #expect(throws: ConnectorError.self) { try FieldCheck.text(value, key: "clientId", pattern: nil) }
    }

    @Test func whitespaceReasonNamesTheKeyNotTheValue() {
        #expect(throws: ConnectorError.invalidField(key: "apiKey", reason: "has spaces or line breaks at the start or end; copy the value again without them")) {
            try FieldCheck.secret(Secret("abc "), key: "apiKey", pattern: nil)
        }
    }

    @Test func emptySecretIsRejected() {
        #expect(throws: ConnectorError.self) { try FieldCheck.secret(Secret(""), key: "apiKey", pattern: nil) }
    }

    @Test func patternMustMatchTheWholeValue() throws {
        #expect(try FieldCheck.text("acme", key: "subdomain", pattern: "[a-z]+") == "acme")
        #expect(throws: ConnectorError.self) { try FieldCheck.text("acme.io", key: "subdomain", pattern: "[a-z]+") }
        #expect(throws: ConnectorError.self) { try FieldCheck.secret(Secret("abc"), key: "k", pattern: "[0-9]+") }
    }

    @Test func hostnameRejectsSchemePathAndSpaces() throws {
        #expect(try FieldCheck.hostname("acme.example.com", key: "domain") == "acme.example.com")
        for bad in ["https://acme.example.com", "acme.example.com/path", "acme example.com", "", "acme..com"] {
            do {
                _ = try FieldCheck.hostname(bad, key: "domain")
                Issue.record("accepted \(bad)")
            } catch {
                if case let .invalidField(key, reason) = error {
                    #expect(key == "domain")
                    #expect(reason.contains("enter only the host name, e.g. acme.example.com") || reason.contains("spaces"))
                }
            }
        }
    }

    @Test func hostSuffixPinsTheHostOfAHostnameOrURL() throws {
        let suffixes = [".okta.com", ".oktapreview.com"]
        #expect(try FieldCheck.hostSuffix("acme.okta.com", key: "d", suffixes: suffixes) == "acme.okta.com")
        #expect(try FieldCheck.hostSuffix("Acme.OktaPreview.com", key: "d", suffixes: suffixes) == "Acme.OktaPreview.com")
        #expect(try FieldCheck.hostSuffix("https://acme.okta.com/x", key: "d", suffixes: suffixes) == "https://acme.okta.com/x")
        for bad in ["okta.com", ".okta.com", "acme.okta.com.evil.example", "evilokta.com", "acme.okta.com.", "https://evil.example/?.okta.com",
                    "https://acme.okta.com@evil.example", "https://evil.example#.okta.com"] {
            do {
                _ = try FieldCheck.hostSuffix(bad, key: "d", suffixes: suffixes)
                Issue.record("accepted \(bad)")
            } catch {
                #expect(error == .invalidField(key: "d", reason: "must be a host ending in .okta.com or .oktapreview.com, e.g. acme.okta.com"))
            }
        }
    }

    @Test func urlRequiresHTTPSExceptLoopback() throws {
        #expect(try FieldCheck.url("https://acme.example.com/api", key: "u").host == "acme.example.com")
        #expect(try FieldCheck.url("http://127.0.0.1:8080", key: "u").port == 8080)
        #expect(try FieldCheck.url("http://localhost:8080", key: "u").host == "localhost")
        #expect(throws: ConnectorError.self) { try FieldCheck.url("http://acme.example.com", key: "u") }
        #expect(throws: ConnectorError.self) { try FieldCheck.url("acme.example.com", key: "u") }
    }

    @Test func emailNeedsOneAtAndADottedDomain() throws {
        #expect(try FieldCheck.email("admin@acme.example.com", key: "e") == "admin@acme.example.com")
        for bad in ["admin", "admin@", "@acme.com", "a@b@c.com", "admin@localhost", "ad min@acme.com"] {
            #expect(throws: ConnectorError.self) { try FieldCheck.email(bad, key: "e") }
        }
    }

    @Test func urlCheckNamesThePointerAndRejectsHTTP() {
        #expect(throws: ConnectorError.misconfigured("The URL built from /api/baseURL does not use https.")) {
            try URLCheck.url("http://acme.example.com", pointer: "/api/baseURL")
        }
        #expect(throws: ConnectorError.self) { try URLCheck.url("https://", pointer: "/api/baseURL") }
        #expect(throws: Never.self) { try URLCheck.url("https://acme.example.com/v1", pointer: "/api/baseURL") }
    }

    @Test func errorsDescribeTheNextStepAndRetryability() {
        let reconnect = ConnectorError.reconnectRequired(detail: "invalid_grant")
        #expect(reconnect.description.contains("Link the account again"))
        #expect(!reconnect.isRetryable)
        #expect(ConnectorError.rateLimited(retryAfter: 5).isRetryable)
        #expect(ConnectorError.providerUnavailable(detail: "503", retryable: true).isRetryable)
        #expect(ConnectorError.missingScopes(["a", "b"]).description.contains("a, b"))
    }
}
