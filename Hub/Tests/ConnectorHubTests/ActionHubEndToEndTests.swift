// Every outcome of an action end to end through the Hub: an Okta account (the catalog's `okta`
// connector, `api_token` variant) linked through the Hub, its host pointed at the Okta dialect of
// Tests/Servers/actionserver.py, which counts every request that reached it and keeps the users
// it created. Each test has its own key (`/k/<scenario>.<uuid>`), so the scenario picks the
// failure: validation errors at the inputs, a 429 then one created user, a timeout after the
// provider acted (outcomeUnknown, one user, one request), a 403 in the FAQ's words, a destructive
// action refused unconfirmed with nothing sent. Each checks its action log entry (outcome,
// provider status) and that no input value or credential is in the log.
import ConnectorHub
import Foundation
import HTTPTypes
import Testing

/// An Okta org of the action emulation, for one test: its requests and users by key.
struct ActionEmulatedOkta: Sendable {
    static let domain = "acme.okta.com"
    static let token = "test-key"
    let server: TestServer
    let key: String

    init(_ scenario: String) throws {
        server = try TestServer.current(.action)
        key = scenario + "." + UUID().uuidString.lowercased()
    }

    /// A Hub with one Okta account linked (the spec's verification request included).
    func hub(actionTimeoutSeconds: TimeInterval = 30) async throws -> (HubHarness, String) {
        let harness = try await HubHarness(
            overrides: ["okta": [Self.domain: server.url("/k/\(key)")]], actionTimeoutSeconds: actionTimeoutSeconds)
        let account = try await harness.hub.importAccount(
            endUserID: "user-1", endUserName: "Ada", connectorID: "okta", variantID: "api_token",
            values: ["oktaDomain": Self.domain, "apiToken": Self.token])
        return (harness, account.id)
    }

    /// `METHOD path` of the writes that reached the emulation.
    func writes() async throws -> [String] {
        let list = try await server.control("GET", "/_control/requests/\(key)") as? [[String: String]] ?? []
        return list.map { ($0["method"] ?? "") + " " + ($0["path"] ?? "") }
    }

    /// The users the emulation holds.
    func users() async throws -> [[String: Any]] {
        try await server.control("GET", "/_control/users/\(key)") as? [[String: Any]] ?? []
    }
}

/// The inputs of Okta's createUser for Ada (personal data the log must not hold).
let adaInputs: [String: any Sendable] = [
    "login": "ada.lovelace@example.com", "email": "ada.lovelace@example.com", "firstName": "Augusta", "lastName": "Lovelace",
]

extension HubClient {
    /// The account's action log entries, newest first; checks no personal data or secret is in it.
    func actionLog(_ account: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [[String: Any]] {
        let log = try await api(.get, "/v1/accounts/\(account)/action-log")
        checkEqual(log.status, 200, sourceLocation: sourceLocation)
        for value in ["ada.lovelace", "Augusta", "Lovelace", ActionEmulatedOkta.token] {
            check(!log.text.contains(value), "the log holds no input value or secret (\(value))", sourceLocation: sourceLocation)
        }
        return log.json["entries"] as? [[String: Any]] ?? []
    }
}

@Suite(.actionServer) struct ActionHubEndToEndTests {
    /// Inputs of the wrong type: 400 at their pointers, nothing sent. Then the provider's own
    /// validation (Okta's errorCauses `login: ...`): 422 with the problem at `/inputs/login`,
    /// for an invalid login and for one already used.
    @Test func validationErrorsPointAtTheInputs() async throws {
        let okta = try ActionEmulatedOkta("ok")
        let (harness, account) = try await okta.hub()
        try await harness.run { client in
            let typed = try await client.api(.post, "/v1/accounts/\(account)/actions/createUser", json: [
                "inputs": ["login": 5, "email": "ada.lovelace@example.com", "firstName": "Augusta"] as [String: any Sendable],
            ])
            checkEqual(typed.status, 400)
            checkEqual((typed.json["problems"] as? [[String: String]])?.map { $0["pointer"] ?? "" }, ["/inputs/login", "/inputs/lastName"])
            checkEqual(try await okta.writes(), [], "nothing sent")

            var inputs = adaInputs
            inputs["login"] = "ada.lovelace"
            let invalid = try await client.api(.post, "/v1/accounts/\(account)/actions/createUser", json: ["inputs": inputs])
            checkEqual(invalid.status, 422, invalid.text)
            checkEqual(invalid.json["error"] as? String, "rejected")
            checkEqual(invalid.json["providerStatus"] as? Int, 400)
            checkEqual(invalid.json["problems"] as? [[String: String]], [
                ["pointer": "/inputs/login", "message": "Username must be in the form of an email address"],
            ])

            let created = try await client.api(.post, "/v1/accounts/\(account)/actions/createUser", json: ["inputs": adaInputs])
            checkEqual(created.status, 200, created.text)
            let again = try await client.api(.post, "/v1/accounts/\(account)/actions/createUser", json: ["inputs": adaInputs])
            checkEqual(again.status, 422, again.text)
            checkEqual((again.json["problems"] as? [[String: String]])?.first?["pointer"], "/inputs/login")
            checkEqual(try await okta.users().count, 1)
            checkEqual(try await okta.writes(), ["POST /api/v1/users", "POST /api/v1/users", "POST /api/v1/users"])

            let entries = try await client.actionLog(account)
            checkEqual(entries.map { $0["outcome"] as? String ?? "" }, ["rejected", "succeeded", "rejected", "invalidInput"])
            checkEqual(entries.map { $0["providerStatus"] as? Int ?? 0 }, [400, 200, 400, 0])
        }
    }

