import Foundation

/// One page of a `list` run.
public struct ResourcePage<Record: ResourceRecord>: Sendable {
    /// 1 for the first page.
    public var number: Int
    /// The records of the page that matched their schema.
    public var records: [Record]
    /// Records left out under ``ListOptions/InvalidRecords/skip``.
    public var skipped: [ResourceError]
    /// The records the pages before this one held (valid or not): the page's position in the
    /// run, and for `offset` lists the offset it was requested at.
    public var offset: Int
    /// The total the API sent with this page (at the spec's `totalPointer`), or `nil`. A total
    /// that changes between the pages of a run means records were added or removed meanwhile: an
    /// offset or page-number list may then skip or repeat records.
    public var total: Int?
    /// Where the page after this one starts, or `nil` when this page ends the list (or ends the
    /// run with an error the next step reports). Pass it as ``ListOptions/start`` to read the
    /// rest of the list later, in another run or process, without reading this page again.
    public var nextPosition: ResourcePagePosition?

    public init(
        number: Int, records: [Record], skipped: [ResourceError], offset: Int, total: Int?,
        nextPosition: ResourcePagePosition? = nil
    ) {
        self.number = number
        self.records = records
        self.skipped = skipped
        self.offset = offset
        self.total = total
        self.nextPosition = nextPosition
    }
}

/// The state machine of one `list` run: builds each page's request, sends it through the
/// connection (credentials, refresh, 401 retry) under the request timeout and the run's
/// deadline, retries 429 and 5xx, decodes the records and applies the stop rules. Holds one page
/// at a time; remembers every cursor and next URL it followed, so any cycle ends the run.
struct Pager<Record: ResourceRecord>: Sendable {
    let connection: Connection
    let operation: ResourceListOperation
    let arguments: ListArguments
    let options: ListOptions

    private var pagesRead = 0
    private var recordsSeen = 0
    private var pageNumber: Int
    /// The cursor (cursor, bodyCursor) or URL (nextURL, linkHeader) of the next page.
    private var next: String?
    /// Every cursor or next URL followed, with the page that gave it.
    private var followed: [String: Int] = [:]
    private var finished = false
    /// Whether the run sent its first request (which checks the options and starts the deadline).
    private var started = false
    /// The error that ends the run after the page that revealed it was delivered (a loop, a
    /// stall): that page's records are valid, only its continuation is not.
    private var pending: ResourceError?
    /// The absolute URL of the page being read: relative next links resolve against it
    /// (RFC 3986 section 5), not against the base URL.
    private var pageURL: URL?
    /// The tokens' extra fields, read once per run when the path inserts some or the base URL
    /// comes from them.
    private var tokenExtras: [String: String]?
    /// The base URL of the run: the fixed one, or the one the token response gives (Salesforce's
    /// `instance_url`), read once per run, so next links resolve and are checked against it.
    private var runBase: URL?
    /// When the run's deadline passes (``ListOptions/deadline``), from its first request.
    private var deadline: ContinuousClock.Instant?
    /// Records per page: the caller's (within the spec's maximum) or the spec's.
    private let pageSize: Int?

    init(connection: Connection, operation: ResourceListOperation, arguments: ListArguments, options: ListOptions) {
        self.connection = connection
        self.operation = operation
        self.arguments = arguments
        self.options = options
        self.pageNumber = operation.pagination.firstPage
        let pagination = operation.pagination
        if let start = options.start {
            pagesRead = start.pagesRead
            recordsSeen = start.recordsSeen
            pageNumber = start.pageNumber
            next = start.next
            pageURL = start.pageURL.flatMap { URL(string: $0) }
        }
        if let asked = options.pageSize {
            pageSize = min(asked, pagination.maxPageSize ?? asked)
        } else {
            pageSize = pagination.pageSize
        }
    }

    private var pagination: ResourcePagination { operation.pagination }
    private var isURLStyle: Bool { pagination.style == .nextURL || pagination.style == .linkHeader }
    private var resource: String { operation.resource }

