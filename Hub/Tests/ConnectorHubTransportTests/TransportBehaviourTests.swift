import ConnectorHubTransport
import ConnectorRuntime
import Foundation
import Testing

/// The transports under test. URLSessionTransport runs the same checks as the peer whose
/// behaviour AsyncHTTPClientTransport promises to keep (its own suite is in the root package).
enum TransportKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case urlSession
    case asyncHTTPClient
    case pooledNIO

    func make(maxResponseBytes: Int = 1024 * 1024) -> any HTTPTransport {
        switch self {
        case .urlSession: URLSessionTransport(maxResponseBytes: maxResponseBytes)
        case .asyncHTTPClient: AsyncHTTPClientTransport(maxResponseBytes: maxResponseBytes)
        case .pooledNIO: PooledHTTP1Transport(maxResponseBytes: maxResponseBytes)
        }
    }

    var testDescription: String { rawValue }
}

/// Against a local HTTP server: what every transport of the runtime promises (the checks of the
/// root package's URLSessionTransportTests, run on both transports).
@Suite(.serialized) struct TransportBehaviourTests {
    private func withServer(
        _ handler: @escaping @Sendable (LocalHTTPServer.Request) -> LocalHTTPServer.Response, _ body: (LocalHTTPServer) async throws -> Void
    ) async throws {
        let server = try LocalHTTPServer(handler)
        defer { server.stop() }
        try await body(server)
    }

