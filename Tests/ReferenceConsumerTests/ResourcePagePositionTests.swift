// ResourcePage.nextPosition and ListOptions.start against the paging emulation
// (Tests/Servers/pagingserver.py), for every pagination style of acme_resources.json: a run
// started at a page's position sends exactly the requests the whole run sent after that page,
// and yields the same pages, so a reader that stops between pages (an MCP cursor, a sync
// checkpoint) pays one request per page instead of reading the list again from its start.
import ConnectorRuntime
import Foundation
import Testing

/// `METHOD path body` of the account's requests, so POST styles compare their bodies too.
private func requestLines(_ account: PagingAccount) async throws -> [String] {
    let list = try await account.server.control("GET", "/_control/requests/\(account.key)") as? [[String: String]] ?? []
    return list.map { ($0["method"] ?? "") + " " + ($0["path"] ?? "") + " " + ($0["body"] ?? "") }
}

/// Reads the whole list, then resumes from every page's position (through its text form, as a
/// checkpoint stores it) and checks the pages and requests of each resumed run.
private func checkResumes<Record: ResourceRecord>(
    _ account: PagingAccount, _ id: (Record) -> String, _ pages: (ListOptions) -> PageSequence<Record>
) async throws {
    let whole = try await collect(pages(ListOptions()))
    let wholeRequests = try await requestLines(account)
    #expect(wholeRequests.count == whole.count)
    #expect(whole.count >= 3)
    #expect(whole.last?.nextPosition == nil)
    for (index, page) in whole.enumerated() {
        guard let position = page.nextPosition else {
            #expect(index == whole.count - 1, "only the last page has no next position")
            continue
        }
        let stored = try #require(ResourcePagePosition(text: position.text))
        #expect(stored == position)
        let before = try await requestLines(account).count
        let resumed = try await collect(pages(ListOptions(start: stored)))
        let sent = Array(try await requestLines(account).dropFirst(before))
        #expect(sent == Array(wholeRequests.dropFirst(index + 1)), "resumed after page \(page.number)")
        #expect(resumed.map(\.number) == whole.dropFirst(index + 1).map(\.number))
        #expect(resumed.map { $0.records.map(id) } == whole.dropFirst(index + 1).map { $0.records.map(id) })
        #expect(resumed.map(\.offset) == whole.dropFirst(index + 1).map(\.offset))
    }
}

@Suite(.pagingServer, .serialized) struct ResourcePagePositionTests {
    @Test func offset() async throws {
        let account = try PagingAccount("ok")
        try await checkResumes(account, \.id) { account.resources.employees.pages(options: $0) }
    }

    @Test func pageNumber() async throws {
        let account = try PagingAccount("ok")
        try await checkResumes(account, \.id) { account.resources.users.pages(options: $0) }
    }

    @Test func cursor() async throws {
        let account = try PagingAccount("ok")
        try await checkResumes(account, \.id) { account.resources.contacts.pages(options: $0) }
    }

    @Test func nextURL() async throws {
        let account = try PagingAccount("ok")
        try await checkResumes(account, \.id) { account.resources.tickets.pages(options: $0) }
    }

    @Test func aRelativeNextLinkResolvesAgainstThePageThatGaveIt() async throws {
        for scenario in ["relative", "relative-query", "relative-dots"] {
            let account = try PagingAccount(scenario)
            try await checkResumes(account, \.id) { account.resources.tickets.pages(options: $0) }
        }
    }

    @Test func linkHeader() async throws {
        let account = try PagingAccount("ok")
        try await checkResumes(account, \.id) { account.resources.groups.pages(options: $0) }
    }

    @Test func bodyCursor() async throws {
        let account = try PagingAccount("ok")
        let since = CalendarDate(year: 2024, month: 1, day: 31)
        try await checkResumes(account, \.id) { account.resources.candidates.pages(createdAfter: since, options: $0) }
    }

    @Test func bodyCursorAtAPointer() async throws {
        let account = try PagingAccount("ok")
        try await checkResumes(account, \.id) { account.resources.members.pages(options: $0) }
    }

    @Test func aPositionWithoutTheCursorIsRefusedBeforeAnyRequest() async throws {
        let account = try PagingAccount("ok")
        let start = ResourcePagePosition(pagesRead: 1, recordsSeen: 2, pageNumber: 1)
        do {
            _ = try await collect(account.resources.contacts.pages(options: ListOptions(start: start)))
            Issue.record("expected misconfigured")
        } catch let error as ConnectorError {
            #expect(error == .misconfigured("ListOptions.start of resource 'contacts' has no cursor or next link to continue from."))
        }
        #expect(try await account.requests().isEmpty)
    }

    @Test func thePageLimitCountsThePagesBeforeThePosition() async throws {
        let account = try PagingAccount("ok")
        let first = try #require(try await collect(account.resources.contacts.pages()).first?.nextPosition)
        await expectResourceError(.pageLimitReached(resource: "contacts", pages: 2)) {
            _ = try await collect(account.resources.contacts.pages(options: ListOptions(maxPages: 2, start: first)))
        }
    }
}