    mutating func nextPage() async throws -> ResourcePage<Record>? {
        if let pending {
            self.pending = nil
            finished = true
            throw pending
        }
        guard !finished else { return nil }
        try Task.checkCancellation()
        let limit = options.maxPages ?? pagination.maxPages
        guard pagesRead < limit else {
            finished = true
            throw ResourceError.pageLimitReached(resource: resource, pages: pagesRead)
        }
        let number = pagesRead + 1
        if !started {
            started = true
            try checkOptions()
            try checkStart()
            if let seconds = options.deadline { deadline = .now + Self.duration(seconds) }
        }
        if runBase == nil {
            switch connection.configuration.baseURL {
            case .fixed(let url):
                runBase = url
            case .fromTokenResponse(let build):
                let extras = try await connection.tokenExtras()
                tokenExtras = extras
                runBase = try build(extras)
            }
        }
        if tokenExtras == nil, PathTemplate.needsTokens(operation.path) {
            tokenExtras = try await connection.tokenExtras()
        }
        let request: HTTPRequest
        do {
            request = try makeRequest(page: number)
        } catch {
            finished = true
            throw error
        }
        pageURL = absoluteURL(of: request)
        if number == 1, isURLStyle, let pageURL {
            // A next link back to the first page is a loop too.
            followed[pageURL.absoluteString] = 1
        }
        let response: HTTPResponse
        do {
            response = try await send(request, page: number)
        } catch {
            finished = true
            throw error
        }
        pagesRead = number
        let page: JSONValue
        do {
            page = try JSONValue.parse(response.body)
        } catch {
            finished = true
            throw ResourceError.invalidPage(resource: resource, page: number, detail: "the body is not valid JSON")
        }
        guard let found = page.at(pointer: operation.records) else {
            finished = true
            throw ResourceError.invalidPage(
                resource: resource, page: number, detail: "no records at '\(operation.records)'")
        }
        guard case .array(let items) = found else {
            finished = true
            throw ResourceError.invalidPage(
                resource: resource, page: number, detail: "'\(operation.records)' is \(found.kindName), expected an array")
        }
        var records: [Record] = []
        records.reserveCapacity(items.count)
        var skipped: [ResourceError] = []
        for (index, item) in items.enumerated() {
            do throws(RecordFieldError) {
                records.append(try Record(record: RecordReader(item)))
            } catch {
                let failure = ResourceError.invalidRecord(
                    resource: resource, page: number, index: index, field: error.field, reason: error.reason)
                guard options.invalidRecords == .skip else {
                    finished = true
                    throw failure
                }
                skipped.append(failure)
            }
        }
        let offset = recordsSeen
        recordsSeen += items.count
        // The total as page metadata: read when the spec names it, strictly only by the totalCount rule.
        let total = pagination.totalPointer == nil ? nil : try? totalCount(page, number: number)
        do {
            try advance(page: page, response: response, count: items.count, number: number)
        } catch let error as ResourceError {
            switch error {
            case .paginationLoop, .stalled:
                // The page is valid; what follows it is not. Deliver it, end the run next time.
                pending = error
            default:
                throw error
            }
        }
        let position =
            finished || pending != nil
            ? nil
            : ResourcePagePosition(
                pagesRead: pagesRead, recordsSeen: recordsSeen, pageNumber: pageNumber, next: next,
                pageURL: isURLStyle ? pageURL?.absoluteString : nil)
        return ResourcePage(
            number: number, records: records, skipped: skipped, offset: offset, total: total, nextPosition: position)
    }

    /// A start position must be one this style can continue from: cursor and link styles need the
    /// cursor or link, and no position is before the first page.
    private func checkStart() throws {
        guard let start = options.start else { return }
        let refused = { (why: String) in
            ConnectorError.misconfigured("ListOptions.start of resource '\(resource)' \(why).")
        }
        guard start.pagesRead >= 0, start.recordsSeen >= 0 else { throw refused("counts a negative number of pages or records") }
        guard pagination.style != .none || start.pagesRead == 0 else { throw refused("continues a list that has one page") }
        switch pagination.style {
        case .cursor, .bodyCursor, .nextURL, .linkHeader:
            if start.pagesRead > 0, start.next == nil { throw refused("has no cursor or next link to continue from") }
        case .none, .offset, .pageNumber:
            break
        }
    }

    /// The caller's page size must have somewhere to go.
    private func checkOptions() throws {
        guard let asked = options.pageSize else { return }
        guard asked >= 1 else {
            throw ConnectorError.misconfigured("ListOptions.pageSize must be at least 1 (resource '\(resource)').")
        }
        let sendsSize = pagination.limitParam != nil || pagination.limitBodyPointer != nil
        guard sendsSize, pagination.style != .none else {
            throw ConnectorError.misconfigured(
                "ListOptions.pageSize is set, but resource '\(resource)' sends no page size (its spec has no 'limitParam' or 'limitBodyPointer').")
        }
    }

