public import Foundation

/// A compiled `list` operation: what the generated code passes to the pager.
public struct ResourceListOperation: Sendable, Hashable {
    /// The resource's name in the spec, used in errors (`employees`).
    public var resource: String
    public var method: String
    /// Path relative to the base URL; `{{NAME}}` is replaced by the path argument `NAME`.
    public var path: String
    /// Constant query parameters.
    public var query: [QueryParameter]
    /// The constant JSON body of a POST list (an object), or `nil`.
    public var body: JSONValue?
    /// JSON pointer to the records array in a page.
    public var records: String
    public var pagination: ResourcePagination
    /// The largest page body accepted, in bytes (the spec's `maxResponseBytes`); `nil` keeps the
    /// transport's cap (10 MiB by default). ``ListOptions/maxResponseBytes`` overrides it.
    public var maxResponseBytes: Int?

    public init(
        resource: String, method: String = "GET", path: String, query: [QueryParameter] = [], body: JSONValue? = nil,
        records: String, pagination: ResourcePagination, maxResponseBytes: Int? = nil
    ) {
        self.resource = resource
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.records = records
        self.pagination = pagination
        self.maxResponseBytes = maxResponseBytes
    }
}

/// A query parameter.
public struct QueryParameter: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// A compiled `get` operation.
public struct ResourceGetOperation: Sendable, Hashable {
    public var resource: String
    /// Path with `{{id}}`.
    public var path: String
    /// JSON pointer to the record in the response.
    public var record: String

    public init(resource: String, path: String, record: String = "") {
        self.resource = resource
        self.path = path
        self.record = record
    }
}

/// How pages follow each other and when the list ends.
public struct ResourcePagination: Sendable, Hashable {
    public enum Style: String, Sendable, Hashable, CaseIterable {
        /// One response holds every record.
        case none
        /// `offsetParam` = records seen so far, `limitParam` = `pageSize`.
        case offset
        /// `pageParam` = `firstPage`, `firstPage + 1`, ...
        case pageNumber
        /// The cursor at `cursorPointer` is sent back as the query parameter `cursorParam`.
        case cursor
        /// The URL at `nextPointer` is requested as is.
        case nextURL
        /// The URL of the RFC 8288 `Link` header with `rel="next"` is requested as is.
        case linkHeader
        /// The cursor at `cursorPointer` is sent back in the body of a POST: as the top-level key
        /// `cursorParam`, or at the JSON pointer `cursorBodyPointer` (GraphQL `variables`).
        case bodyCursor
    }

    public enum Stop: String, Sendable, Hashable, CaseIterable {
        /// A page without records is the end.
        case emptyPage
        /// A page without a cursor (or next link) is the end.
        case absentCursor
        /// The boolean at `hasMorePointer` is `false` at the end.
        case hasMore
        /// The list ends when the records seen reach the number at `totalPointer`.
        case totalCount
        /// A page with fewer records than the page size asked for is the last one.
        case shortPage
    }

    public var style: Style
    /// The stop rules; the list ends as soon as one of them says so.
    public var stops: [Stop]
    /// The first stop rule.
    public var stop: Stop { stops.first ?? .emptyPage }
    /// Records per page, unless ``ListOptions/pageSize`` asks for another number.
    public var pageSize: Int?
    /// The largest page size a caller may ask for (``ListOptions/pageSize``); `nil`: no limit.
    public var maxPageSize: Int?
    public var limitParam: String?
    public var offsetParam: String?
    public var pageParam: String?
    public var firstPage: Int
    public var cursorParam: String?
    public var cursorPointer: String?
    /// Where the cursor goes inside the POST body (`bodyCursor`, e.g. `/variables/after`), instead
    /// of the top-level key `cursorParam`; objects missing on the way are created.
    public var cursorBodyPointer: String?
    /// Where `pageSize` goes inside the POST body (`bodyCursor`, e.g. `/variables/first`), instead
    /// of the top-level key `limitParam`.
    public var limitBodyPointer: String?
    public var nextPointer: String?
    public var hasMorePointer: String?
    public var totalPointer: String?
    /// The backstop: a run fails after this many pages.
    public var maxPages: Int
    /// The offset of the first record (`offset`): 0 by default, 1 for SCIM's 1-based `startIndex`.
    public var firstOffset: Int = 0

