// The calls CatalogActionHubTests makes, as data: how an account of each action connector is
// linked to its dialect of Tests/Servers/actionserver.py (EmulatedLink), and for each catalog
// action and bound unified operation no other suite runs through the Hub, its inputs, the
// records seeded first, the one request the provider must receive and what must come of it
// (CatalogWrite).
import ConnectorHub
import Foundation
import HTTPTypes
import Testing

/// How the tests link an account of a connector to the action emulation.
struct EmulatedLink: Sendable {
    var variant: String
    var values: [String: String]
    /// The connector's hosts (API, token endpoint) the Hub sends to the emulation.
    var hosts: [String]
    /// The dialect's path segment in actionserver.py (`/k/<key>/<dialect>`); nil for the Okta and
    /// SCIM dialects, which answer under `/k/<key>` directly.
    var dialect: String?
    /// For an authorization-code variant (which `importAccount` does not link): the provider's
    /// OAuth paths on the Authlib emulation, the hosts pointed at it (authorize, token) and its
    /// client authentication. The account is then linked through the Hub's pages, and the dialect
    /// takes the access token the emulation issued.
    var oauth: ProviderPaths? = nil
    var oauthHosts: [String] = []
    var oauthClientAuth = "client_secret_basic"

    /// The values no log may hold: every credential the link was made with.
    var secrets: [String] {
        values.filter { ["key", "secret", "token"].contains(where: $0.key.lowercased().contains) }.map(\.value)
    }

    static let all: [String: EmulatedLink] = [
        "ashby": .init(variant: "api_key", values: ["apiKey": "test-key"], hosts: ["api.ashbyhq.com"], dialect: "ashby"),
        "bamboohr": .init(variant: "api_key", values: ["companyDomain": "acme", "apiKey": "test-key"], hosts: ["api.bamboohr.com"], dialect: "bamboohr"),
        "clerk": .init(variant: "secret_key", values: ["secretKey": "test-key"], hosts: ["api.clerk.com"], dialect: "clerk"),
        "fusionauth": .init(
            variant: "api_key", values: ["serverURL": "https://auth.acme.example", "apiKey": "test-key"], hosts: ["auth.acme.example"],
            dialect: "fusionauth"),
        "github": .init(variant: "personal_access_token", values: ["accessToken": "test-key"], hosts: ["api.github.com"], dialect: "github"),
        // The administrators' variant (authorization code): linked through the Hub's pages against
        // the Authlib emulation at Google's OAuth paths; the API host goes to the dialect.
        "google_workspace": .init(
            variant: "oauth_admin", values: ["domain": "acme.example"], hosts: ["admin.googleapis.com"], dialect: "google_workspace",
            oauth: ProviderPaths(authorize: "/o/oauth2/v2/auth", token: "/token", revoke: "/revoke"),
            oauthHosts: ["accounts.google.com", "oauth2.googleapis.com"], oauthClientAuth: "client_secret_post"),
        "hibob": .init(
            variant: "service_user", values: ["serviceUserId": "SERVICE-ADA", "serviceUserToken": "test-key"], hosts: ["api.hibob.com"],
            dialect: "hibob"),
        "jumpcloud": .init(
            variant: "api_key", values: ["region": "console.jumpcloud.com", "apiKey": "test-key"], hosts: ["console.jumpcloud.com"],
            dialect: "jumpcloud"),
        "keycloak": .init(
            variant: "client_credentials",
            values: ["serverURL": "https://sso.acme.example", "realm": "acme", "clientId": "hub", "clientSecret": "kc-client-secret-1"],
            hosts: ["sso.acme.example"], dialect: "keycloak"),
        "lever": .init(variant: "api_key", values: ["apiKey": "test-key"], hosts: ["api.lever.co"], dialect: "lever"),
        "microsoft_entra_id": .init(
            variant: "client_credentials",
            values: ["tenant": "acme.onmicrosoft.com", "appClientId": "entra-client", "appClientSecret": "entra-client-secret-1"],
            hosts: ["graph.microsoft.com", "login.microsoftonline.com"], dialect: "microsoft_entra_id"),
        "okta": .init(
            variant: "api_token", values: ["oktaDomain": ActionEmulatedOkta.domain, "apiToken": "test-key"], hosts: [ActionEmulatedOkta.domain],
            dialect: nil),
        "onelogin": .init(
            variant: "client_credentials", values: ["subdomain": "acme", "clientId": "ol-client", "clientSecret": "ol-client-secret-1"],
            hosts: ["acme.onelogin.com"], dialect: "onelogin"),
        "scim": .init(
            variant: "bearer_token", values: ["scimBaseURL": "https://scim.acme.example/scim/v2", "token": "test-key"],
            hosts: ["scim.acme.example"], dialect: nil),
        "smartsheet_iam": .init(
            variant: "access_token", values: ["region": "smartsheet.com", "accessToken": "test-key"], hosts: ["api.smartsheet.com"],
            dialect: "smartsheet_iam"),
        "spotdraft": .init(
            variant: "client_credentials", values: ["region": "us", "clientId": "sd-client", "clientSecret": "test-key"],
            hosts: ["api.us.spotdraft.com"], dialect: "spotdraft"),
        "teamtailor": .init(
            variant: "api_key", values: ["apiHost": "api.teamtailor.com", "apiKey": "test-key"], hosts: ["api.teamtailor.com"],
            dialect: "teamtailor"),
        "workable": .init(variant: "api_token", values: ["subdomain": "acme", "apiToken": "test-key"], hosts: ["acme.workable.com"], dialect: "workable"),
        "zoom": .init(
            variant: "server_to_server", values: ["accountId": "acme-account", "clientId": "zm-client", "clientSecret": "zm-client-secret-1"],
            hosts: ["api.zoom.us", "zoom.us"], dialect: "zoom"),
    ]
}

/// One call through the Hub and what must come of it. JSON is written as text: `inputs` the
/// request's inputs, `seed` the records the emulation holds before, `body` what the provider must
/// receive (nil: no body), `answer` and `stored` JSON pointers into the Hub's answer and into the
/// emulation's records afterwards with the value each must have (`null`: absent).
struct CatalogWrite: Sendable, CustomTestStringConvertible {
    var connector: String
    /// `actions/<id>` or `unified/<model>/operations/<operation>`.
    var call: String
    var inputs: String
    var destructive = false
    var seed: String?
    /// `METHOD path?query` of the one request the provider must receive.
    var write: String
    var body: String?
    var answer: String
    var stored = "{}"

    var testDescription: String { connector + " " + logName }

    /// The action log's name of the call: the action's id, or `<model>.<operation>`.
    var logName: String {
        let parts = call.split(separator: "/").map(String.init)
        return parts[0] == "actions" ? parts[1] : parts[1] + "." + parts[3]
    }
}