    static func duration(_ seconds: TimeInterval) -> Duration {
        // Clamped: an infinite or absurd value must not trap in the conversion.
        let clamped = seconds.isNaN ? 0 : min(max(seconds, 0), 1_000_000_000)
        return .nanoseconds(Int64(clamped * 1_000_000_000))
    }

    /// Seconds left before the run's deadline, or `nil` without one.
    private func remaining() -> TimeInterval? {
        guard let deadline else { return nil }
        let left = ContinuousClock.now.duration(to: deadline)
        return Double(left.components.seconds) + Double(left.components.attoseconds) / 1e18
    }

    // MARK: Requests

    private func makeRequest(page: Int) throws -> HTTPRequest {
        var headers = HTTPHeaders()
        headers["Accept"] = "application/json"
        if page > 1, pagination.style == .nextURL || pagination.style == .linkHeader, let next {
            return try followRequest(next, page: page, headers: headers)
        }
        var query = operation.query + arguments.query
        var body = operation.body
        if !arguments.body.isEmpty || pagination.style == .bodyCursor {
            var members: [String: JSONValue] = [:]
            if case .object(let base)? = body { members = base }
            members.merge(arguments.body) { _, new in new }
            body = .object(members)
        }
        let limit = pagination.limitParam.flatMap { name in pageSize.map { (name, $0) } }
        switch pagination.style {
        case .none, .nextURL, .linkHeader:
            if let limit { query.append(QueryParameter(limit.0, String(limit.1))) }
        case .offset:
            if let name = pagination.offsetParam { query.append(QueryParameter(name, String(pagination.firstOffset + recordsSeen))) }
            if let limit { query.append(QueryParameter(limit.0, String(limit.1))) }
        case .pageNumber:
            if let name = pagination.pageParam { query.append(QueryParameter(name, String(pageNumber))) }
            if let limit { query.append(QueryParameter(limit.0, String(limit.1))) }
        case .cursor:
            if let limit { query.append(QueryParameter(limit.0, String(limit.1))) }
            if let next, let name = pagination.cursorParam { query.append(QueryParameter(name, next)) }
        case .bodyCursor:
            if case .object(var members)? = body {
                if let limit { members[limit.0] = .integer(limit.1) }
                if let next, let name = pagination.cursorParam { members[name] = .string(next) }
                body = .object(members)
            }
            if let pointer = pagination.limitBodyPointer, let size = pageSize {
                body = try bodySetting(body, .integer(size), at: pointer)
            }
            if let next, let pointer = pagination.cursorBodyPointer { body = try bodySetting(body, .string(next), at: pointer) }
        }
        var path = try PathTemplate.expand(
            operation.path, arguments.path, fields: connection.configuration.pathFields, tokens: tokenExtras ?? [:],
            resource: resource)
        if !query.isEmpty {
            path += (path.contains("?") ? "&" : "?")
                + query.map { FormEncoding.encode($0.name) + "=" + FormEncoding.encode($0.value) }.joined(separator: "&")
        }
        if body != nil { headers["Content-Type"] = "application/json" }
        guard let request = HTTPRequest(method: operation.method, path: path, headers: headers, body: body?.data) else {
            throw ConnectorError.misconfigured("The path of resource '\(resource)' is not a valid URL reference.")
        }
        return request
    }

    /// `body` with `value` written at `pointer` (`cursorBodyPointer`, `limitBodyPointer`).
    private func bodySetting(_ body: JSONValue?, _ value: JSONValue, at pointer: String) throws -> JSONValue? {
        guard let written = (body ?? .object([:])).setting(value, at: pointer) else {
            throw ConnectorError.misconfigured(
                "The body of resource '\(resource)' has no object on the way to '\(pointer)' for the pagination.")
        }
        return written
    }

    /// The absolute URL `request` goes to: as the connection resolves it, a relative path is
    /// appended to the base URL's path.
    private func absoluteURL(of request: HTTPRequest) -> URL? {
        if request.url.scheme != nil { return request.url }
        guard let base = runBase else { return nil }
        var reference = request.url.relativeString
        if reference.isEmpty { return base }
        if !reference.hasPrefix("/") && !reference.hasPrefix("?") { reference = "/" + reference }
        var baseText = base.absoluteString
        while baseText.hasSuffix("/") { baseText.removeLast() }
        return URL(string: baseText + reference)
    }

