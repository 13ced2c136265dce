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
    /// manager as a reference (the manager's id).
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
        #expect(try await account.bodies() == ["{}"])
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
