// `GET /v1/accounts/{id}/unified/{model}` and `.../unified/{model}/{remoteId}`: an account's
// records as a unified model (docs/unified.md, "The Hub's endpoints"). The resource's own pager
// reads the provider (credentials, token refresh, retries, stop rules) and the runtime's
// `UnifiedMappingProgram` converts each record, as the generated `Unified` structs do.
import ConnectorCompilerCore
import ConnectorRuntime
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Failures of the unified routes that the other account routes do not have.
enum UnifiedRouteError: Error {
    /// The provider has no record with this id (`404`).
    case recordNotFound
    /// The record exists but cannot be converted (`422`): where, never the value.
    case unconvertible(UnifiedConversionError)
    /// The provider's pages could not be read (`502`).
    case resource(ResourceError)
}

extension ConnectorHubService {
    /// Records per page of the unified list: the default and the largest `limit`.
    static let unifiedDefaultLimit = 50
    static let unifiedMaxLimit = 200
    /// The longest one call reads the provider's pages, in seconds (then `502`), as the MCP tools.
    static let unifiedDeadline: TimeInterval = 60

    /// The account (active) and the mapping of `model` its connector variant has.
    func unifiedMapping(accountID: String, model: String) async throws -> (HubAccount, HubUnifiedMapping) {
        guard let account = try await account(accountID) else { throw HubError.notFound }
        let catalog = HubUnifiedCatalog.shared
        guard let mapping = catalog.mapping(connector: account.connectorID, variant: account.variantID, model: model) else {
            let models = catalog.models(connector: account.connectorID, variant: account.variantID)
            throw HubError.badRequest(
                "\(account.connectorID) (\(account.variantID)) does not map \(model). "
                    + (models.isEmpty ? "It maps no unified model." : "It maps: \(models.joined(separator: ", "))."))
        }
        guard account.status == "active" else { throw HubError.reconnectRequired }
        return (account, mapping)
    }

    /// One page of `model` records of an account: at most `limit`, from `cursor` on.
    func unifiedList(accountID: String, model: String, cursor: String?, limit: String?) async throws -> JSONValue {
        let (account, mapping) = try await unifiedMapping(accountID: accountID, model: model)
        var size = Self.unifiedDefaultLimit
        if let limit {
            guard let number = Int(limit), (1...Self.unifiedMaxLimit).contains(number) else {
                throw HubError.badRequest("limit must be an integer from 1 to \(Self.unifiedMaxLimit).")
            }
            size = number
        }
        var start = UnifiedCursor(model: model, position: nil, record: 0)
        if let cursor {
            guard let given = UnifiedCursor(text: cursor, account: accountID, model: model, signingKey: configuration.signingKey) else {
                throw HubError.badRequest("cursor is not a nextCursor of this account's \(model) list: list again without it.")
            }
            start = given
        }
        // The run starts at the cursor's page (`ListOptions.start`): one provider request per page.
        var pages = PageSequence<MCPRecord>(
            connection: try await connection(for: account), operation: mapping.list, arguments: ListArguments(),
            options: ListOptions(invalidRecords: .skip, deadline: Self.unifiedDeadline, start: start.position)
        ).makeAsyncIterator()
        var records: [JSONValue] = []
        var unconverted: [JSONValue] = []
        var skipped = 0
        var next: UnifiedCursor?
        try await unifiedCall(accountID) {
            // The position of the page being read: where a cursor that stops inside it starts again.
            var current = start.position
            var from = start.record
            scan: while let page = try await pages.next() {
                if from > page.records.count {
                    throw HubError.badRequest("The list changed since the cursor was made: list again without it.")
                }
                // A page read again after a cursor that stopped inside it: its skips were counted then.
                if from == 0 { skipped += page.skipped.count }
                for position in from..<page.records.count {
                    if records.count == size {
                        next = UnifiedCursor(model: model, position: current, record: position)
                        break scan
                    }
                    let raw = page.records[position].raw
                    guard MCPRecordCheck.conforms(raw, mapping.resource.fields) else {
                        skipped += 1
                        continue
                    }
                    do throws(UnifiedConversionError) {
                        records.append(HubUnifiedRecord(values: try mapping.program.evaluate(raw), remote: raw).json)
                    } catch {
                        var located = error
                        located.page = page.number
                        located.index = position
                        unconverted.append(Self.conversionJSON(located))
                    }
                }
                from = 0
                current = page.nextPosition
                // A full answer at a page's end: the cursor is the next page, not read yet. Without a
                // next position the list ended (or the pager reports why on the next step).
                if records.count == size, let after = page.nextPosition {
                    next = UnifiedCursor(model: model, position: after, record: 0)
                    break scan
                }
            }
        }
        var result: [String: JSONValue] = ["records": .array(records), "model": .string(model)]
        if let next { result["nextCursor"] = .string(try next.text(account: accountID, signingKey: configuration.signingKey)) }
        if !unconverted.isEmpty { result["unconverted"] = .array(unconverted) }
        if skipped > 0 { result["skipped"] = .integer(skipped) }
        return .object(result)
    }

