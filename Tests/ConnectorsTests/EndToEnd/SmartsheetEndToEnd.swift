import ConnectorRuntime
import Connectors
import Foundation
import Testing

extension CatalogEndToEnd {
    /// Smartsheet IAM: authorization code with Smartsheet's hash client authentication (checked
    /// by the server on both the code exchange and the refresh), and the access-token variant.
    @Suite struct SmartsheetEndToEnd {
        static let hosts: [String] = ["app.smartsheet.com", "api.smartsheet.com"]

        @Test func oauthWithHashClientAuthLinksVerifiesRefreshesAndReportsRevocation() async throws {
            let server: TestServer = try TestServer.current(.auth)
            let paths = ProviderPaths(authorize: "/b/authorize", token: "/2.0/token")
            let provider: EmulatedProvider = try await server.emulate("smartsheet", paths: paths)
            let options = ClientOptions(authMethod: "smartsheet_hash", scope: "READ_USERS")
            let client: EmulatedClient = try await server.registerClient("smartsheet", options)
            let fields = SmartsheetIam.Oauth.Fields(clientId: client.id, clientSecret: Secret(client.secret))
            let configuration: ConnectionConfiguration = try SmartsheetIam.Oauth.configuration(fields)
                .overridingEndpoints(provider.overrides(Self.hosts))
            let expected = ExpectedRequests(verify: "GET /2.0/users/me", apiPath: "/users", api: "GET /2.0/users")
            let life = OAuthLifecycle(
                server: server, provider: provider, client: client, configuration: configuration, expected: expected, rotates: true)
            try await life.runLinked()
        }

        @Test func accessTokenVerifiesRequestsAndRejectedTokenIsInvalidCredentials() async throws {
            let server: TestServer = try TestServer.current(.auth)
            let token = "ss-token-\(UUID().uuidString)"
            let provider: EmulatedProvider = try await server.emulate("smartsheet-token", credentials: .bearer(token))
            let good = SmartsheetIam.AccessToken.Fields(region: .smartsheetEu, accessToken: Secret(token))
            let bad = SmartsheetIam.AccessToken.Fields(region: .smartsheetEu, accessToken: Secret("revoked-token"))
            let overrides: [String: URL] = provider.overrides(["api.smartsheet.eu"])
            let life = StaticLifecycle(
                provider: provider,
                configuration: try SmartsheetIam.AccessToken.configuration(good).overridingEndpoints(overrides),
                rejected: try SmartsheetIam.AccessToken.configuration(bad).overridingEndpoints(overrides),
                expected: ExpectedRequests(verify: "GET /2.0/users/me", apiPath: "/users", api: "GET /2.0/users"))
            try await life.run()
        }
    }
}
