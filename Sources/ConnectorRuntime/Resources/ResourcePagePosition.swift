import Foundation

/// Where a `list` run stands between two pages, as the pager knows it: what the next request
/// needs (the offset, the page number, the cursor or the next URL) and the counts the stop rules
/// and the page limit go on from. Every page carries the position after it
/// (``ResourcePage/nextPosition``); ``ListOptions/start`` starts a run there, so a reader that
/// stops between pages (an MCP cursor, a sync's per-page checkpoint) resumes with one request
/// instead of reading the list again from its first page.
///
/// Codable, and ``text`` / ``init(text:)`` give it as one string for a column or a checkpoint. It
/// holds the provider's cursor or next URL, which can be as sensitive as the records: keep it
/// where the records may go, and seal or sign it before it leaves the server. A resumed run does
/// not remember the cursors followed before the position, so a loop through it is caught by the
/// page limit (``ResourcePagination/maxPages``, counted from the list's first page), not at once.
public struct ResourcePagePosition: Sendable, Hashable, Codable {
    /// Pages read before the position.
    public var pagesRead: Int
    /// Records the pages before the position held (valid or not): the next `offset` is the
    /// spec's `firstOffset` plus this.
    public var recordsSeen: Int
    /// The page number the next request sends (`pageNumber`).
    public var pageNumber: Int
    /// The cursor (`cursor`, `bodyCursor`) or next link (`nextURL`, `linkHeader`) to follow.
    public var next: String?
    /// The absolute URL of the page that gave a next link: a relative link resolves against it.
    public var pageURL: String?

    public init(pagesRead: Int, recordsSeen: Int, pageNumber: Int, next: String? = nil, pageURL: String? = nil) {
        self.pagesRead = pagesRead
        self.recordsSeen = recordsSeen
        self.pageNumber = pageNumber
        self.next = next
        self.pageURL = pageURL
    }

    /// The position as compact JSON with sorted keys.
    public var text: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    /// The position ``text`` gave, or `nil` when `text` is not one.
    public init?(text: String) {
        guard let position = try? JSONDecoder().decode(Self.self, from: Data(text.utf8)) else { return nil }
        self = position
    }
}
