@testable import ConnectorHubTransport
import ConnectorRuntime
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// What only ``PooledHTTP1Transport`` does: keep-alive channels reused and dropped, and the
/// private-address rules on its own connect path (its other promises are the shared
/// `TransportBehaviourTests` and `QuirkTransportTests`).
@Suite(.serialized) struct PooledTransportTests {
    /// A keep-alive HTTP/1.1 server on 127.0.0.1 that accepts `accepts` connections, answers
    /// `answersPerConnection` requests on each (body: the request's number on its connection)
    /// and then closes it without saying so in a header.
    final class KeepAliveServer: @unchecked Sendable {
        let port: Int
        /// The listening socket: its descriptor number is `listenerNumber`; only the accept
        /// thread closes it, once, and ``stop()`` shuts it down only while it is open (both under
        /// `lock`). A descriptor number freed by `close` is soon another socket's: a parallel
        /// test's connection, which a late `shutdown` of the old number would cut (issue 19: the
        /// Hub's connection to a fast-path test's client was cut so, "I/O on closed channel").
        let listenerNumber: Int32
        private let lock = NSLock()
        private var listenerOpen = true

        init(accepts: Int, answersPerConnection: Int) throws {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = 0
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0, listen(fd, 16) == 0 else {
                close(fd)
                throw POSIXError(.EADDRINUSE)
            }
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
            listenerNumber = fd
            port = Int(UInt16(bigEndian: address.sin_port))
            let thread = Thread { [self, fd] in
                for _ in 0..<accepts {
                    let connection = accept(fd, nil, nil)
                    if connection < 0 { break }
                    Self.serve(connection, answers: answersPerConnection)
                }
                // No more connections (or stopped): a transport that opens another one is refused.
                lock.withLock {
                    listenerOpen = false
                    close(fd)
                }
            }
            thread.start()
        }

        /// Whether the accept thread closed the listener (tests).
        var listenerClosed: Bool { lock.withLock { !listenerOpen } }

        private static func serve(_ connection: Int32, answers: Int) {
            defer { close(connection) }
            var pending = Data()
            var buffer = [UInt8](repeating: 0, count: 4096)
            for number in 1...answers {
                while pending.range(of: Data("\r\n\r\n".utf8)) == nil {
                    let count = read(connection, &buffer, buffer.count)
                    if count <= 0 { return }
                    pending.append(contentsOf: buffer[0..<count])
                }
                pending = Data(pending[pending.range(of: Data("\r\n\r\n".utf8))!.upperBound...])
                let body = String(number)
                let answer = Data("HTTP/1.1 200 OK\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8)
                _ = answer.withUnsafeBytes { write(connection, $0.baseAddress!, $0.count) }
            }
        }

        /// Stops accepting: shuts the listener down (its blocked `accept` returns) while it is
        /// open; the accept thread closes it.
        func stop() {
            lock.withLock {
                if listenerOpen { shutdown(listenerNumber, Int32(SHUT_RDWR)) }
            }
        }

        var url: URL { URL(string: "http://127.0.0.1:\(port)/n")! }
    }

    @Test func requestsInARowShareOneKeepAliveChannel() async throws {
        let server = try KeepAliveServer(accepts: 1, answersPerConnection: 3)
        defer { server.stop() }
        let transport = PooledHTTP1Transport()
        var bodies: [String] = []
        for _ in 0..<3 {
            let response = try await transport.send(HTTPRequest(url: server.url, timeout: 5))
            bodies.append(response.text)
        }
        // A second connection would be refused (the server accepts one): the three answers came
        // on the first, numbered by it.
        #expect(bodies == ["1", "2", "3"])
        try await transport.shutdown()
    }

    /// Stopping a server whose accept thread already closed its listener leaves that descriptor
    /// number alone: it is free, and the next socket the process opens gets it (the lowest free
    /// number). Before the fix ``KeepAliveServer/stop()`` shut the number down anyway and cut
    /// that socket: in a full `make hub-test` a parallel test's connection, as the Hub's end of
    /// a fast-path test's client connection ("I/O on closed channel", issue 19). Here the socket
    /// is the test's own; a round where another thread of the test process took the number
    /// first shows nothing, and the next round starts over with a new server.
    @Test func stoppingAServerWhoseListenerIsClosedLeavesTheNextSocketWithItsNumberAlone() async throws {
        var shown = false
        for _ in 0..<20 where !shown {
            let server = try KeepAliveServer(accepts: 1, answersPerConnection: 1)
            let transport = PooledHTTP1Transport()
            _ = try await transport.send(HTTPRequest(url: server.url, timeout: 5))
            try await transport.shutdown()
            // The accept thread closes the listener after its one connection (a bounded wait).
            var free = false
            for _ in 0..<5000 where !free {
                free = fcntl(server.listenerNumber, F_GETFD) == -1
                if !free { try await Task.sleep(nanoseconds: 1_000_000) }
            }
            var pair: [Int32] = [-1, -1]
            guard free, socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0 else { continue }
            defer { close(pair[0]); close(pair[1]) }
            guard let ours = pair.first(where: { $0 == server.listenerNumber }) else { continue }
            let peer = ours == pair[0] ? pair[1] : pair[0]
            server.stop()
            let byte: [UInt8] = [42]
            let sent = byte.withUnsafeBytes { send(ours, $0.baseAddress, 1, Int32(MSG_NOSIGNAL)) }
            var read: [UInt8] = [0]
            let received = read.withUnsafeMutableBytes { recv(peer, $0.baseAddress, 1, Int32(MSG_DONTWAIT)) }
            #expect(sent == 1 && received == 1 && read == byte, "the socket with the old listener's number still carries data")
            shown = true
        }
        #expect(shown, "a round where the freed number went to the test's own socket")
    }

