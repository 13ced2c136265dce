// End to end through generated code: AcmeResources (Tests/Reference/Specs/acme_resources.json,
// one resource per pagination style) against the paginated API emulation
// (Tests/Servers/pagingserver.py), with every trap the issue lists. No mocks: real HTTP through
// URLSessionTransport and the Connection's `send`.
import ConnectorRuntime
import Foundation
import Testing

/// A connection to the emulation under a fresh key whose prefix selects the scenario.
struct PagingAccount {
    let server: TestServer
    let key: String
    let connection: Connection

    /// `transport`: a page that never answers holds a connection of its transport, so the tests
    /// of such pages pass their own instead of sharing `URLSessionTransport.shared`.
    init(
        _ scenario: String, tenant: String = "acme", apiKey: String = "test-key",
        transport: any HTTPTransport = URLSessionTransport.shared
    ) throws {
        server = try TestServer.current(.paging)
        key = scenario + "." + UUID().uuidString.lowercased()
        let configuration = try AcmeResources.ApiKey.configuration(.init(tenant: tenant, apiKey: Secret(apiKey)))
            .overridingEndpoints(["api.acme.example": server.url("/k/\(key)")])
        connection = Connection(configuration: configuration, account: key, store: InMemoryTokenStore(), transport: transport)
    }

    var resources: AcmeResources.ApiKey.Resources { AcmeResources.ApiKey.Resources(connection) }

    /// `METHOD path` of every request the emulation received for this account.
    func requests() async throws -> [String] {
        let list = try await server.control("GET", "/_control/requests/\(key)") as? [[String: String]] ?? []
        return list.map { ($0["method"] ?? "") + " " + ($0["path"] ?? "").replacingOccurrences(of: "/k/\(key)", with: "") }
    }

    func bodies() async throws -> [String] {
        let list = try await server.control("GET", "/_control/requests/\(key)") as? [[String: String]] ?? []
        return list.map { $0["body"] ?? "" }
    }
}

/// Collects the waits a retry policy asked for, without sleeping.
final class RecordedSleeps: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Double] = []
    var all: [Double] { lock.withLock { values } }
    var policy: RetryPolicy {
        RetryPolicy(maxAttempts: 3, baseDelay: 0.01, maxDelay: 5) { seconds in self.lock.withLock { self.values.append(seconds) } }
    }
}

func collect<S: AsyncSequence>(_ sequence: S) async throws -> [S.Element] {
    var result: [S.Element] = []
    for try await element in sequence { result.append(element) }
    return result
}

func expectResourceError(_ expected: ResourceError, _ body: () async throws -> Void) async {
    do {
        try await body()
        Issue.record("expected \(expected)")
    } catch let error as ResourceError {
        #expect(error == expected)
    } catch {
        Issue.record("expected \(expected), got \(error)")
    }
}

@Suite(.pagingServer, .serialized) struct ResourcePagingTests {
    // MARK: Every style

