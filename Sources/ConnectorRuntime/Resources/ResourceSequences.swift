import Foundation

/// The pages of a `list` run, fetched one at a time as the consumer iterates: memory holds one
/// page, and a consumer that stops iterating (or is cancelled) stops the fetching.
public struct PageSequence<Record: ResourceRecord>: AsyncSequence, Sendable {
    public typealias Element = ResourcePage<Record>

    let connection: Connection
    let operation: ResourceListOperation
    let arguments: ListArguments
    let options: ListOptions

    public init(connection: Connection, operation: ResourceListOperation, arguments: ListArguments, options: ListOptions) {
        self.connection = connection
        self.operation = operation
        self.arguments = arguments
        self.options = options
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var pager: Pager<Record>

        public mutating func next() async throws -> ResourcePage<Record>? {
            try await pager.nextPage()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(pager: Pager(connection: connection, operation: operation, arguments: arguments, options: options))
    }
}

/// The records of a `list` run, page after page (see ``PageSequence``).
public struct RecordSequence<Record: ResourceRecord>: AsyncSequence, Sendable {
    public typealias Element = Record

    /// The same run, page by page.
    public let pages: PageSequence<Record>

    public init(connection: Connection, operation: ResourceListOperation, arguments: ListArguments, options: ListOptions) {
        pages = PageSequence(connection: connection, operation: operation, arguments: arguments, options: options)
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var pages: PageSequence<Record>.AsyncIterator
        var buffer: [Record] = []
        var index = 0

        public mutating func next() async throws -> Record? {
            while index == buffer.count {
                guard let page = try await pages.next() else { return nil }
                buffer = page.records
                index = 0
            }
            defer { index += 1 }
            return buffer[index]
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(pages: pages.makeAsyncIterator())
    }
}

/// Reads one record by id (`get`).
public enum ResourceReader {
    /// Reads the record with `id` in one request of at most `timeout` seconds (the wait for a
    /// token included); a `get` is not retried. No answer in time is
    /// ``ResourceError/timedOut(resource:page:seconds:)``; cancelling the task throws
    /// `CancellationError`.
    public static func get<Record: ResourceRecord>(
        _ type: Record.Type, connection: Connection, operation: ResourceGetOperation, id: String,
        timeout: Double = HTTPRequest.defaultTimeout
    ) async throws -> Record {
        let tokens = PathTemplate.needsTokens(operation.path) ? try await connection.tokenExtras() : [:]
        let path = try PathTemplate.expand(
            operation.path, ["id": id], fields: connection.configuration.pathFields, tokens: tokens,
            resource: operation.resource)
        var headers = HTTPHeaders()
        headers["Accept"] = "application/json"
        let recorder = TransportFailureRecorder()
        let response: HTTPResponse
        do {
            response = try await TransportFailureRecorder.$current.withValue(recorder) {
                try await connection.send("GET", path: path, headers: headers, timeout: timeout)
            }
        } catch {
            if Task.isCancelled || recorder.kind == .cancelled { throw CancellationError() }
            if recorder.kind == .timedOut {
                throw ResourceError.timedOut(resource: operation.resource, page: 1, seconds: timeout)
            }
            if recorder.kind == .responseTooLarge {
                throw ResourceError.responseTooLarge(resource: operation.resource, page: 1, limit: nil)
            }
            throw error
        }
        if response.status == 404 { throw ResourceError.notFound(resource: operation.resource) }
        guard response.isSuccess else {
            throw ResourceError.unexpectedStatus(resource: operation.resource, page: 1, status: response.status)
        }
        guard let body = try? JSONValue.parse(response.body) else {
            throw ResourceError.invalidPage(resource: operation.resource, page: 1, detail: "the body is not valid JSON")
        }
        guard let item = body.at(pointer: operation.record) else {
            throw ResourceError.invalidPage(resource: operation.resource, page: 1, detail: "no record at '\(operation.record)'")
        }
        do throws(RecordFieldError) {
            return try Record(record: RecordReader(item))
        } catch {
            throw ResourceError.invalidRecord(
                resource: operation.resource, page: 1, index: 0, field: error.field, reason: error.reason)
        }
    }
}
