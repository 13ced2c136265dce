// The compiler's one parallel loop: loading specs and generating their code both map an index
// range on every core when there is enough work.

import Foundation

/// Data-parallel helpers.
public enum Parallel {
    /// `transform` applied to `0..<count`, in index order. Runs on every processor core when there
    /// are at least `minimumPerWorker` items per core, otherwise on the calling thread.
    public static func map<T: Sendable>(
        count: Int, minimumPerWorker: Int = 16, _ transform: @Sendable (Int) -> T
    ) -> [T] {
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, count / max(minimumPerWorker, 1))
        guard workers > 1 else { return (0..<count).map(transform) }
        let buffer = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
        buffer.initialize(repeating: nil)
        defer {
            buffer.deinitialize()
            buffer.deallocate()
        }
        // Each worker writes only its own indices (i % workers == worker).
        nonisolated(unsafe) let output = buffer
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var index = worker
            while index < count {
                output[index] = transform(index)
                index += workers
            }
        }
        return buffer.map { $0! }
    }
}
