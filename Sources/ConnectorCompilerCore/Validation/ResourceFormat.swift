// The `resources` part of the format table: resources, their record fields, the `list` and `get`
// operations, typed inputs and pagination. Like the rest of `SpecFormat`, it drives both the
// structural validator and the generated JSON Schema; the rules it cannot express are in
// Rules/ResourceRules.swift.

extension SpecFormat {
    /// Resource names: the property of the generated `Resources` struct.
    public static let resourceNamePattern = StringPattern(
        regex: "^[a-z][A-Za-z0-9]*$", rule: "resource-name",
        requirement: "be lowerCamelCase: a lowercase letter followed by letters and digits")

    /// Record type names: the generated record struct.
    public static let recordTypePattern = StringPattern(
        regex: "^[A-Z][A-Za-z0-9]*$", rule: "resource-record-name",
        requirement: "be UpperCamelCase: an uppercase letter followed by letters and digits")

    /// Operation input names: the Swift parameter names of `list` functions.
    public static let inputNamePattern = StringPattern(
        regex: "^[a-z][A-Za-z0-9]*$", rule: "resource-input-name",
        requirement: "be lowerCamelCase: a lowercase letter followed by letters and digits")

    /// JSON pointers into a page or a record (`""` is the whole value).
    public static let resourcePointerPattern = StringPattern(
        regex: "^(/([^/~]|~[01])*)*$", rule: "resource-pointer",
        requirement: "be a JSON pointer (RFC 6901): empty or '/'-prefixed tokens, with '~' written '~0' and '/' written '~1'")

    static let resourcePathPattern = StringPattern(
        regex: "^/", rule: "resource-path", requirement: "start with '/' (relative to the base URL)")

    /// Constant query parameters: any name, any value.
    static let anyNamePattern = StringPattern(regex: "^.+$", rule: "resource-query", requirement: "not be empty")
    static let anyValuePattern = StringPattern(regex: "^.*$", rule: "resource-query", requirement: "be a string")

    static let resourceKinds: [ObjectKind] = [resourceKind, sharedRecordKind, recordFieldKind, listOperationKind, getOperationKind, operationInputKind, paginationKind, syncKind]

    static let resourceKind: ObjectKind = ObjectKind(
        name: "resource",
        description: "Data a linked account gives access to: a typed record and the operations that read it.",
        keys: [
            KeySpec("name", .string(pattern: resourceNamePattern), required: true,
                    "Identifier of the resource, e.g. `users`; the property of the generated `Resources`."),
            KeySpec("record", .string(pattern: recordTypePattern), required: true,
                    "Name of the generated record struct, e.g. `User`; or the name of a connector-level shared record (`records`), when the resource declares no `fields`."),
            KeySpec("description", .string(), "One sentence for the generated docs."),
            KeySpec("idField", .string(), "The record field holding the record's id; required with `get`."),
            KeySpec("fields", .array(.object("recordField"), minItems: 1),
                    "The provider's own record fields and their types; left out when `record` names a shared record."),
            KeySpec("list", .object("listOperation"), "Lists the records, page by page."),
            KeySpec("get", .object("getOperation"), "Reads one record by its id."),
            KeySpec("sync", .object("sync"), "How the Hub keeps the records of each linked account and finds what changed (docs/syncs.md)."),
        ])

    static let sharedRecordKind: ObjectKind = ObjectKind(
        name: "sharedRecord",
        description: "A record type several resources share (`records`): one generated struct, in the connector's namespace.",
        keys: [
            KeySpec("name", .string(pattern: recordTypePattern), required: true,
                    "Name of the generated record struct, e.g. `User`; resources use it as their `record`."),
            KeySpec("description", .string(), "One sentence for the generated docs."),
            KeySpec("fields", .array(.object("recordField"), minItems: 1), required: true,
                    "The provider's own record fields and their types."),
        ])

