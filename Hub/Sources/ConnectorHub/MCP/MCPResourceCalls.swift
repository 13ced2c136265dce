// The resource tools' calls: one bounded page of records with a cursor (`list`), one record by
// id (`get`), and search-then-call for tool lists over the token's budget.
import ConnectorCompilerCore
import ConnectorRuntime
import Crypto
import Foundation

struct MCPListCall {
    let tool: MCPTool
    let resource: Resource
    let list: ListOperation
    let connection: Connection
    /// Seals and opens the cursors (``MCPCursor``), for this token, account and tool.
    let cursorKey: SymmetricKey
    let cursorBinding: Data
    /// Converts each record the list returns (a unified model's mapping); `nil` from it: the
    /// record could not be converted and is left out (counted as `unconverted`).
    var convert: ((JSONValue) -> JSONValue?)? = nil

    func run(_ arguments: [String: JSONValue]) async throws -> JSONValue {
        var listArguments = ListArguments()
        for input in list.inputs {
            guard let given = arguments[input.name], given != .null else {
                if input.required { throw MCPResult.Failure(code: "invalid_arguments", message: "\(input.name) is required.") }
                continue
            }
            let value = try Self.inputValue(input, given)
            switch input.location {
            case .query: listArguments.query(input.parameter, value)
            case .path: listArguments.path(input.name, value)
            case .body: listArguments.body(input.parameter, value)
            }
        }
        var limit = MCPCatalog.defaultLimit
        if let given = arguments["limit"] {
            guard case .integer(let number) = given, (1...MCPCatalog.maxLimit).contains(number) else {
                throw MCPResult.Failure(code: "invalid_arguments", message: "limit must be an integer from 1 to \(MCPCatalog.maxLimit).")
            }
            limit = number
        }
        // The cursor belongs to this tool and these inputs (limit aside).
        var inputs = arguments
        inputs["cursor"] = nil
        inputs["limit"] = nil
        let digest = String(Digest.sha256(tool.name + JSONValue.object(inputs).description).prefix(16))
        let operation = Self.operation(resource, list)
        let paging = operation.pagination
        var start = MCPCursor(tool: tool.name, inputs: digest, position: nil, record: 0, pageSize: nil)
        if let given = arguments["cursor"] {
            guard case .string(let text) = given, let cursor = MCPCursor.open(text, key: cursorKey, binding: cursorBinding),
                cursor.tool == tool.name, cursor.inputs == digest
            else {
                throw MCPResult.Failure(
                    code: "invalid_arguments", message: "cursor is not a nextCursor of \(tool.name) for these inputs: call again without it.")
            }
            start = cursor
        } else if paging.style != .none, paging.limitParam != nil || paging.limitBodyPointer != nil {
            // Pages of `limit` records, so a call usually reads one provider page; the walk keeps
            // this size whatever later calls ask (a page number means the same records).
            start.pageSize = min(limit, paging.maxPageSize ?? limit)
        }
        var pages = PageSequence<MCPRecord>(
            connection: connection, operation: operation, arguments: listArguments,
            options: ListOptions(invalidRecords: .skip, deadline: 60, pageSize: start.pageSize, start: start.position)
        ).makeAsyncIterator()
        func cursor(_ position: ResourcePagePosition?, _ record: Int) -> MCPCursor {
            MCPCursor(tool: tool.name, inputs: digest, position: position, record: record, pageSize: start.pageSize)
        }
        var records: [JSONValue] = []
        var bytes = 2
        var skipped = 0
        var next: MCPCursor?
        var truncated = false
        var oversized = 0
        var unconverted = 0
        // The position of the page being read: where a cursor that stops inside it starts again.
        var current = start.position
        var from = start.record
        scan: while let page = try await pages.next() {
            if from > page.records.count {
                throw MCPResult.Failure(code: "invalid_arguments", message: "The list changed since the cursor was made: call again without it.")
            }
            // A page read again after a cursor that stopped inside it: its skips were counted then.
            if from == 0 { skipped += page.skipped.count }
            for position in from..<page.records.count {
                var record = page.records[position].raw
                if records.count == limit {
                    next = cursor(current, position)
                    break scan
                }
                guard MCPRecordCheck.conforms(record, resource.fields) else {
                    skipped += 1
                    continue
                }
                if let convert {
                    guard let converted = convert(record) else {
                        unconverted += 1
                        continue
                    }
                    record = converted
                }
                let size = record.description.utf8.count + 1
                if bytes + size > mcpResultByteCap {
                    truncated = true
                    if records.isEmpty {
                        // One record larger than the cap: left out, the cursor goes past it.
                        oversized += 1
                        next = cursor(current, position + 1)
                    } else {
                        next = cursor(current, position)
                    }
                    break scan
                }
                records.append(record)
                bytes += size
            }
            from = 0
            current = page.nextPosition
            // A full answer at a page's end: the cursor is the next page, not read yet. Without a
            // next position the list ended (or the pager reports why on the next step).
            if records.count == limit, let after = page.nextPosition {
                next = cursor(after, 0)
                break scan
            }
        }
        var structured: [String: JSONValue] = ["records": .array(records)]
        if let next { structured["nextCursor"] = .string(try next.sealed(key: cursorKey, binding: cursorBinding)) }
        if truncated { structured["truncated"] = .bool(true) }
        if skipped > 0 { structured["skipped"] = .integer(skipped) }
        if unconverted > 0 { structured["unconverted"] = .integer(unconverted) }
        var text = JSONValue.object(structured).description
        if truncated {
            let cap = "\(mcpResultByteCap / 1024) KiB"
            text +=
                oversized > 0
                ? "\n[truncated: the next record is larger than the \(cap) result cap and was left out; call again with nextCursor for the records after it]"
                : "\n[truncated: \(records.count) records fill the \(cap) result cap; call again with nextCursor for the rest]"
        }
        if skipped > 0 { text += "\n[\(skipped) records did not match the connector's declared fields and were left out]" }
        if unconverted > 0 { text += "\n[\(unconverted) records could not be converted to the unified model and were left out]" }
        return MCPResult.success(text: text, structured: .object(structured))
    }

