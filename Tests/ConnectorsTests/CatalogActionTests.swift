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

/// The body an action sends for a Hub-style JSON object of inputs: the inputs checked, then written
/// into the constant body at their pointers, as the runner does.
private func wireBody(_ operation: ActionOperation, _ json: String) throws -> JSONValue? {
    guard case .success(let arguments) = operation.arguments(from: try JSONValue.parse(Data(json.utf8))) else {
        Issue.record("inputs of \(operation.id) were refused")
        return nil
    }
    var body = operation.body ?? .object([:])
    for value in arguments.body {
        body = try #require(body.setting(value.value, at: value.pointer))
    }
    return body
}

private func json(_ text: String) throws -> JSONValue { try JSONValue.parse(Data(text.utf8)) }

@Suite struct CatalogIdentityActionTests {
    @Test func scimWritesUsersAsRFC7644Says() throws {
        let actions = Scim.BearerToken.Actions.all
        #expect(actions.map(\.id) == ["createUser", "replaceUser", "deactivateUser", "deleteUser", "addUserToGroup"])
        #expect(actions.map(\.method) == ["POST", "PUT", "PATCH", "DELETE", "PATCH"])
        #expect(actions.map(\.success) == [[201], [200], [200, 204], [204], [200, 204]])
        #expect(actions.map(\.destructive) == [false, false, true, true, false])
        let create = Scim.BearerToken.Actions.createUserOperation
        #expect(try wireBody(create, #"{"userName": "ada", "givenName": "Ada", "active": true}"#) == json(
            #"{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "ada", "name": {"givenName": "Ada"}, "active": true}"#))
        // Deactivating is a PatchOp replacing active, not a DELETE.
        let deactivate = Scim.BearerToken.Actions.deactivateUserOperation
        #expect(deactivate.path == "/Users/{{userId}}")
        #expect(try wireBody(deactivate, #"{"userId": "2819c223"}"#) == json(
            #"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "replace", "value": {"active": false}}]}"#))
        // Group membership: the user's id goes into the element the constant body's arrays have.
        let join = Scim.BearerToken.Actions.addUserToGroupOperation
        #expect(join.path == "/Groups/{{groupId}}")
        #expect(try wireBody(join, #"{"groupId": "e9e30dba", "userId": "2819c223"}"#) == json(
            #"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "add", "path": "members", "value": [{"value": "2819c223"}]}]}"#))
    }

    @Test func keycloakNeedsManageUsersForEveryWrite() throws {
        let actions = Keycloak.ClientCredentials.Actions.all
        #expect(actions.map(\.id) == ["createUser", "updateUser", "disableUser", "addUserToGroup", "deleteUser"])
        #expect(actions.allSatisfy { $0.scopes == ["manage-users"] })
        #expect(actions.map(\.destructive) == [false, false, true, false, true])
        // Created users come back as a Location header only: no result record to read.
        #expect(Keycloak.ClientCredentials.Actions.createUserOperation.success == [201])
        #expect(Keycloak.ClientCredentials.Actions.createUserOperation.resultPointer == nil)
        #expect(try wireBody(Keycloak.ClientCredentials.Actions.disableUserOperation, #"{"userId": "u1"}"#) == json(#"{"enabled": false}"#))
        let join = Keycloak.ClientCredentials.Actions.addUserToGroupOperation
        #expect(join.path == "/users/{{userId}}/groups/{{groupId}}")
        #expect(join.inputs.map(\.location) == [.path, .path])
    }

    @Test func jumpCloudAddsGroupMembersWithAGraphOperation() throws {
        #expect(Jumpcloud.ApiKey.Actions.all.map(\.id) == ["createUser", "deleteUser", "addUserToGroup"])
        let add = Jumpcloud.ApiKey.Actions.addUserToGroupOperation
        #expect(add.path == "/v2/usergroups/{{groupId}}/members")
        #expect(try wireBody(add, #"{"groupId": "g1", "userId": "5f0c"}"#) == json(#"{"op": "add", "type": "user", "id": "5f0c"}"#))
        #expect(Jumpcloud.ApiKey.Actions.deleteUserOperation.destructive)
    }

