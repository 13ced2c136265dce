import ConnectorRuntime
import NIOConcurrencyHelpers
import NIOCore

/// Where a request of ``PooledHTTP1Transport`` connects: scheme, host and port, and the address
/// the channel connects to (the checked one under `refusePrivateAddresses`, else the host name).
/// The pool's key: channels are shared only between requests of the same origin and address.
package struct Target: Hashable, Sendable {
    package var secure: Bool
    package var host: String
    package var port: Int
    package var address: String
}

/// A channel of the pool with its response handler.
struct PooledChannel: Sendable {
    var channel: any Channel
    var handler: ResponseHandler
    var idleSince: NIODeadline
}

/// The channels of ``PooledHTTP1Transport``, per origin (``Target``): the idle ones, how many
/// are open, and the requests waiting for one.
///
/// At most `maxOpen` channels per origin are open at a time (connecting, in use or idle); a
/// request that finds none idle and the origin at its limit waits, first come first served, for
/// the next channel returned in a reusable state or for a slot freed by a closed channel. A
/// channel gives its slot back exactly once, when it closes (its `closeFuture`), whoever closed
/// it; a connection that failed gives it back at once.
final class ChannelPool: Sendable {
    /// What a request may do: use an idle channel, or open a new one (a slot is reserved).
    enum Lease: Sendable {
        case idle(PooledChannel)
        case connect
    }

    /// A request waiting for a lease; its promise is completed by whoever takes it out of the
    /// queue (a returned channel, a freed slot, its deadline or its cancellation), once.
    final class Waiter: Sendable {
        let promise: EventLoopPromise<Lease>
        init(promise: EventLoopPromise<Lease>) { self.promise = promise }
    }

    enum Acquired {
        case lease(Lease)
        case wait(Waiter)
    }

    private struct Origin {
        var idle: [PooledChannel] = []
        var open = 0
        var waiters = CircularBuffer<Waiter>()
    }

    let maxOpen: Int
    let maxIdle: Int
    let idleNanoseconds: Int64
    private let origins = NIOLockedValueBox<[Target: Origin]>([:])

    init(maxOpen: Int, maxIdle: Int, idleSeconds: Int64) {
        self.maxOpen = max(maxOpen, 1)
        self.maxIdle = max(min(maxIdle, maxOpen), 0)
        idleNanoseconds = idleSeconds * 1_000_000_000
    }

    /// An idle channel of `key` (one of `loop` first), else a slot to connect, else a place in
    /// the queue (its promise on `waitLoop`).
    ///
    /// `sameLoop` (the Hub's proxy fast path): an idle channel of `loop`, else a slot to connect
    /// one on `loop`, and only at the origin's limit an idle channel of another loop, so that
    /// once the pool has grown each loop's requests use channels of their own loop and no
    /// request crosses threads.
    func acquire(
        _ key: Target, preferring loop: (any EventLoop)?, sameLoop: Bool = false, waitLoop: @autoclosure () -> any EventLoop
    ) -> Acquired {
        let oldest = NIODeadline.now() - .nanoseconds(idleNanoseconds)
        var stale: [PooledChannel] = []
        defer { for pooled in stale { pooled.channel.close(promise: nil) } }
        return origins.withLockedValue { origins -> Acquired in
            var origin = origins[key] ?? Origin()
            defer { origins[key] = origin }
            if sameLoop, let loop {
                while let index = origin.idle.lastIndex(where: { $0.channel.eventLoop === loop }) {
                    let taken = origin.idle.remove(at: index)
                    if taken.idleSince > oldest && taken.channel.isActive { return .lease(.idle(taken)) }
                    stale.append(taken)
                }
                if origin.open < maxOpen {
                    origin.open += 1
                    return .lease(.connect)
                }
            }
            while !origin.idle.isEmpty {
                let index = loop.flatMap { loop in origin.idle.lastIndex { $0.channel.eventLoop === loop } } ?? origin.idle.count - 1
                let taken = origin.idle.remove(at: index)
                if taken.idleSince > oldest && taken.channel.isActive { return .lease(.idle(taken)) }
                // Closed below, outside the lock; its slot comes back when the close completes.
                stale.append(taken)
            }
            if origin.open < maxOpen {
                origin.open += 1
                return .lease(.connect)
            }
            let waiter = Waiter(promise: waitLoop().makePromise(of: Lease.self))
            origin.waiters.append(waiter)
            return .wait(waiter)
        }
    }

    /// Takes `waiter` out of the queue; false when it already left it (it was given a lease,
    /// which its promise delivers).
    func withdraw(_ waiter: Waiter, _ key: Target) -> Bool {
        origins.withLockedValue { origins in
            guard let index = origins[key]?.waiters.firstIndex(where: { $0 === waiter }) else { return false }
            origins[key]!.waiters.remove(at: index)
            return true
        }
    }

    /// A channel whose response ended in a state that allows another request: to the first
    /// waiter, else idle (up to `maxIdle`), else closed.
    func checkIn(_ pooled: PooledChannel, _ key: Target) {
        var returned = pooled
        returned.idleSince = .now()
        // A channel closed meanwhile gives its slot back through `closed`.
        guard returned.channel.isActive else { return returned.channel.close(promise: nil) }
        let (handedTo, kept): (Waiter?, Bool) = origins.withLockedValue { origins in
            guard var origin = origins[key] else { return (nil, false) }
            defer { origins[key] = origin }
            if let waiter = origin.waiters.popFirst() { return (waiter, true) }
            guard origin.idle.count < maxIdle else { return (nil, false) }
            origin.idle.append(returned)
            return (nil, true)
        }
        if let handedTo {
            handedTo.promise.succeed(.idle(returned))
        } else if !kept {
            returned.channel.close(promise: nil)
        }
    }

    /// A channel of `key` closed (or a connection failed, `channel` nil): its slot is free, and
    /// goes to the first waiter, which connects.
    func closed(_ key: Target, channel: (any Channel)?) {
        let next: Waiter? = origins.withLockedValue { origins in
            guard var origin = origins[key] else { return nil }
            defer {
                if origin.open == 0 && origin.idle.isEmpty && origin.waiters.isEmpty {
                    origins[key] = nil
                } else {
                    origins[key] = origin
                }
            }
            origin.open -= 1
            if let channel, let index = origin.idle.firstIndex(where: { $0.channel === channel }) {
                origin.idle.remove(at: index)
            }
            guard let waiter = origin.waiters.popFirst() else { return nil }
            origin.open += 1
            return waiter
        }
        next?.promise.succeed(.connect)
    }

    /// Takes every idle channel out of the pool (to close them).
    func drain() -> [PooledChannel] {
        origins.withLockedValue { origins in
            var drained: [PooledChannel] = []
            for key in origins.keys {
                drained += origins[key]!.idle
                origins[key]!.idle = []
            }
            return drained
        }
    }

    /// How many channels of `key` are open (connecting, in use or idle), and how many requests
    /// wait: for tests.
    func counts(_ key: Target) -> (open: Int, waiting: Int) {
        origins.withLockedValue { origins in (origins[key]?.open ?? 0, origins[key]?.waiters.count ?? 0) }
    }
}
