@testable import ConnectorHub
import ConnectorHubStorage
import Foundation
import Testing

/// Hub processes starting together on an empty PostgreSQL database: each creates the record and
/// sync tables with `CREATE TABLE IF NOT EXISTS`, which does not cover the race. The losers get
/// 23505, 42P07 or 42710 ("type ... already exists"); all mean the table is there
/// (`PSQLError.isConcurrentCreate`). hub-processes-test met 42710 on the token store's table and
/// its second process did not start. A race: without the fix this fails on most runs, not on
/// every one, so 8 stores start together on each of 4 fresh databases.
@Suite struct ConcurrentSchemaTests {
    @Test func recordAndSyncStoresStartingTogetherAllStart() async throws {
        for _ in 0..<4 {
            let database = try await SyncStoreTests.freshDatabaseURL("together")
            let started = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        if index % 2 == 0 {
                            let store = try await PostgresRecordStore.connect(url: database)
                            await store.shutdown()
                        } else {
                            let store = try await PostgresSyncStore.connect(url: database, keys: .development, maximumConnections: 2)
                            await store.shutdown()
                        }
                        return 1
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(started == 8)
        }
    }
}
