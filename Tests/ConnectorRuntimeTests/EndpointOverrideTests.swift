import ConnectorRuntime
import Foundation
import Testing

@Suite struct EndpointOverrideTests {
    @Test func overridesRewriteEveryURLOnTheHost() throws {
        let configuration = Fixtures.codeConfiguration(endpoint: Fixtures.endpoint(revoke: true))
            .overridingEndpoints([
                "auth.example.com": URL(string: "http://127.0.0.1:5001")!,
                "API.example.com": URL(string: "https://api.sandbox.example.com")!,
            ])
        guard case let .fixed(base) = configuration.baseURL, case let .authorizationCode(code) = configuration.auth else {
            Issue.record("shape changed"); return
        }
        #expect(base.absoluteString == "https://api.sandbox.example.com/v1")
        #expect(code.endpoint.tokenURL.absoluteString == "http://127.0.0.1:5001/oauth/token")
        #expect(code.endpoint.revokeURL?.absoluteString == "http://127.0.0.1:5001/oauth/revoke")
        #expect(code.authorizeURL.absoluteString == "http://127.0.0.1:5001/oauth/authorize")
    }

    @Test func otherHostsAreUnchangedAndPathsArePrefixed() throws {
        let configuration = Fixtures.configuration(.bearer(Secret("t")))
            .overridingEndpoints(["api.example.com": URL(string: "http://localhost:8080/mock/")!, "other.example.com": URL(string: "https://x")!])
        guard case let .fixed(base) = configuration.baseURL else { Issue.record("shape"); return }
        #expect(base.absoluteString == "http://localhost:8080/mock/v1")
    }

    @Test func anAbsoluteVerificationURLIsRewrittenARelativeOneIsNot() throws {
        var absolute = Fixtures.configuration(.bearer(Secret("t")))
        absolute.verification = VerificationRequest(path: "https://api.example.com/connections")
        var relative = absolute
        relative.verification = VerificationRequest(path: "/me?x=1")
        let overrides = ["api.example.com": URL(string: "http://127.0.0.1:9000/p/acme")!]
        #expect(absolute.overridingEndpoints(overrides).verification?.path == "http://127.0.0.1:9000/p/acme/connections")
        #expect(relative.overridingEndpoints(overrides).verification?.path == "/me?x=1")
    }

    @Test func tokenResponseBaseURLIsRewrittenToo() throws {
        let configuration = Fixtures.codeConfiguration(baseURL: .fromTokenResponse { fields throws(ConnectorError) in
            URL(string: fields["instance_url"] ?? "https://missing.example.com")!
        }).overridingEndpoints(["acme.my.salesforce.com": URL(string: "http://127.0.0.1:9000")!])
        guard case let .fromTokenResponse(build) = configuration.baseURL else { Issue.record("shape"); return }
        #expect(try build(["instance_url": "https://acme.my.salesforce.com"]).absoluteString == "http://127.0.0.1:9000")
    }
}
