// The `actions` part of the format table: typed writes (method, path, inputs placed in the path,
// the query or the JSON body, success statuses, a typed result, scopes, the destructive flag and
// the idempotency header). Like the rest of `SpecFormat`, it drives both the structural validator
// and the generated JSON Schema; the rules it cannot express are in Rules/ActionRules.swift.

extension SpecFormat {
    /// Action ids: the generated function and the Hub's `{action}`.
    public static let actionIDPattern = StringPattern(
        regex: "^[a-z][A-Za-z0-9]*$", rule: "action-id",
        requirement: "be lowerCamelCase: a lowercase letter followed by letters and digits")

    /// Action input names: Swift parameter names and keys of the Hub's request body.
    public static let actionInputNamePattern = StringPattern(
        regex: "^[a-z][A-Za-z0-9]*$", rule: "action-input-name",
        requirement: "be lowerCamelCase: a lowercase letter followed by letters and digits")

    static let actionPathPattern = StringPattern(
        regex: "^/", rule: "action-path", requirement: "start with '/' (relative to the base URL)")

    /// Where a body input goes: a JSON pointer to a key (never the whole body).
    static let actionBodyPointerPattern = StringPattern(
        regex: "^(/([^/~]|~[01])*)+$", rule: "action-body-pointer",
        requirement: "be a JSON pointer (RFC 6901) to a key of the body: '/'-prefixed tokens, with '~' written '~0' and '/' written '~1'")

    /// RFC 9110 header field names (`token`).
    static let headerNamePattern = StringPattern(
        regex: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$", rule: "action-idempotency-header",
        requirement: "be an HTTP header name (letters, digits and !#$%&'*+.^_`|~-)")

    /// Media types of a JSON body: `type/json` or `type/SUBTYPE+json`, with optional parameters.
    static let actionContentTypePattern = StringPattern(
        regex: "^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*(;.*)?$", rule: "action-content-type",
        requirement: "be a media type such as 'application/vnd.api+json' (type '/' subtype, then optional '; parameters')")

    static let actionKinds: [ObjectKind] = [actionKind, actionInputKind, actionResultKind, actionFailureKind]

    static let actionKind: ObjectKind = ObjectKind(
        name: "action",
        description: "A write a linked account can make: one request with typed inputs, the statuses that mean success and an optional typed result.",
        keys: [
            KeySpec("id", .string(pattern: actionIDPattern), required: true,
                    "Identifier of the action, e.g. `addUser`: the generated function and the Hub's `/actions/{action}`."),
            KeySpec("description", .string(), "One sentence for the generated docs."),
            KeySpec("method", .enumeration(ActionMethod.allCases.map(\.rawValue)), required: true, "HTTP method."),
            KeySpec("path", .string(pattern: actionPathPattern), required: true,
                    "Path relative to the base URL; `{{NAME}}` inserts a `path` input, `{{fields.KEY}}`, `{{token.NAME}}` and `{{discovered.NAME}}` as in resource paths (each as one percent-encoded segment)."),
            KeySpec("inputs", .array(.object("actionInput"), minItems: 0),
                    "Typed inputs of the generated function, each placed in the path, the query or the body."),
            KeySpec("body", .anyJSON,
                    "A constant JSON object the `body` inputs are written into (SCIM's `schemas`, fixed flags)."),
            KeySpec("encoding", .enumeration(ActionEncoding.allCases.map(\.rawValue)),
                    "How the body is written: `json` (default) or `form` (`application/x-www-form-urlencoded`, top-level keys only)."),
            KeySpec("success", .array(.integer(minimum: 100), minItems: 1),
                    "The statuses that mean the provider did it (default: any 2xx)."),
            KeySpec("result", .object("actionResult"), "The typed record the response holds (the created or updated record)."),
            KeySpec("scopes", .array(.string(), minItems: 1),
                    "Scopes (or provider permissions) the action needs; an OAuth variant must request them."),
            KeySpec("destructive", .boolean,
                    "`true` when the action deletes or deactivates something: the generated function and the Hub require an explicit confirmation (default `false`)."),
            KeySpec("idempotencyHeader", .string(pattern: headerNamePattern),
                    "Header carrying a key the provider uses to run a request once (`Idempotency-Key`): a 429 or 5xx is then retried with the same key."),
            KeySpec("failureWhen", .object("actionFailure"),
                    "When a success status's body still means the provider refused the write (Ashby's `200 {\"success\": false}`): the value at a JSON pointer that means refused, and where the provider's errors are."),
            KeySpec("contentType", .string(pattern: actionContentTypePattern),
                    "Media type of a `json` body (default `application/json`), a JSON one: `application/vnd.api+json` for JSON:API."),
        ])

