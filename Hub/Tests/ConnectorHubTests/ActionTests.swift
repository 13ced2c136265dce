// Actions through the Hub: a Smartsheet account linked with an access token
// (SmartsheetActionAccount: the Authlib server's provider emulation), then
// POST /v1/accounts/{id}/actions/{action}: bodies checked before anything is sent (400 with the
// JSON pointer of each problem), destructive actions refused without "confirm": true, and the
// action log, which keeps outcomes and statuses but no input values.
import ConnectorHub
import Foundation
import HTTPTypes
import Testing

@Suite(.authServer) struct ActionTests {
    @Test func actionsAreCheckedConfirmedSentAndLogged() async throws {
        let account = try await SmartsheetActionAccount()
        let (provider, token) = (account.provider, account.token)
        try await account.harness.run { client in
            let id = try await account.link(client)
            let verified = try await provider.apiRequests()

            // Wrong types and a missing required input: 400, one problem per pointer, nothing sent.
            let invalid = try await client.api(
                .post, "/v1/accounts/\(id)/actions/addUser", json: ["inputs": ["email": 5, "admin": false] as [String: any Sendable]])
            checkEqual(invalid.status, 400)
            let problems = invalid.json["problems"] as? [[String: String]] ?? []
            checkEqual(problems.map { $0["pointer"] ?? "" }, ["/inputs/email", "/inputs/licensedSheetCreator"])
            checkEqual(problems.map { $0["message"] ?? "" }, ["must be a string", "is required"])

            // A destructive action without confirm: refused before anything is sent.
            let unconfirmed = try await client.api(
                .post, "/v1/accounts/\(id)/actions/removeUser", json: ["inputs": ["userId": 7] as [String: any Sendable]])
            checkEqual(unconfirmed.status, 400)
            checkEqual((unconfirmed.json["problems"] as? [[String: String]])?.map { $0["pointer"] ?? "" }, ["/confirm"])
            checkEqual(try await provider.apiRequests(), verified, "no request reached the provider")

            let ran = try await client.api(.post, "/v1/accounts/\(id)/actions/addUser", json: [
                "inputs": ["email": "ada@example.com", "admin": false, "licensedSheetCreator": true, "sendEmail": true] as [String: any Sendable],
            ])
            checkEqual(ran.status, 200, ran.text)
            checkEqual((ran.json["record"] as? [String: Any])?["id"] as? Int, 7)
            checkEqual(try await provider.apiRequests().last, "POST /2.0/users?sendEmail=true")

            let unknown = try await client.api(.post, "/v1/accounts/\(id)/actions/dropTables", json: [:])
            checkEqual(unknown.status, 404)

            let log = try await client.api(.get, "/v1/accounts/\(id)/action-log")
            checkEqual(log.status, 200)
            let entries = log.json["entries"] as? [[String: Any]] ?? []
            checkEqual(entries.map { $0["outcome"] as? String ?? "" }, ["succeeded", "confirmationRequired", "invalidInput"])
            checkEqual(entries.map { $0["action"] as? String ?? "" }, ["addUser", "removeUser", "addUser"])
            checkEqual(entries.first?["providerStatus"] as? Int, 200)
            check(!log.text.contains("ada@example.com") && !log.text.contains(token), "no input value or credential in the log")

            // The operators' page shows the same entries.
            let signIn: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .origin: "http://127.0.0.1:8080"]
            _ = try await client.request(.post, "/admin/login", headers: signIn, body: "key=\(HubHarness.appKey)")
            check(try await client.request(.get, "/admin").text.contains("href=\"/admin/action-log\""), "the Accounts page links the log")
            let page = try await client.request(.get, "/admin/action-log")
            checkEqual(page.status, 200)
            check(page.text.contains("3 action calls"), page.text)
            check(page.text.contains("<td>confirmationRequired</td>") && page.text.contains("<td>200</td>"), page.text)
            // How each call came: all three through the app API (MCP calls show MCP: hub_browser.py).
            check(page.text.contains("<th scope=\"col\">Via</th>"), page.text)
            checkEqual(page.text.components(separatedBy: "<td>App API</td>").count - 1, 3, "each entry's via")
            check(!page.text.contains("ada@example.com"), "no input value on the page")
        }
    }
}
