import Foundation

/// The deadline of one ``Connection/send(_:)``: the request's `timeout`, counted from the call,
/// covering the wait for a token as well as the API request.
struct RequestDeadline: Sendable {
    let seconds: TimeInterval
    private let end: ContinuousClock.Instant

    init(seconds: TimeInterval) {
        self.seconds = seconds
        // Clamped: an infinite or absurd timeout must not trap in the conversion.
        let clamped = seconds.isNaN ? 0 : min(max(seconds, 0), 1_000_000_000)
        end = .now + .nanoseconds(Int64(clamped * 1_000_000_000))
    }

    var timeoutError: ConnectorError {
        .providerUnavailable(detail: "No answer within the request's \(Int(seconds.rounded(.up))) s deadline", retryable: true)
    }

    /// Seconds left; throws the timeout error when none are.
    func remaining() throws(ConnectorError) -> TimeInterval {
        let left = ContinuousClock.now.duration(to: end)
        let seconds = Double(left.components.seconds) + Double(left.components.attoseconds) / 1e18
        guard seconds > 0.001 else {
            TransportFailureRecorder.note(.timedOut)
            throw timeoutError
        }
        return seconds
    }

    /// The result of `operation`, or the timeout error if the deadline passes first. The
    /// operation is not cancelled: it may be a token request other callers wait for, and one
    /// caller's short deadline must not cut it short for them.
    func run<T: Sendable>(_ operation: @escaping @Sendable () async throws(ConnectorError) -> T) async throws(ConnectorError) -> T {
        _ = try remaining()
        let race = Race<T>()
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, ConnectorError>, Never>) in
            race.start(continuation)
            let work = Task {
                do throws(ConnectorError) {
                    race.finish(.success(try await operation()))
                } catch {
                    race.finish(.failure(error))
                }
            }
            let left = ContinuousClock.now.duration(to: end).components
            let seconds = Double(left.seconds) + Double(left.attoseconds) / 1e18
            // The recorder is a task-local value: read here, since the timer runs outside the task.
            let recorder = TransportFailureRecorder.current
            let timer = DeadlineTimer(after: seconds) { [timeoutError] in
                recorder?.note(.timedOut)
                race.finish(.failure(timeoutError))
            }
            race.onFinish { timer.cancel() }
            _ = work
        }
        return try result.get()
    }
}

/// The first of two outcomes resumes the continuation; the other is dropped.
private final class Race<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Result<T, ConnectorError>, Never>?
    private var finished: Result<T, ConnectorError>?
    private var cleanup: (@Sendable () -> Void)?

    func start(_ continuation: CheckedContinuation<Result<T, ConnectorError>, Never>) {
        lock.withLock { self.continuation = continuation }
    }

    func onFinish(_ action: @escaping @Sendable () -> Void) {
        let runNow = lock.withLock { () -> Bool in
            if continuation == nil { return true }
            cleanup = action
            return false
        }
        if runNow { action() }
    }

    func finish(_ result: Result<T, ConnectorError>) {
        let (waiting, action) = lock.withLock { () -> (CheckedContinuation<Result<T, ConnectorError>, Never>?, (@Sendable () -> Void)?) in
            defer {
                continuation = nil
                cleanup = nil
            }
            return (continuation, cleanup)
        }
        waiting?.resume(returning: result)
        action?()
    }
}
