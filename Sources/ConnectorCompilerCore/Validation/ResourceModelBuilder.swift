// Builds the `resources` part of the model (see `ModelBuilder`). Defaults of optional keys are
// applied here.

extension ModelBuilder {
    /// The resources of `node`; one without `fields` takes those of the shared record (`records`
    /// of the connector, `shared`) it names.
    static func resources(_ node: JSONNode?, shared: [SharedRecord] = []) -> [Resource] {
        array(node).map { node in
            var resource = Resource(
                pointer: node.pointer, name: string(node["name"]), record: string(node["record"]),
                description: node["description"]?.stringValue, idField: node["idField"]?.stringValue,
                fields: array(node["fields"]).map(recordField), list: node["list"].map(listOperation),
                get: node["get"].map { get in
                    GetOperation(pointer: get.pointer, path: string(get["path"]), record: get["record"]?.stringValue ?? "")
                })
            if node["fields"] == nil, let record = shared.first(where: { $0.name == resource.record }) {
                resource.fields = record.fields
                resource.sharedRecord = true
            }
            resource.sync = node["sync"].map(resourceSync)
            return resource
        }
    }

    static func sharedRecords(_ node: JSONNode?) -> [SharedRecord] {
        array(node).map { node in
            SharedRecord(
                pointer: node.pointer, name: string(node["name"]), description: node["description"]?.stringValue,
                fields: array(node["fields"]).map(recordField))
        }
    }

    private static func recordField(_ node: JSONNode) -> RecordField {
        RecordField(
            pointer: node.pointer, name: string(node["name"]),
            type: RecordField.FieldType(rawValue: string(node["type"])) ?? .string,
            required: node["required"]?.boolValue ?? true,
            format: DateTimeFormat(rawValue: string(node["format"])) ?? .iso8601,
            values: array(node["values"]).compactMap(\.stringValue),
            items: node["items"]?.stringValue.flatMap(RecordField.ItemType.init(rawValue:)),
            description: node["description"]?.stringValue)
    }

    private static func listOperation(_ node: JSONNode) -> ListOperation {
        ListOperation(
            pointer: node.pointer, method: ResourceOperationMethod(rawValue: string(node["method"])) ?? .GET,
            path: string(node["path"]),
            queryPairs: (node["query"]?.members ?? []).map { ListOperation.QueryPair(name: $0.key, value: string($0.value)) },
            body: node["body"].map(JSONText.render), inputs: array(node["inputs"]).map(input),
            records: string(node["records"]), pagination: pagination(node["pagination"]),
            maxResponseBytes: node["maxResponseBytes"]?.intValue)
    }

    private static func input(_ node: JSONNode) -> OperationInput {
        OperationInput(
            pointer: node.pointer, name: string(node["name"]),
            type: OperationInput.InputType(rawValue: string(node["type"])) ?? .string,
            location: OperationInput.Location(rawValue: string(node["in"])) ?? .query,
            parameter: node["parameter"]?.stringValue, required: node["required"]?.boolValue ?? false,
            format: DateTimeFormat(rawValue: string(node["format"])) ?? .iso8601,
            values: array(node["values"]).compactMap(\.stringValue), description: node["description"]?.stringValue)
    }

    private static func pagination(_ node: JSONNode?) -> Pagination {
        var result = Pagination(
            pointer: node?.pointer ?? "", style: PaginationStyle(rawValue: string(node?["style"])) ?? .none)
        guard let node else { return result }
        if let list = node["stop"]?.arrayValue {
            result.stops = list.compactMap { $0.stringValue.flatMap(StopRule.init(rawValue:)) }
        } else if let stop = node["stop"]?.stringValue.flatMap(StopRule.init(rawValue:)) {
            result.stops = [stop]
        }
        result.pageSize = node["pageSize"]?.intValue
        result.maxPageSize = node["maxPageSize"]?.intValue
        result.limitParam = node["limitParam"]?.stringValue
        result.offsetParam = node["offsetParam"]?.stringValue
        result.pageParam = node["pageParam"]?.stringValue
        result.firstPage = node["firstPage"]?.intValue ?? 1
        result.firstOffset = node["firstOffset"]?.intValue ?? 0
        result.cursorParam = node["cursorParam"]?.stringValue
        result.cursorPointer = node["cursorPointer"]?.stringValue
        result.cursorBodyPointer = node["cursorBodyPointer"]?.stringValue
        result.limitBodyPointer = node["limitBodyPointer"]?.stringValue
        result.nextPointer = node["nextPointer"]?.stringValue
        result.hasMorePointer = node["hasMorePointer"]?.stringValue
        result.totalPointer = node["totalPointer"]?.stringValue
        result.maxPages = node["maxPages"]?.intValue
        return result
    }
}
