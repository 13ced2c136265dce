import ConnectorRuntime
import Connectors
import Testing

/// The catalog's resources as the specs compile them: every pagination style of the format is used by at
/// least one real connector, so a style cannot lose its last provider unnoticed, and the resources added
/// from the providers' references keep the facts checked there (pointers, parameters, page-size maxima).
@Suite struct CatalogResourceTests {
    /// One compiled list operation per style, each from a provider that pages that way.
    static var oneConnectorPerStyle: [(ResourcePagination.Style, String, ResourceListOperation)] {
        [
            (.none, "bamboohr employees", Bamboohr.ApiKey.Resources.Employees.listOperation),
            (.offset, "deel people", Deel.ApiToken.Resources.People.listOperation),
            (.pageNumber, "freshdesk tickets", Freshdesk.ApiKey.Resources.Tickets.listOperation),
            (.cursor, "calendly organization memberships", Calendly.PersonalAccessToken.Resources.OrganizationMemberships.listOperation),
            (.nextURL, "personio persons", Personio.ClientCredentials.Resources.Persons.listOperation),
            (.linkHeader, "greenhouse candidates", Greenhouse.ClientCredentials.Resources.Candidates.listOperation),
            (.bodyCursor, "ashby candidates", Ashby.ApiKey.Resources.Candidates.listOperation),
        ]
    }

    @Test func everyPaginationStyleHasACatalogConnector() {
        for (style, name, operation) in Self.oneConnectorPerStyle {
            checkEqual(operation.pagination.style, style, "\(name) pages by \(style.rawValue)")
        }
        let covered: Set<ResourcePagination.Style> = Set(Self.oneConnectorPerStyle.map { $0.2.pagination.style })
        checkEqual(covered, Set(ResourcePagination.Style.allCases), "every style of the format has a catalog connector")
    }

    @Test func personioFollowsTheNextLinkWithAtMostFiftyPersonsAPage() {
        let operation: ResourceListOperation = Personio.ClientCredentials.Resources.Persons.listOperation
        checkEqual(operation.path, "/persons")
        checkEqual(operation.records, "/_data")
        checkEqual(
            operation.pagination,
            ResourcePagination(style: .nextURL, stop: .absentCursor, pageSize: 50, limitParam: "limit", nextPointer: "/_meta/links/next/href"))
    }

    @Test func calendlySendsThePageTokenBackWithTheOrganization() {
        let operation: ResourceListOperation = Calendly.PersonalAccessToken.Resources.OrganizationMemberships.listOperation
        checkEqual(operation.path, "/organization_memberships")
        checkEqual(operation.records, "/collection")
        checkEqual(
            operation.pagination,
            ResourcePagination(
                style: .cursor, stop: .absentCursor, pageSize: 100, limitParam: "count", cursorParam: "page_token",
                cursorPointer: "/pagination/next_page_token"))
    }

    @Test func deelRecruiteeAndRipplingPageAsTheirReferencesSay() {
        checkEqual(
            Deel.ApiToken.Resources.People.listOperation.pagination,
            ResourcePagination(style: .offset, stop: .emptyPage, pageSize: 100, limitParam: "limit", offsetParam: "offset"))
        checkEqual(Deel.Oauth.Resources.People.listOperation, Deel.ApiToken.Resources.People.listOperation, "both Deel variants")
        checkEqual(
            Recruitee.ApiToken.Resources.Candidates.listOperation.pagination,
            ResourcePagination(style: .offset, stop: .emptyPage, pageSize: 100, limitParam: "limit", offsetParam: "offset"))
        checkEqual(Recruitee.ApiToken.Resources.Candidates.listOperation.records, "/candidates")
        checkEqual(
            Rippling.ApiToken.Resources.Workers.listOperation.pagination,
            ResourcePagination(style: .nextURL, stop: .absentCursor, nextPointer: "/next_link"))
        checkEqual(Rippling.ApiToken.Resources.Workers.listOperation.records, "/results")
    }

    @Test func linearPagesItsGraphQLConnectionsThroughTheQueryVariables() throws {
        for (operation, connection) in [
            (Linear.ApiKey.Resources.Users.listOperation, "users"), (Linear.ApiKey.Resources.Issues.listOperation, "issues"),
        ] {
            checkEqual(operation.method, "POST")
            checkEqual(operation.path, "/graphql")
            checkEqual(operation.records, "/data/\(connection)/nodes")
            // Linear's default page size is 50; the cursor and the size are the query's `after` and `first` variables.
            checkEqual(
                operation.pagination,
                ResourcePagination(
                    style: .bodyCursor, stop: .hasMore, pageSize: 50, cursorPointer: "/data/\(connection)/pageInfo/endCursor",
                    cursorBodyPointer: "/variables/after", limitBodyPointer: "/variables/first",
                    hasMorePointer: "/data/\(connection)/pageInfo/hasNextPage"))
            let query = try #require(operation.body?["query"].flatMap { value -> String? in
                if case .string(let text) = value { return text } else { return nil }
            })
            #expect(query.contains("\(connection)(first: $first, after: $after)"))
            #expect(query.contains("pageInfo { hasNextPage endCursor }"))
        }
        checkEqual(Linear.Oauth.Resources.Users.listOperation, Linear.ApiKey.Resources.Users.listOperation, "both Linear variants")
    }

    @Test func boxListsUsersByMarkerBecauseOffsetsStopAtTenThousand() {
        let operation: ResourceListOperation = Box.Oauth.Resources.Users.listOperation
        checkEqual(operation.query, [QueryParameter("usemarker", "true")])
        checkEqual(
            operation.pagination,
            ResourcePagination(
                style: .cursor, stop: .emptyPage, pageSize: 1000, limitParam: "limit", cursorParam: "marker",
                cursorPointer: "/next_marker"))
    }

    @Test func oktaPagesUsersByItsLinkHeaderAtItsMaximumOf200() {
        let operation: ResourceListOperation = Okta.ApiToken.Resources.Users.listOperation
        checkEqual(operation.pagination, ResourcePagination(style: .linkHeader, stop: .absentCursor, pageSize: 200, limitParam: "limit"))
    }

    @Test func docusignUsersStopAtTheTotalSetSizeSentAsAString() {
        let operation: ResourceListOperation = Docusign.Oauth.Resources.Users.listOperation
        checkEqual(operation.path, "/users")
        checkEqual(operation.records, "/users")
        // Users:list takes `count` 1...100 and `start_position`; `totalSetSize` is a JSON string.
        checkEqual(
            operation.pagination,
            ResourcePagination(
                style: .offset, stop: .totalCount, pageSize: 100, limitParam: "count", offsetParam: "start_position",
                totalPointer: "/totalSetSize"))
    }
}
