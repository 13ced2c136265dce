import ConnectorHub
import ConnectorRuntime
import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Testing

/// Pages that used to leave a person stuck or told them something untrue: the base URL, a link
/// opened in a refused or cookie-less frame, the link opened again, back or reload after an OAuth
/// success, linking the same account twice, a wrong app client, all field errors at once, the
/// values kept after refused credentials, Back on a one-variant form, "not set up" pages; and the
/// signals an app gets (the `account.linked` webhook, labels, refresh times).
@Suite(.authServer) struct DeadEndTests {
    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .origin: "http://127.0.0.1:8080"]

    @Test func theBaseURLSaysWhereToGo() async throws {
        let harness = try await HubHarness()
        try await harness.run { client in
            let landing = try await client.request(.get, "/")
            checkEqual(landing.status, 200)
            check(landing.text.contains("<a href=\"/admin\">"), "operators are sent to their sign-in: \(landing.text)")
            check(landing.text.contains("Open the Link Account link the app sent you"), "people linking are told what to open")
            check(landing.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true, "with the pages' security headers")
        }
    }

    // MARK: Single-use links

    @Test func aFrameTheBrowserRefusesLeavesTheLinkUnused() async throws {
        let harness = try await HubHarness(allowedOrigins: ["https://app.example"])
        try await harness.run { client in
            let created = try await client.api(.post, "/v1/link-sessions", json: ["endUserId": "u1"])
            let path = try #require(URL(string: created.json["url"] as? String ?? "")).path
            // A frame of a site that may not embed the Hub: Chromium will not show it.
            let refused = try await client.request(
                .get, path, headers: [HTTPField.Name("Sec-Fetch-Dest")!: "iframe", .referer: "https://evil.example/page"])
            checkEqual(refused.status, 403)
            checkEqual(refused.headers[values: .setCookie], [], "no cookie for a frame that is never shown")
            // An allowed embedder's frame works.
            let other = HubClient(client: client.client)
            let framed = try await other.request(
                .get, path, headers: [HTTPField.Name("Sec-Fetch-Dest")!: "iframe", .referer: "https://app.example/settings"])
            checkEqual(framed.status, 303, "the allowed embedder opens it")
            // Opened in a tab of its own instead, the same link still works.
            let opened = try await client.request(.get, path)
            checkEqual(opened.status, 303, "the refused frame did not use the link")
            let picker = try await client.request(.get, try #require(opened.location))
            check(picker.text.contains("Choose the service to connect"), "\(picker.text.prefix(300))")
        }
    }

    @Test func aFrameWhoseCookieIsBlockedSaysSoAndTheLinkStillWorks() async throws {
        let harness = try await HubHarness()
        try await harness.run { client in
            let created = try await client.api(.post, "/v1/link-sessions", json: ["endUserId": "u1"])
            let path = try #require(URL(string: created.json["url"] as? String ?? "")).path
            // The browser drops the cookie (third-party cookies blocked in a frame).
            let cookieless = HubClient(client: client.client)
            let opened = try await cookieless.request(.get, path)
            checkEqual(opened.status, 303)
            let location = try #require(opened.location)
            check(location.hasPrefix("/link?start="), location)
            let text = try await HubClient(client: client.client).request(.get, location).text
            check(text.contains("Open this link in a new tab"), "not 'expired': \(text.prefix(400))")
            check(text.contains("href=\"\(path)\"") && text.contains("target=\"_blank\""), "with the link itself, still unused")
            check(!text.contains("expired"), "nothing expired")
            // Opened in a tab of its own (a browser that keeps the cookie), it works.
            let tab = try await client.request(.get, path)
            checkEqual(tab.status, 303)
            check(try await client.request(.get, try #require(tab.location)).text.contains("Choose the service to connect"))
            // Now the link is used: the cookie-less frame's browser is told so.
            checkEqual(try await HubClient(client: client.client).request(.get, path).status, 410)
            // A page without any session says there is none here, not that something expired.
            let none = try await HubClient(client: client.client).request(.get, "/link")
            checkEqual(none.status, 401)
            check(none.text.contains("No Link Account session in this browser") && !none.text.contains("expired"), "\(none.text.prefix(400))")
        }
    }

    @Test func openingTheLinkAgainInTheSameBrowserContinuesTheSession() async throws {
        let harness = try await HubHarness()
        try await harness.run { client in
            let created = try await client.api(.post, "/v1/link-sessions", json: ["endUserId": "u1"])
            let path = try #require(URL(string: created.json["url"] as? String ?? "")).path
            let first = try await client.request(.get, path)
            _ = try await client.request(.get, try #require(first.location))
            let again = try await client.request(.get, path)
            checkEqual(again.status, 303, "the same browser carries on")
            checkEqual(again.location, "/link")
            check(try await client.request(.get, "/link").text.contains("Choose the service to connect"))
            let stranger = try await HubClient(client: client.client).request(.get, path)
            checkEqual(stranger.status, 410, "another browser finds it used")
            check(stranger.text.contains("continue there"), "and is told where to carry on: \(stranger.text.prefix(500))")
        }
    }

    // MARK: After a success

    @Test func backOrReloadAfterAnOAuthSuccessSaysTheAccountIsLinked() async throws {
        let server = try TestServer.current(.auth)
        let zelt = try await EmulatedZelt(server)
        let harness = try await HubHarness(overrides: zelt.overrides)
        try await harness.run { client in
            _ = try await client.openLinkSession(connectors: ["zelt"])
            let callback = try await zelt.callback(client)
            let done = try await client.request(.get, callback)
            check(done.text.contains("Zelt is connected"))
            let before = try await server.tokenRequests(zelt.client)
            let reload = try await client.request(.get, callback)
            checkEqual(reload.status, 200)
            check(reload.text.contains("This sign-in already finished: your Zelt account is linked"), "\(reload.text.prefix(600))")
            check(!reload.text.contains("could not be completed"), "not a failure")
            check(!reload.text.contains("data-event"), "no second event for the app")
            checkEqual(try await server.tokenRequests(zelt.client), before, "nothing exchanged again")
            checkEqual((try await client.api(.get, "/v1/accounts").json["accounts"] as? [Any])?.count, 1)
            // Another browser replaying it is still refused.
            checkEqual(try await HubClient(client: client.client).request(.get, callback).status, 400)
        }
    }

    @Test func twoZeltAccountsAreToldApartByTheNameTheVerificationResponseGives() async throws {
        // Zelt's OAuth has no non-secret field and no token metadata: the label comes from
        // `/users/me` (the spec's `verify.label`), one admin e-mail address per client here.
        let server = try TestServer.current(.auth)
        let zelt = try await EmulatedZelt(server, emailAddress: "admin@acme.example")
        let other = try await EmulatedZelt.register(server, emailAddress: "  hr@globex.example  ")
        let harness = try await HubHarness(overrides: zelt.overrides)
        try await harness.run { client in
            _ = try await client.openLinkSession(connectors: ["zelt"])
            let first = try await client.request(.get, try await zelt.callback(client))
            check(first.text.contains("Zelt is connected"), "\(first.text.prefix(600))")
            _ = try await client.openLinkSession(connectors: ["zelt"])
            let second = try await client.request(.get, try await zelt.callback(client, with: other))
            check(second.text.contains("Zelt is connected"), "\(second.text.prefix(600))")
            let accounts = try #require(try await client.api(.get, "/v1/accounts").json["accounts"] as? [[String: Any]])
            checkEqual(Set(accounts.compactMap { $0["label"] as? String }), ["admin@acme.example", "hr@globex.example"], "trimmed, one per account")
            _ = try await client.request(.post, "/admin/login", headers: Self.form, body: "key=\(HubHarness.appKey)")
            let admin = try await client.request(.get, "/admin")
            check(admin.text.contains("<span class=\"account-label\">admin@acme.example</span>"), "\(admin.text.suffix(1500))")
            check(admin.text.contains("<span class=\"account-label\">hr@globex.example</span>"), "the Accounts page tells them apart")
        }
    }

    @Test func linkingTheSameConnectorAgainWarnsAndNamesTheAccount() async throws {
        let server = try TestServer.current(.auth)
        let key = "bamboo-\(UUID().uuidString.lowercased())"
        let provider = try await server.emulate("bamboohr", credentials: .basic(username: key, password: "x"))
        let harness = try await HubHarness(overrides: ["bamboohr": provider.overrides(["api.bamboohr.com"])])
        try await harness.run { client in
            _ = try await client.openLinkSession(connectors: ["bamboohr"])
            let form = try await client.request(.get, "/link/connectors/bamboohr/api_key")
            check(!form.text.contains("Already linked"), "no warning before the first link")
            let done = try await client.submit("/link/connectors/bamboohr/api_key", from: form, values: ["companyDomain": "acme", "apiKey": key])
            check(done.text.contains("Account: <strong>acme</strong>"), "the account's label: \(done.text.prefix(900))")
            let again = try await client.request(.get, "/link/connectors/bamboohr/api_key")
            check(again.text.contains("id=\"already-linked\""), "a warning before a duplicate")
            check(again.text.contains("BambooHR (acme)"), "naming the account already linked: \(again.text.prefix(1500))")
            check(again.text.contains("href=\"/link/accounts\""), "with the way to Reconnect instead")
            let picker = try await client.request(.get, "/link")
            check(picker.text.contains("<span class=\"badge success\">Linked</span>"), "the picker marks it linked")
            let account = try #require((try await client.api(.get, "/v1/accounts").json["accounts"] as? [[String: Any]])?.first)
            checkEqual(account["label"] as? String, "acme", "the API has the label too")
            // The same account posted again (a reload resending the form): the credentials are
            // checked, but nothing is linked until the person asks for a second one.
            let resent = try await client.submit("/link/connectors/bamboohr/api_key", from: form, values: ["companyDomain": "acme", "apiKey": key])
            checkEqual(resent.status, 409)
            check(resent.text.contains("BambooHR (acme) is already linked") && resent.text.contains("nothing was linked"), "\(resent.text.prefix(1200))")
            check(resent.text.contains("name=\"duplicate\" value=\"1\""), "Connect again adds it anyway")
            checkEqual((try await client.api(.get, "/v1/accounts").json["accounts"] as? [Any])?.count, 1)
            let anyway = try await client.submit(
                "/link/connectors/bamboohr/api_key", from: resent, values: ["companyDomain": "acme", "apiKey": key, "duplicate": "1"])
            check(anyway.text.contains("BambooHR is connected"), "\(anyway.text.prefix(400))")
            checkEqual((try await client.api(.get, "/v1/accounts").json["accounts"] as? [Any])?.count, 2, "a second account, asked for")
            // Another company is no duplicate.
            let other = try await client.submit("/link/connectors/bamboohr/api_key", from: form, values: ["companyDomain": "globex", "apiKey": key])
            check(other.text.contains("BambooHR is connected"), "\(other.text.prefix(400))")
        }
    }

    // MARK: Forms

    @Test func everyFieldErrorShowsAtOnceAndRefusedCredentialsKeepTheOtherValues() async throws {
        let server = try TestServer.current(.auth)
        let provider = try await server.emulate("bamboohr", credentials: .basic(username: "right-key", password: "x"))
        let harness = try await HubHarness(overrides: ["bamboohr": provider.overrides(["api.bamboohr.com"])])
        try await harness.run { client in
            _ = try await client.openLinkSession(connectors: ["bamboohr"])
            let form = try await client.request(.get, "/link/connectors/bamboohr/api_key")
            let inline = try await client.submit("/link/connectors/bamboohr/api_key", from: form, values: ["companyDomain": " acme", "apiKey": ""])
            checkEqual(inline.status, 422)
            check(inline.text.contains("Fix these 2 fields to continue"), "both errors at once: \(inline.text.prefix(1500))")
            check(inline.text.contains("id=\"field-companyDomain-error\""), "the domain's error")
            check(inline.text.contains("id=\"field-apiKey-error\">API key is required"), "and the key's")
            check(inline.text.contains("<a href=\"#field-apiKey\">"), "the summary links each field")
            check(inline.text.contains("type them again") || inline.text.contains("type it again"), "says secrets must be typed again")

            let refused = try await client.submit("/link/connectors/bamboohr/api_key", from: form, values: ["companyDomain": "acme", "apiKey": "wrong-key"])
            check(refused.text.contains("The credentials were not accepted"), "\(refused.text.prefix(600))")
            check(refused.text.contains("id=\"field-companyDomain\"") && refused.text.contains("value=\"acme\""), "the form again, domain kept")
            check(refused.text.contains("id=\"secrets-cleared\""), "the person is told the key was cleared")
            check(!refused.text.contains("wrong-key"), "the secret is not rendered back")
        }
    }

    @Test func backOnAOneVariantFormGoesToThePickerAndNotSetUpPagesHaveAWayOn() async throws {
        let harness = try await HubHarness()
        try await harness.run { client in
            _ = try await client.openLinkSession()
            let bamboo = try await client.request(.get, "/link/connectors/bamboohr/api_key")
            check(bamboo.text.contains("<p class=\"back\"><a href=\"/link\">"), "one variant: Back is the picker")
            check(!bamboo.text.contains("href=\"/link/connectors/bamboohr\""), "never the redirect back to this form")
            let hibob = try await client.request(.get, "/link/connectors/hibob/service_user")
            check(hibob.text.contains("<p class=\"back\"><a href=\"/link/connectors/hibob\">"), "two variants: Back is the choice")
            let notSetUp = try await client.request(.get, "/link/connectors/hibob/oauth")
            check(notSetUp.text.contains("is not set up yet"))
            check(notSetUp.text.contains("href=\"/link/connectors/hibob/service_user\""), "the variant that works: \(notSetUp.text.prefix(900))")
            check(notSetUp.text.contains("href=\"/link\""), "and the picker")
            check(notSetUp.text.contains("Choose another connector"), "\(notSetUp.text.prefix(900))")
        }
    }

    /// Box takes the app's client when the app set one up (`"client": "either"`): here its
    /// secret is wrong, and the token endpoint answers invalid_client.
    @Test func aWrongAppClientIsTheAppsFaultAndTheOperatorsAreTold() async throws {
        let server = try TestServer.current(.auth)
        let provider = try await server.emulate("box", paths: ProviderPaths(authorize: "/api/oauth2/authorize", token: "/oauth2/token"))
        let registered = try await server.registerClient(
            "box", ClientOptions(authMethod: "client_secret_post"),
            redirectURI: URL(string: "http://127.0.0.1:8080/connect/oauth2/box/callback")!)
        let wrongSecret = "not-the-secret-\(UUID().uuidString)"
        let harness = try await HubHarness(
            setup: ["box": ["clientId": registered.id, "clientSecret": wrongSecret]],
            overrides: ["box": provider.overrides(["account.box.com", "api.box.com"])])
        try await harness.run { client in
            _ = try await client.openLinkSession(connectors: ["box"])
            let form = try await client.request(.get, "/link/connectors/box/oauth")
            check(!form.text.contains("name=\"clientSecret\""), "the app holds the client: the form asks for none")
            let start = try await client.submit("/link/connectors/box/oauth", from: form, values: [:])
            let callback = try await Browser.callbackURL(for: try #require(URL(string: start.location ?? ""), "\(start.text.prefix(300))"))
            let page = try await client.request(.get, callback.path + "?" + (callback.query ?? ""))
            check(page.text.contains("This connector is not set up correctly"), "\(page.text.prefix(600))")
            check(page.text.contains("Nothing is wrong with your Box account"), "not blamed on the person")
            check(!page.text.contains("double-check that you copied"), "no credentials advice")
            let signedIn = try await client.request(.post, "/admin/login", headers: Self.form, body: "key=\(HubHarness.appKey)")
            checkEqual(signedIn.status, 303)
            let admin = try await client.request(.get, "/admin")
            check(admin.text.contains("Box (OAuth 2.0) is misconfigured"), "the operators see it: \(admin.text.prefix(1200))")
            check(admin.text.contains("refused the app&#39;s OAuth client (invalid_client)"))
            check(!admin.text.contains(wrongSecret), "never the secret")
        }
    }

    @Test func aConnectorsPageListsItsAvailableDataFromTheCompiledDescriptor() async throws {
        let harness = try await HubHarness(setup: ["smartsheet_iam": ["clientId": "app-client", "clientSecret": "app-secret"]])
        try await harness.run { client in
            _ = try await client.openLinkSession()
            let smartsheet = try await client.request(.get, "/link/connectors/smartsheet_iam/oauth")
            check(smartsheet.text.contains("<h2 id=\"data-title\">Available data</h2>"), "\(smartsheet.text.prefix(1500))")
            check(smartsheet.text.contains("gives the app: Users, Roles."), "the seed's list")
            check(smartsheet.text.contains("<dt>Users</dt><dd>Users of the Smartsheet organization"), "the resource with its description")
            let choice = try await client.request(.get, "/link/connectors/hibob")
            check(choice.text.contains("Employees, Time off, Company lists, Reports"), "on the variant choice too")
        }
    }

    // MARK: What the app and operators get

    @Test func aNewLinkSendsASignedAccountLinkedWebhookWithTheAPIsFieldNames() async throws {
        let server = try TestServer.current(.auth)
        let received = Received()
        let receiver = try LocalHTTPServer { request in
            received.append(request)
            return LocalHTTPServer.Response(status: 204)
        }
        defer { receiver.stop() }
        let key = "bamboo-\(UUID().uuidString.lowercased())"
        let provider = try await server.emulate("bamboohr", credentials: .basic(username: key, password: "x"))
        let harness = try await HubHarness(overrides: ["bamboohr": provider.overrides(["api.bamboohr.com"])], webhookURL: receiver.url("/hooks"))
        try await harness.run { client in
            _ = try await client.openLinkSession(endUser: "user-42", connectors: ["bamboohr"])
            let form = try await client.request(.get, "/link/connectors/bamboohr/api_key")
            _ = try await client.submit("/link/connectors/bamboohr/api_key", from: form, values: ["companyDomain": "acme", "apiKey": key])
            let hooks = received.all
            checkEqual(hooks.count, 1, "one webhook for the new account")
            let hook = try #require(hooks.first)
            let event = try #require(try JSONSerialization.jsonObject(with: hook.body) as? [String: Any])
            checkEqual(event["type"] as? String, "account.linked")
            check(event["previousStatus"] == nil, "a new account has no previous status")
            let account = try #require(event["account"] as? [String: Any])
            checkEqual(account["endUserId"] as? String, "user-42")
            checkEqual(account["connector"] as? String, "bamboohr")
            checkEqual(account["status"] as? String, "active")
            checkEqual(account["label"] as? String, "acme")
            let text = String(decoding: hook.body, as: UTF8.self)
            check(!text.contains("endUserID") && !text.contains("connectorID"), "the API's names only: \(text)")
            check(!text.contains(key), "no credential")
            let api = try #require((try await client.api(.get, "/v1/accounts").json["accounts"] as? [[String: Any]])?.first)
            checkEqual(Set(account.keys), Set(api.keys), "the same fields as GET /v1/accounts")
            let header = try #require(hook.headers["connector-hub-signature"])
            check(WebhookSignature.verify(header: header, body: hook.body, secret: "whsec-test"), "signed like account.status_changed")
        }
    }

    @Test func aRefreshByTheRuntimeShowsAsTheAccountsLastRefresh() async throws {
        let server = try TestServer.current(.auth)
        let zelt = try await EmulatedZelt(server)
        let harness = try await HubHarness(overrides: zelt.overrides)
        try await harness.run { client in
            _ = try await client.openLinkSession(connectors: ["zelt"])
            _ = try await client.request(.get, try await zelt.callback(client))
            let id = try #require((try await client.api(.get, "/v1/accounts").json["accounts"] as? [[String: Any]])?.first?["id"] as? String)
            check(try await client.api(.get, "/v1/accounts/\(id)").json["lastRefreshAt"] == nil, "not refreshed yet")
            _ = try await client.request(.post, "/admin/login", headers: Self.form, body: "key=\(HubHarness.appKey)")
            check(try await client.request(.get, "/admin").text.contains("Not yet"), "the Accounts page says so")
            // The provider expires the token: the proxy's 401 makes the runtime refresh.
            try await server.expireAccessTokens(zelt.client)
            checkEqual(try await client.api(.get, "/v1/accounts/\(id)/proxy/users").status, 200)
            checkEqual(try await server.tokenRequests(zelt.client)["refresh_token"], 1)
            let refreshed = try #require(try await client.api(.get, "/v1/accounts/\(id)").json["lastRefreshAt"] as? String)
            check(refreshed.hasPrefix("20"), refreshed)
            let admin = try await client.request(.get, "/admin")
            check(admin.text.contains("<time datetime=\"\(refreshed)\""), "the Accounts page shows it: \(admin.text.suffix(1500))")
        }
    }

    @Test func removingAnAccountFromItsPageAsksFirst() async throws {
        let server = try TestServer.current(.auth)
        let key = "bamboo-\(UUID().uuidString.lowercased())"
        let provider = try await server.emulate("bamboohr", credentials: .basic(username: key, password: "x"))
        let harness = try await HubHarness(overrides: ["bamboohr": provider.overrides(["api.bamboohr.com"])])
        try await harness.run { client in
            _ = try await client.openLinkSession(connectors: ["bamboohr"])
            let form = try await client.request(.get, "/link/connectors/bamboohr/api_key")
            _ = try await client.submit("/link/connectors/bamboohr/api_key", from: form, values: ["companyDomain": "acme", "apiKey": key])
            let id = try #require((try await client.api(.get, "/v1/accounts").json["accounts"] as? [[String: Any]])?.first?["id"] as? String)
            let page = try await client.request(.get, "/link/accounts")
            check(page.text.contains("class=\"danger-outline\""), "Remove looks unlike Reconnect")
            let asked = try await client.submit("/link/accounts/\(id)/remove", from: page, values: [:])
            checkEqual(asked.status, 200)
            check(asked.text.contains("Remove BambooHR (acme)?"), "\(asked.text.prefix(600))")
            check(asked.text.contains("<button type=\"submit\" class=\"danger\">Remove account</button>"))
            check(asked.text.contains("href=\"/link/accounts\">Cancel"))
            checkEqual(try await client.api(.get, "/v1/accounts/\(id)").status, 200, "nothing removed yet")
            let removed = try await client.submit("/link/accounts/\(id)/remove", from: asked, values: ["confirm": "yes"])
            checkEqual(removed.status, 303)
            checkEqual(try await client.api(.get, "/v1/accounts/\(id)").status, 404)
        }
    }
}

/// Zelt on the Authlib emulation with a client registered for the Hub's redirect URI: the
/// person's own (Zelt's seed guide), typed on the form.
struct EmulatedZelt {
    let provider: EmulatedProvider
    let client: EmulatedClient

    /// `emailAddress`: what the emulated `/users/me` answers for this client's tokens (the user
    /// record's field, as Zelt's users list documents it).
    init(_ server: TestServer, emailAddress: String? = nil) async throws {
        provider = try await server.emulate("zelt", paths: ProviderPaths(authorize: "/", token: "/apiv2/oauth/authorize/token"))
        client = try await Self.register(server, emailAddress: emailAddress)
    }

    /// Another person's own client on the same Zelt: another Zelt account.
    static func register(_ server: TestServer, emailAddress: String?) async throws -> EmulatedClient {
        var options = ClientOptions(refreshRedirectURI: true)
        if let emailAddress { options.apiProfile = ["emailAddress": emailAddress] }
        return try await server.registerClient(
            "zelt", options, redirectURI: URL(string: "http://127.0.0.1:8080/connect/oauth2/zelt/callback")!)
    }

    var overrides: [String: [String: URL]] { ["zelt": provider.overrides(["go.zelt.app"])] }

    /// Starts the OAuth round trip from the form and follows the emulated consent: the callback's
    /// path and query.
    func callback(_ client: HubClient, with oauthClient: EmulatedClient? = nil) async throws -> String {
        let oauthClient = oauthClient ?? self.client
        let form = try await client.request(.get, "/link/connectors/zelt/oauth")
        let start = try await client.submit(
            "/link/connectors/zelt/oauth", from: form, values: ["clientId": oauthClient.id, "clientSecret": oauthClient.secret])
        let callback = try await Browser.callbackURL(for: try #require(URL(string: start.location ?? ""), "\(start.text.prefix(300))"))
        return callback.path + "?" + (callback.query ?? "")
    }
}