    /// The request for a next URL, resolved against the URL of the page that held it (RFC 3986
    /// section 5: `?page=2`, `../x` and `/abs` are relative to that page); the result must be
    /// on the API's origin.
    private func followRequest(_ next: String, page: Int, headers: HTTPHeaders) throws -> HTTPRequest {
        guard let base = runBase, let absolute = URL(string: next, relativeTo: pageURL ?? base)?.absoluteURL,
              absolute.scheme != nil, absolute.host != nil else {
            throw ResourceError.invalidPage(resource: resource, page: page - 1, detail: "the next link is not a URL")
        }
        guard Self.origin(absolute) == Self.origin(base) else {
            throw ResourceError.foreignNextURL(resource: resource, page: page - 1, host: absolute.host ?? "?")
        }
        return HTTPRequest(method: "GET", url: absolute, headers: headers)
    }

    static func origin(_ url: URL) -> String {
        let scheme = url.scheme?.lowercased() ?? ""
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        return "\(scheme)://\(url.host?.lowercased() ?? ""):\(port)"
    }

    /// Sends with retries of 429 and retryable provider failures; other errors end the run. Each
    /// attempt gets the request timeout, cut to what is left of the run's deadline; a retry wait
    /// that would end after the deadline is not started. A timeout is retried only under
    /// ``RetryPolicy/retryTimeouts``; a cancelled task gets `CancellationError`.
    private func send(_ request: HTTPRequest, page: Int) async throws -> HTTPResponse {
        var attempt = 1
        let recorder = TransportFailureRecorder()
        while true {
            var limited = request
            limited.timeout = options.requestTimeout
            limited.maxResponseBytes = options.maxResponseBytes ?? operation.maxResponseBytes
            var cutByDeadline = false
            if let left = remaining() {
                guard left > 0.001 else { throw deadlineError(page: page) }
                if left < limited.timeout {
                    limited.timeout = left
                    cutByDeadline = true
                }
            }
            let failure: ConnectorError
            let retryAfter: Double?
            recorder.reset()
            do {
                let response = try await TransportFailureRecorder.$current.withValue(recorder) {
                    try await connection.send(limited)
                }
                if response.isSuccess { return response }
                throw ResourceError.unexpectedStatus(resource: resource, page: page, status: response.status)
            } catch let error as ConnectorError {
                if Task.isCancelled || recorder.kind == .cancelled { throw CancellationError() }
                if recorder.kind == .responseTooLarge {
                    throw ResourceError.responseTooLarge(resource: resource, page: page, limit: limited.maxResponseBytes)
                }
                if recorder.kind == .timedOut {
                    if cutByDeadline { throw deadlineError(page: page) }
                    guard options.retry.retryTimeouts else {
                        throw ResourceError.timedOut(resource: resource, page: page, seconds: options.requestTimeout)
                    }
                }
                switch error {
                case .rateLimited(let after):
                    failure = error
                    retryAfter = after
                case .providerUnavailable(_, retryable: true):
                    failure = error
                    retryAfter = nil
                default:
                    throw error
                }
            }
            guard attempt < options.retry.maxAttempts else {
                throw ResourceError.retriesExhausted(resource: resource, page: page, attempts: attempt, last: failure)
            }
            let wait = options.retry.delay(afterAttempt: attempt, retryAfter: retryAfter)
            if let left = remaining(), wait >= left { throw deadlineError(page: page) }
            try await options.retry.sleep(wait)
            try Task.checkCancellation()
            attempt += 1
        }
    }

    private func deadlineError(page: Int) -> ResourceError {
        .deadlineExceeded(resource: resource, page: page, seconds: options.deadline ?? 0)
    }

    // MARK: Stop rules

    /// Applies the stop rules: the list ends as soon as one of them says so. Throws a loop or a
    /// stall after marking the run finished (the caller still delivers the page).
    private mutating func advance(page: JSONValue, response: HTTPResponse, count: Int, number: Int) throws {
        let stops = pagination.stops
        switch pagination.style {
        case .none:
            finished = true
        case .offset, .pageNumber:
            pageNumber += 1
            finished = try ends(stops, page: page, count: count, token: nil, number: number)
            if !finished && count == 0 {
                finished = true
                throw ResourceError.stalled(
                    resource: resource, page: number,
                    detail: "the page is empty but \(Self.ruleNames(stops)) more records follow")
            }
        case .cursor, .bodyCursor, .nextURL, .linkHeader:
            let token = nextToken(page, response: response)
            finished = try ends(stops, page: page, count: count, token: token, number: number)
            if !finished && token == nil {
                finished = true
                throw ResourceError.stalled(
                    resource: resource, page: number,
                    detail: stops == [.hasMore]
                        ? "'hasMore' is true but the page has no cursor or next link"
                        : "\(Self.ruleNames(stops)) more records follow but the page has no cursor or next link")
            }
            guard !finished, let token else { return }
            // Next links are compared as absolute URLs: `?page=2` and `/v1/x?page=2` are one page.
            let key = isURLStyle ? (URL(string: token, relativeTo: pageURL)?.absoluteURL.absoluteString ?? token) : token
            if let first = followed[key] {
                finished = true
                throw ResourceError.paginationLoop(resource: resource, page: number, firstSeenAtPage: first)
            }
            followed[key] = number
            next = token
        }
    }

