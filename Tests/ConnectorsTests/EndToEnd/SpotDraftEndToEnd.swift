import ConnectorRuntime
import Connectors
import Foundation
import Testing

extension CatalogEndToEnd {
    /// SpotDraft: client id and secret in `client-id` / `client-secret` headers, regional host.
    @Suite struct SpotDraftEndToEnd {
        @Test func credentialHeadersVerifyRequestAndRejectedSecretIsInvalidCredentials() async throws {
            let server: TestServer = try TestServer.current(.auth)
            let secret = "sd-secret-\(UUID().uuidString)"
            let headers: [String: String] = ["client-id": "sd-client", "client-secret": secret]
            let provider: EmulatedProvider = try await server.emulate("spotdraft", credentials: .headers(headers))
            let good = Spotdraft.ClientCredentials.Fields(region: .eu, clientId: "sd-client", clientSecret: Secret(secret))
            let bad = Spotdraft.ClientCredentials.Fields(region: .eu, clientId: "sd-client", clientSecret: Secret("wrong"))
            let overrides: [String: URL] = provider.overrides(["api.eu.spotdraft.com"])
            let expected = ExpectedRequests(
                verify: "GET /api/v2.1/public/contract_types/", apiPath: "/v2.1/public/contracts/", api: "GET /api/v2.1/public/contracts/")
            let life = StaticLifecycle(
                provider: provider,
                configuration: try Spotdraft.ClientCredentials.configuration(good).overridingEndpoints(overrides),
                rejected: try Spotdraft.ClientCredentials.configuration(bad).overridingEndpoints(overrides),
                expected: expected)
            try await life.run()
        }
    }
}
