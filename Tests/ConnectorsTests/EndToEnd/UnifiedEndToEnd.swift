// Unified models of the seed connectors, end to end through the generated `Connectors` module and
// the provider emulations of Tests/Servers/providerpages.py (the same endpoints as
// ResourcesEndToEnd): each connector's `Unified` lists its resource through the resource's pager
// and converts every record with the mapping of its spec (Connectors/*.json, `unified`).
import ConnectorRuntime
import Connectors
import Foundation
import Testing

@Suite(.pagingServer, .timeLimit(.minutes(1)))
struct UnifiedEndToEnd {
    /// Zelt users as iam.user and as hris.employee; an integer id becomes text, a missing email
    /// falls back to the id for the required userName.
    @Test func zeltUsersAsIAMUsersAndEmployees() async throws {
        let account = try ProviderAccount("zelt")
        let configuration = try Zelt.Oauth.configuration(.init(clientId: "zelt-client", clientSecret: Secret("zelt-secret")))
            .overridingEndpoints(["go.zelt.app": account.root])
        let unified = Zelt.Oauth.Unified(try await account.connection(configuration, tokens: storedTokens("zelt-access")))
        let users = try await everything(unified.users.list())
        #expect(users.map(\.id) == ["1", "2"])
        #expect(users.map(\.userName) == ["ada@acme.example", "grace@acme.example"])
        #expect(users[0].givenName == "Ada")
        #expect(users[0].emails == ["ada@acme.example"])
        #expect(users[1].givenName == nil)
        #expect(users[0].remote["customField"] == .string("kept in raw"))
        let employees = try await everything(unified.employees.list())
        #expect(employees.map(\.workEmail) == ["ada@acme.example", "grace@acme.example"])
        #expect(employees[0].displayName == "Ada Lovelace")
    }

    /// Smartsheet users as iam.user: the status enum mapped, a value Smartsheet added since
    /// (DEACTIVATED) is `unknown` with its source value; pages and `get` as the resource's.
    @Test func smartsheetUsersWithAnUnknownStatus() async throws {
        let account = try ProviderAccount("smartsheet")
        let configuration = try SmartsheetIam.AccessToken.configuration(.init(accessToken: Secret("smartsheet-pat")))
            .overridingEndpoints(["api.smartsheet.com": account.root])
        let unified = SmartsheetIam.AccessToken.Unified(try await account.connection(configuration))
        let pages = try await everything(unified.users.pages())
        #expect(pages.map { $0.records.map(\.id) } == [["1000", "1001"], ["1002", "1003"], ["1004"]])
        let users = pages.flatMap(\.records)
        #expect(users.map { $0.status?.rawValue } == ["active", "pending", "deactivated", "unknown", "active"])
        #expect(users[3].status?.sourceValue == "DEACTIVATED")
        #expect(users[0].lastLoginAt == date("2025-03-01T08:15:00Z"))
        #expect(users[2].lastLoginAt == nil)
        let one = try await unified.users.get(id: "1003")
        #expect(one.email == "user3@acme.example")
        #expect(one.json["status"] == .object(["value": .string("unknown"), "sourceValue": .string("DEACTIVATED")]))
    }

    /// SpotDraft users as iam.user and roles as iam.role.
    @Test func spotdraftUsersAndRoles() async throws {
        let account = try ProviderAccount("spotdraft")
        let configuration = try Spotdraft.ClientCredentials.configuration(.init(clientId: "sd-client", clientSecret: Secret("sd-secret")))
            .overridingEndpoints(["api.us.spotdraft.com": account.root])
        let unified = Spotdraft.ClientCredentials.Unified(try await account.connection(configuration))
        let users = try await everything(unified.users.list())
        #expect(users.map(\.id) == ["10", "11", "12", "13", "14"])
        #expect(users.map(\.active) == [true, true, true, true, true])
        #expect(users[0].userName == "u0@acme.example")
    }

