// The typed model of the `resources` section: records, their fields, and the operations that
// list and read them. Built by `ModelBuilder` from a spec that passed validation.

/// How a `date-time` value is written.
public enum DateTimeFormat: String, Sendable, Hashable, CaseIterable {
    /// RFC 3339 / ISO 8601, with or without fractional seconds (`2024-05-01T12:00:00Z`).
    case iso8601
    /// Seconds since 1970 as a number.
    case unixSeconds
    /// Milliseconds since 1970 as a number.
    case unixMilliseconds
}

/// HTTP method of a `list` operation.
public enum ResourceOperationMethod: String, Sendable, Hashable, CaseIterable {
    case GET, POST
}

/// How the next page is requested.
public enum PaginationStyle: String, Sendable, Hashable, CaseIterable {
    case none, offset, pageNumber, cursor, nextURL, linkHeader, bodyCursor

    /// Stop rules this style can use.
    public var allowedStops: [StopRule] {
        switch self {
        case .none: []
        case .offset, .pageNumber: [.emptyPage, .hasMore, .totalCount, .shortPage]
        case .cursor, .nextURL, .linkHeader, .bodyCursor: [.absentCursor, .emptyPage, .hasMore, .shortPage]
        }
    }
}

/// When a list ends.
public enum StopRule: String, Sendable, Hashable, CaseIterable {
    case emptyPage, absentCursor, hasMore, totalCount, shortPage
}

/// A field of a record.
public struct RecordField: Sendable, Hashable {
    public enum FieldType: String, Sendable, Hashable, CaseIterable {
        case string, integer, number, boolean, date
        case dateTime = "date-time"
        case `enum`, object, array
    }

    /// Element types of an `array` field.
    public enum ItemType: String, Sendable, Hashable, CaseIterable {
        case string, integer, number, boolean, object
    }

    public var pointer: JSONPointer
    /// The provider's JSON key.
    public var name: String
    public var type: FieldType
    public var required: Bool
    public var format: DateTimeFormat
    public var values: [String]
    public var items: ItemType?
    public var description: String?

    public init(
        pointer: JSONPointer, name: String, type: FieldType, required: Bool = true, format: DateTimeFormat = .iso8601,
        values: [String] = [], items: ItemType? = nil, description: String? = nil
    ) {
        self.pointer = pointer
        self.name = name
        self.type = type
        self.required = required
        self.format = format
        self.values = values
        self.items = items
        self.description = description
    }
}

/// A typed input of a `list` operation.
public struct OperationInput: Sendable, Hashable {
    public enum InputType: String, Sendable, Hashable, CaseIterable {
        case string, integer, number, boolean, date
        case dateTime = "date-time"
        case `enum`
    }

    public enum Location: String, Sendable, Hashable, CaseIterable {
        case query, path, body
    }

    public var pointer: JSONPointer
    public var name: String
    public var type: InputType
    public var location: Location
    /// The provider's parameter name.
    public var parameter: String
    public var required: Bool
    public var format: DateTimeFormat
    public var values: [String]
    public var description: String?

    public init(
        pointer: JSONPointer, name: String, type: InputType, location: Location = .query, parameter: String? = nil,
        required: Bool = false, format: DateTimeFormat = .iso8601, values: [String] = [], description: String? = nil
    ) {
        self.pointer = pointer
        self.name = name
        self.type = type
        self.location = location
        self.parameter = parameter ?? name
        self.required = required || location == .path
        self.format = format
        self.values = values
        self.description = description
    }
}

