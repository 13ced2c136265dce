import ConnectorHub
import ConnectorRuntime
import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Testing

/// The Hub end to end: link sessions, the Link Account pages, OAuth against the Authlib
/// emulation, the proxy, webhooks. Every provider is the Authlib server over real HTTP.
@Suite(.authServer) struct LinkingTests {
    // MARK: API key (BambooHR)

    @Test func apiKeyConnectorLinksFromTheGeneratedFormAndProxiesWithTheKey() async throws {
        let server = try TestServer.current(.auth)
        let key = "bamboo-\(UUID().uuidString.lowercased())"
        let provider = try await server.emulate("bamboohr", credentials: .basic(username: key, password: "x"))
        let harness = try await HubHarness(overrides: ["bamboohr": provider.overrides(["api.bamboohr.com"])])
        try await harness.run { client in
            let picker = try await client.openLinkSession()
            checkEqual(picker.status, 200)
            check(picker.text.contains("href=\"/link/connectors/bamboohr\""), "the picker lists BambooHR from the catalog")
            check(picker.text.contains("href=\"/link/connectors/zelt\""), "and Zelt")
            let form = try await client.request(.get, "/link/connectors/bamboohr/api_key")
            checkEqual(form.status, 200)
            check(form.text.contains("type=\"password\" id=\"field-apiKey\""), "the secret field is a password input")
            check(form.text.contains("id=\"field-companyDomain\""), "the connector-level field is on the form")
            check(form.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true, "strict CSP")
            let done = try await client.submit(
                "/link/connectors/bamboohr/api_key", from: form, values: ["companyDomain": "acme", "apiKey": key])
            checkEqual(done.status, 200)
            check(done.text.contains("BambooHR is connected"), "the success page: \(done.text.prefix(400))")
            check(!done.text.contains(key), "the key is never rendered back")

            let list = try await client.api(.get, "/v1/accounts?endUserId=user-1")
            let accounts = try #require(list.json["accounts"] as? [[String: Any]])
            checkEqual(accounts.count, 1)
            let account = try #require(accounts.first)
            checkEqual(account["connector"] as? String, "bamboohr")
            checkEqual(account["status"] as? String, "active")
            check(!list.text.contains(key), "the API never returns credentials")
            let id = try #require(account["id"] as? String)
            check(id.hasPrefix("bamboohr.acc_"), "account ids name their connector (sealed as associated data): \(id)")

            let proxied = try await client.api(.get, "/v1/accounts/\(id)/proxy/employees/directory?fields=name")
            checkEqual(proxied.status, 200)
            let requests = try await provider.apiRequests()
            checkEqual(requests, ["GET /api/gateway.php/acme/v1/meta/fields", "GET /api/gateway.php/acme/v1/employees/directory?fields=name"])

            let escape = try await client.api(.get, "/v1/accounts/\(id)/proxy/../../admin")
            checkEqual(escape.status, 400, "the proxy does not leave the connector's API")
            // Spelled so that a server on the way would normalise it to `..`: refused as well.
            for path in ["%2e%2e/%2e%2e/admin", ".%2e/admin", "%2E./admin", "employees%2F..%2F..%2Fadmin", "..;/admin", "employees/..;/x",
                         "%252e%252e/admin", "employees%5C..%5Cadmin", "employees/%2e/directory", "employees//directory"] {
                let encoded = try await client.api(.get, "/v1/accounts/\(id)/proxy/\(path)")
                checkEqual(encoded.status, 400, "\(path) is refused")
                check((encoded.json["message"] as? String)?.contains("no '.' or '..' segments (also percent-encoded)") == true, encoded.text)
            }
            checkEqual(try await provider.apiRequests().count, 2, "none of them reached the provider")
            let unauthorized = try await client.api(.get, "/v1/accounts/\(id)", key: "wrong-key")
            checkEqual(unauthorized.status, 401)

            let accountsPage = try await client.request(.get, "/link/accounts")
            check(accountsPage.text.contains("BambooHR") && accountsPage.text.contains("Active"), "the session's Accounts page lists it")
            let removed = try await client.api(.delete, "/v1/accounts/\(id)")
            checkEqual(removed.status, 200)
            checkEqual(try await client.api(.get, "/v1/accounts/\(id)").status, 404)
        }
    }