    static let recordFieldKind: ObjectKind = ObjectKind(
        name: "recordField",
        description: "A field of a record, as the provider names and types it.",
        keys: [
            KeySpec("name", .string(), required: true, "The JSON key in the provider's record, e.g. `first_name`."),
            KeySpec("type", .enumeration(RecordField.FieldType.allCases.map(\.rawValue)), required: true,
                    "Value type: `string`, `integer`, `number`, `boolean`, `date` (`YYYY-MM-DD`), `date-time`, `enum`, `object` or `array`."),
            KeySpec("required", .boolean,
                    "`false` when the provider may leave the field out or send `null` (default `true`)."),
            KeySpec("format", .enumeration(DateTimeFormat.allCases.map(\.rawValue)),
                    "How a `date-time` is written (default `iso8601`)."),
            KeySpec("values", .array(.string(), minItems: 1), "The values of an `enum`; others are kept as unknown."),
            KeySpec("items", .enumeration(RecordField.ItemType.allCases.map(\.rawValue)),
                    "Element type of an `array`."),
            KeySpec("description", .string(), "What the field holds."),
            KeySpec("fields", .array(.object("recordField"), minItems: 1),
                    "The fields inside an `object` (or inside the objects of an `array` of `object`), so unified mappings can point into it; the record keeps them in `raw`."),
        ],
        conditions: [
            KeyCondition(key: "type", value: "enum", equals: true, required: ["values"], forbidden: [], rule: "record-field-values"),
            KeyCondition(key: "type", value: "enum", equals: false, required: [], forbidden: ["values"], rule: "record-field-values"),
            KeyCondition(key: "type", value: "array", equals: true, required: ["items"], forbidden: [], rule: "record-field-items"),
            KeyCondition(key: "type", value: "array", equals: false, required: [], forbidden: ["items"], rule: "record-field-items"),
            KeyCondition(key: "type", value: "date-time", equals: false, required: [], forbidden: ["format"], rule: "record-field-format"),
        ])

    static let listOperationKind: ObjectKind = ObjectKind(
        name: "listOperation",
        description: "The request that lists records, and how its pages follow each other.",
        keys: [
            KeySpec("method", .enumeration(ResourceOperationMethod.allCases.map(\.rawValue)),
                    "HTTP method (default `GET`); `POST` for APIs that list by POST."),
            KeySpec("path", .string(pattern: resourcePathPattern), required: true,
                    "Path relative to the base URL; `{{NAME}}` inserts a `path` input, `{{fields.KEY}}` a field of the connection, `{{token.NAME}}` a token-response field and `{{discovered.NAME}}` a discovered value (each as one percent-encoded segment)."),
            KeySpec("query", .stringMap(name: anyNamePattern, value: anyValuePattern),
                    "Constant query parameters sent with every page."),
            KeySpec("body", .anyJSON, "JSON object sent as the body of a `POST` list (pagination and `body` inputs are added to it)."),
            KeySpec("inputs", .array(.object("operationInput"), minItems: 0),
                    "Typed inputs of the generated `list` function."),
            KeySpec("records", .string(pattern: resourcePointerPattern, allowEmpty: true), required: true,
                    "JSON pointer to the array of records in a page (`\"\"` when the page is the array)."),
            KeySpec("pagination", .object("pagination"), required: true, "How the next page is requested and when the list ends."),
            KeySpec("maxResponseBytes", .integer(minimum: 1),
                    "The largest page body accepted, in bytes, instead of the transport's cap (10 MiB by default): for a `none`-style list larger than that. `ListOptions.maxResponseBytes` overrides it per call."),
        ])

    static let getOperationKind: ObjectKind = ObjectKind(
        name: "getOperation",
        description: "The request that reads one record by its id.",
        keys: [
            KeySpec("path", .string(pattern: resourcePathPattern), required: true,
                    "Path relative to the base URL with `{{id}}` where the id goes; `{{fields.KEY}}`, `{{token.NAME}}` and `{{discovered.NAME}}` as in `list`."),
            KeySpec("record", .string(pattern: resourcePointerPattern, allowEmpty: true),
                    "JSON pointer to the record in the response (default `\"\"`: the whole response)."),
        ])

