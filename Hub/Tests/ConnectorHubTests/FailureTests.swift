import ConnectorHub
import ConnectorRuntime
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Testing

/// The failure pages a person can meet (missing scopes, provider unavailable, too many attempts)
/// and what removing an account does at the provider, all against the Authlib emulation.
@Suite(.authServer) struct FailureTests {
    // MARK: Missing scopes

    @Test func aGrantNarrowerThanRequestedNamesTheMissingScopesAndLinksNothing() async throws {
        let server = try TestServer.current(.auth)
        let google = try await EmulatedGoogle(server)
        // At the consent screen the person unticks "See info about users on your domain".
        try await server.narrow(google.client, withholding: [EmulatedGoogle.users])
        let harness = try await HubHarness(setup: google.setup, overrides: google.overrides)
        try await harness.run { client in
            let page = try await google.linkAttempt(client)
            check(page.text.contains("Some permissions are missing"), "the missing scopes page: \(page.text.prefix(600))")
            check(page.text.contains("Check required scopes: ensure all required scopes listed in the connection guide are enabled"), "the FAQ's words")
            check(
                page.text.contains("<li><code>\(EmulatedGoogle.users)</code>: See info about users on your domain</li>"),
                "the missing scope, named with the guide's description")
            check(!page.text.contains("<li><code>\(EmulatedGoogle.groups)</code>"), "a granted scope is not named")
            checkEqual((try await client.api(.get, "/v1/accounts").json["accounts"] as? [Any])?.count, 0, "nothing linked")
            checkEqual(try await server.revocations(google.client), 1, "the narrower grant is revoked (the spec has a revokeURL)")
            checkEqual(try await server.activeTokens(google.client).access, 0, "and no longer works at the provider")

            // Granting everything on the next try links the account.
            try await server.narrow(google.client, withholding: [])
            let done = try await google.linkAttempt(client)
            check(done.text.contains("Google Workspace is connected"), "\(done.text.prefix(400))")
        }
    }

