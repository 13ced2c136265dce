public import Foundation

/// Deadlines the PostgreSQL stores (the token store here, the sync store in ConnectorHub) share.
public enum PostgresStoreDeadline {
    /// The deadline of a store's start-up schema statements: four operations' worth, at least
    /// 120 s, because they queue behind every process migrating the same database at once.
    public static func startup(operationTimeout: TimeInterval) -> TimeInterval { max(120, 4 * operationTimeout) }
}
