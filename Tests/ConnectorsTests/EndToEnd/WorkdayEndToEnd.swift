import ConnectorRuntime
import Connectors
import Foundation
import Testing

extension CatalogEndToEnd {
    /// Workday: all four variants, with the web-service host and tenant fields.
    @Suite struct WorkdayEndToEnd {
        static let host = "wd2-impl-services1.workday.com"
        static let hosts: [String] = [host, "impl.workday.com"]
        static let paths = ProviderPaths(authorize: "/acme/authorize", token: "/ccx/oauth2/acme/token")
        static let expected = ExpectedRequests(
            verify: "GET /ccx/api/staffing/v7/acme/workers?limit=1", apiPath: "/staffing/v7/acme/jobProfiles",
            api: "GET /ccx/api/staffing/v7/acme/jobProfiles")

        @Test func oauthLinksVerifiesRefreshesAndReportsRevocation() async throws {
            let server: TestServer = try TestServer.current(.auth)
            let provider: EmulatedProvider = try await server.emulate("workday", paths: Self.paths)
            let client: EmulatedClient = try await server.registerClient("workday", ClientOptions())
            let fields = Workday.Oauth.Fields(
                host: Self.host, tenant: "acme", clientId: client.id, clientSecret: Secret(client.secret), authHost: "impl.workday.com")
            let configuration: ConnectionConfiguration = try Workday.Oauth.configuration(fields)
                .overridingEndpoints(provider.overrides(Self.hosts))
            let life = OAuthLifecycle(
                server: server, provider: provider, client: client, configuration: configuration, expected: Self.expected, rotates: true)
            try await life.runLinked()
        }

        @Test func staticRefreshTokenVerifiesSurvivesExpiryAndReportsRevocation() async throws {
            let server: TestServer = try TestServer.current(.auth)
            let provider: EmulatedProvider = try await server.emulate("workday-rt", paths: Self.paths)
            let client: EmulatedClient = try await server.registerClient("workday-rt", ClientOptions(grants: ["refresh_token"], rotate: false))
            let refreshToken: String = try await server.mintRefreshToken(client)
            let fields = Workday.RefreshToken.Fields(
                host: Self.host, tenant: "acme", clientId: client.id, clientSecret: Secret(client.secret), refreshToken: Secret(refreshToken))
            let configuration: ConnectionConfiguration = try Workday.RefreshToken.configuration(fields)
                .overridingEndpoints(provider.overrides(Self.hosts))
            let life = OAuthLifecycle(
                server: server, provider: provider, client: client, configuration: configuration, expected: Self.expected, rotates: false)
            try await life.runAfterLinking(refreshGrant: "refresh_token")
        }

        @Test func clientCredentialsVerifiesSurvivesExpiryAndDisabledClientIsInvalidCredentials() async throws {
            let server: TestServer = try TestServer.current(.auth)
            let provider: EmulatedProvider = try await server.emulate("workday-cc", paths: Self.paths)
            let client: EmulatedClient = try await server.registerClient("workday-cc", ClientOptions(grants: ["client_credentials"]))
            let fields = Workday.ClientCredentials.Fields(host: Self.host, tenant: "acme", clientId: client.id, clientSecret: Secret(client.secret))
            let configuration: ConnectionConfiguration = try Workday.ClientCredentials.configuration(fields)
                .overridingEndpoints(provider.overrides(Self.hosts))
            let life = ClientCredentialsLifecycle(
                server: server, provider: provider, client: client, configuration: configuration, expected: Self.expected)
            try await life.run()
        }

        @Test func integrationSystemUserSendsUserAtTenantAndRejectedPasswordIsInvalidCredentials() async throws {
            let server: TestServer = try TestServer.current(.auth)
            let password = "isu-\(UUID().uuidString)"
            let provider: EmulatedProvider = try await server.emulate("workday-isu", credentials: .basic(username: "isu_hr@acme", password: password))
            let good = Workday.Isu.Fields(host: Self.host, tenant: "acme", isuUsername: "isu_hr", isuPassword: Secret(password))
            let bad = Workday.Isu.Fields(host: Self.host, tenant: "acme", isuUsername: "isu_hr", isuPassword: Secret("expired-password"))
            let overrides: [String: URL] = provider.overrides(Self.hosts)
            let life = StaticLifecycle(
                provider: provider,
                configuration: try Workday.Isu.configuration(good).overridingEndpoints(overrides),
                rejected: try Workday.Isu.configuration(bad).overridingEndpoints(overrides),
                expected: Self.expected)
            try await life.run()
        }

        @Test func tenantOutsideItsPatternIsAnInvalidField() {
            let fields = Workday.Isu.Fields(host: Self.host, tenant: "acme/../other", isuUsername: "isu_hr", isuPassword: Secret("p"))
            var rejectedKey: String?
            do {
                _ = try Workday.Isu.configuration(fields)
            } catch {
                if case let .invalidField(key, _) = error { rejectedKey = key }
            }
            checkEqual(rejectedKey, "tenant")
        }
    }
}
