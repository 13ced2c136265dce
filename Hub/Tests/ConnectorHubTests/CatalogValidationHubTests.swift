// Each action connector's own validation refusal through the Hub (Okta's and SCIM's are
// ActionHubEndToEndTests' and ScimActionHubEndToEndTests'): the connector's first write that
// neither removes nor deactivates (as CatalogActionHubTests.failuresThroughTheHub takes it), sent
// to its dialect of Tests/Servers/actionserver.py under the `invalid` scenario, which answers the
// status and body the provider documents for a refused request (the dialect's `invalid` entry,
// its source beside it) without acting.
// Each checks the Hub's 422 `rejected` answer with the provider's status, the problems at
// `/inputs/<name>` where the provider names a field (its name mapped to the action's input by the
// spec's pointer: Clerk's `email_address` is `emailAddress`, Zoom's `user_info.email` and
// FusionAuth's `user.email` are `email`), else the provider's message; no input value in the
// answer; one request sent, nothing created; the log entry (rejected, provider status, no input
// value, no secret).
import ConnectorHub
import Foundation
import Testing

@Suite(.actionServer, .authServer) struct CatalogValidationHubTests {
    @Test(arguments: ProviderRefusal.all)
    func validationThroughTheHub(_ refusal: ProviderRefusal) async throws {
        let write = try #require(refusal.write, "\(refusal.connector) has a write that neither removes nor deactivates")
        let linked = try await LinkedCatalogAccount(write, scenario: "invalid")
        let (server, key, link, harness) = (linked.server, linked.key, linked.link, linked.harness)
        let seeded = try write.seed.map { (try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [Any])?.count ?? 0 } ?? 0
        try await harness.run { client in
            let account = try await linked.account(client)
            let reply = try await client.post("/v1/accounts/\(account)/\(write.call)", json: #"{"inputs": \#(write.inputs)}"#)
            checkEqual(reply.status, 422, reply.text)
            checkEqual(reply.json["error"] as? String, "rejected")
            checkEqual(reply.json["providerStatus"] as? Int, refusal.providerStatus)
            checkEqual(reply.json["problems"] as? [[String: String]], refusal.problems.map { ["pointer": $0.0, "message": $0.1] })
            checkEqual(reply.json["providerMessage"] as? String, refusal.message)
            for value in ["ada.lovelace", "Augusta", "Lovelace", "grace"] {
                check(!reply.text.contains(value), "the answer holds no input value (\(value)): \(reply.text)")
            }

            let sent = try await server.control("GET", "/_control/requests/\(key)") as? [[String: String]] ?? []
            checkEqual(sent.map { ($0["method"] ?? "") + " " + ($0["path"] ?? "") }, [write.write], "sent once")
            let records = try await server.control("GET", "/_control/users/\(key)") as? [Any]
            checkEqual(records?.count, seeded, "nothing created or changed")

            let entries = try await client.catalogLog(account, link)
            checkEqual(entries.map { $0["outcome"] as? String ?? "" }, ["rejected"])
            checkEqual(entries.map { $0["action"] as? String ?? "" }, [write.logName])
            checkEqual(entries.first?["providerStatus"] as? Int, refusal.providerStatus)
        }
    }
}

/// What the Hub must answer when a connector's provider refuses its first write as invalid.
struct ProviderRefusal: Sendable, CustomTestStringConvertible {
    var connector: String
    /// The status the dialect's `invalid` answer has (the provider's documented one).
    var providerStatus: Int
    /// `(pointer, message)` of each problem, where the provider names the field.
    var problems: [(String, String)] = []
    /// The provider's own message, where it names no field.
    var message: String?

    var testDescription: String { connector }

    /// The connector's first write that neither removes nor deactivates.
    var write: CatalogWrite? { CatalogWrite.actions.first { $0.connector == connector && !$0.destructive } }

    static let all: [ProviderRefusal] = [
        // Ashby's refusal is a 200 with "success": false (the action's failureWhen): still 422 rejected,
        // with errorInfo's message, sent once.
        .init(connector: "ashby", providerStatus: 200, message: "Application not found - are you lacking permissions to edit candidates?"),
        .init(connector: "bamboohr", providerStatus: 400, message: "The request was invalid or could not be understood by the server."),
        .init(connector: "clerk", providerStatus: 422, problems: [("/inputs/emailAddress", "That email address is taken. Please try another.")]),
        .init(connector: "fusionauth", providerStatus: 400,
              problems: [("/inputs/email", "You must specify either the [user.email] or [user.username] property.")]),
        .init(connector: "github", providerStatus: 422, problems: [("/inputs/role", "invalid")]),
        // Google's JSON error body; the emulation's message quotes the initial password, a secret input: redacted.
        .init(connector: "google_workspace", providerStatus: 400, message: "Invalid Password: [redacted]"),
        .init(connector: "hibob", providerStatus: 400, message: "The request is invalid, missing fields or results in a duplicate record."),
        .init(connector: "jumpcloud", providerStatus: 400, message: "Bad Request"),
        .init(connector: "keycloak", providerStatus: 409, message: "User exists with same username"),
        .init(connector: "lever", providerStatus: 400, message: "Bad Request"),
        // Microsoft Graph's error object; the emulation's message quotes the initial password, a secret input: redacted.
        .init(connector: "microsoft_entra_id", providerStatus: 400,
              message: "The password [redacted] does not comply with the password complexity requirements."),
        .init(connector: "onelogin", providerStatus: 422, message: "Unprocessable Entity"),
        .init(connector: "smartsheet_iam", providerStatus: 400, message: "The attribute(s) admin are not allowed for this operation."),
        .init(connector: "spotdraft", providerStatus: 400, message: "Bad Request"),
        // JSON:API's source.pointer, /data/attributes/email, is the input whose body pointer it is.
        .init(connector: "teamtailor", providerStatus: 422, problems: [("/inputs/email", "email - is invalid")]),
        .init(connector: "workable", providerStatus: 422, problems: [("/inputs/email", "candidate already exists")]),
        .init(connector: "zoom", providerStatus: 400, problems: [("/inputs/email", "Invalid field.")]),
    ]
}
