import ConnectorRuntime
import Connectors
import Foundation
import Testing

extension CatalogEndToEnd {
    /// Zoom Server-to-Server OAuth: the `account_credentials` grant with the app's `account_id`
    /// as a token parameter. The emulated server refuses `client_credentials` and a wrong account.
    @Suite struct ZoomEndToEnd {
        static let expected = ExpectedRequests(verify: "GET /v2/users/me", apiPath: "/users?page_size=1", api: "GET /v2/users?page_size=1")

        func setUp() async throws -> (TestServer, EmulatedProvider, EmulatedClient, String) {
            let server: TestServer = try TestServer.current(.auth)
            let provider: EmulatedProvider = try await server.emulate("zoom", paths: ProviderPaths(token: "/oauth/token"))
            let accountID = "acct-\(UUID().uuidString.prefix(8).lowercased())"
            let client: EmulatedClient = try await server.registerClient(
                "zoom", ClientOptions(grants: ["account_credentials"], accountID: accountID))
            return (server, provider, client, accountID)
        }

        func configuration(_ provider: EmulatedProvider, _ client: EmulatedClient, accountID: String) throws -> ConnectionConfiguration {
            let fields = Zoom.ServerToServer.Fields(accountId: accountID, clientId: client.id, clientSecret: Secret(client.secret))
            return try Zoom.ServerToServer.configuration(fields).overridingEndpoints(provider.overrides(["zoom.us", "api.zoom.us"]))
        }

        @Test func accountCredentialsGrantVerifiesSurvivesExpiryAndDisabledClientIsInvalidCredentials() async throws {
            let (server, provider, client, accountID) = try await setUp()
            let life = ClientCredentialsLifecycle(
                server: server, provider: provider, client: client,
                configuration: try configuration(provider, client, accountID: accountID), expected: Self.expected,
                grant: "account_credentials")
            try await life.run()
            let grants: [String: Int] = try await server.tokenRequests(client)
            checkEqual(grants["client_credentials"], nil, "never the plain client_credentials grant: \(grants)")
        }

        @Test func wrongAccountIDIsRefusedByTheTokenEndpoint() async throws {
            let (_, provider, client, _) = try await setUp()
            let connection = Connection(
                configuration: try configuration(provider, client, accountID: "another-account"), account: "acme",
                store: InMemoryTokenStore())
            let error: ConnectorError? = await connectorError { _ = try await withDeadline(20, "verify") { try await connection.verify() } }
            guard case .misconfigured(let message)? = error else {
                Issue.record("expected misconfigured, got \(String(describing: error))")
                return
            }
            check(message.contains("account_id"), "the provider's reason is shown: \(message)")
        }
    }

    /// Xero: after sign-in, `GET https://api.xero.com/connections` (outside the API's base path)
    /// finds the organisation's tenant id, sent as `xero-tenant-id` with every API request. The
    /// emulated API answers 403 without the right header.
    @Suite struct XeroEndToEnd {
        static let paths = ProviderPaths(
            authorize: "/identity/connect/authorize", token: "/connect/token", revoke: "/connect/revocation")
        static let hosts = ["login.xero.com", "identity.xero.com", "api.xero.com"]

        @Test func tenantIDIsDiscoveredOnceAndSentAsAHeaderOnEveryRequest() async throws {
            let server: TestServer = try TestServer.current(.auth)
            let tenant = "tenant-\(UUID().uuidString.prefix(8).lowercased())"
            let connections: [[String: any Sendable]] = [
                ["id": "c-1", "tenantId": "practice-1", "tenantType": "PRACTICE", "tenantName": "Acme Advisers"],
                ["id": "c-2", "tenantId": tenant, "tenantType": "ORGANISATION", "tenantName": "Acme Ltd"],
            ]
            let provider: EmulatedProvider = try await server.emulate(
                "xero", paths: Self.paths, responses: ["/connections": connections],
                quirks: ProviderQuirks(apiHeaders: ["xero-tenant-id": tenant, "Accept": "application/json"]))
            let scope = "openid profile email offline_access accounting.settings.read accounting.contacts.read"
            let client: EmulatedClient = try await server.registerClient("xero", ClientOptions(scope: scope, pkce: "required"))
            let fields = Xero.Oauth.Fields(clientId: client.id, clientSecret: Secret(client.secret))
            let configuration: ConnectionConfiguration = try Xero.Oauth.configuration(fields)
                .overridingEndpoints(provider.overrides(Self.hosts))
            let expected = ExpectedRequests(verify: "GET /api.xro/2.0/Organisation", apiPath: "/Contacts", api: "GET /api.xro/2.0/Contacts")
            let life = OAuthLifecycle(
                server: server, provider: provider, client: client, configuration: configuration, expected: expected, rotates: true)
            try await life.link()
            let connection: Connection = life.connection()
            try await life.verifyAndRequest(connection)
            let stored: TokenSet? = try await life.store.load(account: life.account)
            checkEqual(stored?.extra["discovered.tenantId"], tenant, "the organisation's tenant id, not the practice's")
            try await life.surviveExpiry(connection, grant: "refresh_token")
            try await life.revokedMeansReconnect(connection)
            let seen: [String] = try await provider.apiRequests()
            checkEqual(seen.filter { $0 == "GET /connections" }.count, 1, "one discovery request; saw \(seen)")
        }