    static let actionFailureKind: ObjectKind = ObjectKind(
        name: "actionFailure",
        description: "A refusal a provider answers with a success status: the body's value at `pointer` equals `equals`.",
        keys: [
            KeySpec("pointer", .string(pattern: resourcePointerPattern), required: true,
                    "JSON pointer into the response body, e.g. `/success`."),
            KeySpec("equals", .scalar, required: true, "The value at `pointer` that means refused, e.g. `false`."),
            KeySpec("errors", .string(pattern: resourcePointerPattern, allowEmpty: true),
                    "JSON pointer to the provider's errors, read like an error response's body (default `\"\"`: the whole body), e.g. `/errorInfo`."),
        ])

    static let actionInputKind: ObjectKind = ObjectKind(
        name: "actionInput",
        description: "A typed input of an action, sent as a path segment, a query parameter or a value at a JSON pointer of the body.",
        keys: [
            KeySpec("name", .string(pattern: actionInputNamePattern), required: true,
                    "Swift parameter name and key of the Hub's request body, e.g. `email`."),
            KeySpec("type", .enumeration(ActionInput.InputType.allCases.map(\.rawValue)), required: true,
                    "Value type: `string`, `integer`, `number`, `boolean`, `date`, `date-time`, `enum` or `array`."),
            KeySpec("in", .enumeration(ActionInput.Location.allCases.map(\.rawValue)),
                    "Where the value goes: `path`, `query` or `body` (default)."),
            KeySpec("parameter", .string(), "The provider's query parameter (`query` inputs; default `name`)."),
            KeySpec("pointer", .string(pattern: actionBodyPointerPattern),
                    "Where the value goes in the body (`body` inputs; default `/NAME`); missing objects on the way are created."),
            KeySpec("required", .boolean, "Whether callers must give a value (default `false`; `path` inputs are always required)."),
            KeySpec("format", .enumeration(DateTimeFormat.allCases.map(\.rawValue)),
                    "How a `date-time` value is written (default `iso8601`)."),
            KeySpec("values", .array(.string(), minItems: 1), "The values of an `enum` input."),
            KeySpec("items", .enumeration(ActionInput.ItemType.allCases.map(\.rawValue)), "Element type of an `array` input."),
            KeySpec("description", .string(), "What the input does."),
            KeySpec("secret", .boolean,
                    "`true` for a secret `string` (an initial password): a `Secret` parameter, sent in the body only, never logged, never repeated in errors or descriptions."),
        ],
        conditions: [
            KeyCondition(key: "type", value: "enum", equals: true, required: ["values"], forbidden: [], rule: "action-input-values"),
            KeyCondition(key: "type", value: "enum", equals: false, required: [], forbidden: ["values"], rule: "action-input-values"),
            KeyCondition(key: "type", value: "array", equals: true, required: ["items"], forbidden: [], rule: "action-input-items"),
            KeyCondition(key: "type", value: "array", equals: false, required: [], forbidden: ["items"], rule: "action-input-items"),
            KeyCondition(key: "type", value: "date-time", equals: false, required: [], forbidden: ["format"], rule: "action-input-format"),
            KeyCondition(key: "type", value: "string", equals: false, required: [], forbidden: ["secret"], rule: "action-input-secret"),
            KeyCondition(key: "in", value: "body", equals: true, defaultValue: "body", required: [], forbidden: ["parameter"], rule: "action-input-placement"),
            KeyCondition(key: "in", value: "body", equals: false, defaultValue: "body", required: [], forbidden: ["pointer"], rule: "action-input-placement"),
            KeyCondition(key: "in", value: "path", equals: true, defaultValue: "body", required: [], forbidden: ["parameter"], rule: "action-input-placement"),
        ])

    static let actionResultKind: ObjectKind = ObjectKind(
        name: "actionResult",
        description: "The typed record an action's response holds.",
        keys: [
            KeySpec("record", .string(pattern: recordTypePattern), required: true,
                    "A shared record (`records`) or the record of one of the connector's (or the variant's) resources."),
            KeySpec("pointer", .string(pattern: resourcePointerPattern, allowEmpty: true),
                    "JSON pointer to the record in the response (default `\"\"`: the whole response)."),
        ])
}
