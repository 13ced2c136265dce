import Foundation
import NIOCore
import NIOPosix
import PostgresNIO

// A deadline on every operation of ``PostgresSyncStore`` (docs/syncs.md, "A deadline on every
// database operation").
//
// Why not a task group racing the operation against a sleep (what the token store does): a group
// returns only once every child has returned, and PostgresNIO does not always answer. When the
// server closes the connection of an open transaction (a `pg_ctl stop` while a page is being
// written), the next statement of that transaction (`COMMIT`) is written to a closed channel with
// no write promise, and the query's promise is never completed: the operation, and a group waiting
// for it, hang for ever, even after the server is back. So the operation runs in an unstructured
// task, and the caller waits on a continuation that the first of two events resumes: the
// operation's result, or a timer on a NIO event loop. When the timer fires, the caller gets
// ``SyncStoreUnavailable`` at once; the operation's task is cancelled (a wait for a pooled
// connection ends) and its connection closed (a query waiting on a server that stopped answering,
// such as a network partition, fails), which gives the connection back to the pool. A task stuck on a
// promise PostgresNIO dropped stays suspended (with the page it held) until the process ends:
// that costs memory, never a connection or a caller.

/// The sync store's database did not answer in time (or at all).
struct SyncStoreUnavailable: Error, CustomStringConvertible, Equatable {
    /// What the store was doing (`commitPage`, `claim`, …).
    var operation: String
    var seconds: TimeInterval

    var description: String {
        "The sync database (PostgreSQL) did not answer within \(Self.format(seconds)) s (\(operation))."
    }

    static func format(_ seconds: TimeInterval) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(format: "%.1f", seconds)
    }
}

/// Runs operations with a deadline that fires even when the operation never returns.
struct SyncStoreDeadline: Sendable {
    /// Seconds one operation may take, waiting for a connection included.
    let seconds: TimeInterval

    /// The connection an operation holds, closed when its deadline passes.
    final class Hold: @unchecked Sendable {
        private let lock = NSLock()
        private var connection: PostgresConnection?
        private var expired = false

        /// Runs `body` with `connection` registered; after the deadline it is closed at once.
        func using<T>(_ connection: PostgresConnection, _ body: () async throws -> T) async throws -> T {
            let late = lock.withLock {
                if !expired { self.connection = connection }
                return expired
            }
            if late { connection.close().whenComplete { _ in } }
            defer { lock.withLock { self.connection = nil } }
            return try await body()
        }

        fileprivate func expire() {
            let held = lock.withLock {
                expired = true
                defer { connection = nil }
                return connection
            }
            held?.close().whenComplete { _ in }
        }
    }

    /// The first of the operation's outcome and the deadline; later ones are dropped.
    private final class Outcome<T: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        private var continuation: CheckedContinuation<T, any Error>?
        private var work: Task<Void, Never>?
        private var timer: Scheduled<Void>?
        private var cancelled = false

        init(_ continuation: CheckedContinuation<T, any Error>) { self.continuation = continuation }

        /// Resumes the caller unless it was resumed already; `true` when this call did.
        @discardableResult
        func finish(_ result: Result<T, any Error>) -> Bool {
            let (waiting, timer) = lock.withLock {
                defer { continuation = nil; self.timer = nil }
                return (continuation, self.timer)
            }
            timer?.cancel()
            waiting?.resume(with: result)
            return waiting != nil
        }

        func start(work: Task<Void, Never>, timer: Scheduled<Void>) {
            let (done, cancel) = lock.withLock {
                self.work = work
                if continuation != nil { self.timer = timer }
                return (continuation == nil, cancelled)
            }
            if done { timer.cancel() }
            if cancel { work.cancel() }
        }

        func cancel() {
            let work = lock.withLock {
                cancelled = true
                return self.work
            }
            work?.cancel()
        }
    }

    /// `body` within the deadline: its result, its error, or ``SyncStoreUnavailable`` once
    /// ``seconds`` have passed (then `body`'s task is cancelled and its held connection closed).
    /// Cancelling the caller cancels `body`, which ends it as its queries allow.
    func run<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (Hold) async throws -> T) async throws -> T {
        let hold = Hold()
        let seconds = self.seconds
        let box = OutcomeBox<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                let outcome = Outcome(continuation)
                box.set(outcome)
                let work = Task {
                    do {
                        outcome.finish(.success(try await body(hold)))
                    } catch {
                        outcome.finish(.failure(error))
                    }
                }
                let timer = MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: .nanoseconds(Int64(seconds * 1e9))) {
                    if outcome.finish(.failure(SyncStoreUnavailable(operation: operation, seconds: seconds))) {
                        work.cancel()
                        hold.expire()
                    }
                }
                outcome.start(work: work, timer: timer)
            }
        } onCancel: {
            box.cancel()
        }
    }

    /// The outcome for the cancellation handler, which may run before the continuation exists.
    private final class OutcomeBox<T: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        private var outcome: Outcome<T>?
        private var cancelled = false

        func set(_ outcome: Outcome<T>) {
            let cancel = lock.withLock {
                self.outcome = outcome
                return cancelled
            }
            if cancel { outcome.cancel() }
        }

        func cancel() {
            let outcome = lock.withLock {
                cancelled = true
                return self.outcome
            }
            outcome?.cancel()
        }
    }
}

extension PostgresSyncStore {
    /// A pooled connection for `body`, within the store's deadline (or `seconds`, when given).
    func withConnection<T: Sendable>(
        _ operation: String = #function, seconds: TimeInterval? = nil, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let client = self.client
        let deadline = seconds.map { SyncStoreDeadline(seconds: $0) } ?? self.deadline
        return try await deadline.run(Self.operationName(operation)) { hold in
            try await client.withConnection { connection in
                try await hold.using(connection) { try await body(connection) }
            }
        }
    }

    /// A transaction (`BEGIN` … `COMMIT`, rolled back when `body` throws) within the store's
    /// deadline; errors as `PostgresClient.withTransaction` throws them.
    func transaction<T: Sendable>(
        _ operation: String = #function, logger: Logger, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let client = self.client
        return try await deadline.run(Self.operationName(operation)) { hold in
            try await client.withConnection { connection in
                try await hold.using(connection) { try await connection.withTransaction(logger: logger) { try await body($0) } }
            }
        }
    }

    /// Runs `query` and reads its rows with `read`, within the store's deadline.
    func query<T: Sendable>(
        _ query: PostgresQuery, operation: String = #function,
        read: @escaping @Sendable (PostgresRowSequence) async throws -> T
    ) async throws -> T {
        let logger = self.logger
        return try await withConnection(operation) { connection in try await read(connection.query(query, logger: logger)) }
    }

    /// Runs `query` and drops its rows, within the store's deadline.
    func execute(_ query: PostgresQuery, operation: String = #function) async throws {
        try await self.query(query, operation: operation) { try await drainRows($0) }
    }

    /// Runs `query` and drops its rows within `seconds` of its own: the schema statements at
    /// start, which wait for the DDL locks of other processes starting at the same moment (and,
    /// under `make hub-test`, of dozens of test stores), so one operation's deadline is too short.
    func execute(_ query: PostgresQuery, operation: String, seconds: TimeInterval) async throws {
        let logger = self.logger
        try await withConnection(operation, seconds: seconds) { connection in try await drainRows(connection.query(query, logger: logger)) }
    }

    /// `commitPage(account:resource:…)` as `commitPage`.
    static func operationName(_ function: String) -> String {
        String(function.prefix { $0 != "(" })
    }
}
