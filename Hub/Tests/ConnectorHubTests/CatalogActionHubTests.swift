// Every catalog action, and every unified operation a spec binds, end to end through the Hub,
// for those the other suites do not run (Okta's createUser and deactivateUser:
// ActionHubEndToEndTests; SCIM's createUser and deactivateUser through iam.user:
// ScimActionHubEndToEndTests; Smartsheet's addUser and iam.user.create: ActionTests,
// UnifiedActionTests). One argument a call: an account of the connector linked through the Hub
// (``ConnectorHubService/importAccount``: field checks, client-credentials token, the spec's
// verification request) with every host of the connector pointed at its dialect of
// Tests/Servers/actionserver.py; the records the call changes seeded there first; then
// `POST /v1/accounts/{id}/actions/{action}` (or `/unified/{model}/operations/{operation}`); the
// calls are data in CatalogActionCases.swift.
// Each checks the Hub's status and answer, the one write the emulation received (method, path
// with its query, the JSON body), what the emulation holds afterwards, a destructive call refused
// unconfirmed with nothing sent, and the action log (outcome, provider status, no input value,
// no secret).
import ConnectorHub
import Foundation
import HTTPTypes
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite(.actionServer, .authServer) struct CatalogActionHubTests {
    @Test(arguments: CatalogWrite.actions + CatalogWrite.unified)
    func runsThroughTheHub(_ write: CatalogWrite) async throws {
        let linked = try await LinkedCatalogAccount(write, scenario: "ok")
        let (server, key, link, harness) = (linked.server, linked.key, linked.link, linked.harness)
        @Sendable func requests() async throws -> [[String: String]] {
            try await server.control("GET", "/_control/requests/\(key)") as? [[String: String]] ?? []
        }
        try await harness.run { client in
            let account = try await linked.account(client)
            let uri = "/v1/accounts/\(account)/\(write.call)"
            if write.destructive {
                let refused = try await client.post(uri, json: #"{"inputs": \#(write.inputs)}"#)
                checkEqual(refused.status, 400, refused.text)
                checkEqual((refused.json["problems"] as? [[String: String]])?.map { $0["pointer"] ?? "" }, ["/confirm"])
                checkEqual(try await requests().count, 0, "nothing sent without confirm")
            }
            let reply = try await client.post(uri, json: #"{"inputs": \#(write.inputs)\#(write.destructive ? #", "confirm": true"# : "")}"#)
            checkEqual(reply.status, 200, reply.text)
            checkPointers(write.answer, in: reply.text, "the Hub's answer")

            let sent = try await requests()
            checkEqual(sent.map { ($0["method"] ?? "") + " " + ($0["path"] ?? "") }, [write.write], "exactly one write")
            let received = sent.first?["body"] ?? ""
            if let body = write.body {
                check(jsonEqual(received, body), "the provider received \(received), not \(body)")
            } else {
                checkEqual(received, "", "no body")
            }
            let stored = try await server.control("GET", "/_control/users/\(key)")
            checkPointers(write.stored, in: String(decoding: try JSONSerialization.data(withJSONObject: stored), as: UTF8.self), "the emulation's records")

            let entries = try await client.catalogLog(account, link)
            checkEqual(entries.map { $0["outcome"] as? String ?? "" }, write.destructive ? ["succeeded", "confirmationRequired"] : ["succeeded"])
            checkEqual(Set(entries.map { $0["action"] as? String ?? "" }), [write.logName])
            checkEqual(Set(entries.map { $0["connector"] as? String ?? "" }), [write.connector])
            checkEqual(entries.first?["providerStatus"] as? Int, reply.json["providerStatus"] as? Int)
            checkEqual(entries.first?["attempts"] as? Int, 1)
        }
    }

    /// Each connector's first write that neither removes nor deactivates, failing at the
    /// provider: a 429 then success (sent twice, one effect), no answer within the Hub's
    /// `actionTimeoutSeconds` after the provider acted (504 outcome_unknown, sent once, one
    /// effect), a 403 (the connection FAQ's words, nothing done). Okta's are ActionHubEndToEndTests'.
    @Test(arguments: FailingWrite.all)
    func failuresThroughTheHub(_ failing: FailingWrite) async throws {
        let (write, failure) = (failing.write, failing.failure)
        let linked = try await LinkedCatalogAccount(write, scenario: failure.rawValue, actionTimeoutSeconds: failure == .slow ? 3 : 30)
        let (server, key, link, harness) = (linked.server, linked.key, linked.link, linked.harness)
        let seeded = try write.seed.map { (try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [Any])?.count ?? 0 } ?? 0
        // The records the emulation holds once the write acted: one more when it created one.
        let acted = seeded + (write.seed == nil ? 1 : 0)
        @Sendable func state() async throws -> (writes: [String], records: String, count: Int) {
            let sent = try await server.control("GET", "/_control/requests/\(key)") as? [[String: String]] ?? []
            let records = try await server.control("GET", "/_control/users/\(key)")
            return (sent.map { ($0["method"] ?? "") + " " + ($0["path"] ?? "") },
                    String(decoding: try JSONSerialization.data(withJSONObject: records), as: UTF8.self), (records as? [Any])?.count ?? -1)
        }
        try await harness.run { client in
            let account = try await linked.account(client)
            let reply = try await client.post("/v1/accounts/\(account)/\(write.call)", json: #"{"inputs": \#(write.inputs)}"#)
            let entries: [[String: Any]]
            switch failure {
            case .rateLimit:
                checkEqual(reply.status, 200, reply.text)
                checkPointers(write.answer, in: reply.text, "the Hub's answer")
                let after = try await state()
                checkEqual(after.writes, [write.write, write.write], "sent again after the 429")
                checkEqual(after.count, acted, "one effect")
                checkPointers(write.stored, in: after.records, "the emulation's records")
                entries = try await client.catalogLog(account, link)
                checkEqual(entries.first?["attempts"] as? Int, 2)
                checkEqual(entries.first?["providerStatus"] as? Int, reply.json["providerStatus"] as? Int)
            case .slow:
                checkEqual(reply.status, 504, reply.text)
                checkEqual(reply.json["error"] as? String, "outcome_unknown")
                checkEqual(reply.json["retryable"] as? Bool, false)
                // The emulation acted on receipt and answers 8 s later (`slow-long`: the Hub's
                // 3 s deadline leaves room for the token request and the write on a loaded
                // machine): past that answer, still one request.
                try await Task.sleep(nanoseconds: 6_000_000_000)
                let after = try await state()
                checkEqual(after.writes, [write.write], "never sent again")
                checkEqual(after.count, acted, "the provider acted once")
                checkPointers(write.stored, in: after.records, "the emulation's records")
                entries = try await client.catalogLog(account, link)
                check(entries.first?["providerStatus"] == nil, "no provider status: no answer came")
            case .noScope:
                checkEqual(reply.status, 403, reply.text)
                checkEqual(reply.json["error"] as? String, "missing_scopes")
                let message = reply.json["message"] as? String ?? ""
                check(message.contains("ensure all required scopes listed in the connection guide are enabled and saved in the third-party system"), message)
                let after = try await state()
                checkEqual(after.writes, [write.write], "sent once")
                checkEqual(after.count, seeded, "nothing done")
                entries = try await client.catalogLog(account, link)
                checkEqual(entries.first?["providerStatus"] as? Int, 403)
            }
            checkEqual(entries.map { $0["outcome"] as? String ?? "" }, [failure.outcome])
            checkEqual(entries.map { $0["action"] as? String ?? "" }, [write.logName])
        }
    }
}

/// A provider failure of actionserver.py, named by the key's first word.
enum WriteFailure: String, Sendable, CaseIterable {
    case rateLimit = "rate-limit", slow = "slow-long", noScope = "no-scope"

    /// The action log's outcome.
    var outcome: String { [.rateLimit: "succeeded", .slow: "outcomeUnknown", .noScope: "missingScopes"][self] ?? "" }
}

struct FailingWrite: Sendable, CustomTestStringConvertible {
    var write: CatalogWrite
    var failure: WriteFailure
    var testDescription: String { write.testDescription + " " + failure.rawValue }

    /// Every failure for each connector's first write that neither removes nor deactivates.
    static let all: [FailingWrite] = {
        var seen: Set<String> = ["okta"]
        var list: [FailingWrite] = []
        for write in CatalogWrite.actions where !write.destructive && seen.insert(write.connector).inserted {
            list += WriteFailure.allCases.map { FailingWrite(write: write, failure: $0) }
        }
        return list
    }()
}

extension HubClient {
    /// The account's action log entries, newest first; checks that no personal input value and
    /// no credential of the link is in it.
    func catalogLog(_ account: String, _ link: EmulatedLink, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [[String: Any]] {
        let log = try await api(.get, "/v1/accounts/\(account)/action-log")
        checkEqual(log.status, 200, sourceLocation: sourceLocation)
        for value in ["ada.lovelace", "Augusta", "Lovelace", "grace"] + link.secrets {
            check(!log.text.contains(value), "the log holds no input value or secret (\(value))", sourceLocation: sourceLocation)
        }
        return log.json["entries"] as? [[String: Any]] ?? []
    }

    /// An app API POST with a JSON body written as text.
    func post(_ uri: String, json: String) async throws -> Reply {
        try await request(
            .post, uri, headers: [.authorization: "Bearer \(HubHarness.appKey)", .contentType: "application/json"], body: json)
    }
}

extension TestServer {
    /// A control request with a JSON body written as text (seeding records).
    func post(_ path: String, json: String) async throws {
        var request = URLRequest(url: url(path), timeoutInterval: 10)
        request.httpMethod = "POST"
        request.httpBody = Data(json.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        let (data, response) = try await URLSession.shared.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else {
            throw ServerError("POST \(path) answered: \(String(decoding: data, as: UTF8.self))")
        }
    }
}

/// Whether two JSON texts hold the same value (member order and spacing aside).
func jsonEqual(_ actual: String, _ expected: String) -> Bool {
    guard let left = try? JSONSerialization.jsonObject(with: Data(actual.utf8), options: .fragmentsAllowed) as? NSObject,
          let right = try? JSONSerialization.jsonObject(with: Data(expected.utf8), options: .fragmentsAllowed) as? NSObject
    else { return false }
    return left.isEqual(right)
}

/// Checks each `pointer: value` of the JSON object `expectations` against the JSON text `json`
/// (`null`: nothing, or null, at the pointer).
func checkPointers(_ expectations: String, in json: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    guard let expected = try? JSONSerialization.jsonObject(with: Data(expectations.utf8)) as? [String: Any],
          let document = try? JSONSerialization.jsonObject(with: Data(json.utf8), options: .fragmentsAllowed)
    else {
        Issue.record("\(what): not JSON: \(json.prefix(400))", sourceLocation: sourceLocation)
        return
    }
    for (pointer, value) in expected.sorted(by: { $0.key < $1.key }) {
        var found: Any? = document
        for token in pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init) {
            if let object = found as? [String: Any] {
                found = object[token]
            } else if let array = found as? [Any], let index = Int(token) {
                found = index < array.count ? array[index] : nil
            } else {
                found = nil
            }
        }
        if value is NSNull {
            check(found == nil || found is NSNull, "\(what): \(pointer) is absent, not \(found.map { "\($0)" } ?? "")", sourceLocation: sourceLocation)
        } else {
            check((found as? NSObject)?.isEqual(value) ?? false, "\(what): \(pointer) is \(value), not \(found.map { "\($0)" } ?? "nothing") in \(json.prefix(600))",
                  sourceLocation: sourceLocation)
        }
    }
}
