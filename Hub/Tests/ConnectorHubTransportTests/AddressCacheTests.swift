import ConnectorHubTransport
import ConnectorRuntime
import Foundation
import Testing

/// The checked-address cache of AsyncHTTPClientTransport under `refusePrivateAddresses`
/// (CheckedAddressCache): it saves a lookup per request and must never let a name that was
/// rebound to a private address through. A real loopback server; the resolver and the clock are
/// the test's own (a mock of DNS, which a test cannot rebind), and the rules treat 127.0.0.1 as
/// the only public address so the server is reachable at all.
@Suite struct AddressCacheTests {
    /// A resolver whose answer the test changes, counting lookups; and a clock the test moves.
    final class World: @unchecked Sendable {
        private let lock = NSLock()
        private var answer: [String] = ["127.0.0.1"]
        private var lookups = 0
        private var nanoseconds: UInt64 = 1_000_000_000

        func answer(_ addresses: [String]) { lock.withLock { answer = addresses } }
        var lookupCount: Int { lock.withLock { lookups } }
        func advance(seconds: Double) { lock.withLock { nanoseconds += UInt64(seconds * 1_000_000_000) } }
        var now: UInt64 { lock.withLock { nanoseconds } }

        func resolve(_ host: String) throws -> [String] {
            try lock.withLock {
                lookups += 1
                guard host == "rebind.invalid" else { throw NetworkAddressPolicy.ResolutionError() }
                return answer
            }
        }

        var rules: NetworkAddressPolicy.Rules {
            NetworkAddressPolicy.Rules(resolve: { try self.resolve($0) }, refusal: { $0 == "127.0.0.1" ? nil : "private" })
        }

        func transport(lifetime: Double) -> AsyncHTTPClientTransport {
            AsyncHTTPClientTransport(
                refusePrivateAddresses: true, addressRules: rules,
                addressCache: CheckedAddressCache(lifetime: lifetime, now: { self.now }))
        }
    }

    static func refusalDetail(_ transport: AsyncHTTPClientTransport, _ url: URL) async -> String? {
        do {
            _ = try await transport.send(HTTPRequest(url: url))
            return nil
        } catch let error as TransportError {
            return error.detail
        } catch {
            return "\(error)"
        }
    }

    @Test func aRebindingToAPrivateAddressIsRefusedOnceTheCheckedAddressExpires() async throws {
        let server = try LocalHTTPServer { _ in .init(status: 200, body: Data("reached".utf8)) }
        defer { server.stop() }
        let world = World()
        let transport = world.transport(lifetime: 30)
        let url = server.url("/users", host: "rebind.invalid")

        #expect(try await transport.send(HTTPRequest(url: url)).status == 200)
        #expect(world.lookupCount == 1)

        // The name now points at a private address. Within the lifetime the request goes to the
        // address that was checked (the server answers: it is 127.0.0.1), not to the new one.
        world.answer(["10.0.0.1"])
        world.advance(seconds: 29.9)
        #expect(try await transport.send(HTTPRequest(url: url)).status == 200)
        #expect(world.lookupCount == 1, "the checked address was reused")

        // Past the lifetime the name is resolved and checked again: refused.
        world.advance(seconds: 0.2)
        let detail = await Self.refusalDetail(transport, url)
        #expect(detail?.contains("points at a private network address (private)") == true, "\(detail ?? "sent")")
        #expect(world.lookupCount == 2)

        // A refusal is not cached and does not bring the old address back: checked again, refused again.
        #expect(await Self.refusalDetail(transport, url)?.contains("private network address") == true)
        #expect(world.lookupCount == 3)

        // A name answering a public and a private address is refused too, cache or not.
        world.answer(["127.0.0.1", "10.0.0.1"])
        #expect(await Self.refusalDetail(transport, url)?.contains("private network address") == true)
        #expect(world.lookupCount == 4)

        // Public again: reached, and cached from then on.
        world.answer(["127.0.0.1"])
        #expect(try await transport.send(HTTPRequest(url: url)).status == 200)
        #expect(try await transport.send(HTTPRequest(url: url)).status == 200)
        #expect(world.lookupCount == 5)
        try await transport.shutdown()
    }

    @Test func anotherNameDoesNotUseTheEntryAndAFailedLookupIsNotCached() async throws {
        let server = try LocalHTTPServer { _ in .init(status: 200, body: Data("reached".utf8)) }
        defer { server.stop() }
        let world = World()
        let transport = world.transport(lifetime: 30)
        #expect(try await transport.send(HTTPRequest(url: server.url("/users", host: "rebind.invalid"))).status == 200)
        // A different name (same port) has no entry: it is resolved, fails, and fails again.
        for expected in [2, 3] {
            let detail = await Self.refusalDetail(transport, server.url("/users", host: "other.invalid"))
            #expect(detail == "The host name does not resolve.")
            #expect(world.lookupCount == expected)
        }
        try await transport.shutdown()
    }

    @Test func lifetimeZeroResolvesEveryRequest() async throws {
        let server = try LocalHTTPServer { _ in .init(status: 200, body: Data("reached".utf8)) }
        defer { server.stop() }
        let world = World()
        let transport = world.transport(lifetime: 0)
        let url = server.url("/users", host: "rebind.invalid")
        #expect(try await transport.send(HTTPRequest(url: url)).status == 200)
        world.answer(["10.0.0.1"])
        #expect(await Self.refusalDetail(transport, url)?.contains("private network address") == true)
        #expect(world.lookupCount == 2)
        try await transport.shutdown()
    }

    @Test func entriesExpireAtTheirLifetimeAndTheCacheStaysWithinItsCapacity() {
        let world = World()
        let cache = CheckedAddressCache(lifetime: 10, capacity: 2, now: { world.now })
        cache.store("127.0.0.1", for: "a.invalid")
        world.advance(seconds: 9.999)
        #expect(cache.address(of: "a.invalid") == "127.0.0.1")
        world.advance(seconds: 0.001)
        #expect(cache.address(of: "a.invalid") == nil, "an entry exactly as old as the lifetime is expired")
        cache.store("127.0.0.1", for: "a.invalid")
        cache.store("127.0.0.2", for: "b.invalid")
        cache.store("127.0.0.3", for: "c.invalid")
        let kept = ["a.invalid", "b.invalid", "c.invalid"].filter { cache.address(of: $0) != nil }
        #expect(kept.count <= 2)
        #expect(cache.address(of: "c.invalid") == "127.0.0.3", "the newest entry is kept")
    }
}