    /// HiBob employees as hris.employee: fields inside `work`, a leap-day start date, the
    /// manager as a reference (the manager's id); department and site by name from the
    /// humanReadable node (`work` holds list item ids).
    @Test func hibobEmployeesWithWorkFields() async throws {
        let account = try ProviderAccount("hibob")
        let configuration = try Hibob.ServiceUser.configuration(.init(serviceUserId: "SERVICE-42", serviceUserToken: Secret("bob-token")))
            .overridingEndpoints(["api.hibob.com": account.root])
        let unified = Hibob.ServiceUser.Unified(try await account.connection(configuration))
        let employees = try await everything(unified.employees.list())
        let ada = try #require(employees.first)
        #expect(ada.id == "3332883884017713238")
        #expect(ada.lastName == "Lovelace")
        #expect(ada.jobTitle == "Engineer")
        #expect(ada.department == "R&D")
        #expect(ada.workLocation == "London")
        #expect(ada.startDate == CalendarDate(year: 2020, month: 2, day: 29))
        #expect(ada.manager == "3332883884017713200")
        #expect(try await account.bodies() == [#"{"humanReadable":"APPEND"}"#])
    }

    /// Workday workers as hris.employee, the department from the supervisory organization.
    @Test func workdayWorkersAsEmployees() async throws {
        let account = try ProviderAccount("workday")
        let fields = Workday.Isu.Fields(
            host: "wd2-impl-services1.workday.com", tenant: "acme_tenant", isuUsername: "isu_reader", isuPassword: Secret("wd-password"))
        let configuration = try Workday.Isu.configuration(fields).overridingEndpoints(["wd2-impl-services1.workday.com": account.root])
        let employees = try await everything(Workday.Isu.Unified(try await account.connection(configuration)).employees.list())
        #expect(employees.count == 5)
        #expect(employees[0].displayName == "Worker 0 (acme_tenant)")
        #expect(employees[4].department == "Finance")
        #expect(employees[1].jobTitle == "Analyst")
        #expect(employees[1].workEmail == "w1@acme.example")
    }
}

@Suite(.pagingServer, .timeLimit(.minutes(1)))
struct SCIMUnifiedEndToEnd {
    func unified(_ account: ProviderAccount) async throws -> Scim.BearerToken.Unified {
        let configuration = try Scim.BearerToken.configuration(.init(scimBaseURL: "https://scim.acme.example/scim/v2", token: Secret("scim-token")))
            .overridingEndpoints(["scim.acme.example": account.root])
        return Scim.BearerToken.Unified(try await account.connection(configuration))
    }

    /// SCIM Users as iam.user: startIndex counts from 1 (RFC 7644 section 3.4.2.4), so the pages
    /// ask for 1, 3 and 5; the EnterpriseUser extension, a user without name or emails, a
    /// leap-day creation date and fractional seconds.
    @Test func usersPageByStartIndexFromOne() async throws {
        let account = try ProviderAccount("scim")
        let users = try await everything(try await unified(account).users.list())
        #expect(users.map(\.id) == ["u-0", "u-1", "u-2", "u-3", "u-4"])
        #expect(try await account.requests() == [
            "GET /scim/v2/Users?startIndex=1&count=100", "GET /scim/v2/Users?startIndex=3&count=100",
            "GET /scim/v2/Users?startIndex=5&count=100",
        ])
        #expect(users[0].userName == "user0@acme.example")
        #expect(users[0].givenName == "Given0")
        #expect(users[0].displayName == "Given0 Family0")
        #expect(users[0].email == "user0@acme.example")
        #expect(users[0].employeeNumber == "701984")
        #expect(users[0].department == "Tour Operations")
        #expect(users[0].manager == "u-4")
        #expect(users[0].createdAt == date("2024-02-29T12:00:00Z"))
        #expect(users[1].updatedAt == date("2025-01-02T00:00:00.5Z"))
        #expect(users[2].displayName == "Service Account")
        #expect(users[2].email == nil)
        #expect(users.map(\.active) == [true, true, true, false, true])
        // groups[].value plucked; an element without a value is left out.
        #expect(users[0].groups == ["g-0", "g-1"])
        #expect(users[1].groups == ["g-1"])
        #expect(users[0].emails == ["user0@acme.example"])
        #expect(users[2].emails == nil)
        let one = try await unified(account).users.get(id: "u-1")
        #expect(one.familyName == "Family1")
    }

    @Test func groupsAsIAMGroups() async throws {
        let account = try ProviderAccount("scim")
        let groups = try await everything(try await unified(account).groups.list())
        #expect(groups.map(\.displayName) == ["Group 0", "Group 1", "Group 2", "Group 3", "Group 4"])
        #expect(groups[1].createdAt == date("2023-06-02T09:30:00Z"))
        #expect(groups[0].members == ["u-0"])
        #expect(groups[1].members == ["u-1", "u-0"])
    }
}
