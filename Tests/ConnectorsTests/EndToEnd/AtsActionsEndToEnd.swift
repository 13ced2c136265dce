// The catalog's Ashby, Teamtailor and Microsoft Entra ID actions through their generated functions against their
// dialects of Tests/Servers/actionserver.py (no mocks: real HTTP through the connection's
// transport): Ashby's refusal, answered 200 with "success": false, is `ActionError.rejected`
// (its errorInfo message, sent once, nothing created) and its success the typed candidate;
// Teamtailor's body arrives as the JSON:API media type the spec declares (the dialect answers
// 415 to anything else, as a JSON:API server must); Entra's initial password, a secret input, is
// removed from the provider's refusal that quotes it.
import ConnectorRuntime
import Connectors
import Foundation
import Testing

@Suite(.actionServer) struct AtsActionsEndToEnd {
    /// A connection of `configuration` to the dialect under a fresh key of `scenario`.
    struct Account {
        let server: TestServer
        let key: String
        let connection: Connection

        init(server: TestServer, key: String, connection: Connection) {
            self.server = server
            self.key = key
            self.connection = connection
        }

        init(_ scenario: String, dialect: String, host: String, configuration: ConnectionConfiguration) throws {
            server = try TestServer.current(.action)
            key = scenario + "." + UUID().uuidString.lowercased()
            connection = Connection(
                configuration: configuration.overridingEndpoints([host: server.url("/k/\(key)/\(dialect)")]),
                account: key, store: InMemoryTokenStore())
        }

        func requests() async throws -> [[String: String]] {
            try await server.control("GET", "/_control/requests/\(key)") as? [[String: String]] ?? []
        }

        func records() async throws -> [[String: Any]] {
            try await server.control("GET", "/_control/users/\(key)") as? [[String: Any]] ?? []
        }
    }

    static func ashby(_ scenario: String) throws -> Account {
        try Account(scenario, dialect: "ashby", host: "api.ashbyhq.com",
                    configuration: try Ashby.ApiKey.configuration(.init(apiKey: Secret("test-key"))))
    }

    @Test func ashbyCreatesACandidateAndReadsItUnderResults() async throws {
        let account = try Self.ashby("ok")
        let outcome = try await Ashby.ApiKey.Actions(account.connection).createCandidate(name: "Ada Lovelace", email: "ada@example.com")
        #expect(outcome.status == 200)
        #expect(outcome.record?.id == "5b591aac-0000-4000-8000-000000000001")
        #expect(outcome.record?.name == "Ada Lovelace")
        #expect(try await account.requests().map { $0["path"] ?? "" } == ["/candidate.create"])
    }

    @Test func ashbysTwoHundredWithSuccessFalseIsARefusalSentOnce() async throws {
        let account = try Self.ashby("invalid")
        do {
            _ = try await Ashby.ApiKey.Actions(account.connection).createCandidate(name: "Ada Lovelace", email: "ada@example.com")
            Issue.record("a 200 with success false must not be a success")
        } catch {
            guard case let .rejected(action, status, problems, message) = error else {
                Issue.record("expected rejected, got \(error)")
                return
            }
            #expect(action == "createCandidate")
            #expect(status == 200)
            #expect(problems.isEmpty)
            #expect(message == "Application not found - are you lacking permissions to edit candidates?")
            #expect(!error.description.contains("ada@example.com"))
        }
        #expect(try await account.requests().count == 1)
        #expect(try await account.records().isEmpty)
    }

    @Test func teamtailorSendsItsBodyAsJSONAPI() async throws {
        let account = try Account(
            "ok", dialect: "teamtailor", host: "api.teamtailor.com",
            configuration: try Teamtailor.ApiKey.configuration(.init(apiHost: .apiTeamtailorCom, apiKey: Secret("test-key"))))
        let outcome = try await Teamtailor.ApiKey.Actions(account.connection).createCandidate(
            firstName: "Ada", lastName: "Lovelace", email: "ada@example.com")
        #expect(outcome.status == 201)
        #expect(outcome.record?.id == "1")
        #expect(outcome.record?.attributes?.at(pointer: "/first-name") == .string("Ada"))
        let sent = try await account.requests()
        #expect(sent.map { $0["contentType"] ?? "" } == ["application/vnd.api+json"])
        let body = try JSONValue.parse(Data((sent.first?["body"] ?? "").utf8))
        #expect(body.at(pointer: "/data/type") == .string("candidates"))
        #expect(body.at(pointer: "/data/attributes/last-name") == .string("Lovelace"))
    }

    /// Entra's application variant: its token from the dialect's token endpoint, then the write.
    static func entra(_ scenario: String) throws -> Account {
        let server = try TestServer.current(.action)
        let key = scenario + "." + UUID().uuidString.lowercased()
        let base = server.url("/k/\(key)/microsoft_entra_id")
        let configuration = try MicrosoftEntraId.ClientCredentials.configuration(
            .init(tenant: "acme.onmicrosoft.com", appClientId: "entra-client", appClientSecret: Secret("entra-client-secret-1")))
            .overridingEndpoints(["graph.microsoft.com": base, "login.microsoftonline.com": base])
        return Account(server: server, key: key, connection: Connection(configuration: configuration, account: key, store: InMemoryTokenStore()))
    }

