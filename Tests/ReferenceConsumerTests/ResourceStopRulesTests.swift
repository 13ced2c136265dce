// The list shapes issue 18 found missing, through generated code of
// Tests/Reference/Specs/acme_resources.json against the paging emulation
// (Tests/Servers/pagingserver.py): a short page that ends the list, more than one stop rule, the
// page size chosen at call time, page metadata (total and offset), one record type shared by
// several resources, and a `Link` header whose quoted parameters hold `;`, `,` and `rel=next`.
import ConnectorRuntime
import Foundation
import Testing

/// Tests of `ResourcePagingTests` (one emulation process for the paging suites).
extension ResourcePagingTests {
    // MARK: shortPage

    /// No total, and asking past the end answers 400: `stop: shortPage` ends at the short page
    /// (before, the closest spec, `emptyPage`, asked for page 4 and failed after every record).
    @Test func aShortPageEndsTheListBeforeThePastTheEndError() async throws {
        let account = try PagingAccount("ok")
        let staff = try await collect(account.resources.pagedStaff.list())
        #expect(staff.map(\.id) == ["p0", "p1", "p2", "p3", "p4"])
        #expect(try await account.requests() == [
            "GET /v1/paged-staff?page=1&per_page=2", "GET /v1/paged-staff?page=2&per_page=2",
            "GET /v1/paged-staff?page=3&per_page=2",
        ])
    }

    // MARK: Several stop rules

    /// The total says 7 where 5 records exist: `["totalCount", "emptyPage"]` ends at the empty
    /// page after the records (before, `totalCount` alone failed as `stalled`); every page reports
    /// the total it was sent and its offset.
    @Test func aTotalThatOverstatesEndsAtTheEmptyPageWithTwoStopRules() async throws {
        let account = try PagingAccount("overstated")
        let pages = try await collect(account.resources.staff.pages())
        #expect(pages.flatMap(\.records).map(\.id) == ["s0", "s1", "s2", "s3", "s4"])
        #expect(pages.map(\.total) == [7, 7, 7, 7])
        #expect(pages.map(\.offset) == [0, 2, 4, 5])
        #expect(try await account.requests() == [
            "GET /v1/staff?offset=0&limit=2", "GET /v1/staff?offset=2&limit=2", "GET /v1/staff?offset=4&limit=2",
            "GET /v1/staff?offset=5&limit=2",
        ])
    }

    /// The last page still says `has_more: true` but sends no cursor: `["hasMore", "absentCursor"]`
    /// ends there (`hasMore` alone fails as `stalled`).
    @Test func hasMoreWithoutACursorEndsTheListWithTwoStopRules() async throws {
        let account = try PagingAccount("more-lies")
        let openings = try await collect(account.resources.openings.list())
        #expect(openings.map(\.id) == ["o0", "o1", "o2", "o3", "o4"])
        #expect(try await account.requests() == [
            "GET /v1/openings?limit=2", "GET /v1/openings?limit=2&cursor=o2", "GET /v1/openings?limit=2&cursor=o4",
        ])
    }

    // MARK: Page size at call time

    @Test func theCallerChoosesThePageSizeWithinTheSpecsMaximum() async throws {
        let account = try PagingAccount("ok")
        let three = try await collect(account.resources.pagedStaff.pages(options: ListOptions(pageSize: 3)))
        #expect(three.map(\.records.count) == [3, 2])
        let large = try await collect(account.resources.pagedStaff.pages(options: ListOptions(pageSize: 500)))
        #expect(large.map(\.records.count) == [5])
        #expect(try await account.requests() == [
            "GET /v1/paged-staff?page=1&per_page=3", "GET /v1/paged-staff?page=2&per_page=3",
            // 500 is lowered to the spec's maxPageSize, 50.
            "GET /v1/paged-staff?page=1&per_page=50",
        ])
    }

    @Test func aPageSizeForAResourceThatSendsNoneIsAConfigurationError() async throws {
        let account = try PagingAccount("ok")
        do {
            _ = try await collect(account.resources.tickets.list(options: ListOptions(pageSize: 10)))
            Issue.record("expected misconfigured")
        } catch let error as ConnectorError {
            #expect(error == .misconfigured(
                "ListOptions.pageSize is set, but resource 'tickets' sends no page size (its spec has no 'limitParam' or 'limitBodyPointer')."))
        }
        #expect(try await account.requests().isEmpty)
    }

    // MARK: Page metadata

    @Test func pagesReportTheTotalAndTheirOffset() async throws {
        let account = try PagingAccount("ok")
        let pages = try await collect(account.resources.employees.pages())
        #expect(pages.map(\.total) == [5, 5, 5])
        #expect(pages.map(\.offset) == [0, 2, 4])
        let users = try await collect(account.resources.users.pages())
        #expect(users.map(\.total) == [nil, nil, nil, nil])
        #expect(users.map(\.offset) == [0, 2, 4, 5])
    }

    // MARK: Shared record types

    /// `staff`, `pagedStaff`, `openings` and `directory` name the shared record `Entry`: one type.
    @Test func resourcesSharingARecordListTheSameType() async throws {
        let account = try PagingAccount("ok")
        var entries: [AcmeResources.Entry] = try await collect(account.resources.staff.list())
        entries += try await collect(account.resources.directory.list())
        #expect(entries.map(\.id) == ["s0", "s1", "s2", "s3", "s4", "d0", "d1", "d2", "d3", "d4"])
    }

    // MARK: Link header parameters

    /// Another link carries `title="see; rel=next"`: quoted text, not a `rel` (RFC 8288);
    /// the pager follows the real `rel="next"` (before, it followed page 9 and stopped at 2 records).
    @Test func aQuotedSemicolonInALinkParameterIsNotARelation() async throws {
        let account = try PagingAccount("quoted-link")
        let groups = try await collect(account.resources.groups.list())
        #expect(groups.map(\.id) == ["g0", "g1", "g2", "g3", "g4"])
        #expect(try await account.requests() == [
            "GET /v1/groups?limit=2", "GET /v1/groups?limit=2&page=2", "GET /v1/groups?limit=2&page=3",
        ])
    }
}
