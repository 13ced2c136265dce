import ConnectorRuntime
import Foundation
import Testing

/// `Connection(tokenRequestTimeout:)` against the quirk MOCK server's hanging token endpoint.
@Suite(.quirkServer)
struct QuirkTokenTimeoutTests {
    @Test func mockTokenRequestTimeoutIsTheConnectionsSetting() async throws {
        let server = try TestServer.current(.quirk)
        let name = "token-timeout-\(UUID().uuidString.prefix(8).lowercased())"
        let endpoint = TokenEndpoint(
            tokenURL: server.url("/token/slow/\(name)?seconds=12"),
            client: OAuthClient(id: "mock-client", secret: Secret("mock-secret"), authentication: .clientSecretBasic))
        let connection = Connection(
            configuration: ConnectionConfiguration(
                connectorID: "mock", variantID: "mock", baseURL: .fixed(server.baseURL),
                auth: .clientCredentials(ClientCredentialsConfiguration(endpoint: endpoint))),
            account: "acme", store: InMemoryTokenStore(), transport: URLSessionTransport(), tokenRequestTimeout: 1)
        // The request's own deadline (30 s) is long; the token request's (1 s) ends it.
        let error = try await withDeadline(6, "a token request with a 1 s timeout to a 12 s endpoint") {
            await connectorError { _ = try await connection.send(path: "/api/ok/\(name)", timeout: 30) }
        }
        guard case .providerUnavailable(_, let retryable) = error else {
            Issue.record("Expected providerUnavailable (timed out), got \(String(describing: error))")
            return
        }
        check(retryable)
    }
}
