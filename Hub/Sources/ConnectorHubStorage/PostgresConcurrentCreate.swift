import PostgresNIO

extension PSQLError {
    /// Whether this error is another process creating the same table, type or index at the same
    /// moment. `CREATE ... IF NOT EXISTS` does not cover that race: the loser fails with
    /// `unique_violation` (23505, on the catalog's index), `duplicate_table` (42P07) or
    /// `duplicate_object` (42710, "type ... already exists": the table's row type). Each of them
    /// means the object now exists, which is what the statement asked for.
    package var isConcurrentCreate: Bool {
        guard let state = serverInfo?[.sqlState] else { return false }
        return state == "23505" || state == "42P07" || state == "42710"
    }
}
