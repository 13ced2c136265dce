import Foundation

// The typed model of the `actions` section: writes a linked account can make (provision a user,
// create a candidate, update an employee), each one request with typed inputs placed in the path,
// the query or the JSON body. Built by `ModelBuilder` from a spec that passed validation.

/// HTTP method of an action.
public enum ActionMethod: String, Sendable, Hashable, CaseIterable {
    case GET, POST, PUT, PATCH, DELETE
}

/// How an action's body is written.
public enum ActionEncoding: String, Sendable, Hashable, CaseIterable {
    /// `application/json`; body inputs go at JSON pointers.
    case json
    /// `application/x-www-form-urlencoded`; body inputs are top-level keys.
    case form
}

/// A typed input of an action.
public struct ActionInput: Sendable, Hashable {
    public enum InputType: String, Sendable, Hashable, CaseIterable {
        case string, integer, number, boolean, date
        case dateTime = "date-time"
        case `enum`, array
    }

    /// Element types of an `array` input.
    public enum ItemType: String, Sendable, Hashable, CaseIterable {
        case string, integer
    }

    public enum Location: String, Sendable, Hashable, CaseIterable {
        case path, query, body
    }

    public var pointer: JSONPointer
    /// The Swift parameter name and the key of the Hub's request body.
    public var name: String
    public var type: InputType
    public var location: Location
    /// The provider's query parameter (`query`) or path placeholder name (`path`: `name`).
    public var parameter: String
    /// Where the value goes in the body (`body`), a JSON pointer; `/` + `name` by default.
    public var bodyPointer: String
    public var required: Bool
    public var format: DateTimeFormat
    public var values: [String]
    public var items: ItemType?
    public var description: String?
    /// A secret (an initial password): a `Secret` parameter, never logged or repeated in errors.
    public var secret: Bool

    public init(
        pointer: JSONPointer, name: String, type: InputType, location: Location = .body, parameter: String? = nil,
        bodyPointer: String? = nil, required: Bool = false, format: DateTimeFormat = .iso8601, values: [String] = [],
        items: ItemType? = nil, description: String? = nil, secret: Bool = false
    ) {
        self.pointer = pointer
        self.name = name
        self.type = type
        self.location = location
        self.parameter = parameter ?? name
        self.bodyPointer = bodyPointer ?? "/" + name.replacingOccurrences(of: "~", with: "~0")
            .replacingOccurrences(of: "/", with: "~1")
        self.required = required || location == .path
        self.format = format
        self.values = values
        self.items = items
        self.description = description
        self.secret = secret
    }
}

/// The typed result of an action: a record type of the connector read from the response.
public struct ActionResult: Sendable, Hashable {
    public var pointer: JSONPointer
    /// A shared record (`records`) or the record of one of the connector's resources.
    public var record: String
    /// JSON pointer to the record in the response (`""`: the whole response).
    public var at: String
    /// The record's fields (resolved by the model builder).
    public var fields: [RecordField]
    /// Whether `record` is a record of the variant's own resources (generated in the variant's
    /// namespace) rather than a shared or connector-level one.
    public var variantRecord: Bool = false

    public init(pointer: JSONPointer, record: String, at: String = "", fields: [RecordField] = []) {
        self.pointer = pointer
        self.record = record
        self.at = at
        self.fields = fields
    }
}

/// When a success status's body still means the provider refused the write (Ashby answers
/// refusals `200 {"success": false, "errorInfo": {...}}`).
public struct ActionFailureCondition: Sendable, Hashable {
    public var pointer: JSONPointer
    /// JSON pointer into the response body, e.g. `/success`.
    public var at: String
    /// The value at `at` that means refused, as compact JSON text (`false`, `"error"`, `0`).
    public var equals: String
    /// JSON pointer to the provider's errors in the body, read like an error response (`""`: the
    /// whole body).
    public var errors: String

    public init(pointer: JSONPointer, at: String, equals: String, errors: String = "") {
        self.pointer = pointer
        self.at = at
        self.equals = equals
        self.errors = errors
    }
}

/// One write a linked account can make.
public struct Action: Sendable, Hashable {
    public var pointer: JSONPointer
    /// lowerCamelCase identifier: the generated function and the Hub's `{action}`.
    public var id: String
    public var description: String?
    public var method: ActionMethod
    /// Path relative to the base URL with `{{NAME}}` for `path` inputs (and `{{fields.KEY}}`,
    /// `{{token.NAME}}`, `{{discovered.NAME}}` as in resource paths).
    public var path: String
    public var inputs: [ActionInput]
    /// A constant JSON object the body inputs are written into (compact JSON text).
    public var body: String?
    public var encoding: ActionEncoding
    /// Statuses that mean the provider did it.
    public var success: [Int]
    public var result: ActionResult?
    /// Scopes (or provider permissions) the action needs.
    public var scopes: [String]
    /// Deletes or deactivates something: callers confirm it explicitly.
    public var destructive: Bool
    /// A header carrying a key the provider uses to run a request once (`Idempotency-Key`).
    public var idempotencyHeader: String?
    /// A success status's body that means refused after all (`nil`: every success status is success).
    public var failureWhen: ActionFailureCondition?
    /// The media type of a `json` body (`application/vnd.api+json`); `nil`: `application/json`.
    public var contentType: String?

    public init(
        pointer: JSONPointer, id: String, description: String? = nil, method: ActionMethod, path: String,
        inputs: [ActionInput] = [], body: String? = nil, encoding: ActionEncoding = .json, success: [Int] = [],
        result: ActionResult? = nil, scopes: [String] = [], destructive: Bool = false, idempotencyHeader: String? = nil,
        failureWhen: ActionFailureCondition? = nil, contentType: String? = nil
    ) {
        self.pointer = pointer
        self.id = id
        self.description = description
        self.method = method
        self.path = path
        self.inputs = inputs
        self.body = body
        self.encoding = encoding
        self.success = success
        self.result = result
        self.scopes = scopes
        self.destructive = destructive
        self.idempotencyHeader = idempotencyHeader
        self.failureWhen = failureWhen
        self.contentType = contentType
    }

    /// The statuses that mean success: `success`, or any 2xx when it is empty.
    public var successStatuses: [Int] { success.isEmpty ? Array(200...299) : success }
}

extension ConnectorSpec {
    /// The actions of auth variant `index`: the connector's, each replaced by the variant's action
    /// of the same id, then the variant's other actions.
    public func actions(ofVariant index: Int) -> [Action] {
        guard auth.indices.contains(index) else { return actions }
        let overrides = auth[index].actions
        var result = actions.map { base in overrides.first { $0.id == base.id } ?? base }
        result += overrides.filter { override in !actions.contains { $0.id == override.id } }
        return result
    }
}
