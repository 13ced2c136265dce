import ConnectorRuntime
import Foundation

/// An API on a local server that answers 200 to any bearer token (the hot-path test counts
/// store statements, not what the API checks).
struct LocalAPI {
    let server: LocalHTTPServer

    static func start() throws -> LocalAPI {
        LocalAPI(server: try LocalHTTPServer { _ in .init(status: 200, body: Data("{}".utf8)) })
    }

    var configuration: ConnectionConfiguration {
        ConnectionConfiguration(
            connectorID: "local", variantID: "oauth", baseURL: .fixed(server.url("/")),
            auth: .clientCredentials(
                ClientCredentialsConfiguration(
                    endpoint: TokenEndpoint(
                        tokenURL: server.url("/token"), client: OAuthClient(id: "c", secret: Secret("s"), authentication: .clientSecretBasic)))))
    }

    func stop() { server.stop() }
}

extension TestServer {
    /// An authorization code configuration for a client registered on the Authlib server.
    func codeConfiguration(_ client: RegisteredClient) -> ConnectionConfiguration {
        ConnectionConfiguration(
            connectorID: "authlib", variantID: "oauth", baseURL: .fixed(baseURL),
            auth: .authorizationCode(
                AuthorizationCodeConfiguration(
                    endpoint: endpoint(client), authorizeURL: url("/authorize"), pkce: .required, rotatesRefreshToken: true)))
    }
}
