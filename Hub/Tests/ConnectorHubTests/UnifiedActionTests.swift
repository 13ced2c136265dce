// Unified operations through the Hub: a Smartsheet account linked with an access token
// (SmartsheetActionAccount: the Authlib server's provider emulation), then
// POST /v1/accounts/{id}/unified/iam.user/operations/{operation}: the unified inputs mapped to Smartsheet's
// addUser by its spec, problems at the unified inputs with nothing sent, a destructive operation
// refused without "confirm": true, an operation Smartsheet does not bind answered 404, and the
// action log under iam.user.<operation> without input values.
import ConnectorHub
import Foundation
import HTTPTypes
import Testing

@Suite(.authServer) struct UnifiedActionTests {
    @Test func unifiedOperationsAreMappedCheckedConfirmedSentAndLogged() async throws {
        let account = try await SmartsheetActionAccount()
        let (provider, token) = (account.provider, account.token)
        try await account.harness.run { client in
            let id = try await account.link(client)
            let verified = try await provider.apiRequests()

            // No email (nor userName to fall back to) and a number for givenName: 400 at the
            // unified inputs, nothing sent.
            let invalid = try await client.api(
                .post, "/v1/accounts/\(id)/unified/iam.user/operations/create", json: ["inputs": ["givenName": 5] as [String: any Sendable]])
            checkEqual(invalid.status, 400)
            let problems = invalid.json["problems"] as? [[String: String]] ?? []
            checkEqual(problems.map { $0["pointer"] ?? "" }, ["/inputs/email", "/inputs/givenName"])
            checkEqual(problems.map { $0["message"] ?? "" }, ["is required", "must be a string"])

            let unconfirmed = try await client.api(
                .post, "/v1/accounts/\(id)/unified/iam.user/operations/deactivate", json: ["inputs": ["id": "7"] as [String: any Sendable]])
            checkEqual(unconfirmed.status, 400)
            checkEqual((unconfirmed.json["problems"] as? [[String: String]])?.map { $0["pointer"] ?? "" }, ["/confirm"])
            checkEqual(try await provider.apiRequests(), verified, "no request reached the provider")

            let created = try await client.api(.post, "/v1/accounts/\(id)/unified/iam.user/operations/create", json: [
                "inputs": ["userName": "ada@example.com", "givenName": "Ada"] as [String: any Sendable],
            ])
            checkEqual(created.status, 200, created.text)
            checkEqual(created.json["action"] as? String, "addUser")
            checkEqual(created.json["id"] as? String, "7")
            let record = created.json["record"] as? [String: Any] ?? [:]
            checkEqual(record["email"] as? String, "ada@example.com", "the created user as an iam.user")
            checkEqual((record["remote"] as? [String: Any])?["id"] as? Int, 7, "remote: Smartsheet's record")
            checkEqual(try await provider.apiRequests().last, "POST /2.0/users")

            let unbound = try await client.api(.post, "/v1/accounts/\(id)/unified/iam.user/operations/addToGroup", json: [:])
            checkEqual(unbound.status, 404)

            let log = try await client.api(.get, "/v1/accounts/\(id)/action-log")
            let entries = log.json["entries"] as? [[String: Any]] ?? []
            checkEqual(entries.map { $0["outcome"] as? String ?? "" }, ["succeeded", "confirmationRequired", "invalidInput"])
            checkEqual(entries.map { $0["action"] as? String ?? "" }, ["iam.user.create", "iam.user.deactivate", "iam.user.create"])
            check(!log.text.contains("ada@example.com") && !log.text.contains("Ada") && !log.text.contains(token),
                  "no input value or credential in the log")
        }
    }
}
