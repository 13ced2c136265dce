import ConnectorHubTransport
import ConnectorRuntime
import Foundation
import NIOCore
import NIOPosix
import Testing

/// EventLoopTaskExecutor (a task that prefers it runs on its event loop) and
/// AsyncHTTPClientTransport sending from such a task: on a loop of its own group (where
/// AsyncHTTPClient prefers that loop's connections) and on a loop of another group (which
/// AsyncHTTPClient must not be asked to use: a precondition). A real loopback server.
@Suite struct EventLoopExecutorTests {
    @Test func aTaskPreferringTheExecutorRunsOnItsEventLoopAcrossSuspensions() async throws {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let executor = EventLoopTaskExecutor(eventLoop: loop)
        let checks = try await withTaskExecutorPreference(executor) { () async throws -> [Bool] in
            var seen = [loop.inEventLoop]
            // Resumed after a future of another loop completes: back on the preferred loop.
            let other = MultiThreadedEventLoopGroup.singleton.next()
            _ = try await other.scheduleTask(in: .milliseconds(1)) { 1 }.futureResult.get()
            seen.append(loop.inEventLoop)
            await Task.yield()
            seen.append(loop.inEventLoop)
            return seen
        }
        #expect(checks == [true, true, true])
        #expect(!loop.inEventLoop, "outside the preference the task is not on the loop")
    }

    @Test func theTransportSendsFromALoopOfItsGroupAndFromAForeignLoop() async throws {
        let server = try LocalHTTPServer { _ in .init(status: 200, body: Data("reached".utf8)) }
        defer { server.stop() }
        let transport = AsyncHTTPClientTransport()
        // A loop of the client's group (the process-wide one the Hub's server uses too).
        let own = EventLoopTaskExecutor(eventLoop: MultiThreadedEventLoopGroup.singleton.next())
        let statuses = try await withTaskExecutorPreference(own) {
            var statuses: [Int] = []
            for _ in 0..<3 { statuses.append(try await transport.send(HTTPRequest(url: server.url("/own"))).status) }
            return statuses
        }
        #expect(statuses == [200, 200, 200])
        // A loop of another group: AsyncHTTPClient refuses such a loop as a preference (a
        // precondition), so the transport must not ask for it.
        let foreignGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let foreign = EventLoopTaskExecutor(eventLoop: foreignGroup.next())
        let status = try await withTaskExecutorPreference(foreign) {
            try await transport.send(HTTPRequest(url: server.url("/foreign"))).status
        }
        #expect(status == 200)
        try await transport.shutdown()
        try await foreignGroup.shutdownGracefully()
    }
}
