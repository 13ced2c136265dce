import ConnectorRuntime
import Connectors
import Foundation
import Testing

extension CatalogEndToEnd {
    /// Okta: an API token in the `Authorization` header with the `SSWS ` prefix, and OAuth with
    /// PKCE (the server requires S256) and Okta's scopes.
    @Suite struct OktaEndToEnd {
        static let expected = ExpectedRequests(verify: "GET /api/v1/users/me", apiPath: "/groups?limit=1", api: "GET /api/v1/groups?limit=1")

        @Test func apiTokenInAPrefixedHeaderVerifiesRequestsAndRejectedTokenIsInvalidCredentials() async throws {
            let server: TestServer = try TestServer.current(.auth)
            let token = "okta-\(UUID().uuidString)"
            let provider: EmulatedProvider = try await server.emulate("okta-token", credentials: .headers(["Authorization": "SSWS \(token)"]))
            let good = Okta.ApiToken.Fields(oktaDomain: "acme.okta.com", apiToken: Secret(token))
            let bad = Okta.ApiToken.Fields(oktaDomain: "acme.okta.com", apiToken: Secret("deactivated"))
            let overrides: [String: URL] = provider.overrides(["acme.okta.com"])
            let life = StaticLifecycle(
                provider: provider,
                configuration: try Okta.ApiToken.configuration(good).overridingEndpoints(overrides),
                rejected: try Okta.ApiToken.configuration(bad).overridingEndpoints(overrides),
                expected: Self.expected)
            try await life.run()
        }

        @Test func oauthWithPKCELinksVerifiesRefreshesAndReportsRevocation() async throws {
            let server: TestServer = try TestServer.current(.auth)
            let paths = ProviderPaths(authorize: "/oauth2/v1/authorize", token: "/oauth2/v1/token", revoke: "/oauth2/v1/revoke")
            let provider: EmulatedProvider = try await server.emulate("okta", paths: paths)
            let options = ClientOptions(scope: "okta.users.read okta.groups.read okta.roles.read offline_access", pkce: "required")
            let client: EmulatedClient = try await server.registerClient("okta", options)
            let fields = Okta.Oauth.Fields(oktaDomain: "acme.okta.com", clientId: client.id, clientSecret: Secret(client.secret))
            let configuration: ConnectionConfiguration = try Okta.Oauth.configuration(fields)
                .overridingEndpoints(provider.overrides(["acme.okta.com"]))
            let life = OAuthLifecycle(
                server: server, provider: provider, client: client, configuration: configuration, expected: Self.expected, rotates: true)
            try await life.runLinked()
        }
    }

    /// Ashby: an API key as the Basic username, verified with a POST (Ashby's RPC-style API).
    @Suite struct AshbyEndToEnd {
        @Test func apiKeyVerifiesWithAPostAndRejectedKeyIsInvalidCredentials() async throws {
            let server: TestServer = try TestServer.current(.auth)
            let key = "ashby-\(UUID().uuidString.lowercased())"
            let provider: EmulatedProvider = try await server.emulate("ashby", credentials: .basic(username: key, password: ""))
            let good = Ashby.ApiKey.Fields(apiKey: Secret(key))
            let bad = Ashby.ApiKey.Fields(apiKey: Secret("revoked-key"))
            let overrides: [String: URL] = provider.overrides(["api.ashbyhq.com"])
            let life = StaticLifecycle(
                provider: provider,
                configuration: try Ashby.ApiKey.configuration(good).overridingEndpoints(overrides),
                rejected: try Ashby.ApiKey.configuration(bad).overridingEndpoints(overrides),
                expected: ExpectedRequests(verify: "POST /apiKey.info", apiPath: "/user.list", api: "GET /user.list"))
            try await life.run()
        }
    }
}
