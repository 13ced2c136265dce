import ConnectorRuntime
import Connectors
import Foundation
import Testing

extension CatalogEndToEnd {
    /// HiBob: a service user (ID and token as HTTP Basic), and OAuth for Marketplace partners
    /// (authorize at the app's install URL, Basic client authentication, no PKCE).
    @Suite struct HiBobEndToEnd {
        @Test func serviceUserVerifiesRequestsAndRejectedTokenIsInvalidCredentials() async throws {
            let server: TestServer = try TestServer.current(.auth)
            let token = "bob-token-\(UUID().uuidString)"
            let provider: EmulatedProvider = try await server.emulate("hibob-svc", credentials: .basic(username: "SERVICE-42", password: token))
            let good = Hibob.ServiceUser.Fields(serviceUserId: "SERVICE-42", serviceUserToken: Secret(token))
            let bad = Hibob.ServiceUser.Fields(serviceUserId: "SERVICE-42", serviceUserToken: Secret("wrong-token"))
            let overrides: [String: URL] = provider.overrides(["api.hibob.com"])
            let life = StaticLifecycle(
                provider: provider,
                configuration: try Hibob.ServiceUser.configuration(good).overridingEndpoints(overrides),
                rejected: try Hibob.ServiceUser.configuration(bad).overridingEndpoints(overrides),
                expected: ExpectedRequests(verify: "GET /v1/company/named-lists", apiPath: "/people", api: "GET /v1/people"))
            try await life.run()
        }

        @Test func oauthLinksVerifiesRefreshesAndReportsRevocation() async throws {
            let server: TestServer = try TestServer.current(.auth)
            let paths = ProviderPaths(authorize: "/marketplace/install", token: "/oauth2/v1/apps/token")
            let provider: EmulatedProvider = try await server.emulate("hibob", paths: paths)
            let client: EmulatedClient = try await server.registerClient("hibob", ClientOptions())
            let fields = Hibob.Oauth.Fields(
                clientId: client.id, clientSecret: Secret(client.secret), installURL: "https://app.hibob.com/marketplace/install")
            let hosts: [String] = ["app.hibob.com", "auth.app.hibob.com", "api.hibob.com"]
            let configuration: ConnectionConfiguration = try Hibob.Oauth.configuration(fields).overridingEndpoints(provider.overrides(hosts))
            let expected = ExpectedRequests(verify: "GET /v1/company/named-lists", apiPath: "/people", api: "GET /v1/people")
            let life = OAuthLifecycle(
                server: server, provider: provider, client: client, configuration: configuration, expected: expected, rotates: true)
            try await life.runLinked()
        }
    }
}
