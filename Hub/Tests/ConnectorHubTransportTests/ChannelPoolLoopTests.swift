@testable import ConnectorHubTransport
import NIOCore
import NIOPosix
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The order in which ``ChannelPool`` hands out channels: `send(_:)`'s (an idle channel of the
/// caller's loop, else any idle one, else a new one) and the proxy fast path's (`sameLoop`: an
/// idle channel of the caller's loop, else a new one on that loop while the origin is below its
/// limit, and another loop's idle channel only at the limit), so that the fast path's requests
/// stay on their connection's event loop (docs/hub.md, "Sixth pass on issue 19").
@Suite struct ChannelPoolLoopTests {
    static let target = Target(secure: false, host: "example.test", port: 80, address: "example.test")

    /// An active channel on `loop` (a pipe's, owned by the channel), as the pool keeps it.
    static func pooled(on loop: any EventLoop) throws -> PooledChannel {
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else { throw IOError(errnoCode: errno, reason: "pipe") }
        let channel = try NIOPipeBootstrap(group: loop).takingOwnershipOfDescriptors(input: descriptors[0], output: descriptors[1]).wait()
        return PooledChannel(channel: channel, handler: ResponseHandler(), idleSince: .now())
    }

    @Test func theFastPathConnectsOnItsLoopBeforeTakingAnotherLoopsChannelUntilTheLimit() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        defer { try? group.syncShutdownGracefully() }
        let (one, two) = (group.next(), group.next())
        #expect(one !== two)
        var opened: [any Channel] = []
        defer { for channel in opened { try? channel.close().wait() } }
        let pool = ChannelPool(maxOpen: 2, maxIdle: 2, idleSeconds: 60)
        // One channel of the origin, idle on loop one.
        guard case .lease(.connect) = pool.acquire(Self.target, preferring: one, waitLoop: one) else {
            Issue.record("the first request connects")
            return
        }
        let first = try Self.pooled(on: one)
        opened.append(first.channel)
        pool.checkIn(first, Self.target)

        // send(_:)'s order from loop two: loop one's idle channel.
        guard case .lease(.idle(let taken)) = pool.acquire(Self.target, preferring: two, waitLoop: two) else {
            Issue.record("send(_:) takes the idle channel of the other loop")
            return
        }
        #expect(taken.channel.eventLoop === one)
        pool.checkIn(taken, Self.target)

        // The fast path's order from loop two, below the limit of 2: a new channel (on loop two).
        guard case .lease(.connect) = pool.acquire(Self.target, preferring: two, sameLoop: true, waitLoop: two) else {
            Issue.record("the fast path connects on its own loop below the limit")
            return
        }
        let own = try Self.pooled(on: two)
        opened.append(own.channel)
        pool.checkIn(own, Self.target)
        #expect(pool.counts(Self.target).open == 2)

        // Its loop's idle channel next time, though loop one's is idle too.
        guard case .lease(.idle(let mine)) = pool.acquire(Self.target, preferring: two, sameLoop: true, waitLoop: two) else {
            Issue.record("the fast path takes its loop's idle channel")
            return
        }
        #expect(mine.channel.eventLoop === two)

        // At the limit, with its loop's channel in use: loop one's idle channel rather than a wait.
        guard case .lease(.idle(let other)) = pool.acquire(Self.target, preferring: two, sameLoop: true, waitLoop: two) else {
            Issue.record("at the limit the fast path takes another loop's idle channel")
            return
        }
        #expect(other.channel.eventLoop === one)

        // Both in use, at the limit: it waits.
        guard case .wait(let waiter) = pool.acquire(Self.target, preferring: two, sameLoop: true, waitLoop: two) else {
            Issue.record("at the limit with nothing idle, the request waits")
            return
        }
        #expect(pool.withdraw(waiter, Self.target))
        waiter.promise.fail(CancellationError())
    }
}