    @Test func zoomCreatesWithUserInfoAndDeactivatesThroughStatus() throws {
        let create = Zoom.ServerToServer.Actions.createUserOperation
        #expect(try wireBody(create, #"{"email": "ada@example.com", "type": 1, "firstName": "Ada"}"#) == json(
            #"{"action": "create", "user_info": {"email": "ada@example.com", "type": 1, "first_name": "Ada"}}"#))
        #expect(create.success == [201])
        let deactivate = Zoom.ServerToServer.Actions.deactivateUserOperation
        #expect(deactivate.path == "/users/{{userId}}/status")
        #expect(deactivate.body == (try json(#"{"action": "deactivate"}"#)))
        #expect(deactivate.destructive)
        let delete = Zoom.ServerToServer.Actions.deleteUserOperation
        #expect(delete.inputs.first { $0.name == "action" }?.values == ["disassociate", "delete"])
        #expect(Zoom.ServerToServer.Actions.all.allSatisfy { $0.scopes == ["user:write:admin"] })
    }

    @Test func clerkOneLoginAndFusionAuthPlaceTheirInputsWhereTheReferencesSay() throws {
        let clerk = Clerk.SecretKey.Actions.createUserOperation
        #expect(try wireBody(clerk, #"{"emailAddress": ["ada@example.com"], "firstName": "Ada", "skipPasswordRequirement": true}"#) == json(
            #"{"email_address": ["ada@example.com"], "first_name": "Ada", "skip_password_requirement": true}"#))
        #expect(Clerk.SecretKey.Actions.all.map(\.destructive) == [false, true, true])
        let onelogin = Onelogin.ClientCredentials.Actions.all
        #expect(onelogin.map(\.id) == ["createUser", "updateUser", "deleteUser"])
        #expect(onelogin.first?.inputs.filter(\.required).map(\.name) == ["username", "email"])
        #expect(onelogin.first?.inputs.last?.location == .query("mappings"))
        #expect(onelogin.allSatisfy { $0.scopes == ["Manage users"] })
        let fusion = Fusionauth.ApiKey.Actions.createUserOperation
        #expect(fusion.resultPointer == "/user")
        #expect(try wireBody(fusion, #"{"email": "ada@example.com", "sendSetPasswordEmail": true}"#) == json(
            #"{"user": {"email": "ada@example.com"}, "sendSetPasswordEmail": true}"#))
        let delete = Fusionauth.ApiKey.Actions.deleteUserOperation
        #expect(delete.inputs.map(\.location) == [.path, .query("hardDelete")])
        #expect(delete.destructive)
    }

    @Test func githubMembershipWritesNeedAdminOrgOnTheTokenVariantOnly() throws {
        let actions = Github.PersonalAccessToken.Actions.all
        #expect(actions.map(\.id) == ["setOrganizationMembership", "removeOrganizationMembership"])
        #expect(actions.map(\.success) == [[200], [204]])
        #expect(actions.allSatisfy { $0.scopes == ["admin:org"] })
        #expect(actions.last?.destructive == true)
        // The OAuth variant requests read:org only: it declares no actions.
        let connector = try #require(ConnectorCatalog.connector(id: "github"))
        #expect(connector.authVariants.first { $0.id == "oauth" }?.actions.isEmpty == true)
    }

    @Test func bambooHRAddsAnEmployeeWithFirstAndLastName() throws {
        let create = Bamboohr.ApiKey.Actions.createEmployeeOperation
        #expect(create.path == "/employees/")
        #expect(create.inputs.filter(\.required).map(\.name) == ["firstName", "lastName"])
        #expect(create.inputs.first { $0.name == "hireDate" }?.kind == .date)
        #expect(create.success == [201])
        #expect(create.resultPointer == nil)
    }

    @Test func hibobUpdatesTheRootNameFieldsWithAPutBobAppliesLikeAPatch() throws {
        let update = Hibob.ServiceUser.Actions.updateEmployeeOperation
        #expect(Hibob.ServiceUser.Actions.all.map(\.id) == ["createEmployee", "updateEmployee"])
        #expect(update.method == "PUT")
        #expect(update.path == "/people/{{id}}")
        #expect(update.inputs.map(\.location) == [.path, .body("/firstName"), .body("/surname")])
        #expect(update.success == [200])
        #expect(update.resultPointer == nil)
        #expect(try wireBody(update, #"{"id": "3000007", "surname": "Byron"}"#) == json(#"{"surname": "Byron"}"#))
    }

    @Test func bambooHRUpdatesOnlyTheFieldsSentByTheEmployeesId() throws {
        let update = Bamboohr.ApiKey.Actions.updateEmployeeOperation
        #expect(Bamboohr.ApiKey.Actions.all.map(\.id) == ["createEmployee", "updateEmployee"])
        #expect(update.method == "POST")
        #expect(update.path == "/employees/{{id}}")
        #expect(update.inputs.first?.location == .path)
        #expect(update.inputs.filter(\.required).map(\.name) == ["id"])
        #expect(update.success == [200])
        #expect(update.resultPointer == nil)
        #expect(!update.destructive)
        // Only the inputs given are written, each under its BambooHR field name.
        #expect(try wireBody(update, #"{"id": "7", "preferredName": "Ada", "homeEmail": "ada@example.com", "location": "London"}"#) == json(
            #"{"preferredName": "Ada", "homeEmail": "ada@example.com", "location": "London"}"#))
    }
}