    @Test func aNarrowerGrantDuringAReconnectKeepsTheAccountsWorkingTokens() async throws {
        let server = try TestServer.current(.auth)
        let google = try await EmulatedGoogle(server)
        let harness = try await HubHarness(setup: google.setup, overrides: google.overrides)
        try await harness.run { client in
            let id = try await google.link(client)
            let reconnect = try await client.api(.post, "/v1/accounts/\(id)/reconnect-sessions")
            let path = try #require(URL(string: reconnect.json["url"] as? String ?? "")).path
            _ = try await client.request(.get, path)
            try await server.narrow(google.client, withholding: [EmulatedGoogle.users])
            let form = try await client.request(.get, "/link/connectors/google_workspace/oauth")
            let start = try await client.submit("/link/connectors/google_workspace/oauth", from: form, values: ["domain": "acme.com"])
            let callback = try await Browser.callbackURL(for: try #require(URL(string: start.location ?? "")))
            let page = try await client.request(.get, callback.path + "?" + (callback.query ?? ""))
            check(page.text.contains("<li><code>\(EmulatedGoogle.users)</code>"), "the missing scope is named: \(page.text.prefix(600))")
            checkEqual(try await client.api(.get, "/v1/accounts/\(id)").json["status"] as? String, "active")
            checkEqual(
                try await client.api(.get, "/v1/accounts/\(id)/proxy/users?domain=acme.com").status, 200,
                "the account still uses its earlier, complete grant")
            checkEqual(try await server.revocations(google.client), 1, "the narrower grant is revoked (the spec has a revokeURL)")
            checkEqual(try await server.activeTokens(google.client).access, 1, "the earlier grant's token still works at the provider")
        }
    }

    @Test func aReconnectWhoseVerificationMeetsInsufficientScopeKeepsTheAccountsTokensAndRevokesTheNewGrant() async throws {
        let server = try TestServer.current(.auth)
        // The users endpoint (the verification request) needs the users scope.
        let google = try await EmulatedGoogle(server, apiScopes: [EmulatedGoogle.users])
        let harness = try await HubHarness(setup: google.setup, overrides: google.overrides)
        try await harness.run { client in
            let id = try await google.link(client)
            checkEqual(try await server.activeTokens(google.client).access, 1)
            // Now the token responses leave out `scope`: the exchange cannot see that the person
            // unticked the users scope, only the verification request's 403 challenge tells.
            try await server.silenceScopes(google.client)
            try await server.narrow(google.client, withholding: [EmulatedGoogle.users])
            let reconnect = try await client.api(.post, "/v1/accounts/\(id)/reconnect-sessions")
            let path = try #require(URL(string: reconnect.json["url"] as? String ?? "")).path
            _ = try await client.request(.get, path)
            let form = try await client.request(.get, "/link/connectors/google_workspace/oauth")
            let start = try await client.submit("/link/connectors/google_workspace/oauth", from: form, values: ["domain": "acme.com"])
            let callback = try await Browser.callbackURL(for: try #require(URL(string: start.location ?? "")))
            let page = try await client.request(.get, callback.path + "?" + (callback.query ?? ""))
            check(page.text.contains("Some permissions are missing"), "\(page.text.prefix(600))")
            check(page.text.contains("<li><code>\(EmulatedGoogle.users)</code>"), "the scope the API asked for is named: \(page.text.prefix(900))")
            checkEqual(try await server.revocations(google.client), 1, "the rejected new grant is revoked (the spec has a revokeURL)")
            checkEqual(try await server.activeTokens(google.client).access, 1, "the account's earlier token still works at the provider")
            checkEqual(try await client.api(.get, "/v1/accounts/\(id)").json["status"] as? String, "active", "the status is unchanged")
            // No connection of this account was cached before: the proxy reads the stored tokens.
            checkEqual(
                try await client.api(.get, "/v1/accounts/\(id)/proxy/users?domain=acme.com").status, 200,
                "the proxy still uses the earlier, complete grant")
        }
    }

    @Test func aReconnectWithWrongCredentialsKeepsTheAccountsWorkingCredentials() async throws {
        let server = try TestServer.current(.auth)
        let key = "bamboo-\(UUID().uuidString.lowercased())"
        let provider = try await server.emulate("bamboohr", credentials: .basic(username: key, password: "x"))
        let harness = try await HubHarness(overrides: ["bamboohr": provider.overrides(["api.bamboohr.com"])])
        try await harness.run { client in
            _ = try await client.openLinkSession(connectors: ["bamboohr"])
            let form = try await client.request(.get, "/link/connectors/bamboohr/api_key")
            let done = try await client.submit("/link/connectors/bamboohr/api_key", from: form, values: ["companyDomain": "acme", "apiKey": key])
            try #require(done.text.contains("BambooHR is connected"), "\(done.text.prefix(400))")
            let accounts = try #require(try await client.api(.get, "/v1/accounts").json["accounts"] as? [[String: Any]])
            let id = try #require(accounts.first?["id"] as? String)

            let reconnect = try await client.api(.post, "/v1/accounts/\(id)/reconnect-sessions")
            let path = try #require(URL(string: reconnect.json["url"] as? String ?? "")).path
            _ = try await client.request(.get, path)
            let again = try await client.request(.get, "/link/connectors/bamboohr/api_key")
            // A wrong key, and another company domain: neither may replace what works.
            let rejected = try await client.submit(
                "/link/connectors/bamboohr/api_key", from: again, values: ["companyDomain": "other", "apiKey": "wrong-key"])
            check(rejected.text.contains("The credentials were not accepted"), "\(rejected.text.prefix(400))")
            checkEqual(try await client.api(.get, "/v1/accounts/\(id)").json["status"] as? String, "active")
            checkEqual(
                try await client.api(.get, "/v1/accounts/\(id)/proxy/employees/directory").status, 200,
                "the account still sends its earlier key")
            let requests = try await provider.apiRequests()
            checkEqual(requests.last, "GET /api/gateway.php/acme/v1/employees/directory", "to its earlier company domain")
        }
    }

    @Test func anAPIDemandingAScopeTheGrantLacksNamesOnlyThatScopeAndRevokesTheGrant() async throws {
        let server = try TestServer.current(.auth)
        // The users endpoint (the spec's verification request) also wants a scope the spec does
        // not request: its 403 challenge names both scopes it needs (RFC 6750 §3.1).
        let google = try await EmulatedGoogle(server, apiScopes: [EmulatedGoogle.users, EmulatedGoogle.manageUsers])
        let harness = try await HubHarness(setup: google.setup, overrides: google.overrides)
        try await harness.run { client in
            let page = try await google.linkAttempt(client)
            check(page.text.contains("Some permissions are missing"), "\(page.text.prefix(600))")
            // Named with the description the write variant's guide (oauth_admin, which requests it)
            // gives it: the page describes a scope from any variant of the connector.
            check(
                page.text.contains("<li><code>\(EmulatedGoogle.manageUsers)</code>: View and manage the provisioning of users on your domain</li>"),
                "the scope the grant lacks: \(page.text.prefix(900))")
            check(!page.text.contains("<li><code>\(EmulatedGoogle.users)</code>"), "the granted one is not named")
            checkEqual((try await client.api(.get, "/v1/accounts").json["accounts"] as? [Any])?.count, 0, "nothing linked")
            checkEqual(try await server.revocations(google.client), 1, "the unusable grant is revoked (the spec has a revokeURL)")
            checkEqual(try await server.activeTokens(google.client).access, 0, "and no longer works at the provider")
        }
    }

    // MARK: Provider unavailable

    @Test func aTokenEndpointAnswering503ShowsProviderUnavailableAndTheNextTryLinks() async throws {
        let server = try TestServer.current(.auth)
        let provider = try await server.emulate("zelt", paths: ProviderPaths(authorize: "/", token: "/apiv2/oauth/authorize/token"))
        let redirect = URL(string: "http://127.0.0.1:8080/connect/oauth2/zelt/callback")!
        let oauthClient = try await server.registerClient("zelt", ClientOptions(refreshRedirectURI: true), redirectURI: redirect)
        let harness = try await HubHarness(
            overrides: ["zelt": provider.overrides(["go.zelt.app"])])
        try await server.failTokenRequests(oauthClient, status: 503)
        try await harness.run { client in
            _ = try await client.openLinkSession(connectors: ["zelt"])
            let form = try await client.request(.get, "/link/connectors/zelt/oauth")
            let start = try await client.submit("/link/connectors/zelt/oauth", from: form, values: oauthClient.fields)
            let callback = try await Browser.callbackURL(for: try #require(URL(string: start.location ?? "")))
            let page = try await client.request(.get, callback.path + "?" + (callback.query ?? ""))
            check(page.text.contains("The provider is not answering"), "provider unavailable: \(page.text.prefix(600))")
            check(page.text.contains("try again in a few minutes"), "says what to do")
            check(page.text.contains("the name of the integration (Zelt) and the error message you are seeing"), "the FAQ's contact advice")
            check(page.text.contains("href=\"/link/connectors/zelt/oauth\">Try again"), "and offers to try again, on the same sign-in method's form")
            checkEqual((try await client.api(.get, "/v1/accounts").json["accounts"] as? [Any])?.count, 0)

            try await server.failTokenRequests(oauthClient, status: 0)
            let again = try await client.request(.get, "/link/connectors/zelt/oauth")
            let restart = try await client.submit("/link/connectors/zelt/oauth", from: again, values: oauthClient.fields)
            let callback2 = try await Browser.callbackURL(for: try #require(URL(string: restart.location ?? "")))
            let done = try await client.request(.get, callback2.path + "?" + (callback2.query ?? ""))
            check(done.text.contains("Zelt is connected"), "the outage is over: \(done.text.prefix(400))")
        }
    }

    @Test func anUnreachableTokenEndpointShowsProviderUnavailable() async throws {
        let server = try TestServer.current(.auth)
        let api = try await server.emulate("greenhouse")
        // Greenhouse's token host points at a loopback port nothing listens on.
        let closed = try URL(string: "http://127.0.0.1:\(closedPort())")!
        let harness = try await HubHarness(overrides: [
            "greenhouse": ["auth.greenhouse.io": closed, "harvest.greenhouse.io": api.origin]
        ])
        try await harness.run { client in
            _ = try await client.openLinkSession(connectors: ["greenhouse"])
            let form = try await client.request(.get, "/link/connectors/greenhouse/client_credentials")
            let page = try await client.submit(
                "/link/connectors/greenhouse/client_credentials", from: form,
                values: ["clientId": "gh-client", "clientSecret": "gh-secret-value", "userId": "42"])
            checkEqual(page.status, 502)
            check(page.text.contains("The provider is not answering"), "\(page.text.prefix(600))")
            check(page.text.contains("Greenhouse did not answer or reported an error"))
            check(!page.text.contains("gh-secret-value"), "the secret is not rendered back")
            checkEqual(try await api.apiRequests(), [], "nothing reached the API without a token")
        }
    }

    // MARK: Rate limit

    @Test func linkAttemptsPerSessionAreCappedEvenForGoodCredentials() async throws {
        let server = try TestServer.current(.auth)
        let key = "bamboo-\(UUID().uuidString.lowercased())"
        let provider = try await server.emulate("bamboohr", credentials: .basic(username: key, password: "x"))
        let harness = try await HubHarness(overrides: ["bamboohr": provider.overrides(["api.bamboohr.com"])], maxAttempts: 3)
        try await harness.run { client in
            _ = try await client.openLinkSession(connectors: ["bamboohr"])
            let form = try await client.request(.get, "/link/connectors/bamboohr/api_key")
            // An inline field error is not an attempt: nothing was sent.
            let inline = try await client.submit("/link/connectors/bamboohr/api_key", from: form, values: ["companyDomain": "acme", "apiKey": "x "])
            checkEqual(inline.status, 422)
            for attempt in 1...3 {
                let rejected = try await client.submit(
                    "/link/connectors/bamboohr/api_key", from: form, values: ["companyDomain": "acme", "apiKey": "guess-\(attempt)"])
                check(rejected.text.contains("The credentials were not accepted"), "attempt \(attempt)")
            }
            let capped = try await client.submit("/link/connectors/bamboohr/api_key", from: form, values: ["companyDomain": "acme", "apiKey": key])
            checkEqual(capped.status, 429)
            check(capped.text.contains("Too many attempts"), "\(capped.text.prefix(400))")
            checkEqual(try await provider.apiRequests(), [], "the capped attempt sent nothing to the provider")
            checkEqual((try await client.api(.get, "/v1/accounts").json["accounts"] as? [Any])?.count, 0)
            // A new link session starts a new allowance.
            _ = try await client.openLinkSession(connectors: ["bamboohr"])
            let fresh = try await client.request(.get, "/link/connectors/bamboohr/api_key")
            let done = try await client.submit("/link/connectors/bamboohr/api_key", from: fresh, values: ["companyDomain": "acme", "apiKey": key])
            check(done.text.contains("BambooHR is connected"))
        }
    }

    // MARK: Delete revokes at the provider

    @Test func deletingAnAccountRevokesItsTokensWhereTheSpecDeclaresRevocation() async throws {
        let server = try TestServer.current(.auth)
        let google = try await EmulatedGoogle(server)
        let harness = try await HubHarness(setup: google.setup, overrides: google.overrides)
        try await harness.run { client in
            let id = try await google.link(client)
            checkEqual(try await client.api(.get, "/v1/accounts/\(id)/proxy/users?domain=acme.com").status, 200)
            let before = try await server.activeTokens(google.client)
            checkEqual(before.access, 1)
            checkEqual(before.refresh, 1)
            let removed = try await client.api(.delete, "/v1/accounts/\(id)")
            checkEqual(removed.status, 200)
            checkEqual(removed.json["revocationFailed"] as? Bool, false)
            checkEqual(try await server.revocations(google.client), 1, "one RFC 7009 revocation at the spec's revokeURL")
            let after = try await server.activeTokens(google.client)
            checkEqual(after.access, 0, "the access token no longer works at the provider")
            checkEqual(after.refresh, 0, "nor the refresh token")
            checkEqual(try await client.api(.get, "/v1/accounts/\(id)").status, 404)
        }
    }

    @Test func deletingAnAccountOfASpecWithoutRevocationLeavesTheProviderAlone() async throws {
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
            _ = try await client.request(.get, callback.path + "?" + (callback.query ?? ""))
            let id = try #require((try await client.api(.get, "/v1/accounts").json["accounts"] as? [[String: Any]])?.first?["id"] as? String)
            let removed = try await client.api(.delete, "/v1/accounts/\(id)")
            checkEqual(removed.json["revocationFailed"] as? Bool, false)
            checkEqual(try await server.revocations(oauthClient), 0, "Zelt's spec has no revocation URL")
            checkEqual(try await server.activeTokens(oauthClient).refresh, 1, "so its refresh token still works at Zelt (documented)")
        }
    }

    /// docs/hub.md lists exactly the connectors whose specs declare a revocation URL.
    @Test func theDocsListTheConnectorsThatRevokeOnDelete() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let specs = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("Connectors").path)
            .filter { $0.hasSuffix(".json") }
        var revoking: Set<String> = []
        for file in specs {
            let data = try Data(contentsOf: root.appendingPathComponent("Connectors/" + file))
            let spec = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let variants = spec["auth"] as? [[String: Any]] ?? []
            if variants.contains(where: { $0["revokeURL"] != nil }) { revoking.insert(try #require(spec["id"] as? String)) }
        }
        let docs = try String(contentsOf: root.appendingPathComponent("docs/hub.md"), encoding: .utf8)
        let marker = "Connectors that revoke on delete:"
        let line = try #require(docs.components(separatedBy: "\n").first { $0.contains(marker) }, "docs/hub.md has the list")
        let listed = Set(line.components(separatedBy: marker)[1].split(separator: ",").map {
            $0.trimmingCharacters(in: CharacterSet(charactersIn: " .`"))
        })
        checkEqual(listed, revoking)
    }
}

/// Google Workspace on the Authlib emulation: one emulated origin for its three hosts
/// (accounts.google.com, oauth2.googleapis.com, admin.googleapis.com), its real paths, an OAuth
/// client with its five default scopes, and the spec's revocation URL.
struct EmulatedGoogle {
    static let users = "https://www.googleapis.com/auth/admin.directory.user.readonly"
    static let groups = "https://www.googleapis.com/auth/admin.directory.group.readonly"
    static let manageUsers = "https://www.googleapis.com/auth/admin.directory.user"
    static let defaultScopes = [
        users, groups, "https://www.googleapis.com/auth/admin.directory.group.member.readonly",
        "https://www.googleapis.com/auth/admin.directory.orgunit.readonly",
        "https://www.googleapis.com/auth/admin.directory.rolemanagement.readonly",
    ]
    let provider: EmulatedProvider
    let client: EmulatedClient

    /// `apiScopes`: the scopes the users endpoint (the spec's verification request) requires.
    init(_ server: TestServer, apiScopes: [String] = []) async throws {
        provider = try await server.emulate(
            "google", paths: ProviderPaths(authorize: "/o/oauth2/v2/auth", token: "/token", revoke: "/revoke"),
            quirks: ProviderQuirks(apiScopes: apiScopes.isEmpty ? [:] : ["/admin/directory/v1/users": apiScopes.joined(separator: " ")]))
        client = try await server.registerClient(
            "google", ClientOptions(authMethod: "client_secret_post", scope: Self.defaultScopes.joined(separator: " ")),
            redirectURI: URL(string: "http://127.0.0.1:8080/connect/oauth2/google_workspace/callback")!)
    }

    var setup: [String: [String: String]] { ["google_workspace": ["clientId": client.id, "clientSecret": client.secret]] }
    var overrides: [String: [String: URL]] {
        ["google_workspace": provider.overrides(["accounts.google.com", "oauth2.googleapis.com", "admin.googleapis.com"])]
    }

    /// One attempt through the pages (a new link session) and the emulated consent: the page
    /// the callback shows.
    func linkAttempt(_ client: HubClient) async throws -> HubClient.Reply {
        _ = try await client.openLinkSession(connectors: ["google_workspace"])
        let form = try await client.request(.get, "/link/connectors/google_workspace/oauth")
        let start = try await client.submit("/link/connectors/google_workspace/oauth", from: form, values: ["domain": "acme.com"])
        try #require(start.status == 303, "to Google's (emulated) consent: \(start.text.prefix(400))")
        let callback = try await Browser.callbackURL(for: try #require(URL(string: start.location ?? "")))
        return try await client.request(.get, callback.path + "?" + (callback.query ?? ""))
    }

    /// Links an account; returns its id.
    func link(_ client: HubClient) async throws -> String {
        let done = try await linkAttempt(client)
        try #require(done.text.contains("Google Workspace is connected"), "\(done.text.prefix(400))")
        let accounts = try #require(try await client.api(.get, "/v1/accounts").json["accounts"] as? [[String: Any]])
        return try #require(accounts.first { $0["connector"] as? String == "google_workspace" }?["id"] as? String)
    }
}

extension TestServer {
    /// The client's token responses leave out `scope` (RFC 6749 §5.1 makes it optional), so
    /// only the API's `insufficient_scope` answers tell what a grant lacks.
    func silenceScopes(_ client: EmulatedClient, _ on: Bool = true) async throws {
        try await control("POST", "/_control/silent-scope?client_id=\(client.id)&on=\(on ? 1 : 0)")
    }
}

/// A loopback port nothing listens on (bound, then closed).
func closedPort() throws -> Int {
    let listener = try LocalHTTPServer { _ in LocalHTTPServer.Response(status: 204) }
    let port = listener.url("/").port ?? 9
    listener.stop()
    return port
}
