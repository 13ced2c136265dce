public import NIOCore

/// A Swift concurrency task executor that runs its jobs on one NIO event loop.
///
/// A task that prefers it (`withTaskExecutorPreference`, or a Hub server connection, see
/// `ConnectorHubService.application(connectionsOnEventLoops:)`) runs on the thread of the event loop its connection
/// lives on: a job enqueued from that loop is appended to the loop's own queue (no wake-up, no
/// context switch), and ``AsyncHTTPClientTransport`` sends from such a task on a connection of
/// the same loop. A request then stays on one thread from the socket read to the response
/// write, as in an nginx worker, instead of crossing between the event loops and Swift's
/// cooperative pool four times.
///
/// Code on this executor runs on the event loop, so it must not block (no `wait()` on a
/// future, no synchronous I/O): the same rule as any NIO handler.
public final class EventLoopTaskExecutor: TaskExecutor {
    /// The event loop the jobs run on.
    public let eventLoop: any EventLoop

    public init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let unownedJob = UnownedJob(job)
        eventLoop.execute {
            unownedJob.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