    /// The default backstop.
    public static let defaultMaxPages = 10_000

    /// `stops` (more than one rule: the first that says so ends the list) replaces `stop`.
    public init(
        style: Style, stop: Stop = .emptyPage, stops: [Stop]? = nil, pageSize: Int? = nil, maxPageSize: Int? = nil,
        limitParam: String? = nil, offsetParam: String? = nil,
        pageParam: String? = nil, firstPage: Int = 1, cursorParam: String? = nil, cursorPointer: String? = nil,
        cursorBodyPointer: String? = nil, limitBodyPointer: String? = nil, nextPointer: String? = nil, hasMorePointer: String? = nil, totalPointer: String? = nil,
        maxPages: Int = ResourcePagination.defaultMaxPages, firstOffset: Int = 0
    ) {
        self.style = style
        self.stops = stops.flatMap { $0.isEmpty ? nil : $0 } ?? [stop]
        self.pageSize = pageSize
        self.maxPageSize = maxPageSize
        self.limitParam = limitParam
        self.offsetParam = offsetParam
        self.pageParam = pageParam
        self.firstPage = firstPage
        self.cursorParam = cursorParam
        self.cursorPointer = cursorPointer
        self.cursorBodyPointer = cursorBodyPointer
        self.limitBodyPointer = limitBodyPointer
        self.nextPointer = nextPointer
        self.hasMorePointer = hasMorePointer
        self.totalPointer = totalPointer
        self.maxPages = maxPages
        self.firstOffset = firstOffset
    }
}

/// A value of a typed operation input, as the generated `list` functions pass it.
public enum InputValue: Sendable, Hashable {
    case string(String)
    case integer(Int)
    case number(Double)
    case boolean(Bool)
    case date(CalendarDate)
    case dateTime(Date, DateTimeFormat)

    /// The value as query or path text.
    public var text: String {
        switch self {
        case .string(let text): text
        case .integer(let value): String(value)
        case .number(let value): String(value)
        case .boolean(let flag): flag ? "true" : "false"
        case .date(let date): date.description
        case .dateTime(let date, let format): DateTimeCoding.text(date, format: format)
        }
    }

    /// The value in a JSON body.
    public var json: JSONValue {
        switch self {
        case .string(let text): .string(text)
        case .integer(let value): .integer(value)
        case .number(let value): .number(value)
        case .boolean(let flag): .bool(flag)
        case .date(let date): .string(date.description)
        case .dateTime(let date, let format):
            switch format {
            case .iso8601: .string(DateTimeCoding.text(date, format: format))
            case .unixSeconds, .unixMilliseconds: .integer(Int(DateTimeCoding.text(date, format: format)) ?? 0)
            }
        }
    }
}

/// The inputs of one `list` call: path segments, query parameters and body keys.
public struct ListArguments: Sendable, Hashable {
    public private(set) var path: [String: String] = [:]
    public private(set) var query: [QueryParameter] = []
    public private(set) var body: [String: JSONValue] = [:]

    public init() {}

    /// Sets the path placeholder `{{name}}`.
    public mutating func path(_ name: String, _ value: InputValue) {
        path[name] = value.text
    }

    /// Adds a query parameter.
    public mutating func query(_ name: String, _ value: InputValue) {
        query.append(QueryParameter(name, value.text))
    }

    /// Sets a key of the JSON body.
    public mutating func body(_ name: String, _ value: InputValue) {
        body[name] = value.json
    }
}

/// Choices of the caller of a `list`.
public struct ListOptions: Sendable {
    /// What to do with a record that does not match its schema.
    public enum InvalidRecords: Sendable, Hashable {
        /// End the run with ``ResourceError/invalidRecord(resource:page:index:field:reason:)`` (default).
        case stop
        /// Leave the record out; pages list the skipped records in ``ResourcePage/skipped``.
        case skip
    }