    /// Whether one of `stops` ends the list at this page. The rules that need nothing from the
    /// page are asked first, so a missing `hasMore` or total does not fail a page that ends the
    /// list anyway.
    private func ends(_ stops: [ResourcePagination.Stop], page: JSONValue, count: Int, token: String?, number: Int) throws -> Bool {
        let cursorStyle = !(pagination.style == .offset || pagination.style == .pageNumber)
        for stop in stops {
            switch stop {
            case .emptyPage:
                if count == 0 || (cursorStyle && token == nil) { return true }
            case .absentCursor:
                if cursorStyle ? token == nil : count == 0 { return true }
            case .shortPage:
                if let pageSize, count < pageSize { return true }
            case .hasMore, .totalCount:
                continue
            }
        }
        for stop in stops {
            switch stop {
            case .hasMore:
                if try !hasMore(page, number: number) { return true }
            case .totalCount:
                if recordsSeen >= (try totalCount(page, number: number)) { return true }
            default:
                continue
            }
        }
        return false
    }

    /// "the stop rule 'totalCount' says" / "the stop rules 'totalCount' and 'hasMore' say".
    private static func ruleNames(_ stops: [ResourcePagination.Stop]) -> String {
        let names = stops.map { "'\($0.rawValue)'" }
        if names.count == 1 { return "the stop rule \(names[0]) says" }
        return "the stop rules \(names.dropLast().joined(separator: ", ")) and \(names.last ?? "") say"
    }

    /// The cursor or next link of a page: a non-empty string, or an integer sent as its decimal
    /// text. Anything else (missing, `null`, `""`, a fraction, a boolean, an object) is absent.
    private func nextToken(_ page: JSONValue, response: HTTPResponse) -> String? {
        let value: JSONValue?
        switch pagination.style {
        case .cursor, .bodyCursor: value = pagination.cursorPointer.flatMap { page.at(pointer: $0) }
        case .nextURL: value = pagination.nextPointer.flatMap { page.at(pointer: $0) }
        case .linkHeader: return LinkHeader.next(response.headers.values(for: "Link"))
        default: return nil
        }
        switch value {
        case .string(let text) where !text.isEmpty: return text
        case .integer(let number): return String(number)
        default: return nil
        }
    }

    private func hasMore(_ page: JSONValue, number: Int) throws -> Bool {
        guard let pointer = pagination.hasMorePointer, case .bool(let flag)? = page.at(pointer: pointer) else {
            throw ResourceError.invalidPage(
                resource: resource, page: number, detail: "no boolean at '\(pagination.hasMorePointer ?? "")' (hasMore)")
        }
        return flag
    }

    /// The number at `totalPointer`: an integer, or a string of decimal digits (DocuSign's
    /// `"totalSetSize": "12"`); anything else names the pointer and the value's type.
    private func totalCount(_ page: JSONValue, number: Int) throws -> Int {
        let pointer = pagination.totalPointer ?? ""
        guard let value = page.at(pointer: pointer) else {
            throw ResourceError.invalidPage(resource: resource, page: number, detail: "no total count at '\(pointer)'")
        }
        if let total = Int(json: value) { return total }
        if case .string(let text) = value {
            if !text.isEmpty, text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }), let total = Int(text) {
                return total
            }
            throw ResourceError.invalidPage(
                resource: resource, page: number,
                detail: "the total count at '\(pointer)' is a string that is not a decimal integer")
        }
        throw ResourceError.invalidPage(
            resource: resource, page: number,
            detail: "the total count at '\(pointer)' is \(value.kindName), expected an integer")
    }
}


/// `{{NAME}}` (an operation input), `{{fields.KEY}}` (a field of the connection), `{{token.NAME}}`
/// and `{{discovered.NAME}}` (extra fields of the tokens) placeholders of resource paths; each
/// value is percent-encoded as one segment, so a `/` in it never starts another segment.
enum PathTemplate {
    /// Whether `template` inserts token-response fields or discovered values.
    static func needsTokens(_ template: String) -> Bool {
        template.contains("{{token.") || template.contains("{{discovered.")
    }

