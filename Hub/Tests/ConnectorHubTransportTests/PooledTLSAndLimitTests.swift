@testable import ConnectorHubTransport
import ConnectorRuntime
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// ``PooledHTTP1Transport`` against a real keep-alive server on loopback, plain and TLS
/// (Tests/Servers/poolserver.py: Python's `ssl` with a throwaway certificate authority made at
/// its start, trusted here as an extra root): certificate verification, SNI and the host name
/// check, and the per-origin connection limit with its waiting requests.
@Suite(.serialized) struct PooledTLSAndLimitTests {
    /// poolserver.py as a child process, stopped at the end of each test. Started with
    /// `posix_spawn`, not Foundation's `Process`: `Process.run()` of Swift 6.3.1 on Linux can crash
    /// (an over-read of `/proc/self/fd` entries, swift-corelibs-foundation PR #5472; `make
    /// hub-test` crashed here once), and this suite starts a server per test. The child closes
    /// the descriptors it inherited (sockets of other tests) before it runs the script.
    final class PoolServer: @unchecked Sendable {
        let http: Int
        let https: Int
        /// The throwaway root certificate (PEM) the server's leaf is signed by.
        let rootPEM: [UInt8]
        private let pid: pid_t
        private let directory: URL
        private let lock = NSLock()
        private var exited = false

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("pool-server-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let portFile = directory.appendingPathComponent("ports")
            let python = TestServer.pythonPath()
            let script = TestServer.packageRoot.appendingPathComponent("Tests/Servers/poolserver.py").path
            // Python closes what it inherited above stderr, then becomes the script.
            let start = "import os, sys; os.closerange(3, 65536); os.execv(sys.executable, [sys.executable] + sys.argv[1:])"
            let arguments = [python, "-c", start, script, "--port-file", portFile.path, "--dir", directory.path]
            let log = directory.appendingPathComponent("server.log").path
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
            var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
            defer { for argument in argv { free(argument) } }
            var child: pid_t = 0
            let spawned = posix_spawn(&child, python, &actions, nil, &argv, environ)
            guard spawned == 0 else { throw ServerError("poolserver.py could not be started (posix_spawn: \(spawned)).") }
            pid = child
            let deadline = Date().addingTimeInterval(30)
            var ports: [String: Int]?
            var status: Int32 = 0
            while ports == nil && Date() < deadline && waitpid(child, &status, WNOHANG) == 0 {
                if let data = try? Data(contentsOf: portFile) { ports = try? JSONDecoder().decode([String: Int].self, from: data) }
                if ports == nil { usleep(50_000) }
            }
            guard let ports, let http = ports["http"], let https = ports["https"] else {
                kill(child, SIGKILL)
                _ = waitpid(child, &status, 0)
                try? FileManager.default.removeItem(at: directory)
                throw ServerError("poolserver.py did not start (run `make venv`: it needs `cryptography`, Authlib's dependency).")
            }
            self.http = http
            self.https = https
            rootPEM = Array(try Data(contentsOf: directory.appendingPathComponent("ca.pem")))
        }

        /// Whether the child still runs (reaps it once it has exited).
        private var isRunning: Bool {
            lock.withLock {
                if exited { return false }
                var status: Int32 = 0
                if waitpid(pid, &status, WNOHANG) == pid { exited = true }
                return !exited
            }
        }

        func stop() {
            // Nothing to flush: killed at once, then reaped (polled, with a deadline).
            if isRunning { kill(pid, SIGKILL) }
            let deadline = Date().addingTimeInterval(5)
            while isRunning && Date() < deadline { usleep(20_000) }
            try? FileManager.default.removeItem(at: directory)
        }

        func secure(_ path: String, host: String = "localhost") -> URL { URL(string: "https://\(host):\(https)\(path)")! }
        func plain(_ path: String) -> URL { URL(string: "http://127.0.0.1:\(http)\(path)")! }

        struct Listener: Decodable {
            var accepted: Int
            var open: Int
            var mostOpen: Int
            /// `/held` requests waiting for ``release()`` (on either listener).
            var held: Int
        }

        /// Answers every `/held` request waiting.
        func release() async throws {
            _ = try await control("/_control/release")
        }