    @Test func aChannelTheServerClosedWhileIdleIsNotReused() async throws {
        let server = try KeepAliveServer(accepts: 2, answersPerConnection: 1)
        defer { server.stop() }
        let transport = PooledHTTP1Transport()
        let first = try await transport.send(HTTPRequest(url: server.url, timeout: 5))
        #expect(first.text == "1")
        // The server closed the first connection after its answer; once the close is seen, the
        // next request connects again instead of writing to the dead channel.
        try await Task.sleep(nanoseconds: 200_000_000)
        let second = try await transport.send(HTTPRequest(url: server.url, timeout: 5))
        #expect(second.text == "1", "a new connection")
        try await transport.shutdown()
    }

    @Test(arguments: ["127.0.0.1", "localhost"])
    func aPrivateTargetIsRefusedBeforeConnecting(host: String) async throws {
        let server = try LocalHTTPServer { _ in .init(status: 200, body: Data("reached".utf8)) }
        defer { server.stop() }
        let guarded = PooledHTTP1Transport(refusePrivateAddresses: true)
        await #expect(throws: TransportError(.network, detail: "Refused: the host points at a private network address (loopback).")) {
            _ = try await guarded.send(HTTPRequest(url: server.url("/token", host: host)))
        }
        // Without the rule the same request reaches the server.
        let response = try await PooledHTTP1Transport().send(HTTPRequest(url: server.url("/token", host: host)))
        #expect(response.status == 200)
    }

    @Test func itConnectsToTheCheckedAddressAndKeepsTheNameInHost() async throws {
        let server = try LocalHTTPServer { request in .init(status: 200, body: Data("reached \(request.headers["host"] ?? "")".utf8)) }
        defer { server.stop() }
        // A name the system cannot resolve: only the address the rules checked reaches the server.
        let rules = NetworkAddressPolicy.Rules(
            resolve: { host in
                guard host == "pinned.invalid" else { throw NetworkAddressPolicy.ResolutionError() }
                return ["127.0.0.1"]
            },
            refusal: { $0 == "127.0.0.1" ? nil : "private" })
        let transport = PooledHTTP1Transport(refusePrivateAddresses: true, addressRules: rules)
        let response = try await transport.send(HTTPRequest(url: server.url("/users", host: "pinned.invalid")))
        #expect(response.text == "reached pinned.invalid:\(server.port)")
        let mixed = NetworkAddressPolicy.Rules(resolve: { _ in ["127.0.0.1", "10.0.0.1"] }, refusal: { $0 == "127.0.0.1" ? nil : "private" })
        await #expect(throws: TransportError.self) {
            _ = try await PooledHTTP1Transport(refusePrivateAddresses: true, addressRules: mixed).send(
                HTTPRequest(url: server.url("/users", host: "pinned.invalid")))
        }
    }
}

/// The request target the pool writes, read in one pass over the URL's bytes: the same as
/// Foundation's parts of the URL (path and query, encoded, `/` for an empty path).
@Suite struct PooledRequestURITests {
    @Test(arguments: [
        "http://h/", "http://h", "http://h?x=1", "http://h:8080/a/b?c=d&e=%2F#frag", "https://user:pw@h/p%20q?",
        "http://[::1]:80/v1/users?cursor=a:b//c", "http://h/#only", "HTTP://H/A/b;c?d=e",
    ])
    func theTargetIsThePathAndQueryOfTheURL(_ text: String) throws {
        let url = try #require(URL(string: text))
        var expected = url.path(percentEncoded: true)
        if expected.isEmpty { expected = "/" }
        if let query = url.query(percentEncoded: true) { expected += "?" + query }
        #expect(PooledHTTP1Transport.requestURI(url.absoluteString) == expected)
    }
}
