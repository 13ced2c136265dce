// End to end through generated code: AcmeActions (Tests/Reference/Specs/acme_actions.json:
// create, update and delete users) against the write emulation (Tests/Servers/actionserver.py).
// No mocks: real HTTP through URLSessionTransport and the Connection's `send`. Each test counts
// what reached the provider, so "sent once" and "one record created" are checked on the server.
import ConnectorRuntime
import Foundation
import Testing

/// A connection to the emulation under a fresh key whose prefix selects the scenario.
struct ActionAccount {
    let server: TestServer
    let key: String
    let connection: Connection

    init(_ scenario: String, apiKey: String = "test-key") throws {
        server = try TestServer.current(.action)
        key = scenario + "." + UUID().uuidString.lowercased()
        let configuration = try AcmeActions.ApiKey.configuration(.init(apiKey: Secret(apiKey)))
            .overridingEndpoints(["api.acme.example": server.url("/k/\(key)")])
        connection = Connection(configuration: configuration, account: key, store: InMemoryTokenStore())
    }

    var actions: AcmeActions.ApiKey.Actions { AcmeActions.ApiKey.Actions(connection) }

    /// Every write the emulation received for this account.
    func requests() async throws -> [[String: String]] {
        try await server.control("GET", "/_control/requests/\(key)") as? [[String: String]] ?? []
    }

    func users() async throws -> [[String: Any]] {
        try await server.control("GET", "/_control/users/\(key)") as? [[String: Any]] ?? []
    }
}

func expectActionError(_ body: () async throws -> Void) async -> ActionError? {
    do {
        try await body()
        Issue.record("expected an ActionError")
        return nil
    } catch let error as ActionError {
        return error
    } catch {
        Issue.record("expected an ActionError, got \(error)")
        return nil
    }
}

@Suite(.actionServer) struct ActionEndToEndTests {
    @Test func createReturnsTheTypedRecordAndSendsTheBodyAtItsPointers() async throws {
        let account = try ActionAccount("ok")
        let outcome = try await account.actions.createUser(
            email: "ada@example.com", firstName: "Ada", role: .admin, groups: ["eng"])
        #expect(outcome.status == 201)
        #expect(outcome.record?.email == "ada@example.com")
        #expect(outcome.record?.role == .known(.admin))
        #expect(outcome.record?.groups == ["eng"])
        let id = try #require(outcome.record?.id)
        let requests = try await account.requests()
        #expect(requests.count == 1)
        let body = try JSONSerialization.jsonObject(with: Data((requests.first?["body"] ?? "").utf8)) as? [String: Any]
        #expect((body?["name"] as? [String: String]) == ["givenName": "Ada"])
        #expect(body?["lastName"] == nil)
        #expect(requests.first?["idempotencyKey"]?.isEmpty == false)

        let updated = try await account.actions.updateUser(userId: id, active: false)
        #expect(updated.record?.active == false)
        let deleted = try await account.actions.deleteUser(userId: id, confirm: .confirmed)
        #expect(deleted.status == 204)
        #expect(try await account.users().isEmpty)
    }

    @Test func providerValidationErrorsPointAtTheInputs() async throws {
        let account = try ActionAccount("ok")
        let error = await expectActionError {
            _ = try await account.actions.createUser(email: "not-an-address", firstName: String(repeating: "A", count: 41))
        }
        guard case .rejected(let action, let status, let problems, _)? = error else {
            Issue.record("expected rejected, got \(String(describing: error))")
            return
        }
        #expect(action == "createUser")
        #expect(status == 422)
        // The provider names `email` and `name.givenName`; the inputs are `email` and `firstName`.
        #expect(problems.map { $0.pointer } == ["/email", "/firstName"])
        #expect(problems.map { $0.input } == ["email", "firstName"])
        #expect(problems.first?.message == "is not a valid e-mail address")
        #expect(try await account.users().isEmpty)
    }

    @Test func aRefusalWithoutAFieldKeepsTheProvidersMessage() async throws {
        let account = try ActionAccount("ok")
        _ = try await account.actions.createUser(email: "ada@example.com")
        let error = await expectActionError { _ = try await account.actions.createUser(email: "ada@example.com") }
        #expect(error == .rejected(action: "createUser", status: 409, problems: [], message: "a user with this e-mail already exists"))
    }

    @Test func a429IsRetriedAfterRetryAfterWithTheSameKeyAndCreatesOneRecord() async throws {
        let account = try ActionAccount("rate-limit")
        let sleeps = RecordedSleeps()
        let outcome = try await account.actions.createUser(
            email: "grace@example.com", options: ActionOptions(retry: sleeps.policy))
        #expect(outcome.response.attempts == 2)
        #expect(sleeps.all == [1])
        let requests = try await account.requests()
        #expect(requests.count == 2)
        #expect(Set(requests.map { $0["idempotencyKey"] ?? "" }).count == 1)
        #expect(try await account.users().count == 1)
    }

