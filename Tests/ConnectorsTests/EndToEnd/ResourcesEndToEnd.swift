// Resources of catalog connectors, end to end through the generated `Connectors` module: each
// provider's list endpoint as its API reference describes it (page shape, parameters, pagination,
// credentials), served by Tests/Servers/providerpages.py through pagingserver.py. The
// connector's hosts point at the emulation with the runtime's endpoint override; `/k/<key>`
// stands for the provider's host. OAuth variants start from stored tokens (the OAuth flows
// themselves are tested against the Authlib emulation in the other suites of this folder).
import ConnectorRuntime
import Connectors
import Foundation
import Testing

/// One account at the emulation: its key (whose prefix names the provider) and what it saw.
struct ProviderAccount {
    let server: TestServer
    let key: String

    init(_ provider: String) throws {
        server = try TestServer.current(.paging)
        key = provider + "." + UUID().uuidString.lowercased()
    }

    /// Where the provider's host points: `/k/<key>` on the emulation.
    var root: URL { server.url("/k/\(key)") }

    func connection(_ configuration: ConnectionConfiguration, tokens: TokenSet? = nil) async throws -> Connection {
        let store = InMemoryTokenStore()
        if let tokens { _ = try await store.save(tokens, account: key) }
        return Connection(configuration: configuration, account: key, store: store)
    }

    /// `METHOD path` of every request the emulation received, with `/k/<key>` left out.
    func requests() async throws -> [String] {
        let list = try await server.control("GET", "/_control/requests/\(key)") as? [[String: String]] ?? []
        return list.map { ($0["method"] ?? "") + " " + ($0["path"] ?? "").replacingOccurrences(of: "/k/\(key)", with: "") }
    }

    func bodies() async throws -> [String] {
        let list = try await server.control("GET", "/_control/requests/\(key)") as? [[String: String]] ?? []
        return list.map { $0["body"] ?? "" }
    }
}

/// Stored OAuth tokens valid for an hour.
func storedTokens(_ access: String, extra: [String: String] = [:]) -> TokenSet {
    TokenSet(
        accessToken: Secret(access), refreshToken: Secret("refresh"), expiresAt: Date().addingTimeInterval(3600),
        issuedAt: Date(), extra: extra)
}

func everything<S: AsyncSequence>(_ sequence: S) async throws -> [S.Element] {
    var result: [S.Element] = []
    for try await element in sequence { result.append(element) }
    return result
}

func date(_ text: String) -> Date? {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = text.contains(".") ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
    return formatter.date(from: text)
}

@Suite(.pagingServer, .timeLimit(.minutes(1)))
struct ResourcesEndToEnd {
    /// Zelt: GET /users answers one array (no paging documented); OAuth bearer token.
    @Test func zeltUsersThroughTheOAuthToken() async throws {
        let account = try ProviderAccount("zelt")
        let configuration = try Zelt.Oauth.configuration(.init(clientId: "zelt-client", clientSecret: Secret("zelt-secret")))
            .overridingEndpoints(["go.zelt.app": account.root])
        let connection = try await account.connection(configuration, tokens: storedTokens("zelt-access"))
        let users = try await everything(Zelt.Oauth.Resources(connection).users.list())
        #expect(users.map(\.userId) == [1, 2])
        #expect(users[0].emailAddress == "ada@acme.example")
        #expect(users[0].raw["customField"] == .string("kept in raw"))
        #expect(users[1].firstName == nil)
        #expect(users[1].lastName == nil)
        #expect(try await account.requests() == ["GET /apiv2/users"])
    }

