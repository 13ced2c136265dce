// The `sync` part of the format table: how the Hub keeps a resource's records (see docs/syncs.md).
// The rules the table cannot express (the named input and fields exist and have the right types)
// are in Rules/SyncRules.swift.

extension SpecFormat {
    static let syncKind: ObjectKind = ObjectKind(
        name: "sync",
        description: "How the Hub keeps this resource's records for each linked account and finds what changed.",
        keys: [
            KeySpec("mode", .enumeration(SyncMode.allCases.map(\.rawValue)), required: true,
                    "`incremental` (each run reads the records changed since the highest `cursorField` seen, through `cursorInput`) or `full` (each run reads every record and compares)."),
            KeySpec("cursorInput", .string(),
                    "The `list` input that takes the high-water mark (`incremental`), e.g. `updatedSince`; of the cursor field's type."),
            KeySpec("cursorField", .string(),
                    "The record field carrying the high-water mark (`incremental`): a `date-time` (read in its `format`) or an `integer`."),
            KeySpec("lookback", .integer(minimum: 0),
                    "How far before the high-water mark an incremental run starts: seconds for a `date-time` cursor, units for an `integer` one (default 0); records read twice produce no change."),
            KeySpec("deletions", .enumeration(SyncDeletions.allCases.map(\.rawValue)),
                    "How deletions are seen: `flag` (the provider marks deleted records, `deletedField`) or `fullScan` (a record missing from a complete read; the default)."),
            KeySpec("deletedField", .string(),
                    "The record field marking a deleted record (`deletions: flag`): a `boolean` (deleted when `true`), or a `string` or `enum` with `deletedValues`."),
            KeySpec("deletedValues", .array(.string(), minItems: 1),
                    "The values of a `string` or `enum` `deletedField` that mean deleted, e.g. `[\"deleted\", \"terminated\"]`."),
            KeySpec("interval", .integer(minimum: 60), "Default seconds between runs (default 3600); the Hub's operators can change it per account."),
            KeySpec("fullScanInterval", .integer(minimum: 60),
                    "Seconds between the complete reads of an `incremental` sync with `deletions: fullScan` (default 86400): deletions are reported within this time."),
        ],
        conditions: [
            KeyCondition(key: "mode", value: "incremental", equals: true, required: ["cursorInput", "cursorField"], forbidden: [], rule: "sync-mode"),
            KeyCondition(key: "mode", value: "incremental", equals: false, required: [],
                         forbidden: ["cursorInput", "cursorField", "lookback", "fullScanInterval"], rule: "sync-mode"),
            KeyCondition(key: "deletions", value: "flag", equals: true, required: ["deletedField"], forbidden: [], rule: "sync-deletions"),
            KeyCondition(key: "deletions", value: "flag", equals: false, defaultValue: "fullScan", required: [],
                         forbidden: ["deletedField", "deletedValues"], rule: "sync-deletions"),
        ])
}

extension ModelBuilder {
    static func resourceSync(_ node: JSONNode) -> ResourceSync {
        ResourceSync(
            pointer: node.pointer, mode: SyncMode(rawValue: string(node["mode"])) ?? .full,
            cursorInput: node["cursorInput"]?.stringValue, cursorField: node["cursorField"]?.stringValue,
            lookback: node["lookback"]?.intValue ?? 0,
            deletions: node["deletions"]?.stringValue.flatMap(SyncDeletions.init(rawValue:)) ?? .fullScan,
            deletedField: node["deletedField"]?.stringValue,
            deletedValues: array(node["deletedValues"]).compactMap(\.stringValue),
            interval: node["interval"]?.intValue ?? ResourceSync.defaultInterval,
            fullScanInterval: node["fullScanInterval"]?.intValue ?? ResourceSync.defaultFullScanInterval)
    }
}
