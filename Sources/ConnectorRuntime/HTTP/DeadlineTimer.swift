import Foundation

/// A one-shot timer on Dispatch's threads, for request deadlines. Not a sleeping task: when every
/// thread of Swift's cooperative pool is busy or blocked (seen at load 20 on 2 cores), a task's
/// sleep ends seconds late and a 0.5 s deadline with it.
///
/// `@unchecked Sendable`: the work item is set once in `init`, and `DispatchWorkItem.cancel()`
/// may be called from any thread.
final class DeadlineTimer: @unchecked Sendable {
    private let item: DispatchWorkItem

    /// Runs `fire` after `seconds` (at least 1 ms) unless ``cancel()`` comes first.
    init(after seconds: Double, _ fire: @escaping @Sendable () -> Void) {
        item = DispatchWorkItem(block: fire)
        DispatchQueue.global().asyncAfter(deadline: .now() + max(seconds, 0.001), execute: item)
    }

    /// Stops the timer if it has not fired yet.
    func cancel() {
        item.cancel()
    }
}