// The people and records the calls write: personal values the log must never hold.
private let email = "ada.lovelace@example.com"
/// A secret input (Entra's initial password): it holds "Augusta", which no log or answer may hold.
private let password = "Augusta-Tr0ub4dor&3"
private let entraGroup = #"{"id": "02bd9fd6-8f93-4758-87c3-1fb73740a315", "displayName": "Engineering", "members": []}"#
private let scimUser = #"{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "2819c223-7f76-453a-919d-413861904646", "userName": "grace@example.com", "name": {}, "active": true, "meta": {"resourceType": "User"}}"#
private let scimGroup = #"{"id": "e9e30dba-f08f-4109-8486-d5c6a331660a", "displayName": "Engineering", "members": []}"#

extension CatalogWrite {
    /// The catalog's actions not run through the Hub by another suite: 45 of its 50.
    static let actions: [CatalogWrite] = [
        // Ashby answers 200 {"success": true, "results": ...}; its refusals are 200 too (CatalogValidationHubTests).
        .init(
            connector: "ashby", call: "actions/createCandidate",
            inputs: #"{"name": "Augusta Lovelace", "email": "\#(email)", "phoneNumber": "+44 20 7946 0000", "linkedInUrl": "https://www.linkedin.com/in/ada"}"#,
            write: "POST /candidate.create",
            body: #"{"name": "Augusta Lovelace", "email": "\#(email)", "phoneNumber": "+44 20 7946 0000", "linkedInUrl": "https://www.linkedin.com/in/ada"}"#,
            answer: #"{"/providerStatus": 200, "/record/id": "5b591aac-0000-4000-8000-000000000001", "/record/name": "Augusta Lovelace"}"#,
            stored: #"{"/0/email": "\#(email)"}"#),
        .init(
            connector: "ashby", call: "actions/changeApplicationStage",
            inputs: #"{"applicationId": "3ae2b801-19f6-41ef-ad28-214bd731948f", "interviewStageId": "2b0c3e5b-5d1f-4e2a-9c3b-0f6e1d2a3b4c"}"#,
            seed: #"[{"id": "3ae2b801-19f6-41ef-ad28-214bd731948f", "status": "Active", "candidate": {"id": "5b591aac-0000-4000-8000-000000000007"}, "currentInterviewStage": {"id": "first-stage", "title": "Application Review"}}]"#,
            write: "POST /application.changeStage",
            body: #"{"applicationId": "3ae2b801-19f6-41ef-ad28-214bd731948f", "interviewStageId": "2b0c3e5b-5d1f-4e2a-9c3b-0f6e1d2a3b4c"}"#,
            answer: #"{"/providerStatus": 200, "/record/id": "3ae2b801-19f6-41ef-ad28-214bd731948f", "/record/currentInterviewStage/id": "2b0c3e5b-5d1f-4e2a-9c3b-0f6e1d2a3b4c"}"#,
            stored: #"{"/0/currentInterviewStage/id": "2b0c3e5b-5d1f-4e2a-9c3b-0f6e1d2a3b4c"}"#),
        .init(
            connector: "bamboohr", call: "actions/createEmployee",
            inputs: #"{"firstName": "Augusta", "lastName": "Lovelace", "workEmail": "\#(email)", "jobTitle": "Analyst", "hireDate": "2027-01-04"}"#,
            write: "POST /api/gateway.php/acme/v1/employees/",
            body: #"{"firstName": "Augusta", "lastName": "Lovelace", "workEmail": "\#(email)", "jobTitle": "Analyst", "hireDate": "2027-01-04"}"#,
            answer: #"{"/action": "createEmployee", "/providerStatus": 201, "/record": null}"#, stored: #"{"/0/workEmail": "\#(email)"}"#),
        .init(
            connector: "bamboohr", call: "actions/updateEmployee",
            inputs: #"{"id": "7", "preferredName": "Augusta", "homeEmail": "\#(email)", "location": "London"}"#,
            seed: #"[{"id": "7", "firstName": "Grace", "lastName": "Hopper", "location": "Arlington"}]"#,
            write: "POST /api/gateway.php/acme/v1/employees/7",
            body: #"{"preferredName": "Augusta", "homeEmail": "\#(email)", "location": "London"}"#,
            answer: #"{"/action": "updateEmployee", "/providerStatus": 200, "/record": null}"#,
            stored: #"{"/0/preferredName": "Augusta", "/0/homeEmail": "\#(email)", "/0/location": "London", "/0/firstName": "Grace"}"#),
        .init(
            connector: "clerk", call: "actions/createUser",
            inputs: #"{"emailAddress": ["\#(email)"], "username": "ada.lovelace", "firstName": "Augusta", "lastName": "Lovelace", "skipPasswordRequirement": true}"#,
            write: "POST /v1/users",
            body: #"{"email_address": ["\#(email)"], "username": "ada.lovelace", "first_name": "Augusta", "last_name": "Lovelace", "skip_password_requirement": true}"#,
            answer: #"{"/providerStatus": 200, "/record/id": "user_1", "/record/username": "ada.lovelace", "/record/banned": false}"#,
            stored: #"{"/0/id": "user_1"}"#),
        .init(
            connector: "clerk", call: "actions/banUser", inputs: #"{"userId": "user_7"}"#, destructive: true,
            seed: #"[{"id": "user_7", "object": "user", "username": "grace", "banned": false}]"#, write: "POST /v1/users/user_7/ban",
            answer: #"{"/providerStatus": 200, "/record/id": "user_7", "/record/banned": true}"#, stored: #"{"/0/banned": true}"#),
        .init(
            connector: "clerk", call: "actions/deleteUser", inputs: #"{"userId": "user_7"}"#, destructive: true,
            seed: #"[{"id": "user_7", "object": "user", "username": "grace"}]"#, write: "DELETE /v1/users/user_7",
            answer: #"{"/providerStatus": 200, "/record": null}"#, stored: #"{"": []}"#),
        .init(
            connector: "fusionauth", call: "actions/createUser",
            inputs: #"{"email": "\#(email)", "username": "ada.lovelace", "firstName": "Augusta", "lastName": "Lovelace", "sendSetPasswordEmail": true, "skipVerification": true}"#,
            write: "POST /api/user",
            body: #"{"user": {"email": "\#(email)", "username": "ada.lovelace", "firstName": "Augusta", "lastName": "Lovelace"}, "sendSetPasswordEmail": true, "skipVerification": true}"#,
            answer: #"{"/providerStatus": 200, "/record/id": "00000000-0000-0001-0000-000000000001", "/record/email": "\#(email)", "/record/active": true}"#,
            stored: #"{"/0/username": "ada.lovelace"}"#),
        .init(
            connector: "fusionauth", call: "actions/deleteUser", inputs: #"{"userId": "00000000-0000-0001-0000-000000000007", "hardDelete": true}"#,
            destructive: true, seed: #"[{"id": "00000000-0000-0001-0000-000000000007", "email": "grace@example.com"}]"#,
            write: "DELETE /api/user/00000000-0000-0001-0000-000000000007?hardDelete=true",
            answer: #"{"/providerStatus": 200}"#, stored: #"{"": []}"#),
        .init(
            connector: "github", call: "actions/setOrganizationMembership", inputs: #"{"org": "acme", "username": "octocat", "role": "member"}"#,
            write: "PUT /orgs/acme/memberships/octocat", body: #"{"role": "member"}"#,
            answer: #"{"/providerStatus": 200, "/record": null}"#, stored: #"{"/0/state": "pending", "/0/role": "member"}"#),
        .init(
            connector: "github", call: "actions/removeOrganizationMembership", inputs: #"{"org": "acme", "username": "octocat"}"#,
            destructive: true, seed: #"[{"id": "acme/octocat", "state": "active", "role": "member"}]"#,
            write: "DELETE /orgs/acme/memberships/octocat", answer: #"{"/providerStatus": 204}"#, stored: #"{"": []}"#),
        // Google's Admin SDK, the oauth_admin variant linked through the Hub's pages; the initial
        // password is a secret input: never in the log, and the dialect never keeps or answers it.
        .init(
            connector: "google_workspace", call: "actions/createUser",
            inputs: #"{"primaryEmail": "\#(email)", "givenName": "Augusta", "familyName": "Lovelace", "password": "\#(password)"}"#,
            write: "POST /admin/directory/v1/users",
            body: #"{"primaryEmail": "\#(email)", "name": {"givenName": "Augusta", "familyName": "Lovelace"}, "password": "\#(password)"}"#,
            answer: #"{"/providerStatus": 200, "/record/id": "118234567890123400001", "/record/primaryEmail": "\#(email)", "/record/suspended": false, "/record/password": null}"#,
            stored: #"{"/0/primaryEmail": "\#(email)", "/0/password": null}"#),
        .init(
            connector: "google_workspace", call: "actions/suspendUser", inputs: #"{"userKey": "118234567890123400007"}"#, destructive: true,
            seed: #"[{"id": "118234567890123400007", "primaryEmail": "grace@example.com", "suspended": false}]"#,
            write: "PUT /admin/directory/v1/users/118234567890123400007", body: #"{"suspended": true}"#,
            answer: #"{"/providerStatus": 200, "/record/id": "118234567890123400007", "/record/suspended": true}"#, stored: #"{"/0/suspended": true}"#),
        .init(
            connector: "google_workspace", call: "actions/addGroupMember",
            inputs: #"{"groupKey": "03x8tuzt1lbm7q0", "email": "grace@example.com", "role": "MEMBER"}"#,
            seed: #"[{"id": "03x8tuzt1lbm7q0", "email": "engineering@acme.example"}, {"id": "118234567890123400007", "primaryEmail": "grace@example.com"}]"#,
            write: "POST /admin/directory/v1/groups/03x8tuzt1lbm7q0/members", body: #"{"email": "grace@example.com", "role": "MEMBER"}"#,
            answer: #"{"/providerStatus": 200}"#, stored: #"{"/0/members": ["118234567890123400007"]}"#),
        .init(
            connector: "hibob", call: "actions/createEmployee",
            inputs: #"{"email": "\#(email)", "firstName": "Augusta", "surname": "Lovelace", "site": "London", "startDate": "2027-01-04", "department": "Engineering", "title": "Analyst"}"#,
            write: "POST /v1/people",
            body: #"{"email": "\#(email)", "firstName": "Augusta", "surname": "Lovelace", "work": {"site": "London", "startDate": "2027-01-04", "department": "Engineering", "title": "Analyst"}}"#,
            answer: #"{"/providerStatus": 200, "/record": null}"#, stored: #"{"/0/id": "300000001", "/0/work/site": "London"}"#),
        .init(
            connector: "hibob", call: "actions/updateEmployee", inputs: #"{"id": "3000007", "firstName": "Augusta", "surname": "Lovelace"}"#,
            seed: #"[{"id": "3000007", "firstName": "Grace", "surname": "Hopper", "email": "grace@example.com"}]"#,
            write: "PUT /v1/people/3000007", body: #"{"firstName": "Augusta", "surname": "Lovelace"}"#,
            answer: #"{"/action": "updateEmployee", "/providerStatus": 200, "/record": null}"#,
            stored: #"{"/0/firstName": "Augusta", "/0/surname": "Lovelace", "/0/email": "grace@example.com"}"#),
        .init(
            connector: "jumpcloud", call: "actions/createUser",
            inputs: #"{"username": "ada.lovelace", "email": "\#(email)", "firstname": "Augusta", "lastname": "Lovelace"}"#,
            write: "POST /api/systemusers", body: #"{"username": "ada.lovelace", "email": "\#(email)", "firstname": "Augusta", "lastname": "Lovelace"}"#,
            answer: #"{"/providerStatus": 200, "/record/_id": "5f0c00000000000000000001", "/record/state": "ACTIVATED"}"#,
            stored: #"{"/0/email": "\#(email)"}"#),
        .init(
            connector: "jumpcloud", call: "actions/deleteUser", inputs: #"{"userId": "5f0c00000000000000000007"}"#, destructive: true,
            seed: #"[{"_id": "5f0c00000000000000000007", "username": "grace"}]"#, write: "DELETE /api/systemusers/5f0c00000000000000000007",
            answer: #"{"/providerStatus": 200, "/record": null}"#, stored: #"{"": []}"#),
        .init(
            connector: "jumpcloud", call: "actions/addUserToGroup", inputs: #"{"groupId": "64f0aa0000000000000000a1", "userId": "5f0c00000000000000000007"}"#,
            seed: #"[{"_id": "5f0c00000000000000000007", "username": "grace"}, {"id": "64f0aa0000000000000000a1", "name": "Engineering"}]"#,
            write: "POST /api/v2/usergroups/64f0aa0000000000000000a1/members",
            body: #"{"op": "add", "type": "user", "id": "5f0c00000000000000000007"}"#,
            answer: #"{"/providerStatus": 204}"#, stored: #"{"/1/members": ["5f0c00000000000000000007"]}"#),
        .init(
            connector: "keycloak", call: "actions/createUser",
            inputs: #"{"username": "ada.lovelace", "email": "\#(email)", "firstName": "Augusta", "lastName": "Lovelace", "enabled": true, "emailVerified": false}"#,
            write: "POST /admin/realms/acme/users",
            body: #"{"username": "ada.lovelace", "email": "\#(email)", "firstName": "Augusta", "lastName": "Lovelace", "enabled": true, "emailVerified": false}"#,
            answer: #"{"/providerStatus": 201, "/record": null}"#, stored: #"{"/0/username": "ada.lovelace"}"#),
        .init(
            connector: "keycloak", call: "actions/updateUser", inputs: #"{"userId": "kc-user-7", "firstName": "Augusta", "email": "\#(email)"}"#,
            seed: #"[{"id": "kc-user-7", "username": "grace", "enabled": true}]"#, write: "PUT /admin/realms/acme/users/kc-user-7",
            body: #"{"firstName": "Augusta", "email": "\#(email)"}"#, answer: #"{"/providerStatus": 204}"#,
            stored: #"{"/0/firstName": "Augusta", "/0/username": "grace"}"#),
        .init(
            connector: "keycloak", call: "actions/disableUser", inputs: #"{"userId": "kc-user-7"}"#, destructive: true,
            seed: #"[{"id": "kc-user-7", "username": "grace", "enabled": true}]"#, write: "PUT /admin/realms/acme/users/kc-user-7",
            body: #"{"enabled": false}"#, answer: #"{"/providerStatus": 204}"#, stored: #"{"/0/enabled": false}"#),
        .init(
            connector: "keycloak", call: "actions/addUserToGroup", inputs: #"{"userId": "kc-user-7", "groupId": "kc-group-1"}"#,
            seed: #"[{"id": "kc-user-7", "username": "grace"}, {"id": "kc-group-1", "name": "Engineering"}]"#,
            write: "PUT /admin/realms/acme/users/kc-user-7/groups/kc-group-1", answer: #"{"/providerStatus": 204}"#,
            stored: #"{"/1/members": ["kc-user-7"]}"#),
        .init(
            connector: "keycloak", call: "actions/deleteUser", inputs: #"{"userId": "kc-user-7"}"#, destructive: true,
            seed: #"[{"id": "kc-user-7", "username": "grace"}]"#, write: "DELETE /admin/realms/acme/users/kc-user-7",
            answer: #"{"/providerStatus": 204}"#, stored: #"{"": []}"#),
        .init(
            connector: "lever", call: "actions/createOpportunity",
            inputs: #"{"performAs": "8d49b010-0000-4000-8000-000000000001", "name": "Augusta Lovelace", "headline": "Analyst", "emails": ["\#(email)"], "origin": "sourced"}"#,
            write: "POST /v1/opportunities?perform_as=8d49b010-0000-4000-8000-000000000001",
            body: #"{"name": "Augusta Lovelace", "headline": "Analyst", "emails": ["\#(email)"], "origin": "sourced"}"#,
            answer: #"{"/providerStatus": 201, "/record/id": "250d8f03-0000-4000-8000-000000000001", "/record/stage": "lead-new"}"#,
            stored: #"{"/0/origin": "sourced"}"#),
        .init(
            connector: "okta", call: "actions/addUserToGroup", inputs: #"{"groupId": "00g1", "userId": "00u7"}"#,
            seed: #"[{"id": "00u7", "status": "ACTIVE", "profile": {"login": "grace@example.com"}}]"#,
            write: "PUT /api/v1/groups/00g1/users/00u7", answer: #"{"/providerStatus": 204}"#, stored: #"{"/0/groups": ["00g1"]}"#),
        // Microsoft Graph, the application variant; the initial password is a secret input: never in the log.
        .init(
            connector: "microsoft_entra_id", call: "actions/createUser",
            inputs: #"{"userPrincipalName": "ada.lovelace@acme.onmicrosoft.com", "displayName": "Augusta Lovelace", "mailNickname": "ada.lovelace", "password": "\#(password)"}"#,
            write: "POST /v1.0/users",
            body: #"{"accountEnabled": true, "passwordProfile": {"forceChangePasswordNextSignIn": true, "password": "\#(password)"}, "userPrincipalName": "ada.lovelace@acme.onmicrosoft.com", "displayName": "Augusta Lovelace", "mailNickname": "ada.lovelace"}"#,
            answer: #"{"/providerStatus": 201, "/record/id": "6e7b768e-07e2-4810-8459-000000000001", "/record/displayName": "Augusta Lovelace", "/record/passwordProfile": null}"#,
            stored: #"{"/0/userPrincipalName": "ada.lovelace@acme.onmicrosoft.com", "/0/passwordProfile": null}"#),
        .init(
            connector: "microsoft_entra_id", call: "actions/disableUser", inputs: #"{"userId": "6e7b768e-07e2-4810-8459-000000000007"}"#, destructive: true,
            seed: #"[{"id": "6e7b768e-07e2-4810-8459-000000000007", "displayName": "Grace Hopper", "accountEnabled": true}]"#,
            write: "PATCH /v1.0/users/6e7b768e-07e2-4810-8459-000000000007", body: #"{"accountEnabled": false}"#,
            answer: #"{"/providerStatus": 204, "/record": null}"#, stored: #"{"/0/accountEnabled": false}"#),
        .init(
            connector: "microsoft_entra_id", call: "actions/addUserToGroup",
            inputs: #"{"groupId": "02bd9fd6-8f93-4758-87c3-1fb73740a315", "memberRef": "https://graph.microsoft.com/v1.0/directoryObjects/6e7b768e-07e2-4810-8459-000000000007"}"#,
            seed: #"[\#(entraGroup), {"id": "6e7b768e-07e2-4810-8459-000000000007", "displayName": "Grace Hopper"}]"#,
            write: "POST /v1.0/groups/02bd9fd6-8f93-4758-87c3-1fb73740a315/members/$ref",
            body: #"{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/6e7b768e-07e2-4810-8459-000000000007"}"#,
            answer: #"{"/providerStatus": 204, "/record": null}"#, stored: #"{"/0/members": ["6e7b768e-07e2-4810-8459-000000000007"]}"#),
        .init(
            connector: "onelogin", call: "actions/createUser",
            inputs: #"{"username": "ada.lovelace", "email": "\#(email)", "firstname": "Augusta", "lastname": "Lovelace", "title": "Analyst", "department": "Engineering", "mappings": "sync"}"#,
            write: "POST /api/2/users?mappings=sync",
            body: #"{"username": "ada.lovelace", "email": "\#(email)", "firstname": "Augusta", "lastname": "Lovelace", "title": "Analyst", "department": "Engineering"}"#,
            answer: #"{"/providerStatus": 200, "/record/id": 1001, "/record/username": "ada.lovelace"}"#, stored: #"{"/0/id": 1001}"#),
        .init(
            connector: "onelogin", call: "actions/updateUser", inputs: #"{"userId": 7, "title": "Lead analyst"}"#,
            seed: #"[{"id": 7, "username": "grace", "title": "Analyst"}]"#, write: "PUT /api/2/users/7", body: #"{"title": "Lead analyst"}"#,
            answer: #"{"/providerStatus": 200, "/record/id": 7, "/record/title": "Lead analyst"}"#, stored: #"{"/0/title": "Lead analyst"}"#),
        .init(
            connector: "onelogin", call: "actions/deleteUser", inputs: #"{"userId": 7}"#, destructive: true,
            seed: #"[{"id": 7, "username": "grace"}]"#, write: "DELETE /api/2/users/7", answer: #"{"/providerStatus": 204}"#, stored: #"{"": []}"#),
        .init(
            connector: "scim", call: "actions/replaceUser",
            inputs: #"{"userId": "2819c223-7f76-453a-919d-413861904646", "userName": "\#(email)", "givenName": "Augusta", "familyName": "Lovelace", "active": true}"#,
            seed: "[\(scimUser)]", write: "PUT /scim/v2/Users/2819c223-7f76-453a-919d-413861904646",
            body: #"{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "\#(email)", "name": {"givenName": "Augusta", "familyName": "Lovelace"}, "active": true}"#,
            answer: #"{"/providerStatus": 200, "/record/id": "2819c223-7f76-453a-919d-413861904646", "/record/userName": "\#(email)", "/record/name/givenName": "Augusta"}"#,
            stored: #"{"/0/userName": "\#(email)"}"#),
        .init(
            connector: "scim", call: "actions/deleteUser", inputs: #"{"userId": "2819c223-7f76-453a-919d-413861904646"}"#, destructive: true,
            seed: "[\(scimUser)]", write: "DELETE /scim/v2/Users/2819c223-7f76-453a-919d-413861904646",
            answer: #"{"/providerStatus": 204}"#, stored: #"{"": []}"#),
        .init(
            connector: "scim", call: "actions/addUserToGroup",
            inputs: #"{"groupId": "e9e30dba-f08f-4109-8486-d5c6a331660a", "userId": "2819c223-7f76-453a-919d-413861904646"}"#,
            seed: "[\(scimUser), \(scimGroup)]", write: "PATCH /scim/v2/Groups/e9e30dba-f08f-4109-8486-d5c6a331660a",
            body: #"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "add", "path": "members", "value": [{"value": "2819c223-7f76-453a-919d-413861904646"}]}]}"#,
            answer: #"{"/providerStatus": 200}"#, stored: #"{"/1/members": [{"value": "2819c223-7f76-453a-919d-413861904646"}]}"#),
        .init(
            connector: "smartsheet_iam", call: "actions/updateUser", inputs: #"{"userId": 7, "firstName": "Augusta", "admin": true}"#,
            seed: #"[{"id": 7, "email": "grace@example.com", "admin": false, "status": "ACTIVE"}]"#, write: "PUT /2.0/users/7",
            body: #"{"firstName": "Augusta", "admin": true}"#,
            answer: #"{"/providerStatus": 200, "/record/id": 7, "/record/admin": true, "/record/email": "grace@example.com"}"#,
            stored: #"{"/0/firstName": "Augusta"}"#),
        .init(
            connector: "smartsheet_iam", call: "actions/removeUser", inputs: #"{"userId": 7, "transferTo": 8, "transferSheets": true}"#,
            destructive: true, seed: #"[{"id": 7, "email": "grace@example.com"}, {"id": 8, "email": "alan@example.com"}]"#,
            write: "DELETE /2.0/users/7?transferTo=8&transferSheets=true", answer: #"{"/providerStatus": 200}"#,
            stored: #"{"/0/id": 8, "/1": null}"#),
        .init(
            connector: "spotdraft", call: "actions/createUser",
            inputs: #"{"email": "\#(email)", "firstName": "Augusta", "lastName": "Lovelace", "roles": [3]}"#,
            write: "POST /api/v1/public/auth/users",
            body: #"{"username": "\#(email)", "first_name": "Augusta", "last_name": "Lovelace", "roles": [3]}"#,
            answer: #"{"/providerStatus": 201, "/record/id": 1001, "/record/username": "\#(email)"}"#, stored: #"{"/0/roles": [3]}"#),
        .init(
            connector: "spotdraft", call: "actions/updateUserRoles", inputs: #"{"userId": 7, "roles": [3, 5]}"#,
            seed: #"[{"id": 7, "email": "grace@example.com", "roles": [3], "is_active": true}]"#, write: "PATCH /api/v1/public/auth/users/7",
            body: #"{"roles": [3, 5]}"#, answer: #"{"/providerStatus": 200}"#, stored: #"{"/0/roles": [3, 5]}"#),
        .init(
            connector: "spotdraft", call: "actions/deactivateUser", inputs: #"{"userId": 7}"#, destructive: true,
            seed: #"[{"id": 7, "email": "grace@example.com", "is_active": true}]"#, write: "DELETE /api/v1/public/auth/users/7",
            answer: #"{"/providerStatus": 204}"#, stored: #"{"/0/is_active": false}"#),
        // Teamtailor's JSON:API document, sent as application/vnd.api+json (the dialect answers 415 otherwise).
        .init(
            connector: "teamtailor", call: "actions/createCandidate",
            inputs: #"{"firstName": "Augusta", "lastName": "Lovelace", "email": "\#(email)", "phone": "+44 20 7946 0000", "merge": true}"#,
            write: "POST /v1/candidates",
            body: #"{"data": {"type": "candidates", "attributes": {"first-name": "Augusta", "last-name": "Lovelace", "email": "\#(email)", "phone": "+44 20 7946 0000", "merge": true}}}"#,
            answer: #"{"/providerStatus": 201, "/record/id": "1", "/record/type": "candidates", "/record/attributes/first-name": "Augusta"}"#,
            stored: #"{"/0/attributes/email": "\#(email)"}"#),
        .init(
            connector: "workable", call: "actions/createCandidate",
            inputs: #"{"shortcode": "GROOV005", "name": "Augusta Lovelace", "firstname": "Augusta", "lastname": "Lovelace", "email": "\#(email)", "sourced": true}"#,
            write: "POST /spi/v3/jobs/GROOV005/candidates",
            body: #"{"candidate": {"name": "Augusta Lovelace", "firstname": "Augusta", "lastname": "Lovelace", "email": "\#(email)"}, "sourced": true}"#,
            answer: #"{"/providerStatus": 201, "/record/id": "ce40001", "/record/stage": "Applied"}"#, stored: #"{"/0/email": "\#(email)"}"#),
        .init(
            connector: "zoom", call: "actions/createUser",
            inputs: #"{"email": "\#(email)", "type": 1, "firstName": "Augusta", "lastName": "Lovelace"}"#,
            write: "POST /v2/users",
            body: #"{"action": "create", "user_info": {"email": "\#(email)", "type": 1, "first_name": "Augusta", "last_name": "Lovelace"}}"#,
            answer: #"{"/providerStatus": 201, "/record/id": "KDcuGIm1QgePTO8WbOq001", "/record/type": 1}"#, stored: #"{"/0/email": "\#(email)"}"#),
        .init(
            connector: "zoom", call: "actions/deactivateUser", inputs: #"{"userId": "KDcuGIm1QgePTO8WbOq007"}"#, destructive: true,
            seed: #"[{"id": "KDcuGIm1QgePTO8WbOq007", "status": "active"}]"#, write: "PUT /v2/users/KDcuGIm1QgePTO8WbOq007/status",
            body: #"{"action": "deactivate"}"#, answer: #"{"/providerStatus": 204}"#, stored: #"{"/0/status": "inactive"}"#),
        .init(
            connector: "zoom", call: "actions/deleteUser", inputs: #"{"userId": "KDcuGIm1QgePTO8WbOq007", "action": "disassociate"}"#,
            destructive: true, seed: #"[{"id": "KDcuGIm1QgePTO8WbOq007", "status": "active"}]"#,
            write: "DELETE /v2/users/KDcuGIm1QgePTO8WbOq007?action=disassociate", answer: #"{"/providerStatus": 204}"#, stored: #"{"": []}"#),
    ]

    /// The unified operations specs bind that no other suite runs through the Hub: 25.
    static let unified: [CatalogWrite] = [
        .init(
            connector: "ashby", call: "unified/ats.candidate/operations/create",
            inputs: #"{"firstName": "Augusta", "lastName": "Lovelace", "email": "\#(email)", "phoneNumbers": ["+44 20 7946 0000"]}"#,
            write: "POST /candidate.create",
            body: #"{"name": "Augusta Lovelace", "email": "\#(email)", "phoneNumber": "+44 20 7946 0000"}"#,
            answer: #"{"/model": "ats.candidate", "/action": "createCandidate", "/id": "5b591aac-0000-4000-8000-000000000001", "/record/name": "Augusta Lovelace"}"#),
        .init(
            connector: "ashby", call: "unified/ats.application/operations/moveStage",
            inputs: #"{"id": "3ae2b801-19f6-41ef-ad28-214bd731948f", "stage": "2b0c3e5b-5d1f-4e2a-9c3b-0f6e1d2a3b4c"}"#,
            seed: #"[{"id": "3ae2b801-19f6-41ef-ad28-214bd731948f", "status": "Active", "candidate": {"id": "5b591aac-0000-4000-8000-000000000007"}, "currentInterviewStage": {"id": "first-stage", "title": "Application Review"}}]"#,
            write: "POST /application.changeStage",
            body: #"{"applicationId": "3ae2b801-19f6-41ef-ad28-214bd731948f", "interviewStageId": "2b0c3e5b-5d1f-4e2a-9c3b-0f6e1d2a3b4c"}"#,
            answer: #"{"/model": "ats.application", "/action": "changeApplicationStage", "/id": "3ae2b801-19f6-41ef-ad28-214bd731948f", "/record/status": {"value": "active", "sourceValue": "Active"}, "/record/candidate": "5b591aac-0000-4000-8000-000000000007", "/conversionError": null}"#,
            stored: #"{"/0/currentInterviewStage/id": "2b0c3e5b-5d1f-4e2a-9c3b-0f6e1d2a3b4c"}"#),
        .init(
            connector: "bamboohr", call: "unified/hris.employee/operations/update",
            inputs: #"{"id": "7", "firstName": "Augusta", "personalEmail": "\#(email)", "workLocation": "London"}"#,
            seed: #"[{"id": "7", "firstName": "Grace", "lastName": "Hopper", "location": "Arlington"}]"#,
            write: "POST /api/gateway.php/acme/v1/employees/7",
            body: #"{"firstName": "Augusta", "homeEmail": "\#(email)", "location": "London"}"#,
            answer: #"{"/model": "hris.employee", "/action": "updateEmployee", "/providerStatus": 200, "/record": null}"#,
            stored: #"{"/0/firstName": "Augusta", "/0/homeEmail": "\#(email)", "/0/location": "London", "/0/lastName": "Hopper"}"#),
        .init(
            connector: "clerk", call: "unified/iam.user/operations/create",
            inputs: #"{"userName": "ada.lovelace", "givenName": "Augusta", "familyName": "Lovelace"}"#,
            write: "POST /v1/users", body: #"{"username": "ada.lovelace", "first_name": "Augusta", "last_name": "Lovelace"}"#,
            answer: #"{"/action": "createUser", "/id": "user_1", "/record/userName": "ada.lovelace", "/record/givenName": "Augusta", "/record/remote/object": "user", "/conversionError": null}"#),
        .init(
            connector: "clerk", call: "unified/iam.user/operations/deactivate", inputs: #"{"id": "user_7"}"#, destructive: true,
            seed: #"[{"id": "user_7", "object": "user", "username": "grace", "banned": false}]"#, write: "POST /v1/users/user_7/ban",
            answer: #"{"/action": "banUser", "/providerStatus": 200, "/id": "user_7", "/record/userName": "grace", "/record/remote/banned": true}"#,
            stored: #"{"/0/banned": true}"#),
        .init(
            connector: "fusionauth", call: "unified/iam.user/operations/create",
            inputs: #"{"userName": "ada.lovelace", "email": "\#(email)", "givenName": "Augusta", "familyName": "Lovelace"}"#,
            write: "POST /api/user",
            body: #"{"user": {"username": "ada.lovelace", "email": "\#(email)", "firstName": "Augusta", "lastName": "Lovelace"}, "sendSetPasswordEmail": true}"#,
            answer: #"{"/action": "createUser", "/id": "00000000-0000-0001-0000-000000000001", "/record/email": "\#(email)", "/record/active": true, "/conversionError": null}"#),
        .init(
            connector: "fusionauth", call: "unified/iam.user/operations/deactivate", inputs: #"{"id": "00000000-0000-0001-0000-000000000007"}"#,
            destructive: true, seed: #"[{"id": "00000000-0000-0001-0000-000000000007", "email": "grace@example.com"}]"#,
            write: "DELETE /api/user/00000000-0000-0001-0000-000000000007?hardDelete=false",
            answer: #"{"/action": "deleteUser", "/providerStatus": 200, "/record": null}"#, stored: #"{"": []}"#),
        .init(
            connector: "google_workspace", call: "unified/iam.user/operations/deactivate", inputs: #"{"id": "118234567890123400007"}"#,
            destructive: true, seed: #"[{"id": "118234567890123400007", "primaryEmail": "grace@example.com", "suspended": false}]"#,
            write: "PUT /admin/directory/v1/users/118234567890123400007", body: #"{"suspended": true}"#,
            answer: #"{"/model": "iam.user", "/action": "suspendUser", "/providerStatus": 200}"#, stored: #"{"/0/suspended": true}"#),
        .init(
            connector: "hibob", call: "unified/hris.employee/operations/update",
            inputs: #"{"id": "3000007", "lastName": "Lovelace", "workEmail": "\#(email)"}"#,
            seed: #"[{"id": "3000007", "firstName": "Grace", "surname": "Hopper", "email": "grace@example.com"}]"#,
            write: "PUT /v1/people/3000007", body: #"{"surname": "Lovelace"}"#,
            answer: #"{"/model": "hris.employee", "/action": "updateEmployee", "/providerStatus": 200, "/record": null}"#,
            stored: #"{"/0/surname": "Lovelace", "/0/firstName": "Grace", "/0/email": "grace@example.com"}"#),
        .init(
            connector: "jumpcloud", call: "unified/iam.user/operations/create",
            inputs: #"{"userName": "ada.lovelace", "email": "\#(email)", "givenName": "Augusta", "familyName": "Lovelace"}"#,
            write: "POST /api/systemusers", body: #"{"username": "ada.lovelace", "email": "\#(email)", "firstname": "Augusta", "lastname": "Lovelace"}"#,
            answer: #"{"/action": "createUser", "/id": "5f0c00000000000000000001", "/record/status": {"value": "active", "sourceValue": "ACTIVATED"}, "/record/familyName": "Lovelace"}"#),
        .init(
            connector: "jumpcloud", call: "unified/iam.user/operations/addToGroup",
            inputs: #"{"id": "5f0c00000000000000000007", "group": "64f0aa0000000000000000a1"}"#,
            seed: #"[{"_id": "5f0c00000000000000000007", "username": "grace"}, {"id": "64f0aa0000000000000000a1", "name": "Engineering"}]"#,
            write: "POST /api/v2/usergroups/64f0aa0000000000000000a1/members",
            body: #"{"op": "add", "type": "user", "id": "5f0c00000000000000000007"}"#,
            answer: #"{"/action": "addUserToGroup", "/providerStatus": 204, "/record": null}"#,
            stored: #"{"/1/members": ["5f0c00000000000000000007"]}"#),
        .init(
            connector: "keycloak", call: "unified/iam.user/operations/create",
            inputs: #"{"userName": "ada.lovelace", "email": "\#(email)", "givenName": "Augusta", "familyName": "Lovelace"}"#,
            write: "POST /admin/realms/acme/users",
            body: #"{"username": "ada.lovelace", "email": "\#(email)", "firstName": "Augusta", "lastName": "Lovelace"}"#,
            answer: #"{"/action": "createUser", "/providerStatus": 201, "/record": null, "/id": null}"#, stored: #"{"/0/username": "ada.lovelace"}"#),
        .init(
            connector: "keycloak", call: "unified/iam.user/operations/deactivate", inputs: #"{"id": "kc-user-7"}"#, destructive: true,
            seed: #"[{"id": "kc-user-7", "username": "grace", "enabled": true}]"#, write: "PUT /admin/realms/acme/users/kc-user-7",
            body: #"{"enabled": false}"#, answer: #"{"/action": "disableUser", "/providerStatus": 204}"#, stored: #"{"/0/enabled": false}"#),
        .init(
            connector: "keycloak", call: "unified/iam.user/operations/addToGroup", inputs: #"{"id": "kc-user-7", "group": "kc-group-1"}"#,
            seed: #"[{"id": "kc-user-7", "username": "grace"}, {"id": "kc-group-1", "name": "Engineering"}]"#,
            write: "PUT /admin/realms/acme/users/kc-user-7/groups/kc-group-1", answer: #"{"/action": "addUserToGroup", "/providerStatus": 204}"#,
            stored: #"{"/1/members": ["kc-user-7"]}"#),
        .init(
            connector: "okta", call: "unified/iam.user/operations/deactivate", inputs: #"{"id": "00u7"}"#, destructive: true,
            seed: #"[{"id": "00u7", "status": "ACTIVE", "profile": {"login": "grace@example.com"}}]"#,
            write: "POST /api/v1/users/00u7/lifecycle/deactivate",
            answer: #"{"/action": "deactivateUser", "/providerStatus": 200}"#, stored: #"{"/0/status": "DEPROVISIONED"}"#),
        .init(
            connector: "okta", call: "unified/iam.user/operations/addToGroup", inputs: #"{"id": "00u7", "group": "00g1"}"#,
            seed: #"[{"id": "00u7", "status": "ACTIVE", "profile": {"login": "grace@example.com"}}]"#,
            write: "PUT /api/v1/groups/00g1/users/00u7", answer: #"{"/action": "addUserToGroup", "/providerStatus": 204}"#,
            stored: #"{"/0/groups": ["00g1"]}"#),
        .init(
            connector: "microsoft_entra_id", call: "unified/iam.user/operations/deactivate", inputs: #"{"id": "6e7b768e-07e2-4810-8459-000000000007"}"#,
            destructive: true, seed: #"[{"id": "6e7b768e-07e2-4810-8459-000000000007", "displayName": "Grace Hopper", "accountEnabled": true}]"#,
            write: "PATCH /v1.0/users/6e7b768e-07e2-4810-8459-000000000007", body: #"{"accountEnabled": false}"#,
            answer: #"{"/model": "iam.user", "/action": "disableUser", "/providerStatus": 204}"#, stored: #"{"/0/accountEnabled": false}"#),
        .init(
            connector: "microsoft_entra_id", call: "unified/iam.user/operations/addToGroup",
            inputs: #"{"id": "6e7b768e-07e2-4810-8459-000000000007", "group": "02bd9fd6-8f93-4758-87c3-1fb73740a315"}"#,
            seed: #"[\#(entraGroup), {"id": "6e7b768e-07e2-4810-8459-000000000007", "displayName": "Grace Hopper"}]"#,
            write: "POST /v1.0/groups/02bd9fd6-8f93-4758-87c3-1fb73740a315/members/$ref",
            body: #"{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/6e7b768e-07e2-4810-8459-000000000007"}"#,
            answer: #"{"/model": "iam.user", "/action": "addUserToGroup", "/providerStatus": 204}"#,
            stored: #"{"/0/members": ["6e7b768e-07e2-4810-8459-000000000007"]}"#),
        .init(
            connector: "onelogin", call: "unified/iam.user/operations/create",
            inputs: #"{"userName": "ada.lovelace", "email": "\#(email)", "givenName": "Augusta", "familyName": "Lovelace", "title": "Analyst"}"#,
            write: "POST /api/2/users",
            body: #"{"username": "ada.lovelace", "email": "\#(email)", "firstname": "Augusta", "lastname": "Lovelace", "title": "Analyst"}"#,
            answer: #"{"/action": "createUser", "/id": "1001", "/record/userName": "ada.lovelace", "/record/title": "Analyst", "/conversionError": null}"#),
        .init(
            connector: "scim", call: "unified/iam.user/operations/addToGroup",
            inputs: #"{"id": "2819c223-7f76-453a-919d-413861904646", "group": "e9e30dba-f08f-4109-8486-d5c6a331660a"}"#,
            seed: "[\(scimUser), \(scimGroup)]", write: "PATCH /scim/v2/Groups/e9e30dba-f08f-4109-8486-d5c6a331660a",
            body: #"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "add", "path": "members", "value": [{"value": "2819c223-7f76-453a-919d-413861904646"}]}]}"#,
            answer: #"{"/action": "addUserToGroup", "/providerStatus": 200}"#,
            stored: #"{"/1/members": [{"value": "2819c223-7f76-453a-919d-413861904646"}]}"#),
        .init(
            connector: "smartsheet_iam", call: "unified/iam.user/operations/update", inputs: #"{"id": "7", "givenName": "Augusta"}"#,
            seed: #"[{"id": 7, "email": "grace@example.com", "firstName": "Grace", "status": "ACTIVE"}]"#, write: "PUT /2.0/users/7",
            body: #"{"firstName": "Augusta"}"#,
            answer: #"{"/action": "updateUser", "/id": "7", "/record/givenName": "Augusta", "/record/userName": "grace@example.com", "/record/status/value": "active"}"#,
            stored: #"{"/0/firstName": "Augusta"}"#),
        .init(
            connector: "smartsheet_iam", call: "unified/iam.user/operations/deactivate", inputs: #"{"id": "7"}"#, destructive: true,
            seed: #"[{"id": 7, "email": "grace@example.com"}]"#, write: "DELETE /2.0/users/7",
            answer: #"{"/action": "removeUser", "/providerStatus": 200}"#, stored: #"{"": []}"#),
        .init(
            connector: "spotdraft", call: "unified/iam.user/operations/deactivate", inputs: #"{"id": "7"}"#, destructive: true,
            seed: #"[{"id": 7, "email": "grace@example.com", "is_active": true}]"#, write: "DELETE /api/v1/public/auth/users/7",
            answer: #"{"/action": "deactivateUser", "/providerStatus": 204}"#, stored: #"{"/0/is_active": false}"#),
        .init(
            connector: "teamtailor", call: "unified/ats.candidate/operations/create",
            inputs: #"{"firstName": "Augusta", "lastName": "Lovelace", "email": "\#(email)", "phoneNumbers": ["+44 20 7946 0000"]}"#,
            write: "POST /v1/candidates",
            body: #"{"data": {"type": "candidates", "attributes": {"first-name": "Augusta", "last-name": "Lovelace", "email": "\#(email)", "phone": "+44 20 7946 0000"}}}"#,
            answer: #"{"/model": "ats.candidate", "/action": "createCandidate", "/id": "1", "/record/name": "Augusta Lovelace", "/record/email": "\#(email)"}"#),
        .init(
            connector: "workable", call: "unified/ats.candidate/operations/create",
            inputs: #"{"job": "GROOV005", "firstName": "Augusta", "lastName": "Lovelace", "email": "\#(email)", "phoneNumbers": ["+44 20 7946 0000"]}"#,
            write: "POST /spi/v3/jobs/GROOV005/candidates",
            body: #"{"candidate": {"name": "Augusta Lovelace", "firstname": "Augusta", "lastname": "Lovelace", "email": "\#(email)", "phone": "+44 20 7946 0000"}}"#,
            answer: #"{"/model": "ats.candidate", "/action": "createCandidate", "/id": "ce40001", "/record/name": "Augusta Lovelace", "/record/email": "\#(email)"}"#),
    ]
}

/// One test's linked account for a catalog write: the emulation's key (`<scenario>.<uuid>`, the
/// scenario picks the failure), the connector's hosts pointed at its dialect, the account imported
/// through the Hub (its verification request included), and the write's seed records stored.
struct LinkedCatalogAccount: Sendable {
    let server: TestServer
    let key: String
    let link: EmulatedLink
    let harness: HubHarness
    let connector: String
    /// The account `importAccount` linked; nil for an authorization-code variant (``account(_:)``).
    let imported: String?
    /// The emulated OAuth client of an authorization-code variant.
    let oauthClient: EmulatedClient?

    init(_ write: CatalogWrite, scenario: String, actionTimeoutSeconds: TimeInterval = 30) async throws {
        server = try TestServer.current(.action)
        key = scenario + "." + UUID().uuidString.lowercased()
        link = try #require(EmulatedLink.all[write.connector])
        connector = write.connector
        let base = server.url("/k/\(key)" + (link.dialect.map { "/" + $0 } ?? ""))
        var hosts = Dictionary(uniqueKeysWithValues: link.hosts.map { ($0, base) })
        if let paths = link.oauth {
            let auth = try TestServer.current(.auth)
            let provider = try await auth.emulate(write.connector, paths: paths)
            hosts.merge(provider.overrides(link.oauthHosts)) { $1 }
            let redirect = try #require(URL(string: "http://127.0.0.1:8080/connect/oauth2/\(write.connector)/callback"))
            oauthClient = try await auth.registerClient(write.connector, ClientOptions(authMethod: link.oauthClientAuth), redirectURI: redirect)
        } else {
            oauthClient = nil
        }
        harness = try await HubHarness(overrides: [write.connector: hosts], actionTimeoutSeconds: actionTimeoutSeconds)
        if link.oauth == nil {
            imported = try await harness.hub.importAccount(
                endUserID: "user-1", endUserName: "Ada", connectorID: write.connector, variantID: link.variant, values: link.values
            ).id
        } else {
            imported = nil
        }
        if let seed = write.seed {
            try await server.post("/_control/records/\(key)", json: #"{"records": \#(seed)}"#)
        }
    }

    /// The linked account's id: the imported one, or for an authorization-code variant one linked
    /// now through the Hub's pages (the form with the person's client and fields, the consent at
    /// the emulation, the callback; the Hub's verification request goes to the dialect).
    func account(_ client: HubClient) async throws -> String {
        if let imported { return imported }
        let oauthClient = try #require(oauthClient)
        _ = try await client.openLinkSession(connectors: [connector])
        let path = "/link/connectors/\(connector)/\(link.variant)"
        let form = try await client.request(.get, path)
        let start = try await client.submit(path, from: form, values: oauthClient.fields.merging(link.values) { $1 })
        let callback = try await Browser.callbackURL(for: try #require(URL(string: start.location ?? ""), "\(start.status) \(start.text.prefix(300))"))
        _ = try await client.request(.get, callback.path + "?" + (callback.query ?? ""))
        let accounts = try #require(try await client.api(.get, "/v1/accounts").json["accounts"] as? [[String: Any]])
        return try #require(accounts.first?["id"] as? String, "the OAuth link made an account")
    }
}
