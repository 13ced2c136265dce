import ConnectorRuntime
import Foundation
import Testing

@Suite struct SecretRedactionTests {
    let secret = Secret("sk_live_TOPSECRET")

    @Test func descriptionAndDebugDescriptionAreRedacted() {
        #expect(!secret.description.contains("TOPSECRET"))
        #expect(!secret.debugDescription.contains("TOPSECRET"))
        #expect(!String(describing: secret).contains("TOPSECRET"))
        #expect(!String(reflecting: secret).contains("TOPSECRET"))
    }

    @Test func interpolationIsRedacted() {
        #expect(!"key=\(secret)".contains("TOPSECRET"))
    }

    @Test func dumpIsRedacted() {
        var output = ""
        dump(secret, to: &output)
        #expect(!output.contains("TOPSECRET"))
    }

    @Test func containingStructsDoNotLeakIt() {
        let tokens = TokenSet(accessToken: secret, refreshToken: Secret("rt_TOPSECRET"))
        var dumped = ""
        dump(tokens, to: &dumped)
        #expect(!dumped.contains("TOPSECRET"))
        #expect(!String(describing: tokens).contains("TOPSECRET"))
        #expect(!String(reflecting: tokens).contains("TOPSECRET"))
        let configuration = Fixtures.configuration(.apiKeyHeader(SecretHTTPField(name: "X-Key", value: secret)))
        #expect(!String(describing: configuration).contains("TOPSECRET"))
        let pending = PendingAuthorization(state: "s", codeVerifier: secret, redirectURI: Fixtures.redirectURI, createdAt: Date())
        #expect(!"\(pending)".contains("TOPSECRET"))
    }

    @Test func revealReturnsTheValue() {
        #expect(secret.reveal() == "sk_live_TOPSECRET")
    }

    @Test func errorDescriptionsNeverContainFieldValues() {
        do {
            _ = try FieldCheck.secret(Secret(" TOPSECRET "), key: "apiKey", pattern: nil)
            Issue.record("expected a failure")
        } catch {
            #expect(!error.description.contains("TOPSECRET"))
        }
    }

    @Test func requestDescriptionHidesQueryAndHeaders() {
        let request = HTTPRequest(url: URL(string: "https://api.example.com/v1/users?api_key=TOPSECRET")!, headers: ["Authorization": "Bearer TOPSECRET"])
        #expect(!request.description.contains("TOPSECRET"))
        #expect(request.description == "GET https://api.example.com/v1/users")
    }
}