    public var invalidRecords: InvalidRecords
    /// Overrides the spec's page limit (`maxPages`).
    public var maxPages: Int?
    /// Retries of one page after 429 or 5xx.
    public var retry: RetryPolicy
    /// Seconds the whole run may take, counted from its first request (the consumer's time
    /// between pages included); `nil`: no limit. No request or retry wait goes past it: the run
    /// ends with ``ResourceError/deadlineExceeded(resource:page:seconds:)``.
    public var deadline: TimeInterval?
    /// Seconds one page request may take (the wait for a token included), 30 by default. A page
    /// that does not answer in time ends the run with ``ResourceError/timedOut(resource:page:seconds:)``;
    /// it is retried only under ``RetryPolicy/retryTimeouts``.
    public var requestTimeout: TimeInterval
    /// Records per page, instead of the spec's `pageSize` (a bulk sync asks for more than a
    /// screen does). Lowered to the spec's `maxPageSize` when larger; the resource must send a
    /// page size (`limitParam` or `limitBodyPointer`), else the run fails as misconfigured.
    public var pageSize: Int?
    /// The largest page body accepted, in bytes, instead of the spec's `maxResponseBytes` or the
    /// transport's cap (10 MiB by default).
    public var maxResponseBytes: Int?
    /// Where the run starts: a page's ``ResourcePage/nextPosition`` from an earlier run of the same
    /// operation and arguments (`nil`: the first page). The run then reads that page first and
    /// numbers its pages on from there; `maxPages` still counts the earlier pages. The runtime
    /// cannot tell a position of other arguments or another account: a caller that keeps or hands
    /// out positions binds them to both (the Hub's MCP cursors are sealed).
    public var start: ResourcePagePosition?

    public init(
        invalidRecords: InvalidRecords = .stop, maxPages: Int? = nil, retry: RetryPolicy = RetryPolicy(),
        deadline: TimeInterval? = nil, requestTimeout: TimeInterval = HTTPRequest.defaultTimeout, pageSize: Int? = nil,
        maxResponseBytes: Int? = nil, start: ResourcePagePosition? = nil
    ) {
        self.invalidRecords = invalidRecords
        self.maxPages = maxPages
        self.retry = retry
        self.deadline = deadline
        self.requestTimeout = requestTimeout
        self.pageSize = pageSize
        self.maxResponseBytes = maxResponseBytes
        self.start = start
    }
}

/// Retries of a page answered 429 or 5xx (or not answered): waits `Retry-After` when the provider
/// sends it, else exponential backoff with full jitter; every wait is capped at `maxDelay`.
///
/// A page that timed out (no answer within ``ListOptions/requestTimeout``) is not retried unless
/// ``retryTimeouts`` is set: a page too slow once is usually as slow the next time, and retrying
/// it multiplies the wait by ``maxAttempts``.
public struct RetryPolicy: Sendable {
    /// Attempts per page, the first included.
    public var maxAttempts: Int
    /// Whether a timed-out page is retried like a 5xx (default `false`).
    public var retryTimeouts: Bool
    /// First backoff in seconds (doubles each attempt).
    public var baseDelay: Double
    /// No wait is longer, whatever `Retry-After` says.
    public var maxDelay: Double
    /// Waits; injectable so tests need not sleep.
    public var sleep: @Sendable (Double) async throws -> Void

    public init(
        maxAttempts: Int = 5, baseDelay: Double = 0.5, maxDelay: Double = 30, retryTimeouts: Bool = false,
        sleep: @escaping @Sendable (Double) async throws -> Void = { seconds in
            try await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1_000_000_000))
        }
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.retryTimeouts = retryTimeouts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.sleep = sleep
    }

    /// The wait before attempt `attempt + 1` (attempt counts from 1).
    public func delay(afterAttempt attempt: Int, retryAfter: Double?) -> Double {
        if let retryAfter { return min(max(retryAfter, 0), maxDelay) }
        let ceiling = min(maxDelay, baseDelay * pow(2, Double(attempt - 1)))
        return Double.random(in: 0...max(ceiling, 0))
    }
}
