// The catalog's unified operations: which operations each connector binds to which action, and
// the action arguments a unified call becomes (computed before anything is sent, so no provider
// is needed to check where each unified input lands).
import ConnectorRuntime
import Connectors
import Foundation
import Testing

@Suite struct CatalogUnifiedOperationTests {
    static func arguments(_ bindings: [UnifiedOperationBinding], _ name: String, _ inputs: [String: JSONValue]) throws -> ActionArguments {
        let binding = try #require(bindings.first { $0.operation == name })
        return try binding.arguments(from: .object(inputs)).get()
    }

    static func body(_ arguments: ActionArguments) -> [String: JSONValue] {
        Dictionary(uniqueKeysWithValues: arguments.body.map { ($0.pointer, $0.value) })
    }

    @Test func oktaCreatesWithTheUserNameAsLoginAndFallsBackToItForTheEmail() throws {
        let bindings = Okta.ApiToken.Unified.usersOperations
        #expect(bindings.map(\.operation) == ["create", "deactivate", "addToGroup"])
        #expect(bindings.map(\.action.id) == ["createUser", "deactivateUser", "addUserToGroup"])
        let create = try Self.arguments(bindings, "create", [
            "userName": .string("ada@example.com"), "givenName": .string("Ada"), "familyName": .string("Lovelace"),
        ])
        #expect(Self.body(create) == [
            "/profile/login": .string("ada@example.com"), "/profile/email": .string("ada@example.com"),
            "/profile/firstName": .string("Ada"), "/profile/lastName": .string("Lovelace"),
        ])
        // Okta requires the names; the unified familyName is optional, so a call without it is
        // refused at that input before anything is sent.
        let binding = try #require(bindings.first { $0.operation == "create" })
        guard case .failure(.invalidInput(_, let problems)) = binding.arguments(from: .object(["userName": .string("ada@example.com"), "givenName": .string("Ada")])) else {
            Issue.record("expected invalidInput")
            return
        }
        #expect(problems.map(\.description) == ["/familyName: is required"])
        let group = try Self.arguments(bindings, "addToGroup", ["id": .string("00u1"), "group": .string("00g2")])
        #expect(group.path == ["userId": "00u1", "groupId": "00g2"])
        #expect(bindings.first { $0.operation == "deactivate" }?.destructive == true)
    }

    @Test func smartsheetCreatesWithoutAdminRightsAndReadsTheUnifiedIdAsANumber() throws {
        let bindings = SmartsheetIam.AccessToken.Unified.usersOperations
        #expect(bindings.map(\.operation) == ["create", "update", "deactivate"])
        #expect(bindings.map(\.action.id) == ["addUser", "updateUser", "removeUser"])
        let create = try Self.arguments(bindings, "create", ["userName": .string("ada@example.com")])
        #expect(Self.body(create) == [
            "/email": .string("ada@example.com"), "/admin": .bool(false), "/licensedSheetCreator": .bool(false),
        ])
        let update = try Self.arguments(bindings, "update", ["id": .string("1003"), "familyName": .string("Byron")])
        #expect(update.path == ["userId": "1003"])
        #expect(Self.body(update) == ["/lastName": .string("Byron")])
        let binding = try #require(bindings.first { $0.operation == "deactivate" })
        guard case .failure(.invalidInput(_, let problems)) = binding.arguments(from: .object(["id": .string("u-1003")])) else {
            Issue.record("expected invalidInput")
            return
        }
        #expect(problems.map(\.pointer) == ["/id"])
    }

    @Test func spotdraftDeactivatesAndWorkableFilesTheCandidateUnderTheJob() throws {
        #expect(Spotdraft.ClientCredentials.Unified.usersOperations.map(\.action.id) == ["deactivateUser"])
        let bindings = Workable.ApiToken.Unified.candidatesOperations
        let create = try Self.arguments(bindings, "create", [
            "firstName": .string("Grace"), "lastName": .string("Hopper"), "job": .string("GROOV003"),
            "phoneNumbers": .array([.string("+1 555 0100"), .string("+1 555 0101")]),
        ])
        #expect(create.path == ["shortcode": "GROOV003"])
        #expect(Self.body(create)["/candidate/name"] == .string("Grace Hopper"))
        #expect(Self.body(create)["/candidate/phone"] == .string("+1 555 0100"))
    }

    @Test func ashbyAndTeamtailorCreateCandidatesAndAshbyMovesApplications() throws {
        let ashby = try Self.arguments(Ashby.ApiKey.Unified.candidatesOperations, "create", [
            "firstName": .string("Grace"), "lastName": .string("Hopper"), "email": .string("grace@example.com"),
            "phoneNumbers": .array([.string("+1 555 0100")]),
        ])
        #expect(Self.body(ashby) == [
            "/name": .string("Grace Hopper"), "/email": .string("grace@example.com"), "/phoneNumber": .string("+1 555 0100"),
        ])
        let move = try Self.arguments(Ashby.ApiKey.Unified.applicationsOperations, "moveStage", [
            "id": .string("a-1"), "stage": .string("s-2"),
        ])
        #expect(Self.body(move) == ["/applicationId": .string("a-1"), "/interviewStageId": .string("s-2")])
        let teamtailor = try Self.arguments(Teamtailor.ApiKey.Unified.candidatesOperations, "create", [
            "firstName": .string("Grace"), "email": .string("grace@example.com"),
        ])
        #expect(Self.body(teamtailor) == [
            "/data/attributes/first-name": .string("Grace"), "/data/attributes/email": .string("grace@example.com"),
        ])
    }

    @Test func entraDisablesAndAddsToAGroupByTheMembersODataID() throws {
        let bindings = MicrosoftEntraId.ClientCredentials.Unified.usersOperations
        #expect(bindings.map(\.operation) == ["deactivate", "addToGroup"])
        let join = try Self.arguments(bindings, "addToGroup", ["id": .string("u-7"), "group": .string("g-1")])
        #expect(join.path == ["groupId": "g-1"])
        #expect(Self.body(join) == ["/@odata.id": .string("https://graph.microsoft.com/v1.0/directoryObjects/u-7")])
        let disable = try Self.arguments(bindings, "deactivate", ["id": .string("u-7")])
        #expect(disable.path == ["userId": "u-7"])
    }

    @Test func googleSuspendsByTheUsersKeyAndBindsNeitherCreateNorAddToGroup() throws {
        let bindings = GoogleWorkspace.OauthAdmin.Unified.usersOperations
        #expect(bindings.map(\.operation) == ["deactivate"])
        let suspend = try Self.arguments(bindings, "deactivate", ["id": .string("118234567890123456789")])
        #expect(suspend.path == ["userKey": "118234567890123456789"])
    }

    @Test func bambooHRUpdatesAnEmployeeByIdUnderItsOwnFieldNames() throws {
        let bindings = Bamboohr.ApiKey.Unified.employeesOperations
        #expect(bindings.map(\.operation) == ["update"])
        #expect(bindings.map(\.action.id) == ["updateEmployee"])
        let update = try Self.arguments(bindings, "update", [
            "id": .string("7"), "firstName": .string("Ada"), "personalEmail": .string("ada@example.com"),
            "workLocation": .string("London"), "jobTitle": .string("Analyst"),
        ])
        #expect(update.path == ["id": "7"])
        #expect(Self.body(update) == [
            "/firstName": .string("Ada"), "/homeEmail": .string("ada@example.com"), "/location": .string("London"),
            "/jobTitle": .string("Analyst"),
        ])
        // The unified inputs BambooHR cannot take (displayName read-only, employment status
        // read-only, startDate not its hire date) are not bound: given, they send nothing.
        let ignored = try Self.arguments(bindings, "update", [
            "id": .string("7"), "displayName": .string("Ada L."), "startDate": .string("2027-01-04"),
        ])
        #expect(Self.body(ignored).isEmpty)
        #expect(bindings.first?.destructive == false)
    }

    @Test func hibobUpdatesOnlyTheNamesWithLastNameAsSurname() throws {
        let bindings = Hibob.ServiceUser.Unified.employeesOperations
        #expect(bindings.map(\.action.id) == ["updateEmployee"])
        let update = try Self.arguments(bindings, "update", [
            "id": .string("3000007"), "firstName": .string("Ada"), "lastName": .string("Byron"), "workEmail": .string("ada@example.com"),
        ])
        #expect(update.path == ["id": "3000007"])
        #expect(Self.body(update) == ["/firstName": .string("Ada"), "/surname": .string("Byron")])
        // The OAuth variant has no actions, so it binds no operation.
        let connector = try #require(ConnectorCatalog.connector(id: "hibob"))
        #expect(connector.authVariants.first { $0.id == "oauth" }?.unifiedOperations.isEmpty == true)
    }

    @Test func aVariantsDescriptorListsItsUnifiedOperationsForRunningThemByName() throws {
        let connector = try #require(ConnectorCatalog.connector(id: "smartsheet_iam"))
        let token = try #require(connector.authVariants.first { $0.id == "access_token" })
        #expect(token.unifiedOperations.map { $0.model + "." + $0.operation } == ["iam.user.create", "iam.user.update", "iam.user.deactivate"])
        // The OAuth variant has no actions, so no operation either.
        #expect(connector.authVariants.first { $0.id == "oauth" }?.unifiedOperations.isEmpty == true)
    }
}
