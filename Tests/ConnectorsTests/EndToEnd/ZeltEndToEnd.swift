import ConnectorRuntime
import Connectors
import Foundation
import Testing

extension CatalogEndToEnd {
    /// Zelt: authorization code without PKCE, Basic client authentication, rotating refresh
    /// tokens, `redirect_uri` repeated on refresh (the server rejects a refresh without it).
    @Suite struct ZeltEndToEnd {
        @Test func oauthLinksVerifiesRotatesRefreshTokensAndReportsRevocation() async throws {
            let server: TestServer = try TestServer.current(.auth)
            let paths = ProviderPaths(authorize: "/", token: "/apiv2/oauth/authorize/token")
            let provider: EmulatedProvider = try await server.emulate("zelt", paths: paths)
            let client: EmulatedClient = try await server.registerClient("zelt", ClientOptions(refreshRedirectURI: true))
            let fields = Zelt.Oauth.Fields(clientId: client.id, clientSecret: Secret(client.secret))
            let configuration: ConnectionConfiguration = try Zelt.Oauth.configuration(fields)
                .overridingEndpoints(provider.overrides(["go.zelt.app"]))
            let expected = ExpectedRequests(verify: "GET /apiv2/users/me", apiPath: "/users", api: "GET /apiv2/users")
            let life = OAuthLifecycle(
                server: server, provider: provider, client: client, configuration: configuration, expected: expected, rotates: true)
            try await life.runLinked()
        }

        @Test func tokenAboutToExpireIsRefreshedBeforeUseWithTheRedirectURI() async throws {
            let server: TestServer = try TestServer.current(.auth)
            let paths = ProviderPaths(authorize: "/", token: "/apiv2/oauth/authorize/token")
            let provider: EmulatedProvider = try await server.emulate("zelt", paths: paths)
            let options = ClientOptions(refreshRedirectURI: true, tokenLifetime: 100)
            let client: EmulatedClient = try await server.registerClient("zelt", options)
            let fields = Zelt.Oauth.Fields(clientId: client.id, clientSecret: Secret(client.secret))
            let configuration: ConnectionConfiguration = try Zelt.Oauth.configuration(fields)
                .overridingEndpoints(provider.overrides(["go.zelt.app"]))
            let expected = ExpectedRequests(verify: "GET /apiv2/users/me", apiPath: "/users", api: "GET /apiv2/users")
            let life = OAuthLifecycle(
                server: server, provider: provider, client: client, configuration: configuration, expected: expected, rotates: true)
            let linked: TokenSet = try await life.link()
            // 60 s later, the 100 s token is past half its life: the margin (60 s, capped at half
            // the lifetime: 50 s) makes the first use refresh it, and the refreshed one is used as
            // is (for 50 s of its life: a loaded machine's slow requests stay well inside; with a
            // 30 s token 20 s ahead, a 21 s run refreshed it a second time).
            try await life.verifyAndRequest(life.connection(now: { Date().addingTimeInterval(60) }))
            let stored: TokenSet? = try await life.store.load(account: life.account)
            let requests: [String: Int] = try await server.tokenRequests(client)
            checkEqual(requests["refresh_token"], 1, "a 30 s token past half its life is refreshed before use")
            check(stored?.refreshToken != linked.refreshToken, "the rotated refresh token was stored")
        }

        @Test func authorizeURLAsksForNoScopesAndNoPKCE() throws {
            let fields = Zelt.Oauth.Fields(clientId: "zelt-client", clientSecret: Secret("zelt-secret"))
            let configuration: ConnectionConfiguration = try Zelt.Oauth.configuration(fields)
            let flow = try AuthorizationCodeFlow(
                configuration: configuration, account: "acme", store: InMemoryTokenStore(), redirectURI: testRedirectURI)
            let url: URL = try flow.start().url
            let names: [String] = URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems?.map(\.name) ?? []
            checkEqual(url.host, "go.zelt.app")
            check(!names.contains("scope"), "Zelt assigns permissions on the app, not in the request")
            check(!names.contains("code_challenge"), "Zelt does not support PKCE")
        }
    }
}
