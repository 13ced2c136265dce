// Uses the committed reference outputs (compiled into this target through the `Generated`
// symlink) against the runtime: typed fields in, configuration out.
import ConnectorRuntime
import Foundation
import Testing

@Suite struct ReferenceConsumerTests {
    @Test func apiKeyHeaderCarriesPrefixAndSelectAndDefaultsShapeTheURL() throws {
        let fields = AcmeApiKey.ApiKey.Fields(domain: "acme.example.com", apiToken: Secret("tok_123"))
        #expect(fields.apiVersion == .v2)
        #expect(fields.pageSize == 200)
        let configuration = try AcmeApiKey.ApiKey.configuration(fields)
        #expect(configuration.connectorID == "acme_api_key")
        #expect(configuration.variantID == "api_key")
        guard case .fixed(let url) = configuration.baseURL else {
            Issue.record("expected a fixed base URL")
            return
        }
        #expect(url.absoluteString == "https://acme.example.com/api/v2")
        #expect(configuration.headers == [HTTPField(name: "Accept", value: "application/json"), HTTPField(name: "X-Page-Size", value: "200")])
        #expect(configuration.verification == VerificationRequest(method: "GET", path: "/users?limit=1"))
        guard case .apiKeyHeader(let header) = configuration.auth else {
            Issue.record("expected an API key header")
            return
        }
        #expect(header.name == "Authorization")
        #expect(header.value.reveal() == "SSWS tok_123")
    }

    @Test func selectEnumsUseTheOptionValuesAsRawValues() {
        #expect(AcmeApiKey.ApiKey.Fields.ApiVersion.allCases.map(\.rawValue) == ["v1", "v2"])
        let fields = AcmeApiKey.QueryKey.Fields(domain: "d.example", apiVersion: .v1, key: Secret("k"), pageSize: 5)
        #expect(fields.apiVersion.rawValue == "v1")
    }

    @Test func apiKeyInQueryUsesTheNamedParameter() throws {
        let fields = AcmeApiKey.QueryKey.Fields(domain: "d.example", key: Secret("k1"), pageSize: 5)
        let configuration = try AcmeApiKey.QueryKey.configuration(fields)
        guard case .apiKeyQuery(let name, let value) = configuration.auth else {
            Issue.record("expected an API key query parameter")
            return
        }
        #expect(name == "api_key")
        #expect(value.reveal() == "k1")
        #expect(configuration.headers.last == HTTPField(name: "X-Page-Size", value: "5"))
    }

    @Test func whitespaceAroundASecretIsAnInvalidFieldBeforeAnyRequest() {
        let fields = AcmeApiKey.ApiKey.Fields(domain: "acme.example.com", apiToken: Secret(" tok_123\n"))
        #expect(throws: ConnectorError.self) { try AcmeApiKey.ApiKey.configuration(fields) }
        do {
            _ = try AcmeApiKey.ApiKey.configuration(fields)
        } catch {
            guard case .invalidField(let key, _) = error else {
                Issue.record("expected invalidField, got \(error)")
                return
            }
            #expect(key == "apiToken")
        }
    }