    @Test func strayWhitespaceIsAnInlineErrorFromTheCompiledCheckAndBadKeyIsInvalidCredentials() async throws {
        let server = try TestServer.current(.auth)
        let key = "bamboo-\(UUID().uuidString.lowercased())"
        let provider = try await server.emulate("bamboohr", credentials: .basic(username: key, password: "x"))
        let harness = try await HubHarness(overrides: ["bamboohr": provider.overrides(["api.bamboohr.com"])])
        try await harness.run { client in
            _ = try await client.openLinkSession(connectors: ["bamboohr"])
            let form = try await client.request(.get, "/link/connectors/bamboohr/api_key")
            let inline = try await client.submit(
                "/link/connectors/bamboohr/api_key", from: form, values: ["companyDomain": "acme", "apiKey": key + " "])
            checkEqual(inline.status, 422)
            check(
                inline.text.contains("id=\"field-apiKey-error\">API key has spaces or line breaks at the start or end; copy the value again without them"),
                "the runtime's FieldCheck reason, under the field: \(inline.text)")
            check(inline.text.contains("value=\"acme\""), "non-secret values are kept")
            check(!inline.text.contains(key), "the secret is not rendered back")
            checkEqual(try await provider.apiRequests(), [], "nothing was sent to the provider")

            let rejected = try await client.submit(
                "/link/connectors/bamboohr/api_key", from: inline, values: ["companyDomain": "acme", "apiKey": "revoked-key"])
            check(rejected.text.contains("The credentials were not accepted"), "invalid credentials page")
            check(rejected.text.contains("make sure there are no extra spaces or characters"), "in the seed FAQ's words")
            let accounts = try await client.api(.get, "/v1/accounts")
            checkEqual((accounts.json["accounts"] as? [Any])?.count, 0)
        }
    }

    @Test func formsRejectAMissingCSRFTokenAndAForeignOrigin() async throws {
        let harness = try await HubHarness()
        try await harness.run { client in
            _ = try await client.openLinkSession(connectors: ["bamboohr"])
            let noToken = try await client.request(
                .post, "/link/connectors/bamboohr/api_key",
                headers: [.contentType: "application/x-www-form-urlencoded", .origin: "http://127.0.0.1:8080"], body: "apiKey=k")
            checkEqual(noToken.status, 403)
            let form = try await client.request(.get, "/link/connectors/bamboohr/api_key")
            let csrf = try #require(HubClient.csrf(in: form.text))
            let foreign = try await client.request(
                .post, "/link/connectors/bamboohr/api_key",
                headers: [.contentType: "application/x-www-form-urlencoded", .origin: "https://evil.example"], body: "csrf=\(csrf)&apiKey=k")
            checkEqual(foreign.status, 403)
        }
    }

