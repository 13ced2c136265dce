import ConnectorHub
import ConnectorRuntime
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Testing

/// More connectors through the generated pages, and the operators' pages.
@Suite(.authServer) struct PagesTests {
    @Test func spotDraftSelectFieldAndCredentialHeadersLink() async throws {
        let server = try TestServer.current(.auth)
        let secret = "sd-secret-\(UUID().uuidString)"
        let provider = try await server.emulate("spotdraft", credentials: .headers(["client-id": "sd-client", "client-secret": secret]))
        let harness = try await HubHarness(overrides: ["spotdraft": provider.overrides(["api.eu.spotdraft.com"])])
        try await harness.run { client in
            _ = try await client.openLinkSession(connectors: ["spotdraft"])
            let form = try await client.request(.get, "/link/connectors/spotdraft/client_credentials")
            check(form.text.contains("<select id=\"field-region\""), "the region select")
            check(form.text.contains("<option value=\"eu\""), "with the spec's options")
            let done = try await client.submit(
                "/link/connectors/spotdraft/client_credentials", from: form,
                values: ["region": "eu", "clientId": "sd-client", "clientSecret": secret])
            check(done.text.contains("SpotDraft is connected"), "\(done.text.prefix(500))")
            checkEqual(try await provider.apiRequests(), ["GET /api/v2.1/public/contract_types/"])
        }
    }

    @Test func hiBobOffersItsTwoVariantsAndLinksTheServiceUser() async throws {
        let server = try TestServer.current(.auth)
        let token = "svc-\(UUID().uuidString)"
        let provider = try await server.emulate("hibob-svc", credentials: .basic(username: "SERVICE-42", password: token))
        let harness = try await HubHarness(overrides: ["hibob": provider.overrides(["api.hibob.com"])])
        try await harness.run { client in
            _ = try await client.openLinkSession(connectors: ["hibob"])
            let choice = try await client.request(.get, "/link/connectors/hibob")
            check(choice.text.contains("/link/connectors/hibob/service_user") && choice.text.contains("/link/connectors/hibob/oauth"))
            let oauth = try await client.request(.get, "/link/connectors/hibob/oauth")
            check(oauth.text.contains("is not set up yet"), "an OAuth variant without the app's client says so")
            let form = try await client.request(.get, "/link/connectors/hibob/service_user")
            let done = try await client.submit(
                "/link/connectors/hibob/service_user", from: form, values: ["serviceUserId": "SERVICE-42", "serviceUserToken": token])
            check(done.text.contains("HiBob is connected"), "\(done.text.prefix(500))")
        }
    }

