import ConnectorRuntime
import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A client registered on the Authlib server for one test, so parallel tests never share
/// counters or tokens.
struct RegisteredClient: Sendable {
    var id: String
    var secret: String
    var authentication: ClientAuthentication
    var redirectURI: URL

    var oauthClient: OAuthClient {
        OAuthClient(id: id, secret: Secret(secret), authentication: authentication)
    }
}

extension TestServer {
    /// Registers a fresh client on the Authlib server. Ids and secrets have no spaces (Authlib
    /// decodes Basic credentials with `unquote`).
    func registerClient(
        _ name: String, authentication: ClientAuthentication = .clientSecretBasic,
        grants: [String] = ["authorization_code", "refresh_token"], tokenLifetime: Int = 3600,
        refreshLifetime: Int? = nil, scope: String = "read write admin", reuseDetection: Bool = false,
        id: String? = nil, secret: String? = nil
    ) async throws -> RegisteredClient {
        let clientID = id ?? "\(name)-\(UUID().uuidString.prefix(8).lowercased())"
        let clientSecret = secret ?? "secret-\(UUID().uuidString.lowercased())"
        let redirectURI = URL(string: "http://127.0.0.1:53682/callback")!
        var body: [String: any Sendable] = [
            "client_id": clientID, "client_secret": clientSecret, "auth_method": authentication.rawValue,
            "grant_types": grants, "redirect_uris": [redirectURI.absoluteString], "scope": scope,
            "token_lifetime": tokenLifetime, "reuse_detection": reuseDetection,
        ]
        if let refreshLifetime { body["refresh_lifetime"] = refreshLifetime }
        try await control("POST", "/_control/clients", json: body)
        return RegisteredClient(id: clientID, secret: clientSecret, authentication: authentication, redirectURI: redirectURI)
    }

    /// The Authlib server's counters for one client.
    func stats(_ clientID: String) async throws -> AuthServerStats {
        let object = try await control("GET", "/_control/stats?client_id=\(clientID)")
        return try AuthServerStats(object)
    }

    /// The token endpoint settings for a registered client.
    func endpoint(_ client: RegisteredClient, scopes: [String] = ["read"], required: [String] = [], revoke: Bool = true) -> TokenEndpoint {
        TokenEndpoint(
            tokenURL: url("/token"), revokeURL: revoke ? url("/revoke") : nil, client: client.oauthClient,
            scopes: ScopeConfiguration(separator: " ", requested: scopes, required: required))
    }

    /// Every request the quirk MOCK recorded under `key`.
    func recorded(_ key: String) async throws -> [RecordedRequest] {
        let object = try await control("GET", "/_control/requests/\(key)")
        guard let list = object as? [[String: Any]] else { throw ServerError("Unexpected /_control/requests answer") }
        return list.map(RecordedRequest.init)
    }
}

/// Counters of `/_control/stats`.
struct AuthServerStats: Sendable {
    var tokenRequests: [String: Int]
    var tokenRequestsTotal: Int
    var tokenErrors: Int
    var revocations: Int
    var apiCalls: Int
    var authorizations: Int
    var accessTokensActive: Int
    var refreshTokensActive: Int

    init(_ object: Any) throws {
        guard let json = object as? [String: Any] else { throw ServerError("Unexpected /_control/stats answer") }
        tokenRequests = json["token_requests"] as? [String: Int] ?? [:]
        tokenRequestsTotal = json["token_requests_total"] as? Int ?? 0
        tokenErrors = json["token_errors"] as? Int ?? 0
        revocations = json["revocations"] as? Int ?? 0
        apiCalls = json["api_calls"] as? Int ?? 0
        authorizations = json["authorizations"] as? Int ?? 0
        accessTokensActive = json["access_tokens_active"] as? Int ?? 0
        refreshTokensActive = json["refresh_tokens_active"] as? Int ?? 0
    }
}

/// One request as the quirk MOCK saw it.
struct RecordedRequest: Sendable {
    var method: String
    var path: String
    var host: String
    var headers: [(name: String, value: String)]
    var form: [String: [String]]
    var body: String

    init(_ json: [String: Any]) {
        method = json["method"] as? String ?? ""
        path = json["path"] as? String ?? ""
        host = json["host"] as? String ?? ""
        headers = (json["headers"] as? [[String]] ?? []).compactMap { pair in pair.count == 2 ? (pair[0], pair[1]) : nil }
        form = json["form"] as? [String: [String]] ?? [:]
        body = json["body"] as? String ?? ""
    }

    /// The first value of a header, compared case-insensitively.
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The single value of a form field.
    func field(_ name: String) -> String? {
        form[name]?.first
    }
}