@Suite struct CatalogAtsActionTests {
    @Test func ashbyReadsItsTwoHundredRefusalsFromTheBody() throws {
        let actions = Ashby.ApiKey.Actions.all
        #expect(actions.map(\.id) == ["createCandidate", "changeApplicationStage"])
        #expect(actions.map(\.path) == ["/candidate.create", "/application.changeStage"])
        #expect(actions.allSatisfy { $0.method == "POST" && $0.success == [200] && $0.resultPointer == "/results" })
        #expect(actions.allSatisfy { $0.scopes == ["candidatesWrite"] })
        // Ashby answers what would be a 4xx as 200 {"success": false, "errorInfo": {...}}.
        let refusal = ActionOperation.FailureCondition(pointer: "/success", equals: .bool(false), errors: "/errorInfo")
        #expect(actions.allSatisfy { $0.failureWhen == refusal })
        #expect(refusal.matches(try json(#"{"success": false, "errorInfo": {"code": "invalid_input"}}"#)))
        #expect(!refusal.matches(try json(#"{"success": true, "results": {"id": "c1"}}"#)))
        #expect(!refusal.matches(nil))
        let create = Ashby.ApiKey.Actions.createCandidateOperation
        #expect(create.inputs.filter(\.required).map(\.name) == ["name"])
        #expect(try wireBody(create, #"{"name": "Ada Lovelace", "email": "ada@example.com", "phoneNumber": "+44 20 7946 0000"}"#) == json(
            #"{"name": "Ada Lovelace", "email": "ada@example.com", "phoneNumber": "+44 20 7946 0000"}"#))
        let stage = Ashby.ApiKey.Actions.changeApplicationStageOperation
        #expect(stage.inputs.filter(\.required).map(\.name) == ["applicationId", "interviewStageId"])
        #expect(try wireBody(stage, #"{"applicationId": "a1", "interviewStageId": "s2"}"#) == json(
            #"{"applicationId": "a1", "interviewStageId": "s2"}"#))
    }

    @Test func teamtailorSendsAJSONAPIDocumentAsItsMediaType() throws {
        let create = Teamtailor.ApiKey.Actions.createCandidateOperation
        #expect(Teamtailor.ApiKey.Actions.all.map(\.id) == ["createCandidate"])
        #expect(create.path == "/candidates")
        #expect(create.contentType == "application/vnd.api+json")
        #expect(create.success == [])
        #expect(create.resultPointer == "/data")
        #expect(create.failureWhen == nil)
        #expect(try wireBody(create, #"{"firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com", "sourced": true}"#) == json(
            #"{"data": {"type": "candidates", "attributes": {"first-name": "Ada", "last-name": "Lovelace", "email": "ada@example.com", "sourced": true}}}"#))
        // Actions without a declared media type still send application/json.
        #expect(Workable.ApiToken.Actions.createCandidateOperation.contentType == nil)
    }
}

@Suite struct CatalogEntraActionTests {
    @Test func entraWritesThroughTheApplicationVariantOnlyWithGrantedPermissions() throws {
        let actions = MicrosoftEntraId.ClientCredentials.Actions.all
        #expect(actions.map(\.id) == ["createUser", "disableUser", "addUserToGroup"])
        #expect(actions.map(\.method) == ["POST", "PATCH", "POST"])
        #expect(actions.map(\.success) == [[201], [204], [204]])
        #expect(actions.map(\.scopes) == [["User.ReadWrite.All"], ["User.ReadWrite.All"], ["GroupMember.ReadWrite.All"]])
        #expect(actions.map(\.destructive) == [false, true, false])
        let create = MicrosoftEntraId.ClientCredentials.Actions.createUserOperation
        #expect(create.inputs.filter(\.required).map(\.name) == ["userPrincipalName", "displayName", "mailNickname", "password"])
        #expect(create.inputs.filter(\.secret).map(\.name) == ["password"])
        #expect(try wireBody(create, #"{"userPrincipalName": "ada@contoso.com", "displayName": "Ada", "mailNickname": "ada", "password": "xWwvJ]6NMw+bWH-d"}"#) == json(
            #"{"accountEnabled": true, "passwordProfile": {"forceChangePasswordNextSignIn": true, "password": "xWwvJ]6NMw+bWH-d"}, "userPrincipalName": "ada@contoso.com", "displayName": "Ada", "mailNickname": "ada"}"#))
        let disable = MicrosoftEntraId.ClientCredentials.Actions.disableUserOperation
        #expect(disable.path == "/users/{{userId}}")
        #expect(try wireBody(disable, #"{"userId": "u1"}"#) == json(#"{"accountEnabled": false}"#))
        let join = MicrosoftEntraId.ClientCredentials.Actions.addUserToGroupOperation
        #expect(join.path == "/groups/{{groupId}}/members/$ref")
        #expect(try wireBody(join, #"{"groupId": "g1", "memberRef": "https://graph.microsoft.com/v1.0/directoryObjects/u1"}"#) == json(
            #"{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/u1"}"#))
        // The delegated variant still requests its read scopes only, and declares no action.
        let connector = try #require(ConnectorCatalog.connector(id: "microsoft_entra_id"))
        #expect(connector.authVariants.first { $0.id == "oauth" }?.actions.isEmpty == true)
    }

