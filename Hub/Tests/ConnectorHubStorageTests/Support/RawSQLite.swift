import Foundation
import GRDB

/// Direct SQL on a store's file, bypassing the store (to corrupt rows or fake a newer schema).
enum RawSQLite {
    static func execute(path: String, sql: String, arguments: [String]) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.write { db in try db.execute(sql: sql, arguments: StatementArguments(arguments)) }
    }

    static func blob(path: String, sql: String, arguments: [String]) throws -> Data? {
        let queue = try DatabaseQueue(path: path)
        return try queue.read { db in try Data.fetchOne(db, sql: sql, arguments: StatementArguments(arguments)) }
    }
}
