// The unified operations of the newer identity connectors (SCIM 2.0, Keycloak, JumpCloud,
// OneLogin, Clerk, FusionAuth): which operations each binds, and the exact body a unified call puts on the wire
// (the action's constant body with the mapped inputs written in), computed before anything is sent.
import ConnectorRuntime
import Connectors
import Foundation
import Testing

@Suite struct CatalogIdentityUnifiedOperationTests {
    /// The action arguments `inputs` (unified, as JSON) become through the binding `name`.
    static func arguments(_ bindings: [UnifiedOperationBinding], _ name: String, _ inputs: String) throws -> (UnifiedOperationBinding, ActionArguments) {
        let binding = try #require(bindings.first { $0.operation == name })
        let result = binding.arguments(from: try JSONValue.parse(Data(inputs.utf8)))
        guard case .success(let arguments) = result else {
            Issue.record("\(name): the unified inputs were refused: \(result)")
            throw CancellationError()
        }
        return (binding, arguments)
    }

    /// The body sent: the action's constant body with every argument written at its pointer.
    static func wireBody(_ bindings: [UnifiedOperationBinding], _ name: String, _ inputs: String) throws -> JSONValue {
        let (binding, arguments) = try arguments(bindings, name, inputs)
        var body = binding.action.body ?? .object([:])
        for value in arguments.body {
            body = try #require(body.setting(value.value, at: value.pointer))
        }
        return body
    }

    static func json(_ text: String) throws -> JSONValue { try JSONValue.parse(Data(text.utf8)) }

    @Test func scimBindsCreateDeactivateAndAddToGroupAsRFC7644Says() throws {
        let bindings = Scim.BearerToken.Unified.usersOperations
        #expect(bindings.map(\.operation) == ["create", "deactivate", "addToGroup"])
        #expect(bindings.map(\.action.id) == ["createUser", "deactivateUser", "addUserToGroup"])
        #expect(try Self.wireBody(bindings, "create", #"{"userName": "ada", "givenName": "Ada", "familyName": "Lovelace", "title": "Countess"}"#) == Self.json(
            #"{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "ada", "name": {"givenName": "Ada", "familyName": "Lovelace"}, "title": "Countess"}"#))
        let (deactivate, deactivated) = try Self.arguments(bindings, "deactivate", #"{"id": "2819c223"}"#)
        #expect(deactivate.destructive)
        #expect(deactivated.path == ["userId": "2819c223"])
        #expect(try Self.wireBody(bindings, "deactivate", #"{"id": "2819c223"}"#) == Self.json(
            #"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "replace", "value": {"active": false}}]}"#))
        let (_, joined) = try Self.arguments(bindings, "addToGroup", #"{"id": "2819c223", "group": "e9e30dba"}"#)
        #expect(joined.path == ["groupId": "e9e30dba"])
        #expect(try Self.wireBody(bindings, "addToGroup", #"{"id": "2819c223", "group": "e9e30dba"}"#) == Self.json(
            #"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "add", "path": "members", "value": [{"value": "2819c223"}]}]}"#))
    }

    @Test func keycloakDisablesToDeactivate() throws {
        let bindings = Keycloak.ClientCredentials.Unified.usersOperations
        #expect(bindings.map(\.operation) == ["create", "deactivate", "addToGroup"])
        #expect(bindings.map(\.action.id) == ["createUser", "disableUser", "addUserToGroup"])
        #expect(try Self.wireBody(bindings, "create", #"{"userName": "ada", "email": "ada@example.com", "givenName": "Ada", "familyName": "Lovelace"}"#) == Self.json(
            #"{"username": "ada", "email": "ada@example.com", "firstName": "Ada", "lastName": "Lovelace"}"#))
        #expect(try Self.wireBody(bindings, "deactivate", #"{"id": "u1"}"#) == Self.json(#"{"enabled": false}"#))
        let (_, joined) = try Self.arguments(bindings, "addToGroup", #"{"id": "u1", "group": "g2"}"#)
        #expect(joined.path == ["userId": "u1", "groupId": "g2"])
        #expect(joined.body.isEmpty)
    }

    @Test func jumpCloudAndOneLoginRequireTheEmailAndBindNoDeactivate() throws {
        let jumpcloud = Jumpcloud.ApiKey.Unified.usersOperations
        #expect(jumpcloud.map(\.operation) == ["create", "addToGroup"])
        #expect(try Self.wireBody(jumpcloud, "create", #"{"userName": "ada", "email": "ada@example.com", "givenName": "Ada"}"#) == Self.json(
            #"{"username": "ada", "email": "ada@example.com", "firstname": "Ada"}"#))
        #expect(try Self.wireBody(jumpcloud, "addToGroup", #"{"id": "5f1", "group": "6a2"}"#) == Self.json(#"{"op": "add", "type": "user", "id": "5f1"}"#))
        let onelogin = Onelogin.ClientCredentials.Unified.usersOperations
        #expect(onelogin.map(\.operation) == ["create"])
        #expect(try Self.wireBody(onelogin, "create", #"{"userName": "ada", "email": "ada@example.com", "familyName": "Lovelace", "department": "R&D"}"#) == Self.json(
            #"{"username": "ada", "email": "ada@example.com", "lastname": "Lovelace", "department": "R&D"}"#))
        // The e-mail is optional in the model and required by both providers: refused at /email.
        for binding in [jumpcloud[0], onelogin[0]] {
            guard case .failure(.invalidInput(_, let problems)) = binding.arguments(from: .object(["userName": .string("ada")])) else {
                Issue.record("\(binding.action.id): expected invalidInput")
                continue
            }
            #expect(problems.map(\.description) == ["/email: is required"])
        }
    }

    @Test func clerkBansAndFusionAuthSoftDeletesToDeactivate() throws {
        let clerk = Clerk.SecretKey.Unified.usersOperations
        #expect(clerk.map(\.operation) == ["create", "deactivate"])
        #expect(clerk.map(\.action.id) == ["createUser", "banUser"])
        #expect(try Self.wireBody(clerk, "create", #"{"userName": "ada", "email": "ada@example.com", "givenName": "Ada"}"#) == Self.json(
            #"{"username": "ada", "first_name": "Ada"}"#))
        let (_, banned) = try Self.arguments(clerk, "deactivate", #"{"id": "user_2x"}"#)
        #expect(banned.path == ["userId": "user_2x"])
        #expect(banned.body.isEmpty)

        let fusionauth = Fusionauth.ApiKey.Unified.usersOperations
        #expect(fusionauth.map(\.operation) == ["create", "deactivate"])
        #expect(try Self.wireBody(fusionauth, "create", #"{"userName": "ada", "email": "ada@example.com", "familyName": "Lovelace"}"#) == Self.json(
            #"{"user": {"username": "ada", "email": "ada@example.com", "lastName": "Lovelace"}, "sendSetPasswordEmail": true}"#))
        let (deactivate, deactivated) = try Self.arguments(fusionauth, "deactivate", #"{"id": "00000000-0000-0001"}"#)
        #expect(deactivate.destructive)
        #expect(deactivated.path == ["userId": "00000000-0000-0001"])
        #expect(deactivated.query.map { "\($0.name)=\($0.value)" } == ["hardDelete=false"])
    }
}
