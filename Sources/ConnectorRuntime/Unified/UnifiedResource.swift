import Foundation

/// One page of a unified list: the converted records, and those left out under
/// ``ListOptions/InvalidRecords/skip``.
public struct UnifiedPage<Model: UnifiedModelRecord>: Sendable {
    /// 1 for the first page.
    public var number: Int
    public var records: [Model]
    /// Records that did not match their resource's schema (as ``ResourcePage/skipped``).
    public var skipped: [ResourceError]
    /// Records that matched their schema but could not be converted to the model.
    public var unconverted: [UnifiedConversionError]
    /// The position of the page in the run, as ``ResourcePage/offset``.
    public var offset: Int
    public var total: Int?
}

/// A resource read as a unified model: `Acme.Oauth.Unified(connection).employees`. Lists through
/// the resource's own pager (credentials, retries, stop rules, one page in memory) and converts
/// each record with the compiled mapping. A record that cannot be converted ends the run with
/// ``UnifiedConversionError`` under ``ListOptions/InvalidRecords/stop`` (the default), or is left
/// out and listed in ``UnifiedPage/unconverted`` under `.skip`, as invalid records are.
public struct UnifiedResource<Record: ResourceRecord, Model: UnifiedModelRecord>: Sendable {
    public let connection: Connection
    public let program: UnifiedMappingProgram
    public let listOperation: ResourceListOperation
    public let getOperation: ResourceGetOperation?
    /// The record's JSON (the generated records' `raw`).
    let raw: @Sendable (Record) -> JSONValue
    /// The generated reader of the program's declared fields (``UnifiedMappingProgram/declared``)
    /// from the record's properties; `nil`: every field is read from the JSON.
    let read: (@Sendable (Record) -> [UnifiedFieldValue])?
    /// The model's operations the connector binds to its actions (`UnifiedOperations.swift`).
    public let operations: [UnifiedOperationBinding]

    public init(connection: Connection, program: UnifiedMappingProgram, list: ResourceListOperation,
                get: ResourceGetOperation? = nil, raw: @escaping @Sendable (Record) -> JSONValue,
                read: (@Sendable (Record) -> [UnifiedFieldValue])? = nil, operations: [UnifiedOperationBinding] = []) {
        self.connection = connection
        self.program = program
        self.listOperation = list
        self.getOperation = get
        self.raw = raw
        self.read = read
        self.operations = operations
    }

    /// Every record as the model, fetched page by page as you iterate.
    public func list(options: ListOptions = ListOptions()) -> UnifiedRecordSequence<Record, Model> {
        UnifiedRecordSequence(pages: pages(options: options))
    }

    /// The same run page by page.
    public func pages(options: ListOptions = ListOptions()) -> UnifiedPageSequence<Record, Model> {
        UnifiedPageSequence(
            pages: PageSequence(connection: connection, operation: listOperation, arguments: ListArguments(), options: options),
            program: program, raw: raw, read: read, skip: options.invalidRecords == .skip)
    }

    /// The record with this id as the model (one request, not retried), when the resource has
    /// a `get` operation; `ConnectorError.misconfigured` otherwise.
    public func get(id: String, timeout: Double = HTTPRequest.defaultTimeout) async throws -> Model {
        guard let getOperation else {
            throw ConnectorError.misconfigured("resource '\(program.resource)' of \(program.connector) has no 'get' operation")
        }
        let record = try await ResourceReader.get(Record.self, connection: connection, operation: getOperation, id: id, timeout: timeout)
        do throws(UnifiedConversionError) {
            let json = raw(record)
            return Model(values: try program.evaluate(record, json: json, read: read), remote: json)
        } catch {
            var located = error
            located.page = 1
            throw located
        }
    }
}

/// The pages of a unified list.
public struct UnifiedPageSequence<Record: ResourceRecord, Model: UnifiedModelRecord>: AsyncSequence, Sendable {
    public typealias Element = UnifiedPage<Model>
    let pages: PageSequence<Record>
    let program: UnifiedMappingProgram
    let raw: @Sendable (Record) -> JSONValue
    let read: (@Sendable (Record) -> [UnifiedFieldValue])?
    let skip: Bool

    public struct AsyncIterator: AsyncIteratorProtocol {
        var pages: PageSequence<Record>.AsyncIterator
        let program: UnifiedMappingProgram
        let raw: @Sendable (Record) -> JSONValue
        let read: (@Sendable (Record) -> [UnifiedFieldValue])?
        let skip: Bool

        public mutating func next() async throws -> UnifiedPage<Model>? {
            guard let page = try await pages.next() else { return nil }
            var records: [Model] = []
            records.reserveCapacity(page.records.count)
            var unconverted: [UnifiedConversionError] = []
            // Locals, not the iterator's properties: the closure below does not copy the program
            // per record. Through the buffer: each record is read in place, not copied out of the array.
            let program = program, raw = raw, read = read, skip = skip
            try page.records.withUnsafeBufferPointer { (buffer) throws(UnifiedConversionError) in
                guard let first = buffer.baseAddress else { return }
                for index in buffer.indices {
                    let record = first + index
                    do throws(UnifiedConversionError) {
                        let json = raw(record.pointee)
                        records.append(Model(values: try program.evaluate(record.pointee, json: json, read: read), remote: json))
                    } catch {
                        var located = error
                        located.page = page.number
                        located.index = index
                        guard skip else { throw located }
                        unconverted.append(located)
                    }
                }
            }
            return UnifiedPage(number: page.number, records: records, skipped: page.skipped, unconverted: unconverted,
                               offset: page.offset, total: page.total)
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(pages: pages.makeAsyncIterator(), program: program, raw: raw, read: read, skip: skip)
    }
}

/// The records of a unified list, page after page.
public struct UnifiedRecordSequence<Record: ResourceRecord, Model: UnifiedModelRecord>: AsyncSequence, Sendable {
    public typealias Element = Model
    public let pages: UnifiedPageSequence<Record, Model>

    public struct AsyncIterator: AsyncIteratorProtocol {
        var pages: UnifiedPageSequence<Record, Model>.AsyncIterator
        var buffer: [Model] = []
        var index = 0

        public mutating func next() async throws -> Model? {
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
