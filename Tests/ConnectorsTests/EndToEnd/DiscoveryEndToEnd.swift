import ConnectorRuntime
import Connectors
import Foundation
import Testing

extension CatalogEndToEnd {
    /// Jira OAuth 2.0 (3LO) and DocuSign: after linking, one discovery request (Jira's
    /// accessible resources, DocuSign's user info) finds the value the API base URL needs.
    @Suite struct DiscoveryEndToEnd {
        static let sites: [[String: any Sendable]] = [
            ["id": "cloud-other", "url": "https://other.atlassian.net", "name": "other", "scopes": ["read:jira-work"]],
            ["id": "cloud-acme", "url": "https://acme.atlassian.net", "name": "acme", "scopes": ["read:jira-work"]],
        ]

        func jira(site: String) async throws -> OAuthLifecycle {
            let server: TestServer = try TestServer.current(.auth)
            let paths = ProviderPaths(authorize: "/authorize", token: "/oauth/token")
            let responses: [String: any Sendable] = ["/oauth/token/accessible-resources": Self.sites]
            let provider: EmulatedProvider = try await server.emulate("jira", paths: paths, responses: responses)
            let options = ClientOptions(
                authMethod: "client_secret_post", scope: "read:jira-user read:jira-work offline_access", pkce: "optional")
            let client: EmulatedClient = try await server.registerClient("jira", options)
            let fields = Jira.Oauth.Fields(site: site, clientId: client.id, clientSecret: Secret(client.secret))
            let configuration: ConnectionConfiguration = try Jira.Oauth.configuration(fields)
                .overridingEndpoints(provider.overrides(["auth.atlassian.com", "api.atlassian.com"]))
            let expected = ExpectedRequests(
                verify: "GET /ex/jira/cloud-acme/rest/api/3/myself", apiPath: "/users/search",
                api: "GET /ex/jira/cloud-acme/rest/api/3/users/search")
            return OAuthLifecycle(
                server: server, provider: provider, client: client, configuration: configuration, expected: expected, rotates: true)
        }

        @Test func jiraOAuthLooksUpTheCloudIDOnceAndUsesItForEveryRequest() async throws {
            let life: OAuthLifecycle = try await jira(site: "acme")
            let tokens: TokenSet = try await life.link()
            check(tokens.refreshToken != nil, "offline_access gave a refresh token")
            let connection: Connection = life.connection()
            try await life.verifyAndRequest(connection)
            let stored: TokenSet? = try await life.store.load(account: life.account)
            checkEqual(stored?.extra["discovered.cloudId"], "cloud-acme", "the cloud id is stored with the tokens")
            try await life.surviveExpiry(connection, grant: "refresh_token")
            let refreshed: TokenSet? = try await life.store.load(account: life.account)
            checkEqual(refreshed?.extra["discovered.cloudId"], "cloud-acme", "the cloud id survives a refresh")
            try await life.revokedMeansReconnect(connection)
            let seen: [String] = try await life.provider.apiRequests()
            let lookups: Int = seen.filter { $0 == "GET /oauth/token/accessible-resources" }.count
            checkEqual(lookups, 1, "one discovery request in the account's life; saw \(seen)")
        }

        @Test func jiraSiteTheTokenCannotReachIsMisconfigured() async throws {
            let life: OAuthLifecycle = try await jira(site: "unknown")
            try await life.link()
            let connection: Connection = life.connection()
            let error: ConnectorError? = await connectorError { _ = try await withDeadline(20, "verify") { try await connection.verify() } }
            guard case .misconfigured(let message)? = error else {
                Issue.record("expected misconfigured, got \(String(describing: error))")
                return
            }
            check(message.contains("'/url'"), "the message names the pointer: \(message)")
        }

        @Test func docuSignUsesTheDefaultAccountAndItsBaseURI() async throws {
            let server: TestServer = try TestServer.current(.auth)
            let paths = ProviderPaths(authorize: "/oauth/auth", token: "/oauth/token")
            let accounts: [[String: any Sendable]] = [
                ["account_id": "acct-2", "is_default": false, "account_name": "Other", "base_uri": "https://na2.docusign.net"],
                ["account_id": "acct-1", "is_default": true, "account_name": "Acme", "base_uri": "https://na3.docusign.net"],
            ]
            let userInfo: [String: any Sendable] = ["sub": "user-1", "accounts": accounts]
            let login: EmulatedProvider = try await server.emulate("docusign-account", paths: paths, responses: ["/oauth/userinfo": userInfo])
            let api: EmulatedProvider = try await server.emulate("docusign-na3")
            let client: EmulatedClient = try await server.registerClient(
                "docusign", ClientOptions(scope: "signature extended", pkce: "optional", rotate: false))
            let fields = Docusign.Oauth.Fields(clientId: client.id, clientSecret: Secret(client.secret))
            let overrides: [String: URL] = login.overrides(["account.docusign.com"])
                .merging(api.overrides(["na3.docusign.net"])) { first, _ in first }
            let configuration: ConnectionConfiguration = try Docusign.Oauth.configuration(fields).overridingEndpoints(overrides)
            let expected = ExpectedRequests(
                verify: "GET /restapi/v2.1/accounts/acct-1/users?count=1", apiPath: "/envelopes",
                api: "GET /restapi/v2.1/accounts/acct-1/envelopes")
            var life = OAuthLifecycle(
                server: server, provider: login, client: client, configuration: configuration, expected: expected, rotates: false)
            life.apiProvider = api
            try await life.runLinked()
        }
    }
}