    /// A typed input from its JSON argument.
    static func inputValue(_ input: OperationInput, _ value: JSONValue) throws -> InputValue {
        let refused = MCPResult.Failure(code: "invalid_arguments", message: "\(input.name) must be \(Self.expected(input)).")
        switch (input.type, value) {
        case (.string, .string(let text)): return .string(text)
        case (.integer, .integer(let number)): return .integer(number)
        case (.number, .integer(let number)): return .number(Double(number))
        case (.number, .number(let number)): return .number(number)
        case (.boolean, .bool(let flag)): return .boolean(flag)
        case (.date, .string(let text)):
            guard let date = CalendarDate(text) else { throw refused }
            return .date(date)
        case (.dateTime, .string(let text)):
            guard let date = DateTimeCoding.date(from: .string(text), format: .iso8601),
                let format = ConnectorRuntime.DateTimeFormat(rawValue: input.format.rawValue)
            else { throw refused }
            return .dateTime(date, format)
        case (.enum, .string(let text)):
            guard input.values.contains(text) else { throw refused }
            return .string(text)
        default: throw refused
        }
    }

    static func expected(_ input: OperationInput) -> String {
        switch input.type {
        case .string: "a string"
        case .integer: "an integer"
        case .number: "a number"
        case .boolean: "true or false"
        case .date: "a date (2026-12-07)"
        case .dateTime: "a date and time (2026-12-07T09:30:00Z)"
        case .enum: "one of " + input.values.joined(separator: ", ")
        }
    }

    /// The runtime operation the generated code holds for this list, from the same spec.
    static func operation(_ resource: Resource, _ list: ListOperation) -> ResourceListOperation {
        let paging = list.pagination
        let pagination = ResourcePagination(
            style: ResourcePagination.Style(rawValue: paging.style.rawValue) ?? .none,
            stops: paging.stops.compactMap { ResourcePagination.Stop(rawValue: $0.rawValue) },
            pageSize: paging.pageSize, maxPageSize: paging.maxPageSize, limitParam: paging.limitParam, offsetParam: paging.offsetParam,
            pageParam: paging.pageParam, firstPage: paging.firstPage, cursorParam: paging.cursorParam, cursorPointer: paging.cursorPointer,
            cursorBodyPointer: paging.cursorBodyPointer, limitBodyPointer: paging.limitBodyPointer, nextPointer: paging.nextPointer,
            hasMorePointer: paging.hasMorePointer, totalPointer: paging.totalPointer,
            maxPages: paging.maxPages ?? ResourcePagination.defaultMaxPages, firstOffset: paging.firstOffset)
        return ResourceListOperation(
            resource: resource.name, method: list.method.rawValue, path: list.path,
            query: list.queryPairs.map { QueryParameter($0.name, $0.value) },
            body: list.body.flatMap { try? JSONValue.parse(Data($0.utf8)) }, records: list.records, pagination: pagination,
            maxResponseBytes: list.maxResponseBytes)
    }
}

struct MCPGetCall {
    let resource: Resource
    let get: GetOperation
    let connection: Connection