    @Test(arguments: TransportKind.allCases)
    func a401WithBasicChallengeReturnsInsteadOfHanging(kind: TransportKind) async throws {
        try await withServer({ _ in
            .init(
                status: 401, headers: [("WWW-Authenticate", #"Basic realm="token""#), ("Content-Type", "application/json")],
                body: Data(#"{"error":"invalid_client"}"#.utf8))
        }) { server in
            // A hang would end in the transport's deadline (a thrown timedOut); a 401 response
            // proves no challenge was answered.
            let response = try await kind.make().send(HTTPRequest(url: server.url("/token"), headers: ["Authorization": "Basic eDp5"], timeout: 20))
            #expect(response.status == 401)
            #expect(response.headers["www-authenticate"]?.hasPrefix("Basic") == true)
        }
    }

    @Test(arguments: TransportKind.allCases)
    func theDeadlineIsEnforced(kind: TransportKind) async throws {
        try await withServer({ _ in .init(status: 200, delay: 3) }) { server in
            await #expect(throws: TransportError(.timedOut, detail: "No response within 1 s.")) {
                try await kind.make().send(HTTPRequest(url: server.url("/slow"), timeout: 0.5))
            }
        }
    }

    @Test(arguments: TransportKind.allCases)
    func aContentLengthOverTheCapFails(kind: TransportKind) async throws {
        try await withServer({ _ in .init(status: 200, body: Data(count: 2 * 1024 * 1024)) }) { server in
            await #expect(throws: TransportError(.responseTooLarge, detail: "The response body is larger than 1048576 bytes.")) {
                try await kind.make().send(HTTPRequest(url: server.url("/big"), timeout: 5))
            }
        }
    }

    /// `HTTPRequest.maxResponseBytes` replaces the transport's cap for one request, up or down
    /// (the resource pager sets it from the spec's `maxResponseBytes` or `ListOptions`).
    @Test(arguments: TransportKind.allCases)
    func aRequestsOwnCapReplacesTheTransports(kind: TransportKind) async throws {
        try await withServer({ _ in .init(status: 200, body: Data(count: 2 * 1024 * 1024)) }) { server in
            var raised = HTTPRequest(url: server.url("/big"), timeout: 5)
            raised.maxResponseBytes = 4 * 1024 * 1024
            let response = try await kind.make().send(raised)
            #expect(response.body.count == 2 * 1024 * 1024)
            var lowered = HTTPRequest(url: server.url("/big"), timeout: 5)
            lowered.maxResponseBytes = 1000
            await #expect(throws: TransportError(.responseTooLarge, detail: "The response body is larger than 1000 bytes.")) {
                try await kind.make(maxResponseBytes: 4 * 1024 * 1024).send(lowered)
            }
        }
    }

    @Test(arguments: TransportKind.allCases)
    func aBodyUpToTheCapArrivesWhole(kind: TransportKind) async throws {
        let body = Data((0..<(1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try await withServer({ _ in .init(status: 200, body: body) }) { server in
            let response = try await kind.make().send(HTTPRequest(url: server.url("/exact"), timeout: 10))
            #expect(response.status == 200)
            #expect(response.body == body)
        }
    }

    @Test(arguments: TransportKind.allCases)
    func aRedirectToAnotherOriginDropsCredentialHeaders(kind: TransportKind) async throws {
        let port = LockedPort()
        try await withServer({ request in
            if request.path == "/start" {
                return .init(status: 302, headers: [("Location", "http://localhost:\(port.value)/echo")])
            }
            let seen = ["authorization", "x-api-key", "cookie", "accept"].map { "\($0)=\(request.headers[$0] ?? "-")" }.joined(separator: ";")
            return .init(status: 200, body: Data(seen.utf8))
        }) { server in
            port.value = server.port
            let response = try await kind.make().send(
                HTTPRequest(
                    url: server.url("/start"), headers: ["Authorization": "Bearer SECRET", "X-Api-Key": "k", "Cookie": "s=1", "Accept": "application/json"],
                    timeout: 5))
            #expect(response.text == "authorization=-;x-api-key=-;cookie=-;accept=application/json")
        }
    }

    @Test(arguments: TransportKind.allCases)
    func aRedirectOnTheSameOriginKeepsCredentials(kind: TransportKind) async throws {
        try await withServer({ request in
            if request.path == "/start" { return .init(status: 302, headers: [("Location", "/echo")]) }
            return .init(status: 200, body: Data((request.headers["authorization"] ?? "-").utf8))
        }) { server in
            let response = try await kind.make().send(HTTPRequest(url: server.url("/start"), headers: ["Authorization": "Bearer T"], timeout: 5))
            #expect(response.text == "Bearer T")
        }
    }

    @Test(arguments: TransportKind.allCases)
    func responseHeadersAreCaseInsensitive(kind: TransportKind) async throws {
        try await withServer({ _ in .init(status: 429, headers: [("Retry-After", "7")]) }) { server in
            let response = try await kind.make().send(HTTPRequest(url: server.url("/x"), timeout: 5))
            #expect(response.status == 429)
            #expect(response.headers["retry-after"] == "7")
            #expect(response.headers["RETRY-AFTER"] == "7")
        }
    }

    @Test(arguments: TransportKind.allCases)
    func aRedirectLoopIsTooManyRedirectsAndNotRetryable(kind: TransportKind) async throws {
        try await withServer({ request in .init(status: 302, headers: [("Location", request.path)]) }) { server in
            await #expect {
                try await kind.make().send(HTTPRequest(url: server.url("/loop"), timeout: 10))
            } throws: { error in
                (error as? TransportError)?.kind == .tooManyRedirects && (error as? TransportError)?.isRetryable == false
            }
        }
    }

    @Test(arguments: TransportKind.allCases)
    func aRefusedConnectionIsARetryableNetworkError(kind: TransportKind) async throws {
        let server = try LocalHTTPServer { _ in .init(status: 200) }
        server.stop()
        await #expect {
            try await kind.make().send(HTTPRequest(url: server.url("/x"), timeout: 5))
        } throws: { error in
            (error as? TransportError)?.isRetryable == true
        }
    }

    @Test(arguments: TransportKind.allCases)
    func cancellingTheCallingTaskCancelsTheRequest(kind: TransportKind) async throws {
        try await withServer({ _ in .init(status: 200, delay: 10) }) { server in
            let transport = kind.make()
            let url = server.url("/slow")
            let task = Task { try await transport.send(HTTPRequest(url: url, timeout: 30)) }
            try await Task.sleep(nanoseconds: 200_000_000)
            task.cancel()
            // A request that ignored the cancel would run into the 10 s delay and return 200.
            await #expect(throws: TransportError(.cancelled, detail: "The request was cancelled.")) {
                _ = try await task.value
            }
        }
    }
}

final class LockedPort: @unchecked Sendable {
    private let lock = NSLock()
    private var port = 0
    var value: Int {
        get { lock.withLock { port } }
        set { lock.withLock { port = newValue } }
    }
}