    @Test func operatorsSignInWithTheAppKeyListAccountsAndCreateALink() async throws {
        let server = try TestServer.current(.auth)
        let key = "bamboo-\(UUID().uuidString.lowercased())"
        let provider = try await server.emulate("bamboohr", credentials: .basic(username: key, password: "x"))
        let harness = try await HubHarness(overrides: ["bamboohr": provider.overrides(["api.bamboohr.com"])])
        try await harness.run { client in
            let login = try await client.request(.get, "/admin")
            check(login.text.contains("App API key"), "the sign-in form")
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .origin: "http://127.0.0.1:8080"]
            let wrong = try await client.request(.post, "/admin/login", headers: form, body: "key=nope")
            checkEqual(wrong.status, 401)
            let signedIn = try await client.request(.post, "/admin/login", headers: form, body: "key=\(HubHarness.appKey)")
            checkEqual(signedIn.status, 303)
            let empty = try await client.request(.get, "/admin")
            check(empty.text.contains("No linked accounts yet"))
            let created = try await client.submit("/admin/link-sessions", from: empty, values: ["endUserId": "op-user", "endUserName": "Grace"])
            let link = try #require(created.text.range(of: "href=\"http://127.0.0.1:8080/link/start/"))
            let path = String(created.text[created.text.index(link.lowerBound, offsetBy: 27)...].prefix { $0 != "\"" })
            checkEqual(try await client.request(.get, path).status, 303, "the operator's Link account button makes a working link")
            let bamboo = try await client.request(.get, "/link/connectors/bamboohr/api_key")
            _ = try await client.submit("/link/connectors/bamboohr/api_key", from: bamboo, values: ["companyDomain": "acme", "apiKey": key])
            let listed = try await client.request(.get, "/admin")
            check(listed.text.contains("Grace <span class=\"muted\">(op-user)</span>") && listed.text.contains("BambooHR") && listed.text.contains("Active"), "\(listed.text.suffix(1500))")
            check(listed.text.contains("<span class=\"account-label\">acme</span>"), "the account's label tells it apart")
            check(listed.text.contains("<td data-label=\"Method\">API key</td>"), "the variant's label, not its id")
            check(listed.text.contains("<time datetime=\"20") && listed.text.contains(" UTC</time>"), "a readable time, UTC in the markup")
            let accounts = try #require(try await client.api(.get, "/v1/accounts").json["accounts"] as? [[String: Any]])
            let id = try #require(accounts.first?["id"] as? String)
            let asked = try await client.submit("/admin/accounts/\(id)/remove", from: listed, values: [:])
            check(asked.text.contains("Remove BambooHR (acme)?") && asked.text.contains("Linked by Grace (op-user)"), "\(asked.text.prefix(800))")
            checkEqual(try await client.api(.get, "/v1/accounts/\(id)").status, 200, "asked first, nothing removed")
            let removed = try await client.submit("/admin/accounts/\(id)/remove", from: asked, values: ["confirm": "yes"])
            checkEqual(removed.status, 303)
            checkEqual(try await client.api(.get, "/v1/accounts/\(id)").status, 404)
        }
    }

    @Test func operatorSignOutNeedsTheCSRFTokenAndEndsTheSessionOnTheServer() async throws {
        let harness = try await HubHarness()
        try await harness.run { client in
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .origin: "http://127.0.0.1:8080"]
            let signedIn = try await client.request(.post, "/admin/login", headers: form, body: "key=\(HubHarness.appKey)")
            let cookie = try #require(signedIn.headers[values: .setCookie].first { $0.hasPrefix("connector_hub_operator=") })
            let pair = String(cookie.split(separator: ";")[0])
            check(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/admin"), cookie)
            let page = try await client.request(.get, "/admin")
            check(page.text.contains("action=\"/admin/logout\""), "a Sign out button")

            let forged = try await client.request(.post, "/admin/logout", headers: form, body: "csrf=forged")
            checkEqual(forged.status, 403, "sign-out is CSRF-protected")
            let foreign = try await client.request(
                .post, "/admin/logout", headers: [.contentType: "application/x-www-form-urlencoded", .origin: "https://evil.example"],
                body: "csrf=\(try #require(HubClient.csrf(in: page.text)))")
            checkEqual(foreign.status, 403, "and origin-checked")
            check(try await client.request(.get, "/admin").text.contains("Linked accounts"), "still signed in after refused sign-outs")

            let signedOut = try await client.submit("/admin/logout", from: page, values: [:])
            checkEqual(signedOut.status, 200)
            check(signedOut.text.contains("You are signed out."))
            let cleared = try #require(signedOut.headers[values: .setCookie].first { $0.hasPrefix("connector_hub_operator=") })
            check(cleared.contains("Max-Age=0"), "the cookie is cleared: \(cleared)")
            // A copy of the old cookie no longer works: the session ended on the server.
            let replay = HubClient(client: client.client)
            let replayed = try await replay.request(.get, "/admin", headers: [.cookie: pair])
            check(replayed.text.contains("App API key") && !replayed.text.contains("Linked accounts"), "the sign-in form again")
            var replayForm = form
            replayForm[.cookie] = pair
            let action = try await replay.request(.post, "/admin/link-sessions", headers: replayForm, body: "endUserId=x")
            checkEqual(action.status, 401)
        }
    }
}