    /// A 429 (Okta's, with X-Rate-Limit-Reset and no Retry-After): sent again after a wait, then
    /// one user created; the log says succeeded after 2 attempts.
    @Test func rateLimitedThenOneUserCreated() async throws {
        let okta = try ActionEmulatedOkta("rate-limit")
        let (harness, account) = try await okta.hub()
        try await harness.run { client in
            let created = try await client.api(.post, "/v1/accounts/\(account)/actions/createUser", json: ["inputs": adaInputs])
            checkEqual(created.status, 200, created.text)
            checkEqual(created.json["providerStatus"] as? Int, 200)
            checkEqual((created.json["record"] as? [String: Any])?["id"] as? String, "00u1")
            checkEqual(try await okta.writes(), ["POST /api/v1/users", "POST /api/v1/users"])
            checkEqual(try await okta.users().count, 1, "exactly one user created")

            let entries = try await client.actionLog(account)
            checkEqual(entries.count, 1)
            checkEqual(entries.first?["outcome"] as? String, "succeeded")
            checkEqual(entries.first?["providerStatus"] as? Int, 200)
            checkEqual(entries.first?["attempts"] as? Int, 2)
        }
    }

    /// The provider creates the user and answers after 3 s; the Hub waits 1 s: 504 outcome_unknown,
    /// `retryable: false`, and the emulation saw one request and holds one user, also after it
    /// answered (never sent again).
    @Test func timeoutAfterTheProviderActedIsOutcomeUnknown() async throws {
        let okta = try ActionEmulatedOkta("slow")
        let (harness, account) = try await okta.hub(actionTimeoutSeconds: 1)
        try await harness.run { client in
            let reply = try await client.api(.post, "/v1/accounts/\(account)/actions/createUser", json: ["inputs": adaInputs])
            checkEqual(reply.status, 504, reply.text)
            checkEqual(reply.json["error"] as? String, "outcome_unknown")
            checkEqual(reply.json["retryable"] as? Bool, false)
            let message = reply.json["message"] as? String ?? ""
            check(message.contains("may or may not have happened") && message.contains("It was not sent again"), message)

            // The emulation acts before its 3 s wait: once its user is there, and again after the
            // wait is surely over, one request reached it.
            var users: [[String: Any]] = []
            for _ in 0..<200 where users.isEmpty {
                users = try await okta.users()
                if users.isEmpty { try await Task.sleep(nanoseconds: 100_000_000) }
            }
            checkEqual(users.count, 1, "the provider acted")
            try await Task.sleep(nanoseconds: 3_500_000_000)
            checkEqual(try await okta.writes(), ["POST /api/v1/users"], "no second request")
            checkEqual(try await okta.users().count, 1)

            let entries = try await client.actionLog(account)
            checkEqual(entries.map { $0["outcome"] as? String ?? "" }, ["outcomeUnknown"])
            check(entries.first?["providerStatus"] == nil, "no provider status: no answer came")
        }
    }

