import ConnectorHub
import Foundation
import HTTPTypes
import Testing

/// A Smartsheet IAM account for the action suites (ActionTests, UnifiedActionTests): the Authlib
/// server's provider emulation checks the access token exactly and answers a canned Add user
/// result (user 7), and the Hub's endpoint override points smartsheet_iam at it.
struct SmartsheetActionAccount: Sendable {
    let token = "ss-token-\(UUID().uuidString.lowercased())"
    let provider: EmulatedProvider
    let harness: HubHarness

    init() async throws {
        let server = try TestServer.current(.auth)
        let added: [String: any Sendable] = [
            "message": "SUCCESS", "resultCode": 0, "result": ["id": 7, "email": "ada@example.com", "admin": false] as [String: any Sendable],
        ]
        provider = try await server.emulate("smartsheet", credentials: .bearer(token), responses: ["/2.0/users": added])
        harness = try await HubHarness(overrides: ["smartsheet_iam": provider.overrides(["api.smartsheet.com"])])
    }

    /// Links the account through the Link Account form (as a person would) and returns its id.
    func link(_ client: HubClient) async throws -> String {
        _ = try await client.openLinkSession()
        let form = try await client.request(.get, "/link/connectors/smartsheet_iam/access_token")
        let done = try await client.submit(
            "/link/connectors/smartsheet_iam/access_token", from: form, values: ["region": "smartsheet.com", "accessToken": token])
        checkEqual(done.status, 200)
        let list = try await client.api(.get, "/v1/accounts?endUserId=user-1")
        return try #require((list.json["accounts"] as? [[String: Any]])?.first?["id"] as? String)
    }
}
