import ConnectorRuntime
import Connectors
import Foundation
import Testing

extension CatalogEndToEnd {
    /// BambooHR: an API key sent as the Basic username (password `x`), company domain in the path.
    @Suite struct BambooHREndToEnd {
        @Test func apiKeyAsBasicUsernameVerifiesRequestsAndRejectedKeyIsInvalidCredentials() async throws {
            let server: TestServer = try TestServer.current(.auth)
            let key = "bamboo-\(UUID().uuidString.lowercased())"
            let provider: EmulatedProvider = try await server.emulate("bamboohr", credentials: .basic(username: key, password: "x"))
            let good = Bamboohr.ApiKey.Fields(companyDomain: "acme", apiKey: Secret(key))
            let bad = Bamboohr.ApiKey.Fields(companyDomain: "acme", apiKey: Secret("revoked-key"))
            let overrides: [String: URL] = provider.overrides(["api.bamboohr.com"])
            let expected = ExpectedRequests(
                verify: "GET /api/gateway.php/acme/v1/meta/fields", apiPath: "/employees/directory",
                api: "GET /api/gateway.php/acme/v1/employees/directory")
            let life = StaticLifecycle(
                provider: provider,
                configuration: try Bamboohr.ApiKey.configuration(good).overridingEndpoints(overrides),
                rejected: try Bamboohr.ApiKey.configuration(bad).overridingEndpoints(overrides),
                expected: expected)
            try await life.run()
        }
    }

    /// Salesforce: PKCE, `client_secret_post`, and API requests on the `instance_url` of the
    /// token response, a host the fields never mention.
    @Suite struct SalesforceEndToEnd {
        @Test func oauthUsesTheInstanceURLOfTheTokenResponse() async throws {
            let server: TestServer = try TestServer.current(.auth)
            let paths = ProviderPaths(
                authorize: "/services/oauth2/authorize", token: "/services/oauth2/token", revoke: "/services/oauth2/revoke")
            let login: EmulatedProvider = try await server.emulate("salesforce-login", paths: paths)
            let instance: EmulatedProvider = try await server.emulate("salesforce-instance")
            let options = ClientOptions(
                authMethod: "client_secret_post", scope: "api refresh_token", pkce: "required",
                tokenExtra: ["instance_url": "https://acme-na1.my.salesforce.com"])
            let client: EmulatedClient = try await server.registerClient("salesforce", options)
            let fields = Salesforce.Oauth.Fields(salesforceURL: "https://acme.my.salesforce.com", clientId: client.id, clientSecret: Secret(client.secret))
            let overrides: [String: URL] = login.overrides(["acme.my.salesforce.com"]).merging(instance.overrides(["acme-na1.my.salesforce.com"])) { first, _ in first }
            let configuration: ConnectionConfiguration = try Salesforce.Oauth.configuration(fields).overridingEndpoints(overrides)
            let expected = ExpectedRequests(
                verify: "GET /services/data/v60.0/", apiPath: "/sobjects/User", api: "GET /services/data/v60.0/sobjects/User")
            var life = OAuthLifecycle(
                server: server, provider: login, client: client, configuration: configuration, expected: expected, rotates: true)
            life.apiProvider = instance
            try await life.runLinked()
        }

        @Test func disconnectRevokesAtTheSpecsRevocationURL() async throws {
            let server: TestServer = try TestServer.current(.auth)
            let paths = ProviderPaths(
                authorize: "/services/oauth2/authorize", token: "/services/oauth2/token", revoke: "/services/oauth2/revoke")
            let login: EmulatedProvider = try await server.emulate("salesforce-login", paths: paths)
            let options = ClientOptions(
                authMethod: "client_secret_post", scope: "api refresh_token", pkce: "required",
                tokenExtra: ["instance_url": "https://acme.my.salesforce.com"])
            let client: EmulatedClient = try await server.registerClient("salesforce", options)
            let fields = Salesforce.Oauth.Fields(salesforceURL: "https://acme.my.salesforce.com", clientId: client.id, clientSecret: Secret(client.secret))
            let configuration: ConnectionConfiguration = try Salesforce.Oauth.configuration(fields)
                .overridingEndpoints(login.overrides(["acme.my.salesforce.com"]))
            let expected = ExpectedRequests(verify: "GET /services/data/v60.0/", apiPath: "/limits", api: "GET /services/data/v60.0/limits")
            let life = OAuthLifecycle(
                server: server, provider: login, client: client, configuration: configuration, expected: expected, rotates: true)
            try await life.link()
            let connection: Connection = life.connection()
            try await withDeadline(20, "disconnect") { try await connection.disconnect() }
            let revocations: Int = try await server.revocations(client)
            checkEqual(revocations, 1, "one RFC 7009 revocation")
            let stored: TokenSet? = try await life.store.load(account: life.account)
            check(stored == nil, "the tokens were removed from the store")
            let error: ConnectorError? = await connectorError { _ = try await withDeadline(20, "request") { try await connection.verify() } }
            check(isReconnectRequired(error), "after disconnecting: \(String(describing: error))")
        }
    }
}