        /// The TLS listener's connection counts, read over the plain listener.
        func secureStats() async throws -> Listener {
            try JSONDecoder().decode([String: Listener].self, from: try await control("/_control/stats").body)["https"]!
        }

        /// A control request over the plain listener, by a transport of its own (not the one
        /// under test, whose channels the test counts).
        private func control(_ path: String) async throws -> HTTPResponse {
            let reader = PooledHTTP1Transport()
            defer { Task { try? await reader.shutdown() } }
            return try await reader.send(HTTPRequest(url: plain(path), timeout: 10))
        }
    }

    struct Hello: Decodable, Equatable {
        var host: String?
        var serverName: String?
        var connection: Int?
    }

    private func hello(_ response: HTTPResponse) throws -> Hello {
        try JSONDecoder().decode(Hello.self, from: response.body)
    }

    // MARK: TLS

    @Test func aCertificateFromATrustedRootIsVerifiedWithSNIAndKeptAlive() async throws {
        let server = try PoolServer()
        defer { server.stop() }
        let transport = PooledHTTP1Transport(additionalTrustRootsPEM: server.rootPEM)
        var seen: [Hello] = []
        for _ in 0..<3 {
            let response = try await transport.send(HTTPRequest(url: server.secure("/hello"), timeout: 10))
            #expect(response.status == 200)
            seen.append(try hello(response))
        }
        // The name went out as SNI and in Host; the three requests shared one TLS connection.
        #expect(seen == Array(repeating: Hello(host: "localhost:\(server.https)", serverName: "localhost", connection: 1), count: 3))
        // An address literal is sent without SNI (names only) and checked against the
        // certificate, which names `localhost` only.
        await #expect(throws: TransportError(.network, detail: "TLS: the server's certificate is not valid for the requested host name.")) {
            _ = try await transport.send(HTTPRequest(url: server.secure("/hello", host: "127.0.0.1"), timeout: 10))
        }
        try await transport.shutdown()
    }

    @Test func aCertificateOfAnUntrustedRootIsRefused() async throws {
        let server = try PoolServer()
        defer { server.stop() }
        // The system trust store only: the throwaway root is not in it.
        let transport = PooledHTTP1Transport()
        await #expect(
            throws: TransportError(
                .network, detail: "TLS: the server's certificate is not trusted (its chain does not lead to a trusted root, or it expired).")
        ) {
            _ = try await transport.send(HTTPRequest(url: server.secure("/hello"), timeout: 10))
        }
        // The channel was not kept: the next request handshakes (and fails) again.
        await #expect(throws: TransportError.self) {
            _ = try await transport.send(HTTPRequest(url: server.secure("/hello"), timeout: 10))
        }
        #expect(try await server.secureStats().accepted == 2)
    }

    @Test func aCertificateForAnotherNameIsRefusedAndThePinnedAddressKeepsTheName() async throws {
        let server = try PoolServer()
        defer { server.stop() }
        // Names the tests' rules resolve to the server's address (the certificate names
        // `localhost` and 127.0.0.1, not `pinned.invalid`).
        let rules = NetworkAddressPolicy.Rules(
            resolve: { host in
                guard host == "pinned.invalid" || host == "localhost" else { throw NetworkAddressPolicy.ResolutionError() }
                return ["127.0.0.1"]
            },
            refusal: { $0 == "127.0.0.1" ? nil : "private" })
        let transport = PooledHTTP1Transport(refusePrivateAddresses: true, addressRules: rules, additionalTrustRootsPEM: server.rootPEM)
        await #expect(throws: TransportError(.network, detail: "TLS: the server's certificate is not valid for the requested host name.")) {
            _ = try await transport.send(HTTPRequest(url: server.secure("/hello", host: "pinned.invalid"), timeout: 10))
        }
        // The same checked address under the name the certificate holds: verified against the
        // name (sent as SNI), connected to the checked address.
        let pinned = try hello(try await transport.send(HTTPRequest(url: server.secure("/hello", host: "localhost"), timeout: 10)))
        #expect(pinned.serverName == "localhost")
        // The private-address rule comes first, TLS or not.
        let guarded = PooledHTTP1Transport(refusePrivateAddresses: true, additionalTrustRootsPEM: server.rootPEM)
        await #expect(throws: TransportError(.network, detail: "Refused: the host points at a private network address (loopback).")) {
            _ = try await guarded.send(HTTPRequest(url: server.secure("/hello", host: "127.0.0.1"), timeout: 10))
        }
        try await transport.shutdown()
    }

    @Test func aRedirectFromHTTPSToHTTPIsRefusedAndOneToHTTPSIsFollowed() async throws {
        let server = try PoolServer()
        defer { server.stop() }
        let transport = PooledHTTP1Transport(additionalTrustRootsPEM: server.rootPEM)
        let down = server.secure("/redirect?to=" + server.plain("/hello").absoluteString)
        await #expect(throws: TransportError(.insecureRedirect, detail: "Refused a redirect from https to http.")) {
            _ = try await transport.send(HTTPRequest(url: down, timeout: 10))
        }
        // http to https: the hop goes on a TLS channel of the same pool.
        let up = server.plain("/redirect?to=" + server.secure("/hello").absoluteString)
        let followed = try hello(try await transport.send(HTTPRequest(url: up, timeout: 10)))
        #expect(followed.serverName == "localhost")
        try await transport.shutdown()
    }

    // MARK: The per-origin limit

    @Test func atMostTheLimitOfChannelsAreOpenAndTheOtherRequestsWait() async throws {
        let server = try PoolServer()
        defer { server.stop() }
        let transport = PooledHTTP1Transport(maxConnectionsPerOrigin: 2, additionalTrustRootsPEM: server.rootPEM)
        let url = server.secure("/slow?ms=150")
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<8 { group.addTask { try await transport.send(HTTPRequest(url: url, timeout: 30)).status } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 200, count: 8))
        let stats = try await server.secureStats()
        // Eight requests at once on two channels: the six others waited and reused them.
        #expect(stats.mostOpen <= 2)
        #expect(stats.accepted == 2)
        try await transport.shutdown()
    }

    @Test func aRequestWaitingForAChannelEndsAtItsDeadlineAndTheChannelStaysUsable() async throws {
        let server = try PoolServer()
        defer { server.stop() }
        let transport = PooledHTTP1Transport(maxConnectionsPerOrigin: 1, additionalTrustRootsPEM: server.rootPEM)
        // The held request keeps the only channel until released (a fixed delay ran out first on a
        // loaded machine, and the request meant to wait got the channel).
        let slow = Task { try await transport.send(HTTPRequest(url: server.secure("/held"), timeout: 120)) }
        while try await server.secureStats().held < 1 { try await Task.sleep(nanoseconds: 20_000_000) }
        await #expect(throws: TransportError(.timedOut, detail: "No response within 1 s.")) {
            _ = try await transport.send(HTTPRequest(url: server.secure("/hello"), timeout: 0.3))
        }
        // A waiting request that is cancelled leaves the queue.
        let waiting = Task { try await transport.send(HTTPRequest(url: server.secure("/hello"), timeout: 30)) }
        try await Task.sleep(nanoseconds: 100_000_000)
        waiting.cancel()
        await #expect(throws: TransportError(.cancelled, detail: "The request was cancelled.")) { _ = try await waiting.value }
        try await server.release()
        #expect(try await slow.value.status == 200)
        // Neither left anything behind: the next request gets the same channel.
        let next = try hello(try await transport.send(HTTPRequest(url: server.secure("/hello"), timeout: 10)))
        #expect(next.connection == 1)
        #expect(try await server.secureStats().accepted == 1)
        try await transport.shutdown()
    }

    @Test func aClosedChannelGivesItsSlotToTheNextWaiter() async throws {
        // A server that closes every connection after one answer: each request needs a new
        // channel, and with a limit of one the next connects only once the previous closed.
        let server = try LocalHTTPServer { _ in .init(status: 200, body: Data("ok".utf8), delay: 0.05) }
        defer { server.stop() }
        let transport = PooledHTTP1Transport(maxConnectionsPerOrigin: 1)
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<5 { group.addTask { try await transport.send(HTTPRequest(url: server.url("/n"), timeout: 30)).status } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 200, count: 5))
        try await transport.shutdown()
    }
}