    /// A 403 (Okta's E0000006): 403 missing_scopes in the connection FAQ's words, the action's
    /// scope named, sent once.
    @Test func missingScopeInTheFAQsWords() async throws {
        let okta = try ActionEmulatedOkta("no-scope")
        let (harness, account) = try await okta.hub()
        try await harness.run { client in
            let reply = try await client.api(.post, "/v1/accounts/\(account)/actions/createUser", json: ["inputs": adaInputs])
            checkEqual(reply.status, 403, reply.text)
            checkEqual(reply.json["error"] as? String, "missing_scopes")
            let message = reply.json["message"] as? String ?? ""
            check(message.contains("okta.users.manage"), message)
            check(message.contains("ensure all required scopes listed in the connection guide are enabled and saved in the third-party system"), message)
            checkEqual(try await okta.writes(), ["POST /api/v1/users"])
            checkEqual(try await okta.users().count, 0)

            let entries = try await client.actionLog(account)
            checkEqual(entries.map { $0["outcome"] as? String ?? "" }, ["missingScopes"])
            checkEqual(entries.first?["providerStatus"] as? Int, 403)
        }
    }

    /// deactivateUser (destructive) without `"confirm": true`, and with `"confirm": false`: 400 at
    /// `/confirm`, nothing sent; confirmed, it deactivates.
    @Test func destructiveWithoutConfirmationIsRefused() async throws {
        let okta = try ActionEmulatedOkta("ok")
        let (harness, account) = try await okta.hub()
        try await harness.run { client in
            let created = try await client.api(.post, "/v1/accounts/\(account)/actions/createUser", json: ["inputs": adaInputs])
            checkEqual(created.status, 200, created.text)
            for body in [["inputs": ["userId": "00u1"]], ["inputs": ["userId": "00u1"], "confirm": false]] as [[String: any Sendable]] {
                let refused = try await client.api(.post, "/v1/accounts/\(account)/actions/deactivateUser", json: body)
                checkEqual(refused.status, 400)
                checkEqual((refused.json["problems"] as? [[String: String]])?.map { $0["pointer"] ?? "" }, ["/confirm"])
            }
            checkEqual(try await okta.writes(), ["POST /api/v1/users"], "nothing sent")

            let confirmed = try await client.api(
                .post, "/v1/accounts/\(account)/actions/deactivateUser", json: ["inputs": ["userId": "00u1"], "confirm": true])
            checkEqual(confirmed.status, 200, confirmed.text)
            checkEqual(try await okta.users().first?["status"] as? String, "DEPROVISIONED")

            let entries = try await client.actionLog(account)
            checkEqual(entries.map { $0["outcome"] as? String ?? "" }, ["succeeded", "confirmationRequired", "confirmationRequired", "succeeded"])
            checkEqual(entries.map { $0["action"] as? String ?? "" }, ["deactivateUser", "deactivateUser", "deactivateUser", "createUser"])
            checkEqual(entries.map { $0["providerStatus"] as? Int ?? 0 }, [200, 0, 0, 200])
        }
    }

    /// `iam.user.create` through Okta's binding answers the created user in the iam.user shape
    /// (Okta's read mapping: status ACTIVE is `active`, the login is userName) with `remote`, the
    /// provider's record; the log names the operation.
    @Test func unifiedOperationAnswersTheModelsRecord() async throws {
        let okta = try ActionEmulatedOkta("ok")
        let (harness, account) = try await okta.hub()
        try await harness.run { client in
            let created = try await client.api(.post, "/v1/accounts/\(account)/unified/iam.user/operations/create", json: [
                "inputs": ["userName": "ada.lovelace@example.com", "givenName": "Augusta", "familyName": "Lovelace"] as [String: any Sendable],
            ])
            checkEqual(created.status, 200, created.text)
            checkEqual(created.json["action"] as? String, "createUser")
            checkEqual(created.json["id"] as? String, "00u1")
            let record = try #require(created.json["record"] as? [String: Any])
            checkEqual(record["id"] as? String, "00u1")
            checkEqual(record["userName"] as? String, "ada.lovelace@example.com")
            checkEqual(record["email"] as? String, "ada.lovelace@example.com", "Okta's email fell back to the userName")
            checkEqual(record["givenName"] as? String, "Augusta")
            checkEqual(record["status"] as? [String: String], ["value": "active", "sourceValue": "ACTIVE"])
            checkEqual(((record["remote"] as? [String: Any])?["profile"] as? [String: Any])?["login"] as? String, "ada.lovelace@example.com")
            check(record["profile"] == nil, "the provider's fields are under remote only")
            check(created.json["remote"] == nil, "converted: no top-level remote")

            let entries = try await client.actionLog(account)
            checkEqual(entries.map { $0["action"] as? String ?? "" }, ["iam.user.create"])
            checkEqual(entries.map { $0["outcome"] as? String ?? "" }, ["succeeded"])
        }
    }
}
