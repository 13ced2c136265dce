import ConnectorRuntime
import Foundation
import Testing

/// Against a local HTTP server: the Linux FoundationNetworking pitfalls the transport works around.
@Suite(.serialized) struct URLSessionTransportTests {
    let transport = URLSessionTransport(maxResponseBytes: 1024 * 1024)

    private func withServer(_ handler: @escaping @Sendable (LocalHTTPServer.Request) -> LocalHTTPServer.Response, _ body: (LocalHTTPServer) async throws -> Void) async throws {
        let server = try LocalHTTPServer(handler)
        defer { server.stop() }
        try await body(server)
    }

    private static func basicChallenge(_ request: LocalHTTPServer.Request) -> LocalHTTPServer.Response {
        let headers: [(String, String)] = [("WWW-Authenticate", #"Basic realm="token""#), ("Content-Type", "application/json")]
        return LocalHTTPServer.Response(status: 401, headers: headers, body: Data(#"{"error":"invalid_client"}"#.utf8))
    }

    @Test func a401WithBasicChallengeReturnsInsteadOfHanging() async throws {
        let server = try LocalHTTPServer(Self.basicChallenge)
        defer { server.stop() }
        // A hang would end in the transport's deadline (TransportError.timedOut, thrown); a 401
        // response proves the challenge was cancelled. No wall-clock check: under load one was
        // seen taking 4.9 s of a 5 s deadline while answering correctly.
        let request = HTTPRequest(url: server.url("/token"), headers: ["Authorization": "Basic eDp5"], timeout: 20)
        let response: HTTPResponse = try await transport.send(request)
        let challenge: String = response.headers["www-authenticate"] ?? ""
        #expect(response.status == 401)
        #expect(challenge.hasPrefix("Basic"))
    }

    @Test func theDeadlineIsEnforced() async throws {
        try await withServer({ _ in .init(status: 200, delay: 3) }) { server in
            await #expect(throws: TransportError(.timedOut, detail: "No response within 1 s.")) {
                try await transport.send(HTTPRequest(url: server.url("/slow"), timeout: 0.5))
            }
        }
    }

    @Test func oversizedBodiesFail() async throws {
        try await withServer({ _ in .init(status: 200, body: Data(count: 2 * 1024 * 1024)) }) { server in
            await #expect { try await transport.send(HTTPRequest(url: server.url("/big"), timeout: 5)) } throws: { error in
                (error as? TransportError)?.kind == .responseTooLarge
            }
        }
    }

    @Test func aRedirectToAnotherOriginDropsCredentialHeaders() async throws {
        let port = LockedPort()
        try await withServer({ request in
            if request.path == "/start" {
                return .init(status: 302, headers: [("Location", "http://localhost:\(port.value)/echo")])
            }
            let seen = ["authorization", "x-api-key", "accept"].map { "\($0)=\(request.headers[$0] ?? "-")" }.joined(separator: ";")
            return .init(status: 200, body: Data(seen.utf8))
        }) { server in
            port.value = server.port
            let response = try await transport.send(
                HTTPRequest(url: server.url("/start"), headers: ["Authorization": "Bearer SECRET", "X-Api-Key": "k", "Accept": "application/json"], timeout: 5))
            #expect(response.text == "authorization=-;x-api-key=-;accept=application/json")
        }
    }

    @Test func aRedirectOnTheSameOriginKeepsCredentials() async throws {
        try await withServer({ request in
            if request.path == "/start" { return .init(status: 302, headers: [("Location", "/echo")]) }
            return .init(status: 200, body: Data((request.headers["authorization"] ?? "-").utf8))
        }) { server in
            let response = try await transport.send(HTTPRequest(url: server.url("/start"), headers: ["Authorization": "Bearer T"], timeout: 5))
            #expect(response.text == "Bearer T")
        }
    }

    @Test func responseHeadersAreCaseInsensitive() async throws {
        try await withServer({ _ in .init(status: 429, headers: [("Retry-After", "7")]) }) { server in
            let response = try await transport.send(HTTPRequest(url: server.url("/x"), timeout: 5))
            #expect(response.status == 429)
            #expect(response.headers["retry-after"] == "7")
            #expect(response.headers["RETRY-AFTER"] == "7")
        }
    }

    @Test func aRedirectLoopIsTooManyRedirectsAndNotRetryable() async throws {
        try await withServer({ request in .init(status: 302, headers: [("Location", request.path)]) }) { server in
            await #expect { try await transport.send(HTTPRequest(url: server.url("/loop"), timeout: 10)) } throws: { error in
                (error as? TransportError)?.kind == .tooManyRedirects && (error as? TransportError)?.isRetryable == false
            }
        }
    }

    @Test func aRefusedConnectionIsARetryableNetworkError() async throws {
        let server = try LocalHTTPServer { _ in .init(status: 200) }
        server.stop()
        await #expect { try await transport.send(HTTPRequest(url: server.url("/x"), timeout: 5)) } throws: { error in
            (error as? TransportError)?.isRetryable == true
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
