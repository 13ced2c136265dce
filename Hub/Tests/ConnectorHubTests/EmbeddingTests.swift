import ConnectorHub
import ConnectorRuntime
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Testing

/// A link session that names the app origin embedding it (`embedOrigin`): checked against the
/// allowed origins, then the only target of the pages' postMessage events and their only
/// `frame-ancestors`. (Chromium enforcing both: Hub/Tests/Browser/scenarios_embedding.py.)
@Suite(.authServer) struct EmbeddingTests {
    static let app = "https://app.example"
    static let other = "https://other.example"

    @Test func anEmbedOriginMustExactlyMatchAnAllowedOrigin() async throws {
        let harness = try await HubHarness(allowedOrigins: [Self.app, Self.other])
        try await harness.run { client in
            for refused in ["https://evil.example", "https://APP.example", "https://app.example/", "https://app.example:443", "*"] {
                let created = try await client.api(.post, "/v1/link-sessions", json: ["endUserId": "u1", "embedOrigin": refused])
                checkEqual(created.status, 400, refused)
                checkEqual(created.json["error"] as? String, "bad_request")
                checkEqual(
                    created.json["message"] as? String,
                    "embedOrigin \(refused) is not one of the allowed origins (exact match): \(Self.app), \(Self.other).")
            }
            checkEqual(try await client.api(.post, "/v1/link-sessions", json: ["endUserId": "u1", "embedOrigin": Self.other]).status, 201)
        }
        let closed = try await HubHarness()
        try await closed.run { client in
            let created = try await client.api(.post, "/v1/link-sessions", json: ["endUserId": "u1", "embedOrigin": Self.app])
            checkEqual(created.status, 400)
            checkEqual(
                created.json["message"] as? String,
                "embedOrigin \(Self.app) is not allowed: the Hub has no allowed embedding origins configured.")
        }
    }

    @Test func theSessionsPagesTargetAndAreFramedOnlyByItsEmbedOrigin() async throws {
        let server = try TestServer.current(.auth)
        let provider = try await server.emulate("bamboohr", credentials: .basic(username: "bamboo-key", password: "x"))
        let harness = try await HubHarness(overrides: ["bamboohr": provider.overrides(["api.bamboohr.com"])], allowedOrigins: [Self.app, Self.other])
        try await harness.run { client in
            // Named: the second allowed origin.
            let created = try await client.api(
                .post, "/v1/link-sessions", json: ["endUserId": "u1", "connectors": ["bamboohr"], "embedOrigin": Self.other])
            let url = try #require(URL(string: created.json["url"] as? String ?? ""))
            let opened = try await client.request(.get, url.path)
            checkEqual(opened.status, 303)
            check(opened.headers[.contentSecurityPolicy]?.contains("frame-ancestors \(Self.other);") == true, "\(opened.headers)")
            let picker = try await client.request(.get, try #require(opened.location))
            checkEqual(frameAncestors(picker), [Self.other], "only the named origin may frame the session's pages")
            let form = try await client.request(.get, "/link/connectors/bamboohr/api_key")
            checkEqual(frameAncestors(form), [Self.other])
            let failed = try await client.submit("/link/connectors/bamboohr/api_key", from: form, values: ["companyDomain": "acme", "apiKey": "wrong"])
            check(failed.text.contains("The credentials were not accepted"), "\(failed.text.prefix(400))")
            check(failed.text.contains("data-parent-origin=\"\(Self.other)\""), "events go to the named origin: \(failed.text.prefix(400))")
            checkEqual(frameAncestors(failed), [Self.other])
            let done = try await client.submit("/link/connectors/bamboohr/api_key", from: form, values: ["companyDomain": "acme", "apiKey": "bamboo-key"])
            check(done.text.contains("BambooHR is connected"), "\(done.text.prefix(400))")
            check(done.text.contains("data-parent-origin=\"\(Self.other)\""), "the linked event too")
            checkEqual(frameAncestors(try await client.request(.get, "/link/accounts")), [Self.other])
            // The app API and pages outside a session keep the configured list.
            checkEqual(frameAncestors(try await client.api(.get, "/v1/accounts")), [Self.app, Self.other])
            checkEqual(frameAncestors(try await client.request(.get, "/admin")), [Self.app, Self.other])

            // Not named: today's behaviour, events to the first allowed origin, both may frame.
            _ = try await client.openLinkSession(connectors: ["bamboohr"])
            let plainForm = try await client.request(.get, "/link/connectors/bamboohr/api_key")
            checkEqual(frameAncestors(plainForm), [Self.app, Self.other])
            let plain = try await client.submit(
                "/link/connectors/bamboohr/api_key", from: plainForm, values: ["companyDomain": "acme", "apiKey": "wrong"])
            check(plain.text.contains("data-parent-origin=\"\(Self.app)\""), "\(plain.text.prefix(400))")

            // A reconnect session can name its embedding origin too.
            let account = try #require((try await client.api(.get, "/v1/accounts").json["accounts"] as? [[String: Any]])?.first?["id"] as? String)
            let refused = try await client.api(.post, "/v1/accounts/\(account)/reconnect-sessions", json: ["embedOrigin": "https://evil.example"])
            checkEqual(refused.status, 400)
            let reconnect = try await client.api(.post, "/v1/accounts/\(account)/reconnect-sessions", json: ["embedOrigin": Self.other])
            checkEqual(reconnect.status, 201)
            let reopened = try await client.request(.get, try #require(URL(string: reconnect.json["url"] as? String ?? "")).path)
            checkEqual(frameAncestors(try await client.request(.get, try #require(reopened.location))), [Self.other])
            checkEqual(try await client.api(.post, "/v1/accounts/\(account)/reconnect-sessions").status, 201, "the body stays optional")
        }
    }

    private func frameAncestors(_ reply: HubClient.Reply) -> [String] {
        let policy = reply.headers[.contentSecurityPolicy] ?? ""
        guard let directive = policy.split(separator: ";").first(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix("frame-ancestors ") })
        else { return [] }
        return directive.split(separator: " ").dropFirst().map(String.init)
    }
}
