import ConnectorHubTransport
import ConnectorRuntime
import Foundation
import Testing

/// Against the quirk MOCK server (Tests/Servers/quirkserver.py, a local imitation of provider
/// behaviour): bodies at loopback speed, bodies that stall, redirects that change the method, and
/// AsyncHTTPClientTransport under a `Connection`.
@Suite(.quirkServer)
struct QuirkTransportTests {
    func key(_ name: String) -> String { "\(name)-\(UUID().uuidString.prefix(8).lowercased())" }

    /// Waits (at most 20 s) until the server says the chunked body of `key` ended: written whole,
    /// or the client closed the connection. Returns the bytes written.
    func writtenWhenEnded(_ server: TestServer, _ key: String) async throws -> Int {
        for _ in 0..<200 {
            let progress = try unwrap(try await server.control("GET", "/_control/progress/\(key)") as? [String: Any])
            if progress["ended"] as? Bool == true { return try unwrap(progress["written"] as? Int) }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        throw ServerError("the chunked body of \(key) never ended: the client neither read it nor closed the connection")
    }

    /// The server writes as fast as loopback allows (2,000 MiB). Reading with backpressure, the
    /// transport must stop once the cap (10 MiB) is passed and close the connection: the server
    /// then fails to write and ends. What it wrote is the cap plus what the sockets' buffers
    /// hold, far below the body. (URLSessionTransport is not run here: FoundationNetworking reads
    /// on past its cancel at this speed, docs/runtime.md.)
    @Test(arguments: [TransportKind.asyncHTTPClient, .pooledNIO])
    func aChunkedBodyAtLoopbackSpeedIsRefusedOnceTheCapIsPassedAndTheConnectionClosed(kind: TransportKind) async throws {
        let server = try TestServer.current(.quirk)
        let name = key("fast")
        let transport = kind.make(maxResponseBytes: 10 * 1024 * 1024)
        await #expect(throws: TransportError(.responseTooLarge, detail: "The response body is larger than 10485760 bytes.")) {
            try await transport.send(HTTPRequest(url: server.url("/api/chunked/\(name)?mib=2000"), timeout: 60))
        }
        let written = try await writtenWhenEnded(server, name)
        check(written < 32 * 1024 * 1024, "the server wrote \(written >> 20) MiB of 2,000 before the connection closed")
    }

    /// AsyncHTTPClient's own deadline ends with the response head; the transport's covers the
    /// body as well. The body comes at 1 MiB/s, 64 MiB in all.
    @Test(arguments: TransportKind.allCases)
    func aBodyThatTrickles(kind: TransportKind) async throws {
        let server = try TestServer.current(.quirk)
        let name = key("trickle")
        await #expect(throws: TransportError(.timedOut, detail: "No response within 2 s.")) {
            try await kind.make(maxResponseBytes: 100 * 1024 * 1024).send(
                HTTPRequest(url: server.url("/api/chunked/\(name)?mib=64&mib_per_s=1"), timeout: 1.5))
        }
        let written = try await writtenWhenEnded(server, name)
        check(written < 32 * 1024 * 1024, "the server wrote \(written >> 20) MiB after the deadline")
    }

    /// 303 turns a POST into a GET without its body; on another origin (localhost instead of
    /// 127.0.0.1) the credentials stay behind, the safe headers follow.
    @Test(arguments: TransportKind.allCases)
    func a303AfterAPostContinuesAsAGetWithoutBodyOrCredentials(kind: TransportKind) async throws {
        let server = try TestServer.current(.quirk)
        let name = key("see-other")
        let request = HTTPRequest(
            method: "POST", url: server.url("/api/redirect/\(name)?status=303"),
            headers: ["Authorization": "Bearer SECRET", "X-Api-Key": "k", "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"],
            body: Data("a=1".utf8), timeout: 10)
        let response = try await kind.make().send(request)
        checkEqual(response.status, 200)
        let landing = try unwrap(try await server.recorded("\(name)-landing").first)
        checkEqual(landing.method, "GET")
        checkEqual(landing.body, "")
        checkEqual(landing.header("authorization"), nil)
        checkEqual(landing.header("x-api-key"), nil)
        checkEqual(landing.header("accept"), "application/json")
        check(landing.host.hasPrefix("localhost"), landing.host)
    }

    /// 307 keeps the method and the body (RFC 9110 §15.4.8); on another origin the credentials
    /// still stay behind. Not run on URLSessionTransport: FoundationNetworking sends the POST
    /// on without its body.
    @Test func a307KeepsMethodAndBodyButNotCredentialsOnAnotherOrigin() async throws {
        let kind = TransportKind.asyncHTTPClient
        let server = try TestServer.current(.quirk)
        let name = key("temporary")
        let request = HTTPRequest(
            method: "POST", url: server.url("/api/redirect/\(name)?status=307"),
            headers: ["Authorization": "Bearer SECRET", "Content-Type": "application/x-www-form-urlencoded"],
            body: Data("a=1".utf8), timeout: 10)
        let response = try await kind.make().send(request)
        checkEqual(response.status, 200)
        let landing = try unwrap(try await server.recorded("\(name)-landing").first)
        checkEqual(landing.method, "POST")
        checkEqual(landing.body, "a=1")
        checkEqual(landing.header("authorization"), nil)
    }

    // MARK: Under a Connection

    func connection(_ server: TestServer, _ transport: any HTTPTransport) -> Connection {
        Connection(
            configuration: ConnectionConfiguration(connectorID: "mock", variantID: "mock", baseURL: .fixed(server.baseURL), auth: .bearer(Secret("t"))),
            account: "acme", store: InMemoryTokenStore(), transport: transport)
    }

    @Test func aRedirectLoopUnderAConnectionIsMisconfiguredNotRetryable() async throws {
        let server = try TestServer.current(.quirk)
        let error = await connectorError {
            _ = try await connection(server, AsyncHTTPClientTransport()).send(path: "/api/redirect-loop/\(key("loop"))", timeout: 10)
        }
        guard case let .misconfigured(detail) = error else {
            Issue.record("Expected misconfigured, got \(String(describing: error))")
            return
        }
        check(detail.contains("redirects in a loop"), detail)
        check(error?.isRetryable == false)
    }

    @Test func aBasicChallengeUnderAConnectionIsA401NotAHang() async throws {
        let server = try TestServer.current(.quirk)
        let error = await connectorError {
            _ = try await connection(server, AsyncHTTPClientTransport()).send(path: "/api/basic-401/\(key("basic"))", timeout: 20)
        }
        guard case .invalidCredentials = error else {
            Issue.record("Expected invalidCredentials from the 401, got \(String(describing: error))")
            return
        }
    }

    @Test func aChunkedBodyPastTheCapUnderAConnectionIsProviderUnavailableNotRetryable() async throws {
        let server = try TestServer.current(.quirk)
        let error = await connectorError {
            _ = try await connection(server, AsyncHTTPClientTransport()).send(path: "/api/chunked/\(key("chunked"))?mib=256", timeout: 30)
        }
        guard case let .providerUnavailable(detail, retryable) = error else {
            Issue.record("Expected providerUnavailable (too large), got \(String(describing: error))")
            return
        }
        check(!retryable)
        check(detail.contains("larger than"), detail)
    }
}