    static let operationInputKind: ObjectKind = ObjectKind(
        name: "operationInput",
        description: "A typed input of a `list` operation, sent as a query parameter, a path segment or a body key.",
        keys: [
            KeySpec("name", .string(pattern: inputNamePattern), required: true, "Swift parameter name, e.g. `updatedAfter`."),
            KeySpec("type", .enumeration(OperationInput.InputType.allCases.map(\.rawValue)), required: true,
                    "Value type: `string`, `integer`, `number`, `boolean`, `date`, `date-time` or `enum`."),
            KeySpec("in", .enumeration(OperationInput.Location.allCases.map(\.rawValue)),
                    "Where the value goes (default `query`)."),
            KeySpec("parameter", .string(), "The provider's parameter name (default `name`)."),
            KeySpec("required", .boolean, "Whether callers must give a value (default `false`; `path` inputs are always required)."),
            KeySpec("format", .enumeration(DateTimeFormat.allCases.map(\.rawValue)),
                    "How a `date-time` value is written (default `iso8601`)."),
            KeySpec("values", .array(.string(), minItems: 1), "The values of an `enum` input."),
            KeySpec("description", .string(), "What the input does."),
        ],
        conditions: [
            KeyCondition(key: "type", value: "enum", equals: true, required: ["values"], forbidden: [], rule: "resource-input-values"),
            KeyCondition(key: "type", value: "enum", equals: false, required: [], forbidden: ["values"], rule: "resource-input-values"),
            KeyCondition(key: "type", value: "date-time", equals: false, required: [], forbidden: ["format"], rule: "resource-input-format"),
        ])

