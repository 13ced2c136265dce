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
}