    /// Smartsheet: page / pageSize, stops when the records seen reach totalCount; enum values
    /// Smartsheet added since (DEACTIVATED) are kept as unknown; the personal access token.
    @Test func smartsheetUsersPageByPageUntilTheTotalCount() async throws {
        let account = try ProviderAccount("smartsheet")
        let configuration = try SmartsheetIam.AccessToken.configuration(.init(accessToken: Secret("smartsheet-pat")))
            .overridingEndpoints(["api.smartsheet.com": account.root])
        let resources = SmartsheetIam.AccessToken.Resources(try await account.connection(configuration))
        let pages = try await everything(resources.users.pages())
        #expect(pages.map { $0.records.map(\.id) } == [[1000, 1001], [1002, 1003], [1004]])
        let users = pages.flatMap(\.records)
        #expect(users.map(\.status) == [.known(.active), .known(.pending), .known(.declined), .unknown("DEACTIVATED"), .known(.active)])
        #expect(users[0].admin == true)
        #expect(users[0].lastLogin == date("2025-03-01T08:15:00Z"))
        #expect(users[2].lastLogin == nil)
        #expect(users[3].raw["sheetCount"] == .integer(3))
        #expect(try await account.requests() == [
            "GET /2.0/users?include=lastLogin&page=1&pageSize=100", "GET /2.0/users?include=lastLogin&page=2&pageSize=100",
            "GET /2.0/users?include=lastLogin&page=3&pageSize=100",
        ])
        // Typed inputs: a date-time written as ISO 8601, a string under the provider's name.
        let since = Date(timeIntervalSince1970: 1_740_816_000)
        // (The emulation does not filter: only the request is checked.)
        let again = try await everything(resources.users.pages(modifiedSince: since, emails: "user1@acme.example"))
        #expect(again.count == 3)
        let first = try #require(try await account.requests().dropFirst(3).first)
        #expect(first == "GET /2.0/users?include=lastLogin&modifiedSince=2025-03-01T08%3A00%3A00Z&email=user1%40acme.example&page=1&pageSize=100")
        let one = try await resources.users.get(id: 1003)
        #expect(one.email == "user3@acme.example")
        await #expect(throws: ResourceError.notFound(resource: "users")) { try await resources.users.get(id: 7) }
    }

    /// SpotDraft: contracts follow the absolute `next` URL of each page; client-id and
    /// client-secret headers; dates, optional dates and nested objects.
    @Test func spotdraftContractsFollowTheNextURL() async throws {
        let account = try ProviderAccount("spotdraft")
        let configuration = try Spotdraft.ClientCredentials.configuration(.init(clientId: "sd-client", clientSecret: Secret("sd-secret")))
            .overridingEndpoints(["api.us.spotdraft.com": account.root])
        let resources = Spotdraft.ClientCredentials.Resources(try await account.connection(configuration))
        let contracts = try await everything(resources.contracts.list())
        #expect(contracts.map(\.compositeId) == ["T-100", "T-101", "T-102", "T-103", "T-104"])
        let created = try #require(contracts[0].createdAt)
        #expect(abs(created.timeIntervalSince1970 - 1_738_400_400.123456) < 0.000_01)
        #expect(contracts[0].effectiveDate == CalendarDate(year: 2025, month: 2, day: 1))
        #expect(contracts[1].expirationDate == nil)
        #expect(contracts[2].expirationDate == CalendarDate(year: 2026, month: 2, day: 1))
        #expect(contracts[0].owner?["email"] == .string("legal@acme.example"))
        #expect(contracts[0].tags == ["sales"])
        #expect(try await account.requests() == [
            "GET /api/v2.1/public/contracts/?limit=100", "GET /api/v2.1/public/contracts/?limit=100&page=2",
            "GET /api/v2.1/public/contracts/?limit=100&page=3",
        ])
        let users = try await everything(resources.users.list())
        #expect(users.map(\.id) == [10, 11, 12, 13, 14])
    }

    /// HiBob: POST /people/search with the typed body input, Basic service-user credentials,
    /// one response without paging.
    @Test func hibobEmployeesBySearchWithTheTypedBodyInput() async throws {
        let account = try ProviderAccount("hibob")
        let configuration = try Hibob.ServiceUser.configuration(.init(serviceUserId: "SERVICE-42", serviceUserToken: Secret("bob-token")))
            .overridingEndpoints(["api.hibob.com": account.root])
        let resources = Hibob.ServiceUser.Resources(try await account.connection(configuration))
        let active = try await everything(resources.employees.list())
        let all = try await everything(resources.employees.list(showInactive: true))
        #expect(active.map(\.id) == ["3332883884017713238"])
        #expect(all.map(\.surname) == ["Lovelace", "Gone"])
        #expect(all[0].work?["department"] == .string("209192163"))
        #expect(all[0].humanReadable?["work"]?["department"] == .string("R&D"))
        #expect(all[0].companyId == 601)
        #expect(all[1].email == nil)
        #expect(all[0].creationDateTime == "2024-05-01T10:00:00.511947")
        #expect(try await account.requests() == ["POST /v1/people/search", "POST /v1/people/search"])
        #expect(try await account.bodies() == [#"{"humanReadable":"APPEND"}"#, #"{"humanReadable":"APPEND","showInactive":true}"#])
    }

    /// Workday: offset and limit until the total, the tenant field in the path, the Integration
    /// System User's Basic credentials (`user@tenant`).
    @Test func workdayWorkersByOffsetWithTheTenantInThePath() async throws {
        let account = try ProviderAccount("workday")
        let fields = Workday.Isu.Fields(
            host: "wd2-impl-services1.workday.com", tenant: "acme_tenant", isuUsername: "isu_reader", isuPassword: Secret("wd-password"))
        let configuration = try Workday.Isu.configuration(fields)
            .overridingEndpoints(["wd2-impl-services1.workday.com": account.root])
        let workers = try await everything(Workday.Isu.Resources(try await account.connection(configuration)).workers.list())
        #expect(workers.count == 5)
        #expect(workers[0].descriptor == "Worker 0 (acme_tenant)")
        #expect(workers.map(\.isManager) == [true, false, false, false, false])
        #expect(workers[4].primarySupervisoryOrganization?["descriptor"] == .string("Finance"))
        #expect(try await account.requests() == [
            "GET /ccx/api/staffing/v7/acme_tenant/workers?offset=0&limit=100",
            "GET /ccx/api/staffing/v7/acme_tenant/workers?offset=2&limit=100",
            "GET /ccx/api/staffing/v7/acme_tenant/workers?offset=4&limit=100",
        ])
    }

    /// Salesforce: the base URL is the token response's `instance_url`; each batch's
    /// `nextRecordsUrl` is a path from the instance's root, resolved against the page's URL (RFC
    /// 3986 section 5), not appended to the base URL; `+0000` offsets; unknown user types.
    @Test func salesforceUsersFollowTheRelativeNextRecordsURL() async throws {
        let account = try ProviderAccount("salesforce")
        let fields = Salesforce.Oauth.Fields(salesforceURL: "https://acme.my.salesforce.com", clientId: "sf", clientSecret: Secret("s"))
        let configuration = try Salesforce.Oauth.configuration(fields)
            .overridingEndpoints(["acme-na1.my.salesforce.com": account.root])
        let tokens = storedTokens("sf-access", extra: ["instance_url": "https://acme-na1.my.salesforce.com"])
        let users = try await everything(Salesforce.Oauth.Resources(try await account.connection(configuration, tokens: tokens)).users.list())
        #expect(users.map(\.id) == ["005RO000000", "005RO000001", "005RO000002", "005RO000003", "005RO000004"])
        #expect(users[0].createdDate == Date(timeIntervalSince1970: 1_705_312_800))
        #expect(users[2].lastLoginDate == nil)
        #expect(users[3].firstName == nil)
        #expect(users.map(\.userType) == [.known(.standard), .known(.standard), .known(.powerPartner), .known(.csnOnly), .unknown("AutomatedProcess")])
        #expect(users[4].isActive == false)
        // Form-encoded as Salesforce's own examples write it (`q=SELECT+name,id+from+Account`).
        let soql = "SELECT+Id%2C+Username%2C+Email%2C+FirstName%2C+LastName%2C+Name%2C+IsActive%2C+UserType%2C+CreatedDate%2C+LastLoginDate+FROM+User"
        #expect(try await account.requests() == [
            "GET /services/data/v60.0/query?q=" + soql, "GET /services/data/v60.0/query/01gRO0000016PIAYA2-2",
            "GET /services/data/v60.0/query/01gRO0000016PIAYA2-4",
        ])
    }

    /// Confluence v2: `_links.next` is a path from the site's root (`/wiki/api/v2/...`), resolved
    /// against the page's URL; typed enum inputs (`spaceType` is sent as `type`); Basic email and
    /// API token.
    @Test func confluenceSpacesFollowTheRelativeNextLinkWithTypedInputs() async throws {
        let account = try ProviderAccount("confluence")
        let fields = Confluence.ApiToken.Fields(site: "acme", email: "admin@acme.example", apiToken: Secret("atl-token"))
        let configuration = try Confluence.ApiToken.configuration(fields).overridingEndpoints(["acme.atlassian.net": account.root])
        let resources = Confluence.ApiToken.Resources(try await account.connection(configuration))
        let spaces = try await everything(resources.spaces.list(spaceType: .global, status: .current))
        #expect(spaces.map(\.key) == ["SP0", "SP1", "SP2", "SP3", "SP4"])
        #expect(spaces.map(\.type) == [.known(.global), .known(.personal), .known(.collaboration), .known(.global), .known(.knowledgeBase)])
        #expect(spaces[4].status == .known(.archived))
        #expect(spaces[1].homepageId == nil)
        #expect(spaces[0].createdAt == date("2024-06-01T12:00:00.000Z"))
        #expect(try await account.requests() == [
            "GET /wiki/api/v2/spaces?type=global&status=current&limit=250",
            "GET /wiki/api/v2/spaces?limit=250&type=global&status=current&cursor=cGFnZT2",
            "GET /wiki/api/v2/spaces?limit=250&type=global&status=current&cursor=cGFnZT4",
        ])
    }

    /// Credentials the provider refuses end the run with the connection's error, not a page.
    @Test func refusedCredentialsAreTheConnectionsError() async throws {
        let account = try ProviderAccount("confluence")
        let fields = Confluence.ApiToken.Fields(site: "acme", email: "admin@acme.example", apiToken: Secret("revoked"))
        let configuration = try Confluence.ApiToken.configuration(fields).overridingEndpoints(["acme.atlassian.net": account.root])
        let resources = Confluence.ApiToken.Resources(try await account.connection(configuration))
        do {
            _ = try await everything(resources.spaces.list())
            Issue.record("a refused API token listed spaces")
        } catch let error as ConnectorError {
            #expect(!"\(error)".contains("revoked"))
        }
    }
}