    static let paginationKind: ObjectKind = ObjectKind(
        name: "pagination",
        description: "A pagination style from a closed set, with the parameters it sends and an explicit stop rule.",
        keys: [
            KeySpec("style", .enumeration(PaginationStyle.allCases.map(\.rawValue)), required: true,
                    "`none`, `offset`, `pageNumber`, `cursor` (cursor from the body sent as a query parameter), `nextURL` (next URL in the body), `linkHeader` (RFC 8288 `Link: rel=\"next\"`) or `bodyCursor` (cursor sent in the POST body)."),
            KeySpec("stop", .enumerationList(StopRule.allCases.map(\.rawValue)),
                    "When the list ends: `emptyPage`, `absentCursor` (no cursor or next link), `hasMore` (a boolean at `hasMorePointer` is false), `totalCount` (the records seen reach the number at `totalPointer`) or `shortPage` (a page with fewer records than `pageSize`); or an array of them, and the first that says so ends the list (`[\"totalCount\", \"emptyPage\"]`). Required unless `style` is `none`."),
            KeySpec("pageSize", .integer(minimum: 1), "Records requested per page, sent as `limitParam`; a call may ask for another number (`ListOptions.pageSize`)."),
            KeySpec("maxPageSize", .integer(minimum: 1),
                    "The largest page size the API accepts: a larger `ListOptions.pageSize` is lowered to it (default: no limit)."),
            KeySpec("limitParam", .string(), "Parameter (or body key) carrying the page size."),
            KeySpec("offsetParam", .string(), "Parameter carrying the offset of the first record (`offset`)."),
            KeySpec("pageParam", .string(), "Parameter carrying the page number (`pageNumber`)."),
            KeySpec("firstPage", .integer(minimum: 0), "Number of the first page (`pageNumber`; default 1)."),
            KeySpec("firstOffset", .integer(minimum: 0),
                    "Offset of the first record (`offset`; default 0): 1 for APIs that count from 1, such as SCIM's `startIndex`."),
            KeySpec("cursorParam", .string(), "Parameter (`cursor`) or top-level body key (`bodyCursor`) carrying the cursor."),
            KeySpec("cursorBodyPointer", .string(pattern: resourcePointerPattern, allowEmpty: false),
                    "JSON pointer inside the POST body where the cursor goes (`bodyCursor`, instead of `cursorParam`), e.g. `/variables/after` for GraphQL; missing objects on the way are created."),
            KeySpec("limitBodyPointer", .string(pattern: resourcePointerPattern, allowEmpty: false),
                    "JSON pointer inside the POST body where `pageSize` goes (`bodyCursor`, instead of `limitParam`), e.g. `/variables/first`."),
            KeySpec("cursorPointer", .string(pattern: resourcePointerPattern, allowEmpty: false),
                    "JSON pointer to the next cursor in a page (`cursor`, `bodyCursor`)."),
            KeySpec("nextPointer", .string(pattern: resourcePointerPattern, allowEmpty: false),
                    "JSON pointer to the next page's URL in a page (`nextURL`)."),
            KeySpec("hasMorePointer", .string(pattern: resourcePointerPattern, allowEmpty: false),
                    "JSON pointer to the boolean saying more pages follow (`stop`: `hasMore`)."),
            KeySpec("totalPointer", .string(pattern: resourcePointerPattern, allowEmpty: false),
                    "JSON pointer to the total number of records: the `totalCount` stop rule reads it, and every page reports it (`ResourcePage.total`)."),
            KeySpec("maxPages", .integer(minimum: 1), "Backstop: the run fails after this many pages (default 10,000)."),
        ],
        conditions: [
            KeyCondition(key: "style", value: "none", equals: false, required: ["stop"], forbidden: [], rule: "pagination-stop"),
            KeyCondition(key: "style", value: "none", equals: true, required: [],
                         forbidden: ["stop", "pageSize", "maxPageSize", "limitParam", "offsetParam", "pageParam", "firstPage", "cursorParam", "cursorPointer", "nextPointer", "hasMorePointer", "totalPointer", "maxPages"],
                         rule: "pagination-parameters"),
            KeyCondition(key: "style", value: "offset", equals: true, required: ["offsetParam", "limitParam", "pageSize"], forbidden: [], rule: "pagination-parameters"),
            KeyCondition(key: "style", value: "offset", equals: false, required: [], forbidden: ["offsetParam"], rule: "pagination-parameters"),
            KeyCondition(key: "style", value: "offset", equals: false, required: [], forbidden: ["firstOffset"], rule: "pagination-parameters"),
            KeyCondition(key: "style", value: "pageNumber", equals: true, required: ["pageParam"], forbidden: [], rule: "pagination-parameters"),
            KeyCondition(key: "style", value: "pageNumber", equals: false, required: [], forbidden: ["pageParam", "firstPage"], rule: "pagination-parameters"),
            KeyCondition(key: "style", value: "cursor", equals: true, required: ["cursorParam", "cursorPointer"], forbidden: [], rule: "pagination-parameters"),
            KeyCondition(key: "style", value: "bodyCursor", equals: true, required: ["cursorPointer"], forbidden: [], rule: "pagination-parameters"),
            KeyCondition(key: "style", value: "bodyCursor", equals: false, required: [], forbidden: ["cursorBodyPointer", "limitBodyPointer"], rule: "pagination-parameters"),
            KeyCondition(key: "style", value: "nextURL", equals: true, required: ["nextPointer"], forbidden: ["cursorParam", "cursorPointer"], rule: "pagination-parameters"),
            KeyCondition(key: "style", value: "linkHeader", equals: true, required: [], forbidden: ["cursorParam", "cursorPointer", "nextPointer"], rule: "pagination-parameters"),
            KeyCondition(key: "style", value: "offset", equals: true, required: [], forbidden: ["cursorParam", "cursorPointer", "nextPointer"], rule: "pagination-parameters"),
            KeyCondition(key: "style", value: "pageNumber", equals: true, required: [], forbidden: ["cursorParam", "cursorPointer", "nextPointer"], rule: "pagination-parameters"),
            KeyCondition(key: "stop", value: "hasMore", equals: true, required: ["hasMorePointer"], forbidden: [], rule: "pagination-stop"),
            KeyCondition(key: "stop", value: "hasMore", equals: false, required: [], forbidden: ["hasMorePointer"], rule: "pagination-stop"),
            KeyCondition(key: "stop", value: "totalCount", equals: true, required: ["totalPointer"], forbidden: [], rule: "pagination-stop"),
            KeyCondition(key: "stop", value: "shortPage", equals: true, required: ["pageSize"], forbidden: [], rule: "pagination-stop"),
        ])
}