    @Test func aSecretInputIsKeptAsASecretAndNeverDescribed() throws {
        let create = MicrosoftEntraId.ClientCredentials.Actions.createUserOperation
        let body = try json(#"{"userPrincipalName": "ada@contoso.com", "displayName": "Ada", "mailNickname": "ada", "password": "xWwvJ]6NMw+bWH-d"}"#)
        let arguments = try create.arguments(from: body).get()
        #expect(arguments.secrets.map { $0.reveal() } == ["xWwvJ]6NMw+bWH-d"])
        for text in [arguments.description, String(reflecting: arguments), "\(arguments.body)"] {
            #expect(!text.contains("xWwvJ"), "\(text)")
        }
        var dumped = ""
        dump(arguments, to: &dumped)
        #expect(!dumped.contains("xWwvJ"), "\(dumped)")
        #expect(arguments.description.contains("/passwordProfile/password"))
    }
}

@Suite struct CatalogGoogleWorkspaceActionTests {
    @Test func googleWritesThroughTheAdminVariantOnly() throws {
        let actions = GoogleWorkspace.OauthAdmin.Actions.all
        #expect(actions.map(\.id) == ["createUser", "suspendUser", "addGroupMember"])
        #expect(actions.map(\.method) == ["POST", "PUT", "POST"])
        #expect(actions.map(\.success) == [[200, 201], [200], [200]])
        let user = "https://www.googleapis.com/auth/admin.directory.user"
        let member = "https://www.googleapis.com/auth/admin.directory.group.member"
        #expect(actions.map(\.scopes) == [[user], [user], [member]])
        #expect(actions.map(\.destructive) == [false, true, false])
        let create = GoogleWorkspace.OauthAdmin.Actions.createUserOperation
        #expect(create.path == "/users")
        #expect(create.inputs.filter(\.required).map(\.name) == ["primaryEmail", "givenName", "familyName", "password"])
        #expect(create.inputs.filter(\.secret).map(\.name) == ["password"])
        #expect(try wireBody(create, #"{"primaryEmail": "liz@example.com", "givenName": "Elizabeth", "familyName": "Smith", "password": "new-user-password"}"#) == json(
            #"{"primaryEmail": "liz@example.com", "name": {"givenName": "Elizabeth", "familyName": "Smith"}, "password": "new-user-password"}"#))
        let suspend = GoogleWorkspace.OauthAdmin.Actions.suspendUserOperation
        #expect(suspend.path == "/users/{{userKey}}")
        #expect(try wireBody(suspend, #"{"userKey": "liz@example.com"}"#) == json(#"{"suspended": true}"#))
        let join = GoogleWorkspace.OauthAdmin.Actions.addGroupMemberOperation
        #expect(join.path == "/groups/{{groupKey}}/members")
        #expect(try wireBody(join, #"{"groupKey": "eng@example.com", "email": "liz@example.com", "role": "MEMBER"}"#) == json(
            #"{"email": "liz@example.com", "role": "MEMBER"}"#))
        // The oauth variant still requests its read-only scopes, and declares no action.
        let connector = try #require(ConnectorCatalog.connector(id: "google_workspace"))
        let oauth = try #require(connector.authVariants.first { $0.id == "oauth" })
        #expect(oauth.actions.isEmpty)
        #expect(GoogleWorkspace.Oauth.defaultScopes.allSatisfy { $0.rawValue.hasSuffix(".readonly") })
        #expect(GoogleWorkspace.OauthAdmin.defaultScopes.map(\.rawValue).suffix(2) == [user, member])
    }
}
