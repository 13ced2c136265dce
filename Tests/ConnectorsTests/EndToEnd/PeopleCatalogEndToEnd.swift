// HRIS, ATS and IAM connectors added for the unified models, end to end through the generated
// `Connectors` module against Tests/Servers/catalogpages.py (served by pagingserver.py like
// ResourcesEndToEnd): each list pages the way its provider's reference documents (zero-based
// pages, first/max, $skip/$limit, meta totals, an after cursor with a required input, the Link
// header, an absolute next URL) and decodes the fields unified models need (dates as ISO 8601,
// epoch seconds and milliseconds, calendar dates, open enums).
import ConnectorRuntime
import Connectors
import Foundation
import Testing

@Suite(.pagingServer, .timeLimit(.minutes(1)))
struct PeopleCatalogEndToEnd {
    /// Auth0: page is zero-based, include_totals=true wraps the users with the total; the
    /// machine-to-machine token; get percent-encodes the connection prefix of the user id.
    @Test func auth0UsersByZeroBasedPagesUntilTheTotal() async throws {
        let account = try ProviderAccount("auth0")
        let configuration = try Auth0.ClientCredentials.configuration(
            .init(domain: "acme.us.auth0.com", clientId: "m2m", clientSecret: Secret("m2m-secret"))
        ).overridingEndpoints(["acme.us.auth0.com": account.root])
        let resources = Auth0.ClientCredentials.Resources(try await account.connection(configuration, tokens: storedTokens("auth0-access")))
        let users = try await everything(resources.users.list())
        #expect(users.map(\.userId) == ["auth0|100", "auth0|101", "auth0|102", "auth0|103", "auth0|104"])
        #expect(users[0].givenName == "Given0")
        #expect(users[1].emailVerified == false)
        #expect(users[4].blocked == true)
        #expect(users[0].createdAt == date("2024-02-01T10:00:00.000Z"))
        #expect(users[0].appMetadata?["roles"] == .array([.string("reader")]))
        #expect(try await account.requests() == [
            "GET /api/v2/users?include_totals=true&page=0&per_page=100", "GET /api/v2/users?include_totals=true&page=1&per_page=100",
            "GET /api/v2/users?include_totals=true&page=2&per_page=100",
        ])
        let one = try await resources.users.get(id: "auth0|102")
        #expect(one.email == "u2@acme.example")
    }

    /// Keycloak: first/max offsets until an empty page; createdTimestamp in epoch milliseconds;
    /// the realm in the base URL.
    @Test func keycloakUsersByFirstAndMaxUntilAnEmptyPage() async throws {
        let account = try ProviderAccount("keycloak")
        let configuration = try Keycloak.ClientCredentials.configuration(
            .init(serverURL: "https://sso.acme.example", realm: "acme", clientId: "reader", clientSecret: Secret("kc-secret"))
        ).overridingEndpoints(["sso.acme.example": account.root])
        let resources = Keycloak.ClientCredentials.Resources(try await account.connection(configuration, tokens: storedTokens("kc-access")))
        let users = try await everything(resources.users.list())
        #expect(users.map(\.id) == ["kc-0", "kc-1", "kc-2", "kc-3", "kc-4"])
        #expect(users[2].enabled == false)
        #expect(users[3].email == nil)
        #expect(users[1].createdTimestamp == Date(timeIntervalSince1970: 1_700_000_000.001))
        #expect(users[0].attributes?["department"] == .array([.string("R&D")]))
        #expect(try await account.requests() == [
            "GET /admin/realms/acme/users?briefRepresentation=false&first=0&max=100",
            "GET /admin/realms/acme/users?briefRepresentation=false&first=2&max=100",
            "GET /admin/realms/acme/users?briefRepresentation=false&first=4&max=100",
            "GET /admin/realms/acme/users?briefRepresentation=false&first=5&max=100",
        ])
    }

    /// JumpCloud: skip/limit with totalCount, the x-api-key header, a state JumpCloud may add
    /// later kept as unknown.
    @Test func jumpcloudSystemUsersBySkipUntilTheTotalCount() async throws {
        let account = try ProviderAccount("jumpcloud")
        let configuration = try Jumpcloud.ApiKey.configuration(.init(apiKey: Secret("jc-key")))
            .overridingEndpoints(["console.jumpcloud.com": account.root])
        let resources = Jumpcloud.ApiKey.Resources(try await account.connection(configuration))
        let users = try await everything(resources.users.list())
        #expect(users.map(\.username) == ["user0", "user1", "user2", "user3", "user4"])
        #expect(users.map(\.state) == [.known(.activated), .known(.activated), .known(.staged), .known(.suspended), .unknown("PENDING_REVIEW")])
        #expect(users[0].manager == nil)
        #expect(users[1].manager == "5f0000000000000000000000")
        #expect(users[1].jobTitle == "Engineer")
        #expect(try await account.requests() == [
            "GET /api/systemusers?skip=0&limit=100", "GET /api/systemusers?skip=2&limit=100", "GET /api/systemusers?skip=4&limit=100",
        ])
    }

    /// Humaans: $skip/$limit with the total; calendar dates for employment start and end.
    @Test func humaansPeopleBySkipWithCalendarDates() async throws {
        let account = try ProviderAccount("humaans")
        let configuration = try Humaans.ApiToken.configuration(.init(accessToken: Secret("humaans-token")))
            .overridingEndpoints(["app.humaans.io": account.root])
        let resources = Humaans.ApiToken.Resources(try await account.connection(configuration))
        let people = try await everything(resources.people.list())
        #expect(people.map(\.id) == ["hm0", "hm1", "hm2", "hm3", "hm4"])
        #expect(people.map(\.status) == [.known(.active), .known(.active), .known(.newHire), .known(.offboarded), .known(.active)])
        #expect(people[0].employmentStartDate == CalendarDate(year: 2023, month: 1, day: 1))
        #expect(people[3].employmentEndDate == CalendarDate(year: 2025, month: 6, day: 30))
        #expect(people[0].employmentEndDate == nil)
        #expect(people[1].personalEmail == nil)
        #expect(try await account.requests() == [
            "GET /api/people?%24skip=0&%24limit=250", "GET /api/people?%24skip=2&%24limit=250", "GET /api/people?%24skip=4&%24limit=250",
        ])
    }

    /// Namely: page/per_page until meta.total_count; epoch-second timestamps; a blank
    /// departure date stays a string.
    @Test func namelyProfilesUntilTheTotalCountInMeta() async throws {
        let account = try ProviderAccount("namely")
        let configuration = try Namely.PersonalAccessToken.configuration(.init(company: "acme", accessToken: Secret("namely-pat")))
            .overridingEndpoints(["acme.namely.com": account.root])
        let resources = Namely.PersonalAccessToken.Resources(try await account.connection(configuration))
        let profiles = try await everything(resources.profiles.list())
        #expect(profiles.map(\.id) == ["nm-0", "nm-1", "nm-2", "nm-3", "nm-4"])
        #expect(profiles.map(\.userStatus) == [.known(.active), .known(.active), .known(.pending), .known(.inactive), .known(.active)])
        #expect(profiles[0].createdAt == Date(timeIntervalSince1970: 1_600_000_000))
        #expect(profiles[3].departureDate == "2025-01-31")
        #expect(profiles[0].departureDate == "")
        #expect(profiles[1].reportsTo == [.object(["id": .string("nm-0")])])
        #expect(profiles[0].jobTitle?["title"] == .string("Analyst"))
        #expect(try await account.requests() == [
            "GET /api/v1/profiles?page=1&per_page=50", "GET /api/v1/profiles?page=2&per_page=50", "GET /api/v1/profiles?page=3&per_page=50",
        ])
    }

    /// WorkOS Directory Sync: the directory is a required input of list; the after cursor from
    /// list_metadata until it is null.
    @Test func workosDirectoryUsersFollowTheAfterCursor() async throws {
        let account = try ProviderAccount("workos_directory")
        let configuration = try WorkosDirectory.ApiKey.configuration(.init(apiKey: Secret("sk_test_workos")))
            .overridingEndpoints(["api.workos.com": account.root])
        let resources = WorkosDirectory.ApiKey.Resources(try await account.connection(configuration))
        let users = try await everything(resources.users.list(directory: "directory_01"))
        #expect(users.map(\.id) == (0..<5).map { "directory_user_\($0)" })
        #expect(users[4].state == .known(.inactive))
        #expect(users[0].emails?.first?["value"] == .string("d0@acme.example"))
        #expect(users[0].groups?.first?["name"] == .string("Engineering"))
        #expect(try await account.requests() == [
            "GET /directory_users?directory=directory_01&limit=100",
            "GET /directory_users?directory=directory_01&limit=100&after=directory_user_1",
            "GET /directory_users?directory=directory_01&limit=100&after=directory_user_3",
        ])
    }

    /// Breathe: per_page on the first request, then the Link header's next page until none.
    @Test func breatheEmployeesFollowTheLinkHeader() async throws {
        let account = try ProviderAccount("breathehr")
        let configuration = try Breathehr.ApiKey.configuration(.init(apiKey: Secret("prod-breathe")))
            .overridingEndpoints(["api.breathehr.com": account.root])
        let resources = Breathehr.ApiKey.Resources(try await account.connection(configuration))
        let employees = try await everything(resources.employees.list())
        #expect(employees.map(\.id) == [700, 701, 702, 703, 704])
        #expect(employees[0].lineManager == nil)
        #expect(employees[1].lineManager?["id"] == .integer(700))
        #expect(employees[4].status == "Former employee")
        #expect(try await account.requests() == [
            "GET /v1/employees?per_page=100", "GET /v1/employees?page=2&per_page=100", "GET /v1/employees?page=3&per_page=100",
        ])
    }

    /// Manatal: the Token-prefixed API key; the absolute next URL until it is null.
    @Test func manatalCandidatesFollowTheNextURL() async throws {
        let account = try ProviderAccount("manatal")
        let configuration = try Manatal.ApiToken.configuration(.init(apiToken: Secret("manatal-token")))
            .overridingEndpoints(["api.manatal.com": account.root])
        let resources = Manatal.ApiToken.Resources(try await account.connection(configuration))
        let candidates = try await everything(resources.candidates.list())
        #expect(candidates.map(\.id) == [9000, 9001, 9002, 9003, 9004])
        #expect(candidates[2].phoneNumber == nil)
        #expect(candidates[0].createdAt == date("2025-05-01T12:00:00Z"))
        #expect(try await account.requests() == [
            "GET /open/v3/candidates/?page_size=100", "GET /open/v3/candidates/?page=2&page_size=100",
            "GET /open/v3/candidates/?page=3&page_size=100",
        ])
    }
}
