import Foundation

/// Tells a caller of ``Connection/send(_:)`` which transport failure (if any) was behind the
/// `ConnectorError` it got, without widening `ConnectorError`: the pager sets a recorder as a
/// task-local value around each page request, the connection notes the kind of every transport
/// failure (and the timeout of its own deadline) in it. A timed-out page, a cancelled one and a
/// body over the cap then become the pager's own errors (`ResourceError.timedOut`,
/// `CancellationError`, `ResourceError.responseTooLarge`) instead of a generic provider failure.
final class TransportFailureRecorder: @unchecked Sendable {
    @TaskLocal static var current: TransportFailureRecorder?

    private let lock = NSLock()
    private var recorded: TransportError.Kind?

    /// The kind of the last failure noted.
    var kind: TransportError.Kind? { lock.withLock { recorded } }

    func note(_ kind: TransportError.Kind) {
        lock.withLock { recorded = kind }
    }

    func reset() {
        lock.withLock { recorded = nil }
    }

    /// Notes `kind` in the current task's recorder, if any.
    static func note(_ kind: TransportError.Kind) {
        current?.note(kind)
    }
}