/// Pagination of a `list` operation.
public struct Pagination: Sendable, Hashable {
    public var pointer: JSONPointer
    public var style: PaginationStyle
    /// The stop rules (the first that says so ends the list); empty only for `none`.
    public var stops: [StopRule] = []
    public var pageSize: Int?
    /// The largest page size a call may ask for.
    public var maxPageSize: Int?
    public var limitParam: String?
    public var offsetParam: String?
    public var pageParam: String?
    public var firstPage: Int
    /// The offset of the first record (`offset`; default 0, 1 for SCIM's `startIndex`).
    public var firstOffset: Int = 0
    public var cursorParam: String?
    public var cursorPointer: String?
    /// Where the cursor goes inside the POST body (`bodyCursor`), instead of `cursorParam`.
    public var cursorBodyPointer: String?
    /// Where `pageSize` goes inside the POST body (`bodyCursor`), instead of `limitParam`.
    public var limitBodyPointer: String?
    public var nextPointer: String?
    public var hasMorePointer: String?
    public var totalPointer: String?
    public var maxPages: Int?

    public init(pointer: JSONPointer, style: PaginationStyle) {
        self.pointer = pointer
        self.style = style
        self.firstPage = 1
    }
}

/// The `list` operation.
public struct ListOperation: Sendable, Hashable {
    public var pointer: JSONPointer
    public var method: ResourceOperationMethod
    public var path: String
    /// Constant query parameters, in spec order.
    public var queryPairs: [QueryPair]
    /// The JSON body as compact JSON text.
    public var body: String?
    public var inputs: [OperationInput]
    public var records: String
    public var pagination: Pagination
    /// The largest page body accepted, in bytes (`nil`: the transport's cap).
    public var maxResponseBytes: Int?

    /// A constant query parameter.
    public struct QueryPair: Sendable, Hashable {
        public var name: String
        public var value: String
    }

    public init(
        pointer: JSONPointer, method: ResourceOperationMethod, path: String, queryPairs: [QueryPair], body: String?,
        inputs: [OperationInput], records: String, pagination: Pagination, maxResponseBytes: Int? = nil
    ) {
        self.pointer = pointer
        self.method = method
        self.path = path
        self.queryPairs = queryPairs
        self.body = body
        self.inputs = inputs
        self.records = records
        self.pagination = pagination
        self.maxResponseBytes = maxResponseBytes
    }
}

/// The `get` operation.
public struct GetOperation: Sendable, Hashable {
    public var pointer: JSONPointer
    public var path: String
    public var record: String

    public init(pointer: JSONPointer, path: String, record: String) {
        self.pointer = pointer
        self.path = path
        self.record = record
    }
}

/// A record type several resources share (the connector's `records`).
public struct SharedRecord: Sendable, Hashable {
    public var pointer: JSONPointer
    public var name: String
    public var description: String?
    public var fields: [RecordField]

    public init(pointer: JSONPointer, name: String, description: String?, fields: [RecordField]) {
        self.pointer = pointer
        self.name = name
        self.description = description
        self.fields = fields
    }
}

/// A resource: a record type and its operations.
public struct Resource: Sendable, Hashable {
    public var pointer: JSONPointer
    public var name: String
    public var record: String
    public var description: String?
    public var idField: String?
    public var fields: [RecordField]
    public var list: ListOperation?
    public var get: GetOperation?
    /// Whether `record` names a connector-level shared record (`records`): its struct is
    /// generated once, in the connector's namespace, and `fields` are that record's.
    public var sharedRecord: Bool = false
    /// How the Hub keeps this resource's records (`sync`; see Sync.swift).
    public var sync: ResourceSync?

    public init(
        pointer: JSONPointer, name: String, record: String, description: String?, idField: String?, fields: [RecordField],
        list: ListOperation?, get: GetOperation?
    ) {
        self.pointer = pointer
        self.name = name
        self.record = record
        self.description = description
        self.idField = idField
        self.fields = fields
        self.list = list
        self.get = get
    }
}

extension ConnectorSpec {
    /// The resources of auth variant `index`: the connector's, each replaced by the variant's
    /// resource of the same name, then the variant's other resources.
    public func resources(ofVariant index: Int) -> [Resource] {
        guard auth.indices.contains(index) else { return resources }
        let overrides = auth[index].resources
        var result = resources.map { base in overrides.first { $0.name == base.name } ?? base }
        result += overrides.filter { override in !resources.contains { $0.name == override.name } }
        return result
    }
}
