import ConnectorRuntime
import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The redirect URI every emulated OAuth client registers (never opened: the callback is read
/// from the authorize response's `Location`).
let testRedirectURI = URL(string: "http://127.0.0.1:53682/callback")!

/// A catalog provider emulated by the Authlib server under `/p/<name>/`, answering at the
/// provider's real paths. A connector's hosts are pointed at ``origin`` with the runtime's
/// endpoint override, so its generated code runs unchanged.
struct EmulatedProvider: Sendable {
    let server: TestServer
    let name: String

    /// `http://127.0.0.1:<port>/p/<name>`: the override target of each of the provider's hosts.
    var origin: URL { server.url("/p/\(name)") }

    /// Maps each real host to ``origin`` (paths are kept).
    func overrides(_ hosts: [String]) -> [String: URL] {
        Dictionary(uniqueKeysWithValues: hosts.map { ($0, origin) })
    }

    /// `METHOD /path?query` of every API request the provider answered, in order.
    func apiRequests() async throws -> [String] {
        let object = try await server.control("GET", "/_control/providers/\(name)")
        let list = (object as? [String: Any])?["api_requests"] as? [[String: String]] ?? []
        return list.map { "\($0["method"] ?? "") \($0["path"] ?? "")" }
    }
}

/// What the emulated provider expects from a static-credential connector.
enum StaticCredentials: Sendable {
    case basic(username: String, password: String)
    case headers([String: String])
    case bearer(String)

    var json: [String: any Sendable] {
        switch self {
        case let .basic(username, password): ["kind": "basic", "username": username, "password": password]
        case let .headers(headers): ["kind": "headers", "headers": headers]
        case let .bearer(token): ["kind": "bearer", "token": token]
        }
    }
}

/// The provider's OAuth paths, as its documentation gives them.
struct ProviderPaths: Sendable {
    var authorize: String = "/authorize"
    var token: String = "/token"
    var revoke: String? = nil
}

/// What an emulated provider insists on beyond OAuth itself.
struct ProviderQuirks: Sendable {
    /// `"json"`: token requests must be JSON objects (Notion); `"form"` rejects JSON.
    var tokenBody: String = "form"
    /// Headers every token request must carry with exactly these values (GitHub's `Accept`).
    var tokenHeaders: [String: String] = [:]
    /// Headers every API request must carry, except the canned `responses` paths (Xero's
    /// `xero-tenant-id`); others get 403.
    var apiHeaders: [String: String] = [:]
    /// API path -> space-separated scopes a bearer token must hold; others get 403 with an
    /// RFC 6750 `insufficient_scope` challenge naming the path's scopes.
    var apiScopes: [String: String] = [:]
    /// Headers on the authorize response (`Cross-Origin-Opener-Policy: same-origin`).
    var authorizeHeaders: [String: String] = [:]
}

/// An OAuth client of an emulated provider, with the provider's quirks.
struct ClientOptions: Sendable {
    /// `client_secret_basic`, `client_secret_post` or `smartsheet_hash`.
    var authMethod: String = "client_secret_basic"
    var grants: [String] = ["authorization_code", "refresh_token"]
    var scope: String = ""
    /// `"optional"` for providers without PKCE; `"required"` makes the server demand S256.
    var pkce: String = "optional"
    /// `false` keeps refresh tokens across refreshes (Workday's static refresh tokens).
    var rotate: Bool = true
    /// Refresh requests must repeat the redirect URI (Zelt).
    var refreshRedirectURI: Bool = false
    /// Extra token-response fields (Salesforce's `instance_url`).
    var tokenExtra: [String: String] = [:]
    /// Access-token lifetime in seconds (`expires_in`).
    var tokenLifetime: Int = 3600
    /// The account the client belongs to, checked by the `account_credentials` grant (Zoom).
    var accountID: String? = nil
    /// Members the emulated API adds to its default answers for this client's tokens (who the
    /// account is: a company or user name).
    var apiProfile: [String: String] = [:]
}

/// A client registered on the server for one test.
struct EmulatedClient: Sendable {
    var id: String
    var secret: String

    /// The Link Account form values of a person who brings this client (`"client": "person"`).
    var fields: [String: String] { ["clientId": id, "clientSecret": secret] }
}

extension TestServer {
    /// Registers a provider under a fresh name, so parallel tests never share state.
    /// `responses` maps API paths to canned JSON bodies (a discovery endpoint's answer).
    func emulate(
        _ label: String, paths: ProviderPaths = ProviderPaths(), credentials: StaticCredentials? = nil,
        responses: [String: any Sendable] = [:], quirks: ProviderQuirks = ProviderQuirks()
    ) async throws -> EmulatedProvider {
        let name = "\(label)-\(UUID().uuidString.prefix(8).lowercased())"
        var body: [String: any Sendable] = [
            "name": name, "authorize_path": paths.authorize, "token_path": paths.token, "token_body": quirks.tokenBody,
            "token_headers": quirks.tokenHeaders, "api_headers": quirks.apiHeaders, "api_scopes": quirks.apiScopes,
            "authorize_headers": quirks.authorizeHeaders,
        ]
        if let revoke = paths.revoke { body["revoke_path"] = revoke }
        if !responses.isEmpty { body["responses"] = responses }
        if let credentials { body["static"] = credentials.json }
        try await control("POST", "/_control/providers", json: body)
        return EmulatedProvider(server: self, name: name)
    }

    /// Registers an OAuth client with a fresh id and secret (no spaces: Authlib unquotes Basic).
    /// `redirectURI` is the one redirect URI the client registers (the Hub's tests pass its own).
    func registerClient(_ label: String, _ options: ClientOptions, redirectURI: URL = testRedirectURI) async throws -> EmulatedClient {
        let client = EmulatedClient(id: "\(label)-\(UUID().uuidString.prefix(8).lowercased())", secret: "secret-\(UUID().uuidString.lowercased())")
        var body: [String: any Sendable] = [
            "client_id": client.id, "client_secret": client.secret, "auth_method": options.authMethod,
            "grant_types": options.grants, "redirect_uris": [redirectURI.absoluteString], "scope": options.scope,
            "pkce": options.pkce, "rotate": options.rotate, "refresh_redirect_uri": options.refreshRedirectURI,
            "token_extra": options.tokenExtra, "token_lifetime": options.tokenLifetime,
        ]
        if let accountID = options.accountID { body["account_id"] = accountID }
        if !options.apiProfile.isEmpty { body["api_profile"] = options.apiProfile }
        try await control("POST", "/_control/clients", json: body)
        return client
    }

    /// A refresh token issued out of band, as an admin generates one in the provider's UI.
    func mintRefreshToken(_ client: EmulatedClient) async throws -> String {
        let object = try await control("POST", "/_control/mint-refresh?client_id=\(client.id)")
        return try unwrap((object as? [String: Any])?["refresh_token"] as? String, "minted refresh token")
    }

    /// Makes every access token of the client expire now (server side only: the runtime still
    /// believes them valid, so it learns of the expiry from a 401).
    func expireAccessTokens(_ client: EmulatedClient) async throws {
        try await control("POST", "/_control/expire-access?client_id=\(client.id)")
    }

    /// Revokes every token of the client: the person removed the app's access.
    func revokeAll(_ client: EmulatedClient) async throws {
        try await control("POST", "/_control/revoke-all?client_id=\(client.id)")
    }

    /// Forgets the client: its id and secret stop working.
    func disable(_ client: EmulatedClient) async throws {
        try await control("POST", "/_control/disable-client?client_id=\(client.id)")
    }

    /// The client's next authorizations grant the requested scopes except `withheld` (a person
    /// unticking boxes on the consent screen); empty grants everything requested again.
    func narrow(_ client: EmulatedClient, withholding withheld: [String]) async throws {
        let list = withheld.joined(separator: " ").addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        try await control("POST", "/_control/narrow?client_id=\(client.id)&withhold=\(list)")
    }

    /// The client's token requests answer `status` with an HTML error page (0 ends the outage).
    func failTokenRequests(_ client: EmulatedClient, status: Int) async throws {
        try await control("POST", "/_control/token-failure?client_id=\(client.id)&status=\(status)")
    }

    /// Access and refresh tokens of the client that still work at the provider (not revoked,
    /// not expired).
    func activeTokens(_ client: EmulatedClient) async throws -> (access: Int, refresh: Int) {
        let object = try await control("GET", "/_control/stats?client_id=\(client.id)") as? [String: Any]
        return (object?["access_tokens_active"] as? Int ?? -1, object?["refresh_tokens_active"] as? Int ?? -1)
    }

    /// RFC 7009 revocations the client made.
    func revocations(_ client: EmulatedClient) async throws -> Int {
        let object = try await control("GET", "/_control/stats?client_id=\(client.id)")
        return (object as? [String: Any])?["revocations"] as? Int ?? -1
    }

    /// Token requests of the client by grant type.
    func tokenRequests(_ client: EmulatedClient) async throws -> [String: Int] {
        let object = try await control("GET", "/_control/stats?client_id=\(client.id)")
        return (object as? [String: Any])?["token_requests"] as? [String: Int] ?? [:]
    }
}
