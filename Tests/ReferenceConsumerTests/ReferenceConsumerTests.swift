// Uses the committed reference outputs (compiled into this target through the `Generated`
// symlink) against the runtime: typed fields in, configuration out.
import ConnectorRuntime
import Foundation
import Testing

@Suite struct ReferenceConsumerTests {
    static func apiKeyConfiguration() throws -> ConnectionConfiguration {
        let fields = AcmeApiKey.ApiKey.Fields(domain: "acme.example.com", apiToken: Secret("tok_123"))
        return try AcmeApiKey.ApiKey.configuration(fields)
    }

    @Test func defaultsFillTheFieldsInitializer() {
        let fields = AcmeApiKey.ApiKey.Fields(domain: "acme.example.com", apiToken: Secret("tok_123"))
        let version: AcmeApiKey.ApiKey.Fields.ApiVersion = fields.apiVersion
        #expect(version == .v2)
        let pageSize: Int = fields.pageSize
        #expect(pageSize == 200)
    }

    @Test func apiKeyConfigurationBuildsURLHeadersAndVerificationFromFields() throws {
        let configuration = try Self.apiKeyConfiguration()
        let ids: [String] = [configuration.connectorID, configuration.variantID]
        #expect(ids == ["acme_api_key", "api_key"])
        guard case .fixed(let url) = configuration.baseURL else {
            Issue.record("expected a fixed base URL")
            return
        }
        let base: String = url.absoluteString
        #expect(base == "https://acme.example.com/api/v2")
        let headers: [HTTPField] = [HTTPField(name: "Accept", value: "application/json"), HTTPField(name: "X-Page-Size", value: "200")]
        #expect(configuration.headers == headers)
        let verification = VerificationRequest(method: "GET", path: "/users?limit=1")
        #expect(configuration.verification == verification)
    }

