import Foundation

/// A compiled action of a spec's `actions`: one write (add a user, create a candidate) with typed
/// inputs placed in the path, the query or the body. Generated code builds one per action; the
/// Hub reads them from the catalog to check request bodies before anything is sent.
public struct ActionOperation: Sendable, Hashable {
    /// How the body is written.
    public enum Encoding: String, Sendable, Hashable {
        case json, form
    }

    public var id: String
    public var method: String
    /// Relative to the base URL, with `{{NAME}}` for `path` inputs.
    public var path: String
    public var inputs: [ActionInputDescriptor]
    /// The constant body the body inputs are written into.
    public var body: JSONValue?
    public var encoding: Encoding
    /// Statuses that mean success (empty: any 2xx).
    public var success: [Int]
    /// JSON pointer to the result record in the response; `nil` when the action declares none.
    public var resultPointer: String?
    /// Scopes or provider permissions the action needs (named in missing-scope errors).
    public var scopes: [String]
    /// Deletes or deactivates something: runs only when confirmed.
    public var destructive: Bool
    /// The provider's idempotency header, when it has one.
    public var idempotencyHeader: String?
    /// A success status's body that means the provider refused the write after all (Ashby's
    /// `200 {"success": false}`); `nil` when every success status is success.
    public var failureWhen: FailureCondition?
    /// The media type a `json` body is sent as (`application/vnd.api+json`); `nil`:
    /// `application/json`.
    public var contentType: String?

    /// A refusal answered with a success status: the body's value at `pointer` equals `equals`.
    public struct FailureCondition: Sendable, Hashable {
        /// JSON pointer into the response body, e.g. `/success`.
        public var pointer: String
        /// The value that means refused, e.g. `false`.
        public var equals: JSONValue
        /// JSON pointer to the provider's errors in the body, read like an error response (`""`:
        /// the whole body).
        public var errors: String

        public init(pointer: String, equals: JSONValue, errors: String = "") {
            self.pointer = pointer
            self.equals = equals
            self.errors = errors
        }

        /// Whether `body` is a refusal.
        public func matches(_ body: JSONValue?) -> Bool {
            guard let value = body?.at(pointer: pointer) else { return false }
            if value == equals { return true }
            // `1` and `1.0` alike.
            switch (value, equals) {
            case let (.integer(left), .number(right)), let (.number(right), .integer(left)): return Double(left) == right
            default: return false
            }
        }
    }

    public init(
        id: String, method: String, path: String, inputs: [ActionInputDescriptor] = [], body: JSONValue? = nil,
        encoding: Encoding = .json, success: [Int] = [], resultPointer: String? = nil, scopes: [String] = [],
        destructive: Bool = false, idempotencyHeader: String? = nil, failureWhen: FailureCondition? = nil,
        contentType: String? = nil
    ) {
        self.id = id
        self.method = method
        self.path = path
        self.inputs = inputs
        self.body = body
        self.encoding = encoding
        self.success = success
        self.resultPointer = resultPointer
        self.scopes = scopes
        self.destructive = destructive
        self.idempotencyHeader = idempotencyHeader
        self.failureWhen = failureWhen
        self.contentType = contentType
    }

    /// Whether `status` means the provider did it.
    public func isSuccess(_ status: Int) -> Bool {
        success.isEmpty ? (200..<300).contains(status) : success.contains(status)
    }
}

/// One input of an ``ActionOperation``: its type and where it goes.
public struct ActionInputDescriptor: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case string, integer, number, boolean, date
        case dateTime = "date-time"
        case `enum`, array
    }

    public enum Location: Sendable, Hashable {
        /// `{{name}}` in the path.
        case path
        /// A query parameter of this name.
        case query(String)
        /// A value at this JSON pointer of the body.
        case body(String)
    }

    public var name: String
    public var kind: Kind
    public var location: Location
    public var required: Bool
    /// `enum`: the allowed values.
    public var values: [String]
    /// `array`: the element kind (`string` or `integer`).
    public var items: Kind?
    /// `date-time`: how the value is written.
    public var format: DateTimeFormat
    /// A secret (an initial password): kept as a ``Secret`` in ``ActionArguments`` and removed from
    /// the provider's error text.
    public var secret: Bool

    public init(
        _ name: String, _ kind: Kind, _ location: Location, required: Bool = false, values: [String] = [],
        items: Kind? = nil, format: DateTimeFormat = .iso8601, secret: Bool = false
    ) {
        self.name = name
        self.kind = kind
        self.location = location
        self.required = required
        self.values = values
        self.items = items
        self.format = format
        self.secret = secret
    }

    /// The provider's name of this input: the query parameter, the body pointer, or `name`.
    var providerName: String {
        switch location {
        case .path: name
        case .query(let parameter): parameter
        case .body(let pointer): pointer
        }
    }
}

/// A problem with one input: the JSON pointer of the input in a request body (`/email`), the
/// input's name when known, and what is wrong, in words without the value.
public struct InputProblem: Sendable, Hashable, CustomStringConvertible {
    public var pointer: String
    public var input: String?
    public var message: String

    public init(pointer: String, input: String?, message: String) {
        self.pointer = pointer
        self.input = input
        self.message = message
    }

    public var description: String { (pointer.isEmpty ? "" : pointer + ": ") + message }
}

/// The values of an action's inputs, placed: path segments, query parameters and body values.
/// Its `description` (and mirror) names where values go, never a value: inputs may be personal
/// data or secrets.
public struct ActionArguments: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
    public private(set) var path: [String: String] = [:]
    public private(set) var query: [QueryParameter] = []
    public private(set) var body: [BodyValue] = []
    /// The values of secret inputs (initial passwords), removed from the provider's error text.
    public private(set) var secrets: [Secret] = []

    /// A value at a JSON pointer of the body; its description is the pointer only.
    public struct BodyValue: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
        public var pointer: String
        public var value: JSONValue

        public var description: String { pointer }
        public var customMirror: Mirror { Mirror(self, children: ["pointer": pointer]) }
    }

    public var description: String {
        "ActionArguments(path: \(path.keys.sorted()), query: \(query.map(\.name)), body: \(body.map(\.pointer)))"
    }

    public var customMirror: Mirror {
        Mirror(self, children: ["path": path.keys.sorted(), "query": query.map(\.name), "body": body.map(\.pointer)])
    }

    /// A secret input's value at a JSON pointer of the body (an initial password).
    public mutating func secretBody(_ pointer: String, _ value: Secret) {
        body.append(BodyValue(pointer: pointer, value: .string(value.reveal())))
        secrets.append(value)
    }

    public init() {}

    public mutating func path(_ name: String, _ value: InputValue) {
        path[name] = value.text
    }

    public mutating func query(_ name: String, _ value: InputValue) {
        query.append(QueryParameter(name, value.text))
    }

    public mutating func body(_ pointer: String, _ value: InputValue) {
        body.append(BodyValue(pointer: pointer, value: value.json))
    }

    /// An array value in the body.
    public mutating func body(_ pointer: String, _ values: [InputValue]) {
        body.append(BodyValue(pointer: pointer, value: .array(values.map(\.json))))
    }

    /// An array value in the query: the parameter repeated once per element.
    public mutating func query(_ name: String, _ values: [InputValue]) {
        for value in values { query.append(QueryParameter(name, value.text)) }
    }
}

/// The explicit confirmation a destructive action's generated function takes: its only value,
/// `.confirmed`, has to be written at the call site.
public enum ActionConfirmation: Sendable, Hashable {
    case confirmed
}