    @Test func a503BeforeActingIsRetriedOnlyWithAnIdempotencyKey() async throws {
        let withKey = try ActionAccount("unavailable")
        let sleeps = RecordedSleeps()
        _ = try await withKey.actions.createUser(email: "ken@example.com", options: ActionOptions(retry: sleeps.policy))
        #expect(try await withKey.requests().count == 2)
        #expect(try await withKey.users().count == 1)

        // updateUser has no idempotency header: a 5xx may come after the provider acted.
        let without = try ActionAccount("unavailable")
        let error = await expectActionError {
            _ = try await without.actions.updateUser(userId: "u1", active: false, options: ActionOptions(retry: sleeps.policy))
        }
        guard case .outcomeUnknown(let action, _)? = error else {
            Issue.record("expected outcomeUnknown, got \(String(describing: error))")
            return
        }
        #expect(action == "updateUser")
        #expect(try await without.requests().count == 1)
    }

    @Test func aTimeoutAfterTheProviderActedIsOutcomeUnknownAndNotSentAgain() async throws {
        let account = try ActionAccount("slow")
        let sleeps = RecordedSleeps()
        let error = await expectActionError {
            _ = try await account.actions.createUser(
                email: "linus@example.com", options: ActionOptions(retry: sleeps.policy, requestTimeout: 1))
        }
        guard case .outcomeUnknown(let action, _)? = error else {
            Issue.record("expected outcomeUnknown, got \(String(describing: error))")
            return
        }
        #expect(action == "createUser")
        #expect(sleeps.all.isEmpty)
        // The provider finishes acting after the client gave up: wait for its answer to be written.
        try await Task.sleep(nanoseconds: 2_500_000_000)
        #expect(try await account.requests().count == 1)
        #expect(try await account.users().count == 1)
    }

    @Test func a5xxAfterActingWithAKeyIsRetriedAndTheProviderDoesNotActTwice() async throws {
        // fail-after acts, then answers 500; the retry carries the same key, so the provider
        // answers its first result instead of acting again: one user, two requests, one key.
        let account = try ActionAccount("fail-after")
        let sleeps = RecordedSleeps()
        let outcome = try await account.actions.createUser(email: "barbara@example.com", options: ActionOptions(retry: sleeps.policy))
        #expect(outcome.response.attempts == 2)
        #expect(outcome.record?.email == "barbara@example.com")
        let requests = try await account.requests()
        #expect(requests.count == 2)
        #expect(Set(requests.map { $0["idempotencyKey"] ?? "" }).count == 1)
        #expect(try await account.users().count == 1)
    }

    @Test func aForbiddenWriteIsMissingScopesInTheFAQsWords() async throws {
        let account = try ActionAccount("no-scope")
        let error = await expectActionError { _ = try await account.actions.createUser(email: "ada@example.com") }
        #expect(error == .missingScopes(action: "createUser", scopes: ["users:write"]))
        #expect(error?.description.contains("ensure all required scopes listed in the connection guide are enabled and saved in the third-party system") == true)
        #expect(try await account.requests().count == 1)
    }

    @Test func aDestructiveActionIsRefusedWithoutConfirmationBeforeAnythingIsSent() async throws {
        let account = try ActionAccount("ok")
        let created = try await account.actions.createUser(email: "ada@example.com")
        let id = try #require(created.record?.id)
        // The generated function cannot be called without `confirm:`; the runtime path the Hub
        // uses refuses an unconfirmed call.
        var arguments = ActionArguments()
        arguments.path("userId", .string(id))
        let error = await expectActionError {
            _ = try await ActionRunner.run(
                AcmeActions.ApiKey.Actions.deleteUserOperation, arguments: arguments, connection: account.connection, confirmed: false)
        }
        #expect(error == .confirmationRequired(action: "deleteUser"))
        #expect(try await account.requests().count == 1)
        #expect(try await account.users().count == 1)
    }

    @Test func inputsFromJSONAreCheckedWithThePointerOfEachProblem() throws {
        let operation = AcmeActions.ApiKey.Actions.createUserOperation
        let body = try JSONValue.parse(Data(#"{"firstName": 7, "role": "owner", "groups": ["a", 2], "extra": true}"#.utf8))
        guard case .failure(.invalidInput(_, let problems)) = operation.arguments(from: body) else {
            Issue.record("expected invalidInput")
            return
        }
        #expect(problems.map(\.pointer) == ["/extra", "/email", "/firstName", "/role", "/groups"])
        #expect(problems.map(\.message) == [
            "is not an input of action 'createUser'", "is required", "must be a string",
            "must be one of \"admin\", \"member\"", "element 1 must be a string",
        ])
    }
}
