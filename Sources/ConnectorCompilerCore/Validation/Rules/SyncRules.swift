// Rules about a resource's `sync` that the JSON Schema cannot express (the keys each `mode` and
// `deletions` need are structural, in SyncFormat.swift):
// - a sync reads the resource's `list` and keys records by `idField` (`sync-list`, `sync-id-field`);
// - the cursor field exists and is a `date-time` or an `integer` (`sync-cursor-field`);
// - the cursor input is a query or body input of the `list` of the same type (`sync-cursor-input`);
// - the deleted field exists and can say "deleted": a `boolean`, or a `string` or `enum` with
//   `deletedValues` (each one of the enum's values) (`sync-deleted-field`);
// - full scans are not more frequent than runs (`sync-interval`).

extension ResourceRules {
    mutating func checkSync(_ sync: JSONNode, of resource: JSONNode, fields: [String: JSONNode]) {
        let list = resource["list"]
        if list == nil {
            collector.error(
                "sync-list", "'sync' reads the resource's 'list', but the resource has none",
                hint: "add a 'list' operation, or remove 'sync'", at: sync.position, pointer: sync.pointer)
        }
        if resource["idField"] == nil {
            collector.error(
                "sync-id-field", "'sync' keeps records by their id, but the resource has no 'idField'",
                hint: "add \"idField\": the record field holding the id", at: sync.position, pointer: sync.pointer)
        }
        var cursorType: String?
        if let node = sync["cursorField"], let name = node.stringValue {
            if let field = fields[name] {
                let type = field["type"]?.stringValue ?? ""
                if type == "date-time" || type == "integer" {
                    cursorType = type
                } else {
                    collector.error(
                        "sync-cursor-field", "cursor field '\(name)' must be of type 'date-time' or 'integer', not '\(type)'",
                        hint: "name the field holding the record's last change time or version", at: node.position,
                        pointer: node.pointer)
                }
            } else {
                collector.error(
                    "sync-cursor-field", "cursor field '\(name)' is not a field of the record",
                    hint: Suggestion.didYouMean(name, in: fields.keys.sorted()) ?? "declare a field named \(quoted(name))",
                    at: node.position, pointer: node.pointer)
            }
        }
        if let node = sync["cursorInput"], let name = node.stringValue, let list, list.members != nil {
            let inputs = (list["inputs"]?.arrayValue ?? []).filter { $0["name"]?.stringValue != nil }
            if let input = inputs.first(where: { $0["name"]?.stringValue == name }) {
                let type = input["type"]?.stringValue ?? ""
                if input["in"]?.stringValue == "path" {
                    collector.error(
                        "sync-cursor-input", "cursor input '\(name)' is a 'path' input; the high-water mark is sent as a query or body input",
                        hint: "declare it \"in\": \"query\" or \"in\": \"body\"", at: node.position, pointer: node.pointer)
                } else if let cursorType, type != cursorType {
                    collector.error(
                        "sync-cursor-input", "cursor input '\(name)' takes '\(type)', but the cursor field is '\(cursorType)'",
                        hint: "declare the input \"type\": \"\(cursorType)\"", at: node.position, pointer: node.pointer)
                }
            } else {
                collector.error(
                    "sync-cursor-input", "cursor input '\(name)' is not an input of the resource's 'list'",
                    hint: Suggestion.didYouMean(name, in: inputs.compactMap { $0["name"]?.stringValue })
                        ?? "declare a 'list' input named \(quoted(name)) that filters by last change",
                    at: node.position, pointer: node.pointer)
            }
        }
        if sync["deletions"]?.stringValue == "flag", let node = sync["deletedField"], let name = node.stringValue {
            checkDeletedField(node, name: name, sync: sync, fields: fields)
        }
        if let full = sync["fullScanInterval"], let scan = full.intValue {
            let interval = sync["interval"]?.intValue ?? 3_600
            if sync["deletions"]?.stringValue == "flag" {
                collector.error(
                    "sync-interval", "'fullScanInterval' is for deletions seen by a full scan, but 'deletions' is 'flag'",
                    hint: "remove 'fullScanInterval'", at: full.position, pointer: full.pointer)
            } else if scan < interval {
                collector.error(
                    "sync-interval", "'fullScanInterval' (\(scan) s) is shorter than 'interval' (\(interval) s)",
                    hint: "use 'mode': 'full' to read everything every run", at: full.position, pointer: full.pointer)
            }
        }
    }

    private mutating func checkDeletedField(_ node: JSONNode, name: String, sync: JSONNode, fields: [String: JSONNode]) {
        guard let field = fields[name] else {
            collector.error(
                "sync-deleted-field", "deleted field '\(name)' is not a field of the record",
                hint: Suggestion.didYouMean(name, in: fields.keys.sorted()) ?? "declare a field named \(quoted(name))",
                at: node.position, pointer: node.pointer)
            return
        }
        let type = field["type"]?.stringValue ?? ""
        let values = sync["deletedValues"]
        switch type {
        case "boolean":
            if let values {
                collector.error(
                    "sync-deleted-field", "deleted field '\(name)' is of type 'boolean' (deleted when true): 'deletedValues' does not apply",
                    hint: "remove 'deletedValues'", at: values.position, pointer: values.pointer)
            }
        case "string", "enum":
            guard let values else {
                collector.error(
                    "sync-deleted-field", "deleted field '\(name)' is of type '\(type)': 'deletedValues' must say which values mean deleted",
                    hint: "add \"deletedValues\": e.g. [\"deleted\"]", at: node.position, pointer: node.pointer)
                return
            }
            guard type == "enum" else { return }
            let declared = (field["values"]?.arrayValue ?? []).compactMap(\.stringValue)
            for value in values.arrayValue ?? [] {
                guard let text = value.stringValue, !declared.contains(text) else { continue }
                collector.error(
                    "sync-deleted-field", "deleted value '\(text)' is not a value of the enum field '\(name)'",
                    hint: Suggestion.didYouMean(text, in: declared) ?? "add it to the field's 'values'",
                    at: value.position, pointer: value.pointer)
            }
        default:
            collector.error(
                "sync-deleted-field", "deleted field '\(name)' must be a 'boolean', 'string' or 'enum', not '\(type)'",
                hint: "name the field the provider sets on deleted records", at: node.position, pointer: node.pointer)
        }
    }
}
