@testable import ConnectorHubTransport
import ConnectorRuntime
import Foundation
import Testing

/// The redirect rules as a pure function, for what a local plain-http server cannot show: a
/// redirect from https to http.
struct RedirectPolicyTests {
    @Test func aRedirectFromHTTPSToHTTPIsRefused() throws {
        let request = HTTPRequest(url: URL(string: "https://api.example.com/v1")!, headers: ["Authorization": "Bearer T"])
        #expect(throws: TransportError(.insecureRedirect, detail: "Refused a redirect from https to http.")) {
            _ = try RedirectPolicy.redirect(request, original: request, status: 302, location: "http://api.example.com/v1")
        }
    }

    @Test func aRedirectFromHTTPSToHTTPSOnTheSameOriginKeepsCredentials() throws {
        let request = HTTPRequest(url: URL(string: "https://api.example.com/v1")!, headers: ["Authorization": "Bearer T"])
        let next = try #require(try RedirectPolicy.redirect(request, original: request, status: 301, location: "/v2"))
        #expect(next.url.absoluteString == "https://api.example.com/v2")
        #expect(next.headers["authorization"] == "Bearer T")
    }
}
