import Foundation

/// One page of a `list` run.
public struct ResourcePage<Record: ResourceRecord>: Sendable {
    /// 1 for the first page.
    public var number: Int
    /// The records of the page that matched their schema.
    public var records: [Record]
    /// Records left out under ``ListOptions/InvalidRecords/skip``.
    public var skipped: [ResourceError]
}

/// The state machine of one `list` run: builds each page's request, sends it through the
/// connection (credentials, refresh, 401 retry), retries 429 and 5xx, decodes the records and
/// applies the stop rule. Holds one page at a time; remembers every cursor and next URL it
/// followed, so any cycle ends the run.
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
    /// The absolute URL of the page being read: relative next links resolve against it
    /// (RFC 3986 section 5), not against the base URL.
    private var pageURL: URL?
    /// The tokens' extra fields, read once per run when the path inserts some or the base URL
    /// comes from them.
    private var tokenExtras: [String: String]?
    /// The base URL of the run: the fixed one, or the one the token response gives (Salesforce's
    /// `instance_url`), read once per run, so next links resolve and are checked against it.
    private var runBase: URL?

    init(connection: Connection, operation: ResourceListOperation, arguments: ListArguments, options: ListOptions) {
        self.connection = connection
        self.operation = operation
        self.arguments = arguments
        self.options = options
        self.pageNumber = operation.pagination.firstPage
    }

    private var pagination: ResourcePagination { operation.pagination }
    private var resource: String { operation.resource }

    mutating func nextPage() async throws -> ResourcePage<Record>? {
        guard !finished else { return nil }
        try Task.checkCancellation()
        let limit = options.maxPages ?? pagination.maxPages
        guard pagesRead < limit else {
            finished = true
            throw ResourceError.pageLimitReached(resource: resource, pages: pagesRead)
        }
        let number = pagesRead + 1
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
        let request = try makeRequest(page: number)
        pageURL = absoluteURL(of: request)
        let response = try await send(request, page: number)
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
        recordsSeen += items.count
        try advance(page: page, response: response, count: items.count, number: number)
        return ResourcePage(number: number, records: records, skipped: skipped)
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
        let limit = pagination.limitParam.flatMap { name in pagination.pageSize.map { (name, $0) } }
        switch pagination.style {
        case .none, .nextURL, .linkHeader:
            if let limit { query.append(QueryParameter(limit.0, String(limit.1))) }
        case .offset:
            if let name = pagination.offsetParam { query.append(QueryParameter(name, String(recordsSeen))) }
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
            if let pointer = pagination.limitBodyPointer, let size = pagination.pageSize {
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

    /// Sends with retries of 429 and retryable provider failures; other errors end the run.
    private func send(_ request: HTTPRequest, page: Int) async throws -> HTTPResponse {
        var attempt = 1
        while true {
            let failure: ConnectorError
            let retryAfter: Double?
            do {
                let response = try await connection.send(request)
                if response.isSuccess { return response }
                throw ResourceError.unexpectedStatus(resource: resource, page: page, status: response.status)
            } catch let error as ConnectorError {
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
            try await options.retry.sleep(options.retry.delay(afterAttempt: attempt, retryAfter: retryAfter))
            try Task.checkCancellation()
            attempt += 1
        }
    }

    // MARK: Stop rules

    private mutating func advance(page: JSONValue, response: HTTPResponse, count: Int, number: Int) throws {
        switch pagination.style {
        case .none:
            finished = true
        case .offset, .pageNumber:
            pageNumber += 1
            switch pagination.stop {
            case .emptyPage, .absentCursor:
                finished = count == 0
            case .hasMore:
                finished = try !hasMore(page, number: number)
            case .totalCount:
                let total = try totalCount(page, number: number)
                finished = recordsSeen >= total
            }
            if !finished && count == 0 {
                finished = true
                throw ResourceError.stalled(
                    resource: resource, page: number,
                    detail: "the page is empty but the stop rule '\(pagination.stop.rawValue)' says more records follow")
            }
        case .cursor, .bodyCursor, .nextURL, .linkHeader:
            let token = nextToken(page, response: response)
            switch pagination.stop {
            case .absentCursor, .totalCount:
                finished = token == nil
            case .emptyPage:
                finished = count == 0 || token == nil
            case .hasMore:
                finished = try !hasMore(page, number: number)
                if !finished && token == nil {
                    finished = true
                    throw ResourceError.stalled(
                        resource: resource, page: number, detail: "'hasMore' is true but the page has no cursor or next link")
                }
            }
            guard !finished, let token else { return }
            if let first = followed[token] {
                finished = true
                throw ResourceError.paginationLoop(resource: resource, page: number, firstSeenAtPage: first)
            }
            followed[token] = number
            next = token
        }
    }

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
    /// The target of the first link with relation type `next`, or `nil`.
    static func next(_ values: [String]) -> String? {
        for value in values {
            for link in splitLinks(value) {
                guard let open = link.firstIndex(of: "<"), let close = link.firstIndex(of: ">"), open < close else { continue }
                let target = String(link[link.index(after: open)..<close])
                let parameters = link[link.index(after: close)...].split(separator: ";")
                for parameter in parameters {
                    let parts = parameter.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "rel" else { continue }
                    let relations = parts[1].trimmingCharacters(in: .whitespaces)
                        .trimmingCharacters(in: CharacterSet(charactersIn: "\"")).lowercased().split(separator: " ")
                    if relations.contains("next") { return target }
                }
            }
        }
        return nil
    }

    /// Splits at commas outside `<...>` and quotes.
    private static func splitLinks(_ value: String) -> [Substring] {
        var parts: [Substring] = []
        var start = value.startIndex
        var inTarget = false
        var inQuotes = false
        for index in value.indices {
            switch value[index] {
            case "<" where !inQuotes: inTarget = true
            case ">" where !inQuotes: inTarget = false
            case "\"" where !inTarget: inQuotes.toggle()
            case "," where !inTarget && !inQuotes:
                parts.append(value[start..<index])
                start = value.index(after: index)
            default: break
            }
        }
        parts.append(value[start...])
        return parts
    }
}