    @Test func entraCreatesAUserWithASecretPasswordThatNoErrorRepeats() async throws {
        let password = "Tr0ub4dor&3-initial"
        let created = try await MicrosoftEntraId.ClientCredentials.Actions(Self.entra("ok").connection).createUser(
            userPrincipalName: "ada@acme.onmicrosoft.com", displayName: "Ada Lovelace", mailNickname: "ada", password: Secret(password))
        #expect(created.status == 201)
        #expect(created.record?.displayName == "Ada Lovelace")

        // The provider's refusal quotes the password it was sent: the error holds [redacted] instead.
        let account = try Self.entra("invalid")
        try await Self.expectRedactedRefusal(
            account, password: password, status: 400,
            message: "The password [redacted] does not comply with the password complexity requirements."
        ) {
            _ = try await MicrosoftEntraId.ClientCredentials.Actions(account.connection).createUser(
                userPrincipalName: "ada@acme.onmicrosoft.com", displayName: "Ada Lovelace", mailNickname: "ada", password: Secret(password))
        }
    }

    /// Runs `write` against an `invalid` scenario that quotes `password` in its refusal: the error
    /// is `rejected` with `status` and `message` (the password as `[redacted]`), neither its
    /// description nor its reflection holds the password, and the provider got one request.
    static func expectRedactedRefusal(
        _ account: Account, password: String, status expectedStatus: Int, message expectedMessage: String,
        sourceLocation: SourceLocation = #_sourceLocation, _ write: () async throws -> Void
    ) async throws {
        do {
            try await write()
            Issue.record("the emulation refuses the invalid scenario", sourceLocation: sourceLocation)
        } catch let error as ActionError {
            guard case let .rejected(_, status, _, message) = error else {
                Issue.record("expected rejected, got \(error)", sourceLocation: sourceLocation)
                return
            }
            #expect(status == expectedStatus, sourceLocation: sourceLocation)
            #expect(message == expectedMessage, sourceLocation: sourceLocation)
            #expect(!error.description.contains(password), sourceLocation: sourceLocation)
            #expect(!String(reflecting: error).contains(password), sourceLocation: sourceLocation)
        }
        #expect(try await account.requests().count == 1, sourceLocation: sourceLocation)
    }
}

/// Google Workspace's oauth_admin variant through its generated functions against the
/// google_workspace dialect: the account's access token is in the store already (the dialect
/// accepts the token `test-key`; the authorization-code link itself is LinkingTests' subject).
@Suite(.actionServer) struct GoogleWorkspaceActionsEndToEnd {
    static func google(_ scenario: String) throws -> AtsActionsEndToEnd.Account {
        let server = try TestServer.current(.action)
        let key = scenario + "." + UUID().uuidString.lowercased()
        let configuration = try GoogleWorkspace.OauthAdmin.configuration(
            .init(domain: "acme.example", clientId: "google-client", clientSecret: Secret("google-client-secret-1")))
            .overridingEndpoints(["admin.googleapis.com": server.url("/k/\(key)/google_workspace")])
        let store = InMemoryTokenStore([key: TokenSet(accessToken: Secret("test-key"), expiresAt: Date().addingTimeInterval(3600))])
        return AtsActionsEndToEnd.Account(server: server, key: key, connection: Connection(configuration: configuration, account: key, store: store))
    }

    @Test func createsSuspendsAndAddsToAGroup() async throws {
        let account = try Self.google("ok")
        let actions = GoogleWorkspace.OauthAdmin.Actions(account.connection)
        let created = try await actions.createUser(
            primaryEmail: "ada@acme.example", givenName: "Ada", familyName: "Lovelace", password: Secret("Tr0ub4dor&3-initial"))
        #expect(created.status == 200)
        let id = try #require(created.record?.id)
        #expect(id == "118234567890123400001")
        let suspended = try await actions.suspendUser(userKey: id, confirm: .confirmed)
        #expect(suspended.status == 200)
        let records = try await account.records()
        #expect(records.first?["suspended"] as? Bool == true)
        #expect(records.first?["password"] == nil)
        #expect(records.first?["name"] as? [String: String] == ["givenName": "Ada", "familyName": "Lovelace"])
        _ = try await account.server.control(
            "POST", "/_control/records/\(account.key)", json: ["records": [["id": "eng-group", "email": "eng@acme.example"] as [String: any Sendable]]])
        let joined = try await actions.addGroupMember(groupKey: "eng-group", email: "ada@acme.example", role: "MEMBER")
        #expect(joined.status == 200)
        let requests = try await account.requests()
        #expect(requests.map { ($0["method"] ?? "") + " " + ($0["path"] ?? "") } == [
            "POST /admin/directory/v1/users", "PUT /admin/directory/v1/users/118234567890123400001",
            "POST /admin/directory/v1/groups/eng-group/members"])
        #expect(requests[1]["body"].map { try? JSONValue.parse(Data($0.utf8)) } == .object(["suspended": .bool(true)]))
        #expect(requests[2]["body"].map { try? JSONValue.parse(Data($0.utf8)) } == .object(["email": .string("ada@acme.example"), "role": .string("MEMBER")]))
        #expect(try await account.records().first { $0["id"] as? String == "eng-group" }?["members"] as? [String] == [id])
    }

    @Test func aRefusalQuotingThePasswordComesBackRedacted() async throws {
        let password = "Tr0ub4dor&3-initial"
        let account = try Self.google("invalid")
        try await AtsActionsEndToEnd.expectRedactedRefusal(account, password: password, status: 400, message: "Invalid Password: [redacted]") {
            _ = try await GoogleWorkspace.OauthAdmin.Actions(account.connection).createUser(
                primaryEmail: "ada@acme.example", givenName: "Ada", familyName: "Lovelace", password: Secret(password))
        }
    }
}