    func run(_ arguments: [String: JSONValue]) async throws -> JSONValue {
        let id: String
        switch arguments["id"] {
        case .string(let text)? where !text.isEmpty: id = text
        case .integer(let number)?: id = String(number)
        default: throw MCPResult.Failure(code: "invalid_arguments", message: "id is required.")
        }
        let record = try await ResourceReader.get(
            MCPRecord.self, connection: connection,
            operation: ResourceGetOperation(resource: resource.name, path: get.path, record: get.record), id: id)
        guard MCPRecordCheck.conforms(record.raw, resource.fields) else {
            throw MCPResult.Failure(code: "invalid_record", message: "The record does not match the connector's declared fields.")
        }
        let text = record.raw.description
        guard text.utf8.count <= mcpResultByteCap else {
            throw MCPResult.Failure(
                code: "too_large", message: "The record is larger than the \(mcpResultByteCap / 1024) KiB result cap.")
        }
        return MCPResult.success(text: text, structured: record.raw)
    }
}

/// Search-then-call: for a tool list over the token's budget, `tools/list` offers these two
/// tools only, and `search_tools` answers at most the budget of tool definitions at once.
enum MCPSearch {
    static let searchName = "search_tools"
    static let callName = "call_tool"
    static let defaultResults = 10
    static let maxResults = 50

    static func searchTool(count: Int) -> JSONValue {
        .object([
            "name": .string(searchName),
            "description": .string(
                "The linked accounts offer \(count) tools, more than fit at once. Search them by words (the provider, the data "
                    + "such as users or employees, list or get); the answer holds the matching tools' definitions. Run one with call_tool."),
            "inputSchema": .object([
                "type": .string("object"),
                "properties": .object([
                    "query": .object(["type": .string("string"), "description": .string("Words to look for in tool names and descriptions.")]),
                    "limit": .object([
                        "type": .string("integer"), "minimum": .integer(1), "maximum": .integer(maxResults),
                        "description": .string("Most tools to return (default \(defaultResults)).")]),
                ]),
                "required": .array([.string("query")]),
                "additionalProperties": .bool(false),
            ]),
            "annotations": .object([
                "readOnlyHint": .bool(true), "destructiveHint": .bool(false), "idempotentHint": .bool(true), "openWorldHint": .bool(false),
            ]),
        ])
    }

    static let callTool: JSONValue = .object([
        "name": .string(callName),
        "description": .string("Runs a tool that search_tools returned, with arguments matching its inputSchema."),
        "inputSchema": .object([
            "type": .string("object"),
            "properties": .object([
                "name": .object(["type": .string("string"), "description": .string("The tool's name.")]),
                "arguments": .object(["type": .string("object"), "description": .string("The tool's arguments.")]),
            ]),
            "required": .array([.string("name")]),
            "additionalProperties": .bool(false),
        ]),
        // The read-only form (the budget report's); a token's own follows its tools, callTool(for:).
        "annotations": .object([
            "readOnlyHint": .bool(true), "destructiveHint": .bool(false), "idempotentHint": .bool(true), "openWorldHint": .bool(true),
        ]),
    ])

    /// `call_tool` with annotations that cover every tool it may run: read-only only when all
    /// are, destructive when any is.
    static func callTool(for tools: [MCPTool]) -> JSONValue {
        guard case .object(var definition) = callTool else { return callTool }
        definition["annotations"] = .object([
            "readOnlyHint": .bool(tools.allSatisfy(\.hints.readOnly)), "destructiveHint": .bool(tools.contains { $0.hints.destructive }),
            "idempotentHint": .bool(tools.allSatisfy(\.hints.idempotent)), "openWorldHint": .bool(true),
        ])
        return .object(definition)
    }

    static func search(_ tools: [MCPCoveredTool], arguments: [String: JSONValue], budget: Int) -> JSONValue {
        guard case .string(let query)? = arguments["query"] else { return MCPResult.error("invalid_arguments", "query is required.") }
        var limit = defaultResults
        if case .integer(let number)? = arguments["limit"] { limit = max(1, min(maxResults, number)) }
        let words = query.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init)
        let scored = tools.map { covered -> (MCPCoveredTool, Int) in
            let name = covered.tool.name.lowercased()
            let description = covered.tool.description.lowercased()
            let score = words.reduce(0) { total, word in total + (name.contains(word) ? 2 : 0) + (description.contains(word) ? 1 : 0) }
            return (covered, score)
        }
        let matches = scored.filter { words.isEmpty || $0.1 > 0 }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0.tool.name < $1.0.tool.name }
        var found: [JSONValue] = []
        // The answer carries the definitions twice (structured and as text): both within the budget.
        var used = MCPBudget.tokens(bytes: 64)
        for (covered, _) in matches.prefix(limit) {
            let definition = covered.tool.definition(accounts: covered.accounts)
            let cost = 2 * MCPBudget.tokens(definition)
            if used + cost > budget { break }
            found.append(definition)
            used += cost
        }
        let structured: JSONValue = .object(["tools": .array(found), "matched": .integer(matches.count)])
        var text = structured.description
        if found.count < min(matches.count, limit) {
            text += "\n[\(matches.count - found.count) more matches left out to stay within the tool budget: search with more precise words]"
        }
        return MCPResult.success(text: text, structured: structured)
    }
}
