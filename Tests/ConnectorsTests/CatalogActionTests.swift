// The catalog's actions compile and say what the providers document: ids, methods, where each
// input goes, the scopes, and that removing or deactivating needs confirmation.
import ConnectorRuntime
import Connectors
import Foundation
import Testing

@Suite struct CatalogActionTests {
    @Test func smartsheetAddsUpdatesAndRemovesUsersWithAnAdminToken() throws {
        let actions = SmartsheetIam.AccessToken.Actions.all
        #expect(actions.map(\.id) == ["addUser", "updateUser", "removeUser"])
        #expect(actions.map(\.method) == ["POST", "PUT", "DELETE"])
        #expect(actions.allSatisfy { $0.scopes == ["ADMIN_USERS"] })
        #expect(actions.map(\.destructive) == [false, false, true])
        let add = SmartsheetIam.AccessToken.Actions.addUserOperation
        #expect(add.resultPointer == "/result")
        #expect(add.inputs.first { $0.name == "sendEmail" }?.location == .query("sendEmail"))
        #expect(add.inputs.filter(\.required).map(\.name) == ["email", "admin", "licensedSheetCreator"])
        let remove = SmartsheetIam.AccessToken.Actions.removeUserOperation
        #expect(remove.path == "/users/{{userId}}")
        #expect(remove.inputs.map(\.location) == [.path, .query("transferTo"), .query("transferSheets"), .query("removeFromSharing")])
    }

    @Test func oktaCreatesDeactivatesAndGroupsUsersWithAnAPIToken() throws {
        let actions = Okta.ApiToken.Actions.all
        #expect(actions.map(\.id) == ["createUser", "deactivateUser", "addUserToGroup"])
        let create = Okta.ApiToken.Actions.createUserOperation
        #expect(create.inputs.map(\.location) == [
            .body("/profile/login"), .body("/profile/email"), .body("/profile/firstName"), .body("/profile/lastName"),
            .query("activate"),
        ])
        #expect(Okta.ApiToken.Actions.deactivateUserOperation.destructive)
        #expect(Okta.ApiToken.Actions.addUserToGroupOperation.success == [204])
    }

    @Test func aHubStyleBodyIsCheckedAgainstTheCatalogAction() throws {
        let body = try JSONValue.parse(Data(#"{"email": "ada@example.com", "admin": "yes"}"#.utf8))
        guard case .failure(.invalidInput(_, let problems)) = SmartsheetIam.AccessToken.Actions.addUserOperation.arguments(from: body) else {
            Issue.record("expected invalidInput")
            return
        }
        #expect(problems.map(\.pointer) == ["/admin", "/licensedSheetCreator"])
    }
}

@Suite struct CatalogActionCoverageTests {
    @Test func atsAndHRISActionsPlaceTheirInputsWhereTheReferencesSay() {
        let lever = Lever.ApiKey.Actions.createOpportunityOperation
        #expect(lever.inputs.first?.location == .query("perform_as"))
        #expect(lever.resultPointer == "/data")
        let workable = Workable.ApiToken.Actions.createCandidateOperation
        #expect(workable.path == "/jobs/{{shortcode}}/candidates")
        #expect(workable.inputs.map(\.location).contains(.body("/candidate/email")))
        let hibob = Hibob.ServiceUser.Actions.createEmployeeOperation
        #expect(hibob.inputs.filter(\.required).map(\.name) == ["email", "firstName", "surname", "site", "startDate"])
        let spotdraft = Spotdraft.ClientCredentials.Actions.all
        #expect(spotdraft.map(\.id) == ["createUser", "updateUserRoles", "deactivateUser"])
        #expect(spotdraft.last?.destructive == true)
    }
}

@Suite struct CatalogActionLookupTests {
    @Test func aVariantsDescriptorListsItsActionsForRunningThemById() throws {
        let connector = try #require(ConnectorCatalog.connector(id: "smartsheet_iam"))
        let variants = connector.authVariants
        #expect(variants.first { $0.id == "access_token" }?.actions.map(\.id) == ["addUser", "updateUser", "removeUser"])
        // The OAuth variant requests READ_USERS only: no actions.
        #expect(variants.first { $0.id == "oauth" }?.actions.isEmpty == true)
    }
}
