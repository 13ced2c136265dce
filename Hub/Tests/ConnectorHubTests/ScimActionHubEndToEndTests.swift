// The catalog's `scim` connector's unified operations end to end through the Hub: a SCIM 2.0
// account (`bearer_token` variant, base URL https://scim.acme.example/scim/v2) linked through the
// Hub with its host pointed at the SCIM dialect of Tests/Servers/actionserver.py, then
// `iam.user.create` and `iam.user.deactivate` through
// `POST /v1/accounts/{id}/unified/iam.user/operations/{operation}`: the created user answered as an
// iam.user, a userName already used refused by the provider (409 uniqueness) with one request, the
// deactivation refused unconfirmed with nothing sent, then sent once as RFC 7644's PatchOp, and
// the action log without an input value or the token.
import ConnectorHub
import Foundation
import HTTPTypes
import Testing

@Suite(.actionServer) struct ScimActionHubEndToEndTests {
    @Test func createAndDeactivateThroughTheUnifiedOperations() async throws {
        let server = try TestServer.current(.action)
        let key = "ok." + UUID().uuidString.lowercased()
        let harness = try await HubHarness(overrides: ["scim": ["scim.acme.example": server.url("/k/\(key)")]])
        let account = try await harness.hub.importAccount(
            endUserID: "user-1", endUserName: "Ada", connectorID: "scim", variantID: "bearer_token",
            values: ["scimBaseURL": "https://scim.acme.example/scim/v2", "token": "test-key"]
        ).id
        @Sendable func requests() async throws -> [[String: String]] {
            try await server.control("GET", "/_control/requests/\(key)") as? [[String: String]] ?? []
        }
        try await harness.run { client in
            let path = "/v1/accounts/\(account)/unified/iam.user/operations/"
            let inputs: [String: any Sendable] = ["userName": "ada.lovelace@example.com", "givenName": "Augusta", "familyName": "Lovelace"]
            let created = try await client.api(.post, path + "create", json: ["inputs": inputs])
            checkEqual(created.status, 200, created.text)
            checkEqual(created.json["action"] as? String, "createUser")
            checkEqual(created.json["providerStatus"] as? Int, 201)
            let id = try #require(created.json["id"] as? String)
            let record = try #require(created.json["record"] as? [String: Any], "\(created.text)")
            checkEqual(record["id"] as? String, id)
            checkEqual(record["userName"] as? String, "ada.lovelace@example.com")
            checkEqual(record["givenName"] as? String, "Augusta")
            checkEqual(record["familyName"] as? String, "Lovelace")
            checkEqual(record["active"] as? Bool, true)
            checkEqual(((record["remote"] as? [String: Any])?["meta"] as? [String: Any])?["resourceType"] as? String, "User", "remote: SCIM's record")
            check(created.json["remote"] == nil && created.json["conversionError"] == nil, "converted by SCIM's read mapping")
            let sent = try await requests()
            checkEqual(sent.map { ($0["method"] ?? "") + " " + ($0["path"] ?? "") }, ["POST /scim/v2/Users"])
            let createBody = try JSONSerialization.jsonObject(with: Data((sent.first?["body"] ?? "{}").utf8)) as? [String: Any] ?? [:]
            checkEqual(createBody["schemas"] as? [String], ["urn:ietf:params:scim:schemas:core:2.0:User"])
            checkEqual(createBody["name"] as? [String: String], ["givenName": "Augusta", "familyName": "Lovelace"])

            // The same userName again: the provider's 409 (scimType uniqueness), one request, nothing retried.
            let again = try await client.api(.post, path + "create", json: ["inputs": inputs])
            checkEqual(again.status, 422, again.text)
            checkEqual(again.json["error"] as? String, "rejected")
            checkEqual(again.json["providerStatus"] as? Int, 409)

            let unconfirmed = try await client.api(.post, path + "deactivate", json: ["inputs": ["id": id] as [String: any Sendable]])
            checkEqual(unconfirmed.status, 400)
            checkEqual((unconfirmed.json["problems"] as? [[String: String]])?.map { $0["pointer"] ?? "" }, ["/confirm"])
            checkEqual(try await requests().count, 2, "nothing sent without confirm")

            let deactivated = try await client.api(
                .post, path + "deactivate", json: ["inputs": ["id": id] as [String: any Sendable], "confirm": true])
            checkEqual(deactivated.status, 200, deactivated.text)
            checkEqual(deactivated.json["action"] as? String, "deactivateUser")
            checkEqual(deactivated.json["providerStatus"] as? Int, 200)
            let all = try await requests()
            checkEqual(all.map { ($0["method"] ?? "") + " " + ($0["path"] ?? "") },
                       ["POST /scim/v2/Users", "POST /scim/v2/Users", "PATCH /scim/v2/Users/\(id)"])
            let patch = try JSONSerialization.jsonObject(with: Data((all.last?["body"] ?? "{}").utf8)) as? NSDictionary
            checkEqual(patch, [
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [["op": "replace", "value": ["active": false]]],
            ] as NSDictionary, "RFC 7644 section 3.5.2's PatchOp")
            let users = try await server.control("GET", "/_control/users/\(key)") as? [[String: Any]] ?? []
            checkEqual(users.map { $0["active"] as? Bool }, [false], "the one user deactivated")

            let entries = try await client.actionLog(account)
            checkEqual(entries.map { $0["action"] as? String ?? "" }, ["iam.user.deactivate", "iam.user.deactivate", "iam.user.create", "iam.user.create"])
            checkEqual(entries.map { $0["outcome"] as? String ?? "" }, ["succeeded", "confirmationRequired", "rejected", "succeeded"])
            checkEqual(entries.map { $0["providerStatus"] as? Int ?? 0 }, [200, 0, 409, 201])
        }
    }
}