    @Test func apiKeyHeaderCarriesThePrefix() throws {
        let configuration = try Self.apiKeyConfiguration()
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

    @Test func basicAuthUsesTypedCredentials() throws {
        let complete = AcmeBasic.Basic.Fields(subdomain: "acme", username: "a@acme.example", password: Secret("pw"), team: "R&D")
        let configuration = try AcmeBasic.Basic.configuration(complete)
        guard case .basic(let username, let password) = configuration.auth else {
            Issue.record("expected Basic")
            return
        }
        let revealed: [String] = [username.reveal(), password.reveal()]
        #expect(revealed == ["a@acme.example", "pw"])
        let headers: [HTTPField] = [HTTPField(name: "X-Team", value: "R%26D")]
        #expect(configuration.headers == headers)
    }

    @Test func postVerificationCarriesTheJSONBody() throws {
        let complete = AcmeBasic.Basic.Fields(subdomain: "acme", username: "a@acme.example", password: Secret("pw"), team: "x")
        let verification: VerificationRequest? = try AcmeBasic.Basic.configuration(complete).verification
        let body = Data("{\"ping\":true}".utf8)
        let expected = VerificationRequest(method: "POST", path: "/ping", body: body, usesAuth: true)
        #expect(verification == expected)
    }

    @Test func anOptionalFieldThrowsWhenATemplateNeedsIt() {
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
        let urls: [String?] = [
            settings.authorizeURL.absoluteString, settings.endpoint.tokenURL.absoluteString,
            settings.endpoint.revokeURL?.absoluteString, settings.refreshURL?.absoluteString,
        ]
        let expected: [String?] = [
            "https://acme.hr.acme.example/oauth/authorize", "https://acme.hr.acme.example/oauth/token",
            "https://acme.hr.acme.example/oauth/revoke", "https://acme.hr.acme.example/oauth/refresh",
        ]
        #expect(urls == expected)
        #expect(settings.pkce == .required)
        #expect(settings.rotatesRefreshToken)
    }

    static func authorizationCode() throws -> AuthorizationCodeConfiguration? {
        let fields = AcmeOauth.Oauth.Fields(subdomain: "acme", clientId: "cid", clientSecret: Secret("cs"))
        guard case .authorizationCode(let settings) = try AcmeOauth.Oauth.configuration(fields).auth else { return nil }
        return settings
    }

    @Test func authorizationCodeClientAndScopesComeFromTheSpec() throws {
        let settings = try #require(try Self.authorizationCode())
        let client = OAuthClient(id: "cid", secret: Secret("cs"), authentication: .clientSecretPost)
        #expect(settings.endpoint.client == client)
        let scopes = ScopeConfiguration(
            separator: ",", requested: ["employees:read", "offline_access"], required: ["employees:read"], sendInRequest: true)
        #expect(settings.endpoint.scopes == scopes)
        let expires: Int? = settings.endpoint.defaultExpiresIn
        #expect(expires == 3600)
    }

    @Test func authorizationCodeParametersIncludeTheRedirectURIMarker() throws {
        let settings = try #require(try Self.authorizationCode())
        let authorize: [OAuthParameter] = [OAuthParameter(name: "access_type", value: .text("offline"))]
        #expect(settings.authorizeParameters == authorize)
        let refresh: [OAuthParameter] = [OAuthParameter(name: "redirect_uri", value: .redirectURI)]
        #expect(settings.refreshParameters == refresh)
    }

    @Test func scopesAreTypedWithExactRawValues() throws {
        let rawValues: [String] = AcmeOauth.Oauth.Scope.allCases.map(\.rawValue)
        #expect(rawValues == ["employees:read", "employees:write", "offline_access"])
        // rawValue and init?(rawValue:) are generated, not synthesized: they must round-trip.
        let parsed: [AcmeOauth.Oauth.Scope?] = rawValues.map(AcmeOauth.Oauth.Scope.init(rawValue:))
        #expect(parsed == AcmeOauth.Oauth.Scope.allCases)
        #expect(AcmeOauth.Oauth.Scope(rawValue: "employees:READ") == nil)
        #expect(AcmeApiKey.ApiKey.Fields.ApiVersion(rawValue: "v2") == .v2)
        let defaults: [AcmeOauth.Oauth.Scope] = [.employeesRead, .offlineAccess]
        #expect(AcmeOauth.Oauth.defaultScopes == defaults)
        let configuration = try AcmeOauth.Oauth.configuration(
            .init(subdomain: "acme", clientId: "cid", clientSecret: Secret("cs")), scopes: [.employeesWrite])
        guard case .authorizationCode(let settings) = configuration.auth else {
            Issue.record("expected authorization code")
            return
        }
        let requested: [String] = settings.endpoint.scopes.requested
        #expect(requested == ["employees:write"])
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
        let token: [String: String] = ["instance_url": "https://na1.crm.acme.example"]
        let resolved: String = try resolve(token).absoluteString
        #expect(resolved == "https://na1.crm.acme.example/services/data/v60.0")
        let empty: [String: String] = [:]
        #expect(throws: ConnectorError.self) { try resolve(empty) }
        let parameters: [OAuthParameter] = [OAuthParameter(name: "audience", value: .text("https%3A%2F%2Fapi.acme.example%2Fx%20y"))]
        #expect(settings.endpoint.tokenParameters == parameters)
        let sendsScopes: Bool = settings.endpoint.scopes.sendInRequest
        #expect(!sendsScopes)
        let authentication: ClientAuthentication = settings.endpoint.client.authentication
        #expect(authentication == .clientSecretBasic)
    }

    @Test func discoveryVariantLooksUpTheCloudIDAndBuildsTheBaseURLFromIt() throws {
        let fields = AcmeDiscovery.Oauth.Fields(site: "acme", clientId: "cid", clientSecret: Secret("cs"))
        let configuration = try AcmeDiscovery.Oauth.configuration(fields)
        let discovery = try #require(configuration.discovery)
        #expect(discovery.url.absoluteString == "https://api.tickets.acme.example/oauth/token/accessible-resources")
        #expect(discovery.items == "")
        #expect(discovery.match == DiscoveryRequest.Match(pointer: "/url", equals: .string("https://acme.tickets.acme.example")))
        #expect(discovery.values == [DiscoveryRequest.Value(name: "cloudId", pointer: "/id")])
        guard case .fromTokenResponse(let resolve) = configuration.baseURL else {
            Issue.record("expected a base URL built from discovered values")
            return
        }
        let extra: [String: String] = ["discovered.cloudId": "c-1"]
        #expect(try resolve(extra).absoluteString == "https://api.tickets.acme.example/ex/c-1/rest")
        let empty: [String: String] = [:]
        #expect(throws: ConnectorError.self) { try resolve(empty) }
    }

    @Test func variantFeaturesReachTheConfiguration() throws {
        let configuration = try AcmeVariantFeatures.Oauth.configuration(.init(clientId: "cid", clientSecret: Secret("cs")))
        guard case .authorizationCode(let code) = configuration.auth else {
            Issue.record("expected an authorization-code configuration")
            return
        }
        #expect(code.endpoint.encoding == .json)
        #expect(code.endpoint.headers == [HTTPField(name: "Accept", value: "application/json")])
        #expect(configuration.accountMetadata == ["workspace_id"])
        #expect(configuration.verification?.path == "https://api.example.com/connections")
        #expect(configuration.headers.isEmpty, "token-dependent headers are not static headers")
        let build = try #require(configuration.tokenHeaders)
        let extra: [String: String] = ["discovered.tenantId": "t-1", "region": "eu"]
        #expect(try build(extra) == [HTTPField(name: "Tenant-Id", value: "t-1"), HTTPField(name: "X-Region", value: "eu")])
        let empty: [String: String] = [:]
        #expect(throws: ConnectorError.self) { try build(empty) }
    }

    @Test func accountCredentialsGrantAndItsParameterReachTheConfiguration() throws {
        let fields = AcmeAccountCredentials.Client.Fields(clientId: "cid", clientSecret: Secret("cs"), accountId: "acct-1")
        guard case .clientCredentials(let settings) = try AcmeAccountCredentials.Client.configuration(fields).auth else {
            Issue.record("expected a client-credentials configuration")
            return
        }
        #expect(settings.grantType == "account_credentials")
        #expect(settings.endpoint.tokenParameters == [OAuthParameter(name: "account_id", value: .text("acct-1"))])
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

    @Test func catalogListsEveryReferenceConnector() {
        let ids: [String] = ConnectorCatalog.all.map { (connector: any ConnectorDefinition.Type) -> String in connector.id }
        let expected: [String] = [
            "acme_account_credentials", "acme_actions", "acme_api_key", "acme_basic", "acme_bearer", "acme_client_credentials",
            "acme_discovery",
            "acme_oauth", "acme_refresh_token", "acme_resources", "acme_service_user", "acme_variant_features",
        ]
        #expect(ids == expected)
    }

    @Test func catalogFindsConnectorsById() {
        let name: String? = ConnectorCatalog.connector(id: "acme_oauth")?.displayName
        #expect(name == "Acme HR")
        let missing: Bool = ConnectorCatalog.connector(id: "nope") == nil
        #expect(missing)
    }

    @Test func descriptorsListVariantsAndFieldKeysInSpecOrder() {
        let variantIDs: [String] = AcmeApiKey.authVariants.map(\.id)
        #expect(variantIDs == ["api_key", "query_key"])
        let keys: [String] = AcmeApiKey.ApiKey.descriptor.fieldKeys
        #expect(keys == ["domain", "apiVersion", "apiToken", "pageSize"])
        let type: String = AcmeApiKey.ApiKey.descriptor.type
        #expect(type == "apiKey")
    }

    @Test func descriptorsCarryFieldMetadataAndTheGuide() {
        let fields: [FieldDescriptor] = AcmeApiKey.ApiKey.descriptor.fields
        #expect(fields.map(\.kind) == [.hostname, .select, .secret, .number])
        #expect(fields[0].placeholder == "acme.example.com")
        #expect(fields[1].options.map(\.value) == ["v1", "v2"])
        #expect(fields[1].defaultValue == "v2")
        #expect(fields[3].required == false)
        let guide: ConnectionGuide = AcmeApiKey.ApiKey.descriptor.guide
        #expect(guide.requirements == [ConnectionGuide.Requirement(kind: "admin", text: "Super administrator rights in Acme.")])
        #expect(guide.sections.first?.steps.map(\.title) == ["Sign in", "Copy the values"])
    }

    @Test func configurationFromValuesParsesDefaultsAndRunsTheFieldChecks() throws {
        let descriptor: AuthVariantDescriptor = AcmeApiKey.ApiKey.descriptor
        let configuration: ConnectionConfiguration = try descriptor.configuration(values: ["domain": "acme.example.com", "apiToken": "k"])
        #expect(configuration.headers.map(\.value) == ["application/json", "200"])
        guard case .fixed(let url) = configuration.baseURL else {
            Issue.record("expected a fixed base URL")
            return
        }
        #expect(url.absoluteString == "https://acme.example.com/api/v2")
        #expect(throws: ConnectorError.invalidField(key: "apiToken", reason: "is required")) {
            try descriptor.configuration(values: ["domain": "acme.example.com"])
        }
        #expect(throws: ConnectorError.invalidField(key: "apiVersion", reason: "is not one of the options (v1, v2)")) {
            try descriptor.configuration(values: ["domain": "acme.example.com", "apiToken": "k", "apiVersion": "v3"])
        }
        #expect(throws: ConnectorError.invalidField(key: "pageSize", reason: "is not a whole number")) {
            try descriptor.configuration(values: ["domain": "acme.example.com", "apiToken": "k", "pageSize": "many"])
        }
        // The compiled check of the typed path: a scheme in a host name field.
        #expect(throws: ConnectorError.invalidField(key: "domain", reason: "contains a scheme such as https://; enter only the host name, e.g. acme.example.com")) {
            try descriptor.configuration(values: ["domain": "https://acme.example.com", "apiToken": "k"])
        }
    }
}