    @Test func hostnameWithASchemeIsAnInvalidField() {
        let fields = AcmeApiKey.ApiKey.Fields(domain: "https://acme.example.com", apiToken: Secret("t"))
        #expect(throws: ConnectorError.invalidField(key: "domain", reason: "contains a scheme such as https://; enter only the host name, e.g. acme.example.com")) {
            try AcmeApiKey.ApiKey.configuration(fields)
        }
    }

    @Test func basicAuthUsesTypedCredentialsAndAnOptionalFieldThrowsWhenATemplateNeedsIt() throws {
        let complete = AcmeBasic.Basic.Fields(subdomain: "acme", username: "a@acme.example", password: Secret("pw"), team: "R&D")
        let configuration = try AcmeBasic.Basic.configuration(complete)
        guard case .basic(let username, let password) = configuration.auth else {
            Issue.record("expected Basic")
            return
        }
        #expect(username.reveal() == "a@acme.example")
        #expect(password.reveal() == "pw")
        #expect(configuration.headers == [HTTPField(name: "X-Team", value: "R%26D")])
        #expect(configuration.verification?.method == "POST")
        #expect(configuration.verification?.body == Data("{\"ping\":true}".utf8))
        let missingTeam = AcmeBasic.Basic.Fields(subdomain: "acme", username: "a@acme.example", password: Secret("pw"))
        #expect(throws: ConnectorError.invalidField(key: "team", reason: "is required for this connection")) {
            try AcmeBasic.Basic.configuration(missingTeam)
        }
    }

    @Test func fieldPatternIsChecked() {
        let fields = AcmeBasic.Basic.Fields(subdomain: "Acme Corp", username: "a@acme.example", password: Secret("pw"), team: "x")
        #expect(throws: ConnectorError.self) { try AcmeBasic.Basic.configuration(fields) }
    }

    @Test func serviceUserHeadersAndBasic() throws {
        let headers = try AcmeServiceUser.Headers.configuration(.init(userId: "svc", token: Secret("s3")))
        guard case .headers(let fields) = headers.auth else {
            Issue.record("expected credential headers")
            return
        }
        #expect(fields.map(\.name) == ["X-Service-User-ID", "X-Service-User-Token"])
        #expect(fields.map { $0.value.reveal() } == ["svc", "s3"])
        let basic = try AcmeServiceUser.Basic.configuration(.init(userId: "svc", token: Secret("s3")))
        guard case .basic(let username, _) = basic.auth else {
            Issue.record("expected Basic")
            return
        }
        #expect(username.reveal() == "svc")
    }

    @Test func bearerTokenAndEmailTokenHeader() throws {
        let bearer = try AcmeBearer.PersonalToken.configuration(.init(siteURL: "https://acme.tickets.example", accessToken: Secret("pat")))
        guard case .bearer(let token) = bearer.auth, case .fixed(let url) = bearer.baseURL else {
            Issue.record("expected a bearer token and a fixed URL")
            return
        }
        #expect(token.reveal() == "pat")
        #expect(url.absoluteString == "https://acme.tickets.example/rest/api/3")
        #expect(bearer.headers == [HTTPField(name: "X-Sandbox", value: "false")])
        let basic = try AcmeBearer.BasicToken.configuration(
            .init(siteURL: "https://acme.tickets.example", sandbox: true, email: "a@acme.example", apiToken: Secret("t")))
        guard case .apiKeyHeader(let header) = basic.auth else {
            Issue.record("expected a header")
            return
        }
        #expect(header.value.reveal() == "Basic a@acme.example:t")
    }

    @Test func siteURLWithoutHTTPSIsRejected() {
        let fields = AcmeBearer.PersonalToken.Fields(siteURL: "http://acme.tickets.example", accessToken: Secret("pat"))
        #expect(throws: ConnectorError.self) { try AcmeBearer.PersonalToken.configuration(fields) }
    }

    @Test func authorizationCodeBuildsEveryURLFromTheSubdomain() throws {
        let fields = AcmeOauth.Oauth.Fields(subdomain: "acme", clientId: "cid", clientSecret: Secret("cs"))
        let configuration = try AcmeOauth.Oauth.configuration(fields)
        guard case .authorizationCode(let settings) = configuration.auth else {
            Issue.record("expected authorization code")
            return
        }
        #expect(settings.authorizeURL.absoluteString == "https://acme.hr.acme.example/oauth/authorize")
        #expect(settings.endpoint.tokenURL.absoluteString == "https://acme.hr.acme.example/oauth/token")
        #expect(settings.endpoint.revokeURL?.absoluteString == "https://acme.hr.acme.example/oauth/revoke")
        #expect(settings.refreshURL?.absoluteString == "https://acme.hr.acme.example/oauth/refresh")
        #expect(settings.pkce == .required)
        #expect(settings.rotatesRefreshToken)
        #expect(settings.endpoint.client == OAuthClient(id: "cid", secret: Secret("cs"), authentication: .clientSecretPost))
        #expect(settings.endpoint.scopes == ScopeConfiguration(
            separator: ",", requested: ["employees:read", "offline_access"], required: ["employees:read"], sendInRequest: true))
        #expect(settings.endpoint.defaultExpiresIn == 3600)
        #expect(settings.authorizeParameters == [OAuthParameter(name: "access_type", value: .text("offline"))])
        #expect(settings.refreshParameters == [OAuthParameter(name: "redirect_uri", value: .redirectURI)])
    }

    @Test func scopesAreTypedWithExactRawValues() throws {
        #expect(AcmeOauth.Oauth.Scope.allCases.map(\.rawValue) == ["employees:read", "employees:write", "offline_access"])
        #expect(AcmeOauth.Oauth.defaultScopes == [.employeesRead, .offlineAccess])
        let configuration = try AcmeOauth.Oauth.configuration(
            .init(subdomain: "acme", clientId: "cid", clientSecret: Secret("cs")), scopes: [.employeesWrite])
        guard case .authorizationCode(let settings) = configuration.auth else {
            Issue.record("expected authorization code")
            return
        }
        #expect(settings.endpoint.scopes.requested == ["employees:write"])
    }

    @Test func subdomainThatBreaksTheURLIsMisconfiguredNotACrash() {
        let fields = AcmeOauth.Oauth.Fields(subdomain: "a b", clientId: "cid", clientSecret: Secret("cs"))
        #expect(throws: ConnectorError.self) { try AcmeOauth.Oauth.configuration(fields) }
    }

    @Test func clientCredentialsBaseURLComesFromTheTokenResponse() throws {
        let fields = AcmeClientCredentials.ClientCredentials.Fields(
            clientId: "ck", clientSecret: Secret("cs"), audience: "https://api.acme.example/x y")
        let configuration = try AcmeClientCredentials.ClientCredentials.configuration(fields)
        guard case .clientCredentials(let settings) = configuration.auth, case .fromTokenResponse(let resolve) = configuration.baseURL else {
            Issue.record("expected client credentials and a token-response base URL")
            return
        }
        #expect(try resolve(["instance_url": "https://na1.crm.acme.example"]).absoluteString
            == "https://na1.crm.acme.example/services/data/v60.0")
        #expect(throws: ConnectorError.self) { try resolve([:]) }
        #expect(settings.endpoint.tokenParameters == [OAuthParameter(name: "audience", value: .text("https%3A%2F%2Fapi.acme.example%2Fx%20y"))])
        #expect(settings.endpoint.scopes.sendInRequest == false)
        #expect(settings.endpoint.client.authentication == .clientSecretBasic)
    }

    @Test func refreshTokenVariantKeepsTheTokenSecret() throws {
        let fields = AcmeRefreshToken.RefreshToken.Fields(
            host: "wd2.acme.example", tenant: "acme corp", clientId: "id", clientSecret: Secret("cs"), refreshToken: Secret("rt"))
        let configuration = try AcmeRefreshToken.RefreshToken.configuration(fields)
        guard case .refreshToken(let settings) = configuration.auth, case .fixed(let url) = configuration.baseURL else {
            Issue.record("expected a refresh-token configuration")
            return
        }
        #expect(settings.refreshToken.reveal() == "rt")
        #expect("\(settings.refreshToken)" == "Secret(redacted)")
        #expect(settings.endpoint.tokenURL.absoluteString == "https://wd2.acme.example/ccx/oauth2/acme%20corp/token")
        #expect(url.absoluteString == "https://wd2.acme.example/ccx/api/v1/acme%20corp")
    }

    @Test func catalogListsEveryReferenceConnectorAndFindsThemById() {
        #expect(ConnectorCatalog.all.map { $0.id } == [
            "acme_api_key", "acme_basic", "acme_bearer", "acme_client_credentials", "acme_oauth", "acme_refresh_token",
            "acme_service_user",
        ])
        #expect(ConnectorCatalog.connector(id: "acme_oauth")?.displayName == "Acme HR")
        #expect(ConnectorCatalog.connector(id: "nope") == nil)
        #expect(AcmeApiKey.authVariants.map(\.id) == ["api_key", "query_key"])
        #expect(AcmeApiKey.ApiKey.descriptor.fieldKeys == ["domain", "apiVersion", "apiToken", "pageSize"])
        #expect(AcmeApiKey.ApiKey.descriptor.type == "apiKey")
    }
}