    /// One `model` record of an account by the provider's id: the resource's `get`, or for a
    /// resource without one, the first record of its list whose mapped `id` is `remoteID`.
    func unifiedRecord(accountID: String, model: String, remoteID: String) async throws -> JSONValue {
        let (account, mapping) = try await unifiedMapping(accountID: accountID, model: model)
        let connection = try await connection(for: account)
        var record: JSONValue = .null
        try await unifiedCall(accountID) {
            if let get = mapping.get {
                record = try await ResourceReader.get(MCPRecord.self, connection: connection, operation: get, id: remoteID).raw
                return
            }
            let pages = PageSequence<MCPRecord>(
                connection: connection, operation: mapping.list, arguments: ListArguments(),
                options: ListOptions(invalidRecords: .skip, deadline: Self.unifiedDeadline))
            for try await page in pages {
                for candidate in page.records where (try? mapping.program.evaluate(candidate.raw))?.string("id") == remoteID {
                    record = candidate.raw
                    return
                }
            }
            throw ResourceError.notFound(resource: mapping.resource.name)
        }
        do throws(UnifiedConversionError) {
            return HubUnifiedRecord(values: try mapping.program.evaluate(record), remote: record).json
        } catch {
            var located = error
            located.page = 1
            throw UnifiedRouteError.unconvertible(located)
        }
    }

    /// Runs provider requests with the proxy's error handling: a refused grant marks the account
    /// `reconnect_required` (and sends its webhook).
    func unifiedCall(_ accountID: String, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as ConnectorError {
            if case .reconnectRequired = error {
                try await setStatus(accountID, "reconnect_required")
                throw HubError.reconnectRequired
            }
            throw HubError.provider(error)
        } catch let error as ResourceError {
            switch error {
            case .retriesExhausted(_, _, _, .reconnectRequired):
                try await setStatus(accountID, "reconnect_required")
                throw HubError.reconnectRequired
            case .retriesExhausted(_, _, _, let last): throw HubError.provider(last)
            case .notFound: throw UnifiedRouteError.recordNotFound
            default: throw UnifiedRouteError.resource(error)
            }
        }
    }

    /// A conversion failure as the runtime located it, without the value.
    static func conversionJSON(_ error: UnifiedConversionError) -> JSONValue {
        .object([
            "page": .integer(error.page), "index": .integer(error.index), "sourceField": .string(error.sourceField),
            "targetField": .string(error.targetField), "reason": .string(error.reason), "message": .string(error.description),
        ])
    }

    /// The two unified operations (``apiOperations``), answered as JSON.
    func unifiedRoute<Context: RequestContext>(_ path: String, request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        let model = try context.parameters.require("model")
        do {
            let body: JSONValue
            if path.hasSuffix("{remoteId}") {
                body = try await unifiedRecord(accountID: id, model: model, remoteID: try context.parameters.require("remoteId"))
            } else {
                let query = request.uri.queryParameters
                body = try await unifiedList(
                    accountID: id, model: model, cursor: query.get("cursor"), limit: query.get("limit"))
            }
            return Response(
                status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: body.description)))
        } catch UnifiedRouteError.recordNotFound {
            return Self.json(.notFound, ["error": "not_found", "message": "The provider has no \(model) record with this id."])
        } catch UnifiedRouteError.unconvertible(let error) {
            return Self.json(
                .unprocessableContent,
                ["error": "unconvertible_record", "message": error.description, "sourceField": error.sourceField, "targetField": error.targetField])
        } catch UnifiedRouteError.resource(let error) {
            return Self.json(.badGateway, ["error": "provider_error", "message": String(describing: error)])
        }
    }
}