    @Test func aLinkTokenWorksOnceAndAnUnknownOneShowsExpired() async throws {
        let harness = try await HubHarness()
        try await harness.run { client in
            let created = try await client.api(.post, "/v1/link-sessions", json: ["endUserId": "u"])
            let path = try #require(URL(string: created.json["url"] as? String ?? "")).path
            let opened = try await client.request(.get, path)
            checkEqual(opened.status, 303)
            checkEqual(try await client.request(.get, try #require(opened.location)).status, 200)
            checkEqual(try await client.request(.get, path).status, 303, "the browser that used it continues its session")
            checkEqual(try await HubClient(client: client.client).request(.get, path).status, 410, "single use: other browsers are refused")
            checkEqual(try await client.request(.get, "/link/start/not-a-token").status, 401)
        }
    }

    // MARK: OAuth (Zelt)

    @Test func zeltLinksThroughOAuthWithItsScopesInTheGuideAndRefreshesThroughTheProxy() async throws {
        let server = try TestServer.current(.auth)
        let provider = try await server.emulate("zelt", paths: ProviderPaths(authorize: "/", token: "/apiv2/oauth/authorize/token"))
        let redirect = URL(string: "http://127.0.0.1:8080/connect/oauth2/zelt/callback")!
        let oauthClient = try await server.registerClient("zelt", ClientOptions(refreshRedirectURI: true), redirectURI: redirect)
        let harness = try await HubHarness(
            overrides: ["zelt": provider.overrides(["go.zelt.app"])])
        try await harness.run { client in
            _ = try await client.openLinkSession(connectors: ["zelt"])
            let chooser = try await client.request(.get, "/link/connectors/zelt")
            checkEqual(chooser.location, "/link/connectors/zelt/oauth", "one variant: straight to its form")
            let form = try await client.request(.get, "/link/connectors/zelt/oauth")
            // As the seed guide says: the person enters their own app's Client ID and Client Secret.
            check(form.text.contains("id=\"field-clientId\"") && form.text.contains("id=\"field-clientSecret\""), "the client fields")
            check(form.text.contains(redirect.absoluteString), "the redirect URI to register")
            check(form.text.contains("data-copy=\"redirect-uri\""), "with a copy button")
            for scope in ["user:read:all", "user.basicInfo:read", "company.settings:read", "user.role:all"] {
                check(form.text.contains("<code>\(scope)</code>"), "scope \(scope) in the guide")
            }
            checkEqual(form.text.components(separatedBy: "<li><code>").count - 1, 14, "Zelt's 14 scopes")
            let start = try await client.submit("/link/connectors/zelt/oauth", from: form, values: oauthClient.fields)
            checkEqual(start.status, 303)
            let authorize = try #require(URL(string: start.location ?? ""))
            check(authorize.absoluteString.hasPrefix(provider.origin.absoluteString), "to Zelt's (emulated) authorize page")
            let callback = try await Browser.callbackURL(for: authorize)
            checkEqual(callback.path, "/connect/oauth2/zelt/callback")
            let done = try await client.request(.get, callback.path + "?" + (callback.query ?? ""))
            check(done.text.contains("Zelt is connected"), "linked: \(done.text.prefix(600))")
            let replay = try await client.request(.get, callback.path + "?" + (callback.query ?? ""))
            check(replay.text.contains("This sign-in already finished"), "a callback's state works once; a reload says it is linked")

            let accounts = try #require(try await client.api(.get, "/v1/accounts").json["accounts"] as? [[String: Any]])
            let id = try #require(accounts.first?["id"] as? String)
            checkEqual(try await client.api(.get, "/v1/accounts/\(id)/proxy/users").status, 200)
            // The provider expires the access token: the proxy's request gets a 401, the Hub
            // refreshes (with Zelt's redirect_uri) and retries, and the app sees a 200.
            let before = try await server.tokenRequests(oauthClient)
            try await server.expireAccessTokens(oauthClient)
            let proxied = try await client.api(.get, "/v1/accounts/\(id)/proxy/users")
            checkEqual(proxied.status, 200)
            let after = try await server.tokenRequests(oauthClient)
            checkEqual(after["refresh_token"] ?? 0, (before["refresh_token"] ?? 0) + 1, "one refresh for the expired token")
            // The emulation lists the requests it answered with data (not the 401).
            checkEqual(try await provider.apiRequests(), ["GET /apiv2/users/me", "GET /apiv2/users", "GET /apiv2/users"])
        }
    }

    @Test func aCallbackFromAnotherBrowserIsRefused() async throws {
        let server = try TestServer.current(.auth)
        let provider = try await server.emulate("zelt", paths: ProviderPaths(authorize: "/", token: "/apiv2/oauth/authorize/token"))
        let redirect = URL(string: "http://127.0.0.1:8080/connect/oauth2/zelt/callback")!
        let oauthClient = try await server.registerClient("zelt", ClientOptions(refreshRedirectURI: true), redirectURI: redirect)
        let harness = try await HubHarness(
            overrides: ["zelt": provider.overrides(["go.zelt.app"])])
        try await harness.run { client in
            _ = try await client.openLinkSession(connectors: ["zelt"])
            let form = try await client.request(.get, "/link/connectors/zelt/oauth")
            let start = try await client.submit("/link/connectors/zelt/oauth", from: form, values: oauthClient.fields)
            let callback = try await Browser.callbackURL(for: try #require(URL(string: start.location ?? "")))
            // Another browser (no session cookie) lands on the callback: refused, nothing linked.
            let other = HubClient(client: client.client)
            let refused = try await other.request(.get, callback.path + "?" + (callback.query ?? ""))
            checkEqual(refused.status, 400)
            check(refused.text.contains("This sign-in could not be completed"))
            checkEqual((try await client.api(.get, "/v1/accounts").json["accounts"] as? [Any])?.count, 0)
        }
    }

    @Test func accessDeniedAtTheProviderShowsTheFAQAdvice() async throws {
        let server = try TestServer.current(.auth)
        let provider = try await server.emulate("zelt", paths: ProviderPaths(authorize: "/", token: "/apiv2/oauth/authorize/token"))
        let redirect = URL(string: "http://127.0.0.1:8080/connect/oauth2/zelt/callback")!
        let oauthClient = try await server.registerClient("zelt", ClientOptions(refreshRedirectURI: true), redirectURI: redirect)
        try await server.control("POST", "/_control/deny?client_id=\(oauthClient.id)&on=1")
        let harness = try await HubHarness(
            overrides: ["zelt": provider.overrides(["go.zelt.app"])])
        try await harness.run { client in
            _ = try await client.openLinkSession(connectors: ["zelt"])
            let form = try await client.request(.get, "/link/connectors/zelt/oauth")
            let start = try await client.submit("/link/connectors/zelt/oauth", from: form, values: oauthClient.fields.merging(["embedded": "1"]) { $1 })
            checkEqual(start.status, 200, "embedded: the waiting page with a popup link")
            let poll = try #require(start.text.range(of: "data-poll=\"")).upperBound
            let statusPath = String(start.text[poll...].prefix { $0 != "\"" })
            checkEqual(try await client.request(.get, statusPath).json["status"] as? String, "pending")
            let link = try #require(start.text.range(of: "href=\"http")).lowerBound
            let authorize = try #require(URL(string: String(start.text[start.text.index(link, offsetBy: 6)...].prefix { $0 != "\"" })
                .replacingOccurrences(of: "&amp;", with: "&")))
            let callback = try await Browser.callbackURL(for: authorize)
            let page = try await client.request(.get, callback.path + "?" + (callback.query ?? ""))
            check(page.text.contains("Access was not granted"), "access denied page: \(page.text.prefix(500))")
            check(page.text.contains("Confirm admin access"), "with the FAQ's advice")
            let status = try await client.request(.get, statusPath)
            checkEqual(status.json["status"] as? String, "failed", "the polled status tells the embedding page")
            let result = try await client.request(.get, try #require(status.json["next"] as? String))
            check(result.text.contains("Access was not granted"))
        }
    }

    // MARK: Webhooks and reconnect

    @Test func revokedRefreshTokenMarksReconnectRequiredAndSendsASignedWebhook() async throws {
        let server = try TestServer.current(.auth)
        let received = Received()
        let receiver = try LocalHTTPServer { request in
            received.append(request)
            return LocalHTTPServer.Response(status: 204)
        }
        defer { receiver.stop() }
        let provider = try await server.emulate("zelt", paths: ProviderPaths(authorize: "/", token: "/apiv2/oauth/authorize/token"))
        let redirect = URL(string: "http://127.0.0.1:8080/connect/oauth2/zelt/callback")!
        let oauthClient = try await server.registerClient(
            "zelt", ClientOptions(refreshRedirectURI: true, tokenLifetime: 30), redirectURI: redirect)
        let harness = try await HubHarness(
            overrides: ["zelt": provider.overrides(["go.zelt.app"])], webhookURL: receiver.url("/hooks"))
        try await harness.run { client in
            _ = try await client.openLinkSession(connectors: ["zelt"])
            let form = try await client.request(.get, "/link/connectors/zelt/oauth")
            let start = try await client.submit("/link/connectors/zelt/oauth", from: form, values: oauthClient.fields)
            let callback = try await Browser.callbackURL(for: try #require(URL(string: start.location ?? "")))
            _ = try await client.request(.get, callback.path + "?" + (callback.query ?? ""))
            let accounts = try #require(try await client.api(.get, "/v1/accounts").json["accounts"] as? [[String: Any]])
            let id = try #require(accounts.first?["id"] as? String)

            try await server.revokeAll(oauthClient)
            let proxied = try await client.api(.get, "/v1/accounts/\(id)/proxy/users")
            checkEqual(proxied.status, 409)
            checkEqual(proxied.json["error"] as? String, "reconnect_required")
            checkEqual(try await client.api(.get, "/v1/accounts/\(id)").json["status"] as? String, "reconnect_required")

            checkEqual(received.all.map { Self.eventType($0) }, ["account.linked", "account.status_changed"])
            let hooks = received.all.filter { Self.eventType($0) == "account.status_changed" }
            checkEqual(hooks.count, 1, "one webhook for the one status change")
            let hook = try #require(hooks.first)
            let body = hook.body
            let event = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
            checkEqual(event["type"] as? String, "account.status_changed")
            checkEqual(event["previousStatus"] as? String, "active")
            checkEqual((event["account"] as? [String: Any])?["status"] as? String, "reconnect_required")
            // The account in the app API's field names (the Account schema), not the record's.
            let apiAccount = try await client.api(.get, "/v1/accounts/\(id)").json
            checkEqual(
                Set(((event["account"] as? [String: Any]) ?? [:]).keys).subtracting(["status", "updatedAt"]),
                Set(apiAccount.keys).subtracting(["status", "updatedAt"]), "the same members as GET /v1/accounts/{id}")
            checkEqual((event["account"] as? [String: Any])?["endUserId"] as? String, "user-1")
            // The signature, recomputed here with swift-crypto: HMAC-SHA256 over "<t>.<body>".
            let header = try #require(hook.headers["connector-hub-signature"])
            let parts = Dictionary(uniqueKeysWithValues: header.split(separator: ",").map { part -> (String, String) in
                let pair = part.split(separator: "=", maxSplits: 1)
                return (String(pair[0]), String(pair[1]))
            })
            let timestamp = try #require(parts["t"])
            let mac = HMAC<Crypto.SHA256>.authenticationCode(
                for: Data("\(timestamp).".utf8) + body, using: SymmetricKey(data: Data("whsec-test".utf8)))
            checkEqual(parts["v1"], mac.map { String(format: "%02x", $0) }.joined())
            check(WebhookSignature.verify(header: header, body: body, secret: "whsec-test"), "the Hub's verifier accepts it")
            check(!WebhookSignature.verify(header: header, body: body + Data(" ".utf8), secret: "whsec-test"), "and rejects a changed body")

            // Reconnect: a session for the same account; linking again makes it active.
            let reconnect = try await client.api(.post, "/v1/accounts/\(id)/reconnect-sessions")
            checkEqual(reconnect.status, 201)
            let path = try #require(URL(string: reconnect.json["url"] as? String ?? "")).path
            _ = try await client.request(.get, path)
            let again = try await client.request(.get, "/link/connectors/zelt/oauth")
            let restart = try await client.submit("/link/connectors/zelt/oauth", from: again, values: oauthClient.fields)
            let callback2 = try await Browser.callbackURL(for: try #require(URL(string: restart.location ?? "")))
            let done = try await client.request(.get, callback2.path + "?" + (callback2.query ?? ""))
            check(done.text.contains("Zelt is connected"))
            checkEqual(try await client.api(.get, "/v1/accounts/\(id)").json["status"] as? String, "active", "same account, active again")
            checkEqual(received.all.count, 3, "another webhook: reconnect_required -> active")
            checkEqual(try await client.api(.get, "/v1/accounts/\(id)/proxy/users").status, 200)
        }
    }
}

extension LinkingTests {
    // MARK: The person's own client (Zelt's seed guide), and what a reconnect may touch

    /// Zelt's seed guide: the person enters their own app's Client ID and Client Secret. The
    /// client is stored sealed with the account and used for refreshes; a reconnect with another
    /// client replaces it only when the new grant passes (a failed one keeps the old client).
    @Test func thePersonsClientIsUsedForRefreshAndAReconnectReplacesItAllOrNothing() async throws {
        let server = try TestServer.current(.auth)
        let provider = try await server.emulate("zelt", paths: ProviderPaths(authorize: "/", token: "/apiv2/oauth/authorize/token"))
        let redirect = URL(string: "http://127.0.0.1:8080/connect/oauth2/zelt/callback")!
        let first = try await server.registerClient("zelt", ClientOptions(refreshRedirectURI: true), redirectURI: redirect)
        let second = try await server.registerClient("zelt", ClientOptions(refreshRedirectURI: true), redirectURI: redirect)
        let harness = try await HubHarness(overrides: ["zelt": provider.overrides(["go.zelt.app"])])
        try await harness.run { client in
            _ = try await client.openLinkSession(connectors: ["zelt"])
            let form = try await client.request(.get, "/link/connectors/zelt/oauth")
            check(!form.text.contains("is not set up yet"), "no app setup needed")
            let start = try await client.submit("/link/connectors/zelt/oauth", from: form, values: first.fields)
            let callback = try await Browser.callbackURL(for: try #require(URL(string: start.location ?? "")))
            check(try await client.request(.get, callback.path + "?" + (callback.query ?? "")).text.contains("Zelt is connected"))
            let accounts = try #require(try await client.api(.get, "/v1/accounts").json["accounts"] as? [[String: Any]])
            let id = try #require(accounts.first?["id"] as? String)
            try await server.expireAccessTokens(first)
            checkEqual(try await client.api(.get, "/v1/accounts/\(id)/proxy/users").status, 200)
            checkEqual(try await server.tokenRequests(first)["refresh_token"], 1, "refreshed with the person's client")

            // A reconnect with a wrong secret for the second client: refused, the first client stays.
            let path = try #require(URL(string: try await client.api(.post, "/v1/accounts/\(id)/reconnect-sessions").json["url"] as? String ?? "")).path
            _ = try await client.request(.get, path)
            var wrong = second.fields
            wrong["clientSecret"] = "not-the-secret"
            let bad = try await client.submit(
                "/link/connectors/zelt/oauth", from: try await client.request(.get, "/link/connectors/zelt/oauth"), values: wrong)
            let badCallback = try await Browser.callbackURL(for: try #require(URL(string: bad.location ?? "")))
            let refused = try await client.request(.get, badCallback.path + "?" + (badCallback.query ?? ""))
            check(!refused.text.contains("Zelt is connected"), "a wrong client secret fails the exchange")
            try await server.expireAccessTokens(first)
            checkEqual(try await client.api(.get, "/v1/accounts/\(id)/proxy/users").status, 200)
            checkEqual(try await server.tokenRequests(first)["refresh_token"], 2, "still the first client")

            // The same reconnect session, now with the second client's right secret: replaced.
            let good = try await client.submit(
                "/link/connectors/zelt/oauth", from: try await client.request(.get, "/link/connectors/zelt/oauth"), values: second.fields)
            let goodCallback = try await Browser.callbackURL(for: try #require(URL(string: good.location ?? "")))
            check(try await client.request(.get, goodCallback.path + "?" + (goodCallback.query ?? "")).text.contains("Zelt is connected"))
            checkEqual((try await client.api(.get, "/v1/accounts").json["accounts"] as? [Any])?.count, 1, "the same account")
            try await server.expireAccessTokens(second)
            checkEqual(try await client.api(.get, "/v1/accounts/\(id)/proxy/users").status, 200)
            checkEqual(try await server.tokenRequests(second)["refresh_token"], 1, "refreshed with the new client")
            checkEqual(try await server.tokenRequests(first)["refresh_token"], 2, "the old client no longer")
        }
    }

    /// `"client": "either"` (Google Workspace): the form asks for the client only while the app's
    /// setup has none, and the guide beside it shows the steps of that case only.
    @Test func anEitherVariantAsksForTheClientOnlyWhileTheAppHasNone() async throws {
        let withoutSetup = try await HubHarness()
        try await withoutSetup.run { client in
            _ = try await client.openLinkSession(connectors: ["google_workspace"])
            let form = try await client.request(.get, "/link/connectors/google_workspace/oauth")
            checkEqual(form.status, 200)
            check(!form.text.contains("is not set up yet"), "the person can bring their own client")
            check(form.text.contains("id=\"field-clientId\"") && form.text.contains("id=\"field-clientSecret\""), "the client fields")
            check(form.text.contains("Create an OAuth client in Google Cloud"), "the guide's steps for the person's client")
        }
        let withSetup = try await HubHarness(setup: ["google_workspace": ["clientId": "app-client", "clientSecret": "app-secret"]])
        try await withSetup.run { client in
            _ = try await client.openLinkSession(connectors: ["google_workspace"])
            let form = try await client.request(.get, "/link/connectors/google_workspace/oauth")
            check(!form.text.contains("field-clientId") && !form.text.contains("field-clientSecret"), "no client fields")
            check(!form.text.contains("Create an OAuth client in Google Cloud") && !form.text.contains("Client Secret"), "nor their steps")
            check(form.text.contains("id=\"field-domain\""), "the person's own field stays")
            check(!form.text.contains("app-secret"), "the app's secret is never shown")
        }
    }

    /// Pressing Reconnect, then linking another connector in the same browser session, creates a
    /// new account: the reconnected account keeps its connector, variant and credentials.
    @Test func aReconnectAppliesOnlyToItsOwnConnectorAndVariant() async throws {
        let server = try TestServer.current(.auth)
        let provider = try await server.emulate("zelt", paths: ProviderPaths(authorize: "/", token: "/apiv2/oauth/authorize/token"))
        let redirect = URL(string: "http://127.0.0.1:8080/connect/oauth2/zelt/callback")!
        let oauthClient = try await server.registerClient("zelt", ClientOptions(refreshRedirectURI: true), redirectURI: redirect)
        let key = "bamboo-\(UUID().uuidString.lowercased())"
        let bamboo = try await server.emulate("bamboohr", credentials: .basic(username: key, password: "x"))
        let harness = try await HubHarness(
            overrides: ["zelt": provider.overrides(["go.zelt.app"]), "bamboohr": bamboo.overrides(["api.bamboohr.com"])])
        try await harness.run { client in
            _ = try await client.openLinkSession(connectors: ["zelt", "bamboohr"])
            let form = try await client.request(.get, "/link/connectors/zelt/oauth")
            let start = try await client.submit("/link/connectors/zelt/oauth", from: form, values: oauthClient.fields)
            let callback = try await Browser.callbackURL(for: try #require(URL(string: start.location ?? "")))
            _ = try await client.request(.get, callback.path + "?" + (callback.query ?? ""))
            let accounts = try #require(try await client.api(.get, "/v1/accounts").json["accounts"] as? [[String: Any]])
            let zeltID = try #require(accounts.first?["id"] as? String)

            // Reconnect pressed on the session's accounts page, then BambooHR linked instead.
            let list = try await client.request(.get, "/link/accounts")
            let pressed = try await client.submit("/link/accounts/\(zeltID)/reconnect", from: list, values: [:])
            checkEqual(pressed.location, "/link/connectors/zelt/oauth")
            let bambooForm = try await client.request(.get, "/link/connectors/bamboohr/api_key")
            let linked = try await client.submit(
                "/link/connectors/bamboohr/api_key", from: bambooForm, values: ["companyDomain": "acme", "apiKey": key])
            check(linked.text.contains("BambooHR is connected"), "\(linked.text.prefix(400))")

            let after = try #require(try await client.api(.get, "/v1/accounts").json["accounts"] as? [[String: Any]])
            checkEqual(after.count, 2, "a new account for BambooHR")
            let zelt = try #require(after.first { $0["id"] as? String == zeltID })
            checkEqual(zelt["connector"] as? String, "zelt", "the Zelt account is still Zelt's")
            checkEqual(try await client.api(.get, "/v1/accounts/\(zeltID)/proxy/users").status, 200, "with its credentials")
        }
    }

    static func eventType(_ request: LocalHTTPServer.Request) -> String? {
        (try? JSONSerialization.jsonObject(with: request.body) as? [String: Any])?["type"] as? String
    }
}

/// Requests the webhook receiver got.
final class Received: @unchecked Sendable {
    private let lock = NSLock()
    private var requests: [LocalHTTPServer.Request] = []
    func append(_ request: LocalHTTPServer.Request) { lock.withLock { requests.append(request) } }
    var all: [LocalHTTPServer.Request] { lock.withLock { requests } }
}
