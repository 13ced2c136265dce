// The typed model of a resource's `sync`: how the Hub keeps a linked account's records and finds
// what changed since its last run. Built by `ModelBuilder` from a spec that passed validation.
// A sync names its resource's list input and record fields; a later unified model can carry the
// same value, with the model's mapping applied to each record before it is stored.

/// How a sync reads the provider.
public enum SyncMode: String, Sendable, Hashable, CaseIterable {
    /// Every run reads only the records changed since the last run's high-water mark.
    case incremental
    /// Every run reads every record; the difference with the stored set is the change.
    case full
}

/// How a sync learns that a record was deleted.
public enum SyncDeletions: String, Sendable, Hashable, CaseIterable {
    /// The provider keeps deleted records and marks them (`deletedField`, `deletedValues`).
    case flag
    /// A record missing from a complete read of the list was deleted.
    case fullScan
}

/// The `sync` of a resource.
public struct ResourceSync: Sendable, Hashable {
    public var pointer: JSONPointer
    public var mode: SyncMode
    /// The `list` input that takes the high-water mark (`incremental`).
    public var cursorInput: String?
    /// The record field that carries it: a `date-time` or an `integer` (`incremental`).
    public var cursorField: String?
    /// How far before the high-water mark each incremental run starts reading: seconds for a
    /// `date-time` cursor, units for an `integer` one (default 0).
    public var lookback: Int
    public var deletions: SyncDeletions
    /// The record field saying a record is deleted (`deletions: flag`).
    public var deletedField: String?
    /// The values of `deletedField` that mean deleted (a `string` or `enum` field); a `boolean`
    /// field means deleted when `true`.
    public var deletedValues: [String]
    /// Seconds between runs (default 3600).
    public var interval: Int
    /// Seconds between the complete reads of an incremental sync whose deletions are seen by a
    /// full scan (default 86400).
    public var fullScanInterval: Int

    public static let defaultInterval = 3_600
    public static let defaultFullScanInterval = 86_400

    public init(
        pointer: JSONPointer, mode: SyncMode, cursorInput: String? = nil, cursorField: String? = nil, lookback: Int = 0,
        deletions: SyncDeletions = .fullScan, deletedField: String? = nil, deletedValues: [String] = [],
        interval: Int = ResourceSync.defaultInterval, fullScanInterval: Int = ResourceSync.defaultFullScanInterval
    ) {
        self.pointer = pointer
        self.mode = mode
        self.cursorInput = cursorInput
        self.cursorField = cursorField
        self.lookback = lookback
        self.deletions = deletions
        self.deletedField = deletedField
        self.deletedValues = deletedValues
        self.interval = interval
        self.fullScanInterval = fullScanInterval
    }
}