    @Test func offsetStopsAtTheTotalCountAndDecodesEveryType() async throws {
        let account = try PagingAccount("ok")
        let employees = try await collect(account.resources.employees.list())
        #expect(employees.map(\.id) == ["e0", "e1", "e2", "e3", "e4"])
        #expect(try await account.requests() == [
            "GET /v1/employees?offset=0&limit=2", "GET /v1/employees?offset=2&limit=2", "GET /v1/employees?offset=4&limit=2",
        ])
        let first = try #require(employees.first)
        #expect(first.status == .known(.active))
        #expect(employees[3].status == .unknown("contractor"))
        #expect(first.hiredOn == CalendarDate(year: 2024, month: 2, day: 29))
        #expect(first.updatedAt == Date(timeIntervalSince1970: 1_735_725_600))
        #expect(first.salary == 1000.5)
        #expect(first.level == 0)
        #expect(first.remote == true)
        #expect(first.address?["city"] == .string("Lyon"))
        #expect(first.tags == ["a", "b"])
        #expect(first.created == Date(timeIntervalSince1970: 1_700_000_000))
        #expect(first.firstName == "Person 0")
        #expect(first.raw["nickname"] == .string("p0"))
    }

    @Test func aTotalSentAsAStringOfDigitsIsReadAsTheTotal() async throws {
        let account = try PagingAccount("string-total")
        #expect(try await collect(account.resources.employees.list()).map(\.id) == ["e0", "e1", "e2", "e3", "e4"])
        #expect(try await account.requests().count == 3)
    }

    @Test(arguments: [
        ("bad-total", "the total count at '/total' is a string that is not a decimal integer"),
        ("bool-total", "the total count at '/total' is a boolean, expected an integer"),
    ])
    func aTotalThatIsNotANumberNamesThePointerAndTheType(_ scenario: String, _ detail: String) async throws {
        let account = try PagingAccount(scenario)
        await expectResourceError(.invalidPage(resource: "employees", page: 1, detail: detail)) {
            _ = try await collect(account.resources.employees.list())
        }
    }

    @Test func typedInputsBecomeQueryParameters() async throws {
        let account = try PagingAccount("ok")
        let since = Date(timeIntervalSince1970: 1_735_725_600)
        _ = try await collect(account.resources.employees.list(updatedAfter: since, status: .inactive))
        let first = try #require(try await account.requests().first)
        #expect(first == "GET /v1/employees?updated_after=2025-01-01T10%3A00%3A00Z&status=inactive&offset=0&limit=2")
    }

    @Test func pageNumberStopsOnTheEmptyPage() async throws {
        let account = try PagingAccount("ok")
        let users = try await collect(account.resources.users.list())
        #expect(users.map(\.id) == ["u0", "u1", "u2", "u3", "u4"])
        #expect(try await account.requests() == [
            "GET /v1/users?page=1&per_page=2", "GET /v1/users?page=2&per_page=2", "GET /v1/users?page=3&per_page=2",
            "GET /v1/users?page=4&per_page=2",
        ])
    }

    @Test func cursorStopsWhenTheCursorIsAbsent() async throws {
        let account = try PagingAccount("ok")
        let contacts = try await collect(account.resources.contacts.list())
        #expect(contacts.map(\.id) == ["c0", "c1", "c2", "c3", "c4"])
        #expect(try await account.requests() == [
            "GET /v1/contacts?limit=2", "GET /v1/contacts?limit=2&cursor=c2", "GET /v1/contacts?limit=2&cursor=c4",
        ])
    }

    @Test func nextURLInTheBodyIsFollowedAsIs() async throws {
        let account = try PagingAccount("ok")
        let tickets = try await collect(account.resources.tickets.list())
        #expect(tickets.map(\.id) == ["t0", "t1", "t2", "t3", "t4"])
        #expect(try await account.requests() == [
            "GET /v1/tickets?sort=id", "GET /v1/tickets?sort=id&page=2", "GET /v1/tickets?sort=id&page=3",
        ])
    }

    /// RFC 3986 section 5: a relative next link resolves against the URL of the page that held it
    /// (`/k/KEY/v1/tickets?...`), whether it is an absolute path, a query alone or `../`.
    @Test(arguments: ["relative", "relative-query", "relative-dots"])
    func relativeNextURLIsResolvedAgainstThePageThatHeldIt(_ scenario: String) async throws {
        let account = try PagingAccount(scenario)
        let tickets = try await collect(account.resources.tickets.list())
        #expect(tickets.map(\.id) == ["t0", "t1", "t2", "t3", "t4"])
        #expect(try await account.requests() == [
            "GET /v1/tickets?sort=id", "GET /v1/tickets?sort=id&page=2", "GET /v1/tickets?sort=id&page=3",
        ])
    }

    @Test func relativeNextLinkHeaderIsResolvedAgainstThePageThatHeldIt() async throws {
        let account = try PagingAccount("relative-query")
        let groups = try await collect(account.resources.groups.list())
        #expect(groups.map(\.id) == ["g0", "g1", "g2", "g3", "g4"])
        #expect(try await account.requests() == [
            "GET /v1/groups?limit=2", "GET /v1/groups?limit=2&page=2", "GET /v1/groups?limit=2&page=3",
        ])
    }

    @Test func linkHeaderRelNextIsFollowed() async throws {
        let account = try PagingAccount("ok")
        let groups = try await collect(account.resources.groups.list())
        #expect(groups.map(\.id) == ["g0", "g1", "g2", "g3", "g4"])
        #expect(try await account.requests() == [
            "GET /v1/groups?limit=2", "GET /v1/groups?limit=2&page=2", "GET /v1/groups?limit=2&page=3",
        ])
    }

    @Test func bodyCursorIsSentInThePOSTBodyUntilHasMoreIsFalse() async throws {
        let account = try PagingAccount("ok")
        let candidates = try await collect(
            account.resources.candidates.list(createdAfter: CalendarDate(year: 2024, month: 1, day: 31)))
        #expect(candidates.map(\.id) == ["c0", "c1", "c2", "c3", "c4"])
        #expect(try await account.requests() == Array(repeating: "POST /v1/candidate.list", count: 3))
        let bodies = try await account.bodies().map { try JSONValue.parse(Data($0.utf8)) }
        #expect(bodies.first == .object(["includeArchived": .bool(false), "createdAfter": .string("2024-01-31"), "limit": .integer(2)]))
        #expect(bodies.last?["cursor"] == .string("n4"))
    }

    @Test func graphQLCursorAndPageSizeGoInsideVariablesUntilHasNextPageIsFalse() async throws {
        let account = try PagingAccount("ok")
        let members = try await collect(account.resources.members.list())
        #expect(members.map(\.id) == ["m0", "m1", "m2", "m3", "m4"])
        #expect(try await account.requests() == Array(repeating: "POST /v1/graphql", count: 3))
        let bodies = try await account.bodies().map { try JSONValue.parse(Data($0.utf8)) }
        // The first page sends no cursor; the later ones send the previous endCursor, in `variables`.
        #expect(bodies.map { $0["variables"] } == [
            .object(["first": .integer(2)]),
            .object(["first": .integer(2), "after": .string("g2")]),
            .object(["first": .integer(2), "after": .string("g4")]),
        ])
        #expect(bodies.allSatisfy { $0["after"] == nil && $0["first"] == nil && $0["query"] != nil })
    }

    @Test func aGraphQLEndCursorThatComesBackEndsTheRunWithALoopError() async throws {
        let account = try PagingAccount("cycle")
        await expectResourceError(.paginationLoop(resource: "members", page: 3, firstSeenAtPage: 1)) {
            _ = try await collect(account.resources.members.list())
        }
        #expect(try await account.requests().count == 3)
    }

    @Test func hasNextPageWithANullEndCursorIsAStall() async throws {
        let account = try PagingAccount("null-cursor")
        var seen: [String] = []
        await expectResourceError(
            .stalled(resource: "members", page: 2, detail: "'hasMore' is true but the page has no cursor or next link")
        ) {
            for try await member in account.resources.members.list() { seen.append(member.id) }
        }
        // The page whose continuation is missing is valid: delivered, then the run ends.
        #expect(seen == ["m0", "m1", "m2", "m3"])
        #expect(try await account.requests().count == 2)
    }

    @Test func aGraphQLErrorAnsweredWith200NamesThePage() async throws {
        let account = try PagingAccount("graphql-error")
        await expectResourceError(.invalidPage(resource: "members", page: 2, detail: "no records at '/data/members/nodes'")) {
            _ = try await collect(account.resources.members.list())
        }
        let empty = try PagingAccount("empty-first")
        #expect(try await collect(empty.resources.members.list()).isEmpty)
    }

    @Test func noPaginationReadsOneResponseWithAPathInput() async throws {
        let account = try PagingAccount("ok")
        let roles = try await collect(account.resources.roles.list(siteId: "site 1/2"))
        #expect(roles.map(\.firstName) == ["site 1/2"])
        #expect(try await account.requests() == ["GET /v1/sites/site%201%2F2/roles"])
    }

    @Test func pathsInsertTheConnectionsFieldAsOneSegment() async throws {
        let account = try PagingAccount("ok", tenant: "eu/acme 1")
        let workers = try await collect(account.resources.workers.list())
        #expect(workers.map(\.firstName) == ["eu/acme 1"])
        let one = try await account.resources.workers.get(id: "w/2")
        #expect(one.id == "w/2")
        #expect(one.firstName == "eu/acme 1")
        #expect(try await account.requests() == [
            "GET /v1/tenants/eu%2Facme%201/workers", "GET /v1/tenants/eu%2Facme%201/workers/w%2F2",
        ])
        #expect(account.connection.configuration.pathFields == ["tenant": "eu/acme 1"])
    }

    @Test func getReadsOneRecordAndReportsNotFound() async throws {
        let account = try PagingAccount("ok")
        let employee = try await account.resources.employees.get(id: "e2")
        #expect(employee.email == "person2@acme.example")
        await expectResourceError(.notFound(resource: "employees")) {
            _ = try await account.resources.employees.get(id: "nobody")
        }
    }

    @Test func pagesCarryTheirNumbers() async throws {
        let account = try PagingAccount("ok")
        let pages = try await collect(account.resources.users.pages())
        #expect(pages.map(\.number) == [1, 2, 3, 4])
        #expect(pages.map(\.records.count) == [2, 2, 1, 0])
    }

    // MARK: Traps

    /// Page 3 is valid; only its cursor (A, already followed) loops: its records are delivered,
    /// then the run ends with the loop error (issue 18: they were withheld).
    @Test func aCursorThatComesBackEndsTheRunWithALoopErrorAfterDeliveringItsPage() async throws {
        let account = try PagingAccount("cycle")
        var seen: [String] = []
        await expectResourceError(.paginationLoop(resource: "contacts", page: 3, firstSeenAtPage: 1)) {
            for try await contact in account.resources.contacts.list() { seen.append(contact.id) }
        }
        #expect(seen == ["c0", "c1", "c2", "c3", "c4"])
        #expect(try await account.requests().count == 3)
    }

    /// Pages 1 -> 2 -> 3 -> 2: page 3 is delivered, its link back to page 2 ends the run; the
    /// same through the Link header.
    @Test func aNextURLThatComesBackEndsTheRunWithALoopErrorAfterDeliveringItsPage() async throws {
        let account = try PagingAccount("cycle")
        var seen: [String] = []
        await expectResourceError(.paginationLoop(resource: "tickets", page: 3, firstSeenAtPage: 1)) {
            for try await ticket in account.resources.tickets.list() { seen.append(ticket.id) }
        }
        #expect(seen == ["t0", "t1", "t2", "t3", "t4"])
        #expect(try await account.requests().count == 3)
        let groups = try PagingAccount("cycle")
        var groupIDs: [String] = []
        await expectResourceError(.paginationLoop(resource: "groups", page: 3, firstSeenAtPage: 1)) {
            for try await group in groups.resources.groups.list() { groupIDs.append(group.id) }
        }
        #expect(groupIDs == ["g0", "g1", "g2", "g3", "g4"])
    }

    @Test func aLastPageStillCarryingACursorEndsCleanly() async throws {
        let account = try PagingAccount("last-cursor")
        #expect(try await collect(account.resources.contacts.list()).count == 5)
        #expect(try await account.requests().last == "GET /v1/contacts?limit=2&cursor=end")
        let candidates = try PagingAccount("last-cursor")
        #expect(try await collect(candidates.resources.candidates.list()).count == 5)
        #expect(try await candidates.requests().count == 3)
    }

    @Test func anEmptyFirstPageIsAnEmptyList() async throws {
        let account = try PagingAccount("empty-first")
        #expect(try await collect(account.resources.users.list()).isEmpty)
        #expect(try await collect(account.resources.contacts.list()).isEmpty)
        #expect(try await collect(account.resources.candidates.list()).isEmpty)
        #expect(try await collect(account.resources.employees.list()).isEmpty)
    }

    @Test func aShortPageInTheMiddleDoesNotEndTheList() async throws {
        let account = try PagingAccount("short")
        let employees = try await collect(account.resources.employees.list())
        #expect(employees.map(\.id) == ["e0", "e1", "e2", "e3", "e4"])
        #expect(try await account.requests() == [
            "GET /v1/employees?offset=0&limit=2", "GET /v1/employees?offset=2&limit=2", "GET /v1/employees?offset=3&limit=2",
        ])
    }

    @Test func anEmptyPageBeforeTheTotalIsAStallNotALoop() async throws {
        let account = try PagingAccount("stall")
        await expectResourceError(
            .stalled(resource: "employees", page: 2, detail: "the page is empty but the stop rule 'totalCount' says more records follow")
        ) {
            _ = try await collect(account.resources.employees.list())
        }
    }

    /// An absolute link to another host, and a network-path reference (`//localhost:PORT/...`,
    /// relative but on another host): neither is requested (the emulation would see it, since
    /// localhost is the same server), so no credentials leave the API host.
    @Test(arguments: ["foreign", "foreign-network-path"])
    func aNextLinkToAnotherHostIsNotFollowed(_ scenario: String) async throws {
        for resource in ["tickets", "groups"] {
            let account = try PagingAccount(scenario)
            await expectResourceError(.foreignNextURL(resource: resource, page: 1, host: "localhost")) {
                if resource == "tickets" {
                    _ = try await collect(account.resources.tickets.list())
                } else {
                    _ = try await collect(account.resources.groups.list())
                }
            }
            #expect(try await account.requests().count == 1)
        }
    }

    @Test func a429InTheMiddleIsRetriedAfterRetryAfterAndTheRunContinues() async throws {
        let account = try PagingAccount("rate-limit")
        let sleeps = RecordedSleeps()
        let users = try await collect(account.resources.users.list(options: ListOptions(retry: sleeps.policy)))
        #expect(users.count == 5)
        #expect(sleeps.all == [1])
        #expect(try await account.requests() == [
            "GET /v1/users?page=1&per_page=2", "GET /v1/users?page=2&per_page=2", "GET /v1/users?page=2&per_page=2",
            "GET /v1/users?page=3&per_page=2", "GET /v1/users?page=4&per_page=2",
        ])
    }

    @Test func retryAfterAsAnHTTPDateIsHonouredAndCapped() async throws {
        let account = try PagingAccount("rate-limit-date")
        let sleeps = RecordedSleeps()
        _ = try await collect(account.resources.contacts.list(options: ListOptions(retry: sleeps.policy)))
        let wait = try #require(sleeps.all.first)
        #expect(sleeps.all.count == 1)
        #expect(wait > 0 && wait <= 5)
    }

    @Test func a503IsRetriedWithCappedJitteredBackoff() async throws {
        let account = try PagingAccount("unavailable")
        let sleeps = RecordedSleeps()
        #expect(try await collect(account.resources.tickets.list(options: ListOptions(retry: sleeps.policy))).count == 5)
        #expect(sleeps.all.count == 1)
        #expect(sleeps.all.allSatisfy { $0 >= 0 && $0 <= 0.01 })
    }

    @Test func retriesAreBounded() async throws {
        let account = try PagingAccount("rate-limit")
        let policy = RetryPolicy(maxAttempts: 1) { _ in Issue.record("no retry expected with one attempt") }
        await expectResourceError(
            .retriesExhausted(resource: "users", page: 2, attempts: 1, last: .rateLimited(retryAfter: 1))
        ) {
            _ = try await collect(account.resources.users.list(options: ListOptions(retry: policy)))
        }
    }

    @Test func invalidJSONOnPage3NamesThePage() async throws {
        let account = try PagingAccount("bad-json")
        var seen: [String] = []
        await expectResourceError(.invalidPage(resource: "employees", page: 3, detail: "the body is not valid JSON")) {
            for try await employee in account.resources.employees.list() { seen.append(employee.id) }
        }
        #expect(seen == ["e0", "e1", "e2", "e3"])
    }

    @Test func aRecordMissingARequiredFieldStopsOrIsSkippedAsTheCallerChooses() async throws {
        let account = try PagingAccount("missing-field")
        await expectResourceError(
            .invalidRecord(resource: "employees", page: 2, index: 1, field: "updated_at", reason: "is missing")
        ) {
            _ = try await collect(account.resources.employees.list())
        }
        let skipping = try PagingAccount("missing-field")
        let pages = try await collect(skipping.resources.employees.pages(options: ListOptions(invalidRecords: .skip)))
        #expect(pages.flatMap(\.records).map(\.id) == ["e0", "e1", "e2", "e4"])
        #expect(pages[1].skipped == [
            .invalidRecord(resource: "employees", page: 2, index: 1, field: "updated_at", reason: "is missing")
        ])
    }

    @Test func thePageLimitIsABackstop() async throws {
        let account = try PagingAccount("ok")
        await expectResourceError(.pageLimitReached(resource: "users", pages: 2)) {
            _ = try await collect(account.resources.users.list(options: ListOptions(maxPages: 2)))
        }
        #expect(try await account.requests().count == 2)
    }

    @Test func stoppingTheConsumerStopsFetching() async throws {
        let account = try PagingAccount("ok")
        for try await _ in account.resources.users.list() { break }
        #expect(try await account.requests().count == 1)
        let cancelled = try PagingAccount("ok")
        let task = Task {
            var count = 0
            for try await _ in cancelled.resources.users.list() {
                count += 1
                if count == 2 { withUnsafeCurrentTask { $0?.cancel() } }
            }
            return count
        }
        do {
            _ = try await task.value
            Issue.record("expected cancellation")
        } catch is CancellationError {
        }
        #expect(try await cancelled.requests().count == 1)
    }

    @Test func errorMessagesNameResourcePageRecordAndField() {
        let error = ResourceError.invalidRecord(resource: "employees", page: 2, index: 1, field: "updated_at", reason: "is missing")
        #expect(error.description == "employees: record 1 of page 2 does not match its schema: field 'updated_at' is missing")
        let loop = ResourceError.paginationLoop(resource: "contacts", page: 3, firstSeenAtPage: 1)
        #expect(loop.description.contains("page 3 points back to a page already read (first seen at page 1)"))
    }

    /// `{{token.region}}` and `{{discovered.siteId}}` in an OAuth variant's resource path: the
    /// region from the stored token response, the site id looked up by the variant's discovery
    /// (GET /me/sites, answered through the same connection), both inserted as one
    /// percent-encoded segment; the typed input as a query parameter.
    @Test func tokenAndDiscoveredValuesInsertedInThePath() async throws {
        let server = try TestServer.current(.paging)
        let key = "ok." + UUID().uuidString.lowercased()
        let fields = AcmeResources.Oauth.Fields(clientId: "acme-client", clientSecret: Secret("acme-secret"))
        let configuration = try AcmeResources.Oauth.configuration(fields)
            .overridingEndpoints(["api.acme.example": server.url("/k/\(key)")])
        let store = InMemoryTokenStore()
        let tokens = TokenSet(
            accessToken: Secret("test-key"), expiresAt: Date().addingTimeInterval(3600), extra: ["region": "eu west"])
        _ = try await store.save(tokens, account: key)
        let connection = Connection(configuration: configuration, account: key, store: store)
        let roles = try await collect(AcmeResources.Oauth.Resources(connection).siteRoles.list(activeOnly: true))
        #expect(roles.map(\.firstName) == ["eu west|site 7/b|active=true"])
        let list = try await server.control("GET", "/_control/requests/\(key)") as? [[String: String]] ?? []
        #expect(list.map { ($0["method"] ?? "") + " " + ($0["path"] ?? "").replacingOccurrences(of: "/k/\(key)", with: "") } == [
            "GET /v1/me/sites", "GET /v1/regions/eu%20west/sites/site%207%2Fb/roles?active=true",
        ])
        // The discovered value is stored with the tokens: the next run does not look it up again.
        _ = try await collect(AcmeResources.Oauth.Resources(connection).siteRoles.list())
        let after = try await server.control("GET", "/_control/requests/\(key)") as? [[String: String]] ?? []
        #expect(after.count == 3)
    }
}
