// Unified operations end to end through generated code: AcmeActions binds iam.user create, update
// and deactivate to its createUser, updateUser and deleteUser actions
// (Tests/Reference/Specs/acme_actions.json), run against the write emulation
// (Tests/Servers/actionserver.py) through `Unified(connection).users`, the same functions every
// IAM connector has. No mocks; each test counts what reached the provider.
import ConnectorRuntime
import Foundation
import Testing

@Suite(.actionServer) struct UnifiedActionEndToEndTests {
    @Test func createUpdateAndDeactivateThroughTheUnifiedModel() async throws {
        let account = try ActionAccount("ok")
        let users = AcmeActions.ApiKey.Unified(account.connection).users
        #expect(users.supports("create") && users.supports("deactivate") && !users.supports("addToGroup"))

        // userName stands in for the missing email (firstOf), givenName goes to the action's
        // firstName at /name/givenName, and the binding's constant role is sent.
        let created = try await users.create(userName: "ada@example.com", givenName: "Ada")
        #expect(created.status == 201)
        let record = try #require(created.record)
        #expect(record.userName == "ada@example.com")
        #expect(record.active == true)
        #expect(created.id == record.id)
        let requests = try await account.requests()
        #expect(requests.count == 1)
        let body = try JSONSerialization.jsonObject(with: Data((requests.first?["body"] ?? "").utf8)) as? [String: Any]
        #expect(body?["email"] as? String == "ada@example.com")
        #expect((body?["name"] as? [String: String]) == ["givenName": "Ada"])
        #expect(body?["role"] as? String == "member")

        let listed = try await users.list().reduce(into: [String]()) { $0.append($1.id) }
        #expect(listed == [record.id])

        let updated = try await users.update(id: record.id, givenName: "Augusta")
        #expect(updated.record?.id == record.id)
        #expect(try await account.requests().last?["path"] == "/v1/users/\(record.id)")

        let deactivated = try await users.deactivate(id: record.id, confirm: .confirmed)
        #expect(deactivated.status == 204)
        #expect(deactivated.record == nil)
        #expect(try await account.users().isEmpty)
    }

    @Test func inputProblemsPointAtTheUnifiedInputsAndNothingIsSent() async throws {
        let account = try ActionAccount("ok")
        let users = AcmeActions.ApiKey.Unified(account.connection).users
        // The by-name path an app (or the Hub) uses with a JSON object: a number where the unified
        // givenName is text is refused at the unified input's pointer, before any request.
        let error = await expectActionError {
            _ = try await users.run("create", inputs: .object(["userName": .string("ada@example.com"), "givenName": .integer(7)]))
        }
        guard case .invalidInput(let action, let problems)? = error else {
            Issue.record("expected invalidInput, got \(String(describing: error))")
            return
        }
        #expect(action == "createUser")
        #expect(problems.map(\.description) == ["/givenName: must be a string"])

        // The action's required email comes from firstOf(/email, /userName): missing, it is
        // reported at the first unified input that could have given it.
        let missing = await expectActionError { _ = try await users.run("create", inputs: .object([:])) }
        #expect(missing == .invalidInput(action: "createUser", problems: [InputProblem(pointer: "/email", input: "email", message: "is required")]))
        #expect(try await account.requests().isEmpty)
    }

    @Test func providerValidationErrorsComeBackAsTheActionsRefusal() async throws {
        let account = try ActionAccount("ok")
        let users = AcmeActions.ApiKey.Unified(account.connection).users
        let error = await expectActionError { _ = try await users.create(userName: "not-an-address") }
        guard case .rejected(_, let status, let problems, _)? = error else {
            Issue.record("expected rejected, got \(String(describing: error))")
            return
        }
        #expect(status == 422)
        #expect(problems.map(\.input) == ["email"])
        #expect(try await account.users().isEmpty)
    }

    @Test func deactivateByNameNeedsTheConfirmationAndAnUnboundOperationSaysSo() async throws {
        let account = try ActionAccount("ok")
        let users = AcmeActions.ApiKey.Unified(account.connection).users
        let error = await expectActionError { _ = try await users.run("deactivate", inputs: .object(["id": .string("u1")])) }
        #expect(error == .confirmationRequired(action: "deleteUser"))
        do {
            _ = try await users.addToGroup(id: "u1", group: "g1")
            Issue.record("expected UnifiedOperationUnavailable")
        } catch let unavailable as UnifiedOperationUnavailable {
            #expect(unavailable.description == "acme_actions does not bind iam.user.addToGroup to an action (see its spec's unified operations)")
        }
        #expect(try await account.requests().isEmpty)
    }
}