    static func expand(
        _ template: String, _ values: [String: String], fields: [String: String] = [:], tokens: [String: String] = [:],
        resource: String
    ) throws -> String {
        guard template.contains("{{") else { return template }
        var result = ""
        var rest = Substring(template)
        while let open = rest.range(of: "{{") {
            result += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw ConnectorError.misconfigured("The path of resource '\(resource)' has an unclosed '{{'.")
            }
            let name = String(rest[open.upperBound..<close.lowerBound])
            let value: String? =
                if name.hasPrefix("fields.") {
                    fields[String(name.dropFirst("fields.".count))]
                } else if name.hasPrefix("token.") {
                    tokens[String(name.dropFirst("token.".count))]
                } else if name.hasPrefix("discovered.") {
                    tokens[name]
                } else {
                    values[name]
                }
            guard let value else {
                throw ConnectorError.misconfigured("The path of resource '\(resource)' needs a value for '\(name)'.")
            }
            // Everything but RFC 3986 unreserved characters is escaped, so a value stays one segment.
            result += TemplateFilters.urlencode(value)
            rest = rest[close.upperBound...]
        }
        return result + rest
    }
}

/// RFC 8288 `Link` headers.
enum LinkHeader {
    /// The target of the first link whose relation types include `next`, or `nil`. Parameter
    /// values may be quoted strings (RFC 8288 section 3, RFC 9110 section 5.6.4): a `;`, `,` or
    /// `rel=next` inside quotes (`title="see; rel=next"`) is text, not a parameter. Only the
    /// first `rel` parameter of a link counts (section 3.3).
    static func next(_ values: [String]) -> String? {
        for value in values {
            for link in links(value) where link.relations.contains("next") {
                return link.target
            }
        }
        return nil
    }

    struct Link {
        var target: String
        var relations: [String]
    }

    /// The links of one header value.
    static func links(_ value: String) -> [Link] {
        let chars = Array(value.unicodeScalars)
        var index = 0
        var result: [Link] = []
        func skipSpace() {
            while index < chars.count, chars[index] == " " || chars[index] == "\t" { index += 1 }
        }
        /// Past the next comma outside quotes and `<...>`: the rest of a malformed link.
        func skipToNextLink() {
            var inQuotes = false
            while index < chars.count {
                let char = chars[index]
                if inQuotes {
                    if char == "\\" { index += 1 } else if char == "\"" { inQuotes = false }
                } else if char == "\"" {
                    inQuotes = true
                } else if char == "," {
                    index += 1
                    return
                }
                index += 1
            }
        }
        func text(_ range: Range<Int>) -> String {
            var string = ""
            string.unicodeScalars.append(contentsOf: chars[range])
            return string
        }
        while index < chars.count {
            skipSpace()
            if index < chars.count, chars[index] == "," {
                index += 1
                continue
            }
            guard index < chars.count else { break }
            guard chars[index] == "<" else {
                skipToNextLink()
                continue
            }
            let start = index + 1
            guard let close = chars[start...].firstIndex(of: ">") else { break }
            let target = text(start..<close)
            index = close + 1
            var relations: [String]?
            while true {
                skipSpace()
                guard index < chars.count, chars[index] == ";" else { break }
                index += 1
                skipSpace()
                let nameStart = index
                while index < chars.count, !" \t=;,".unicodeScalars.contains(chars[index]) { index += 1 }
                let name = text(nameStart..<index).lowercased()
                skipSpace()
                var parameter = ""
                if index < chars.count, chars[index] == "=" {
                    index += 1
                    skipSpace()
                    if index < chars.count, chars[index] == "\"" {
                        index += 1
                        while index < chars.count, chars[index] != "\"" {
                            if chars[index] == "\\", index + 1 < chars.count { index += 1 }
                            parameter.unicodeScalars.append(chars[index])
                            index += 1
                        }
                        index += 1
                    } else {
                        let valueStart = index
                        while index < chars.count, !" \t;,".unicodeScalars.contains(chars[index]) { index += 1 }
                        parameter = text(valueStart..<index)
                    }
                }
                if name == "rel", relations == nil {
                    relations = parameter.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
                }
            }
            result.append(Link(target: target, relations: relations ?? []))
            skipSpace()
            if index < chars.count, chars[index] != "," { skipToNextLink() }
        }
        return result
    }
}