        @Test func withoutTheTenantHeaderTheEmulatedAPIRefuses() async throws {
            // Proves the header check above can fail: the same API without the header is refused.
            let server: TestServer = try TestServer.current(.auth)
            let provider: EmulatedProvider = try await server.emulate(
                "xero-no-header", paths: Self.paths, quirks: ProviderQuirks(apiHeaders: ["xero-tenant-id": "tenant-1"]))
            let client: EmulatedClient = try await server.registerClient("xero", ClientOptions(grants: ["client_credentials"]))
            let endpoint = TokenEndpoint(
                tokenURL: provider.origin.appendingPathComponent("connect/token"),
                client: OAuthClient(id: client.id, secret: Secret(client.secret), authentication: .clientSecretBasic))
            let tokens: TokenSet = try await TokenClient(endpoint: endpoint, transport: URLSessionTransport.shared).clientCredentials()
            var request = HTTPRequest(url: provider.origin.appendingPathComponent("api.xro/2.0/Organisation"))
            request.headers["Authorization"] = "Bearer " + tokens.accessToken.reveal()
            let response: HTTPResponse = try await URLSessionTransport.shared.send(request)
            checkEqual(response.status, 403)
        }
    }

    /// Notion: the token request is a JSON object with Basic client authentication, as Notion
    /// documents; the emulated server refuses form bodies. The workspace fields of the token
    /// response are kept as account metadata.
    @Suite struct NotionEndToEnd {
        @Test func tokenRequestsAreJSONAndWorkspaceFieldsAreAccountMetadata() async throws {
            let server: TestServer = try TestServer.current(.auth)
            let provider: EmulatedProvider = try await server.emulate(
                "notion", paths: ProviderPaths(authorize: "/v1/oauth/authorize", token: "/v1/oauth/token"),
                quirks: ProviderQuirks(tokenBody: "json"))
            let extra = ["workspace_id": "ws-1", "workspace_name": "Acme", "bot_id": "bot-1"]
            let client: EmulatedClient = try await server.registerClient("notion", ClientOptions(tokenExtra: extra))
            let fields = Notion.Oauth.Fields(clientId: client.id, clientSecret: Secret(client.secret))
            let configuration: ConnectionConfiguration = try Notion.Oauth.configuration(fields)
                .overridingEndpoints(provider.overrides(["api.notion.com"]))
            let expected = ExpectedRequests(verify: "GET /v1/users/me", apiPath: "/users?page_size=1", api: "GET /v1/users?page_size=1")
            let life = OAuthLifecycle(
                server: server, provider: provider, client: client, configuration: configuration, expected: expected, rotates: true)
            let tokens: TokenSet = try await life.link()
            checkEqual(tokens.metadata(configuration.accountMetadata), extra, "metadata right after linking")
            let connection: Connection = life.connection()
            try await life.verifyAndRequest(connection)
            try await life.surviveExpiry(connection, grant: "refresh_token")
            let metadata: [String: String] = try await connection.accountMetadata()
            checkEqual(metadata, extra, "metadata after a refresh")
        }

        @Test func theSameServerRefusesAFormTokenRequest() async throws {
            // Proves the JSON check above can fail: a form-encoded token request is refused.
            let server: TestServer = try TestServer.current(.auth)
            let provider: EmulatedProvider = try await server.emulate(
                "notion-form", paths: ProviderPaths(token: "/v1/oauth/token"), quirks: ProviderQuirks(tokenBody: "json"))
            let client: EmulatedClient = try await server.registerClient("notion", ClientOptions(grants: ["client_credentials"]))
            let endpoint = TokenEndpoint(
                tokenURL: provider.origin.appendingPathComponent("v1/oauth/token"),
                client: OAuthClient(id: client.id, secret: Secret(client.secret), authentication: .clientSecretBasic))
            let formError: ConnectorError? = await connectorError {
                _ = try await TokenClient(endpoint: endpoint, transport: URLSessionTransport.shared).clientCredentials()
            }
            check(formError != nil, "a form body is refused")
            var json = endpoint
            json.encoding = .json
            let tokens: TokenSet = try await TokenClient(endpoint: json, transport: URLSessionTransport.shared).clientCredentials()
            check(!tokens.accessToken.isEmpty, "a JSON body is accepted")
        }
    }

    /// GitHub: the token request carries `Accept: application/json` from the spec's
    /// `tokenHeaders` (the emulated server refuses token requests without it).
    @Suite struct GitHubEndToEnd {
        @Test func tokenRequestsCarryTheSpecsAcceptHeader() async throws {
            let server: TestServer = try TestServer.current(.auth)
            let provider: EmulatedProvider = try await server.emulate(
                "github", paths: ProviderPaths(authorize: "/login/oauth/authorize", token: "/login/oauth/access_token"),
                quirks: ProviderQuirks(tokenHeaders: ["Accept": "application/json"]))
            let client: EmulatedClient = try await server.registerClient(
                "github", ClientOptions(authMethod: "client_secret_post", scope: "read:org read:user user:email"))
            let fields = Github.Oauth.Fields(clientId: client.id, clientSecret: Secret(client.secret))
            let configuration: ConnectionConfiguration = try Github.Oauth.configuration(fields)
                .overridingEndpoints(provider.overrides(["github.com", "api.github.com"]))
            guard case .authorizationCode(let code) = configuration.auth else {
                Issue.record("GitHub's OAuth variant is an authorization code variant")
                return
            }
            checkEqual(code.endpoint.headers, [HTTPField(name: "Accept", value: "application/json")], "from the spec")
            let expected = ExpectedRequests(verify: "GET /user", apiPath: "/user/orgs", api: "GET /user/orgs")
            let life = OAuthLifecycle(
                server: server, provider: provider, client: client, configuration: configuration, expected: expected, rotates: true)
            try await life.runLinked()
        }
    }
}
