public import ConnectorRuntime
import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// An ``HTTPTransport`` on AsyncHTTPClient (SwiftNIO) that reads response bodies with
/// backpressure, so the body cap bounds memory whatever the sender's speed.
///
/// It keeps every promise of `URLSessionTransport`:
/// - Bodies are capped (10 MiB by default), with or without `Content-Length`. A `Content-Length`
///   above the cap fails before any body is read; a chunked body fails as soon as it passes the
///   cap. Either way the connection is closed at once and the request throws
///   `TransportError(.responseTooLarge)`. The body is read one network read at a time: the
///   client asks the socket for more only after the previous bytes were appended, so a sender
///   on loopback cannot run ahead of the cap (see docs/runtime.md, "Which transport when").
/// - Redirects (301, 302, 303, 307, 308) are followed, at most ``maxRedirects`` times; past that
///   the request throws `TransportError(.tooManyRedirects)`. A redirect to another origin drops
///   `Authorization`, `Cookie` and every other header that is not on a short safe list, and a
///   redirect from https to http throws `TransportError(.insecureRedirect)`. 303, and 301/302
///   after a `POST`, continue as a `GET` without the body.
/// - ``HTTPRequest/timeout`` is the deadline for the whole exchange: connecting, every redirect
///   and the whole body (AsyncHTTPClient's own deadline ends at the response head).
/// - A `401` with `WWW-Authenticate: Basic` is returned as a response (no challenge handling).
/// - Cancelling the calling task cancels the request and closes its connection
///   (`TransportError(.cancelled)`).
/// - Errors never quote the URL, its query or a header value.
/// - With `refusePrivateAddresses`, every request and every redirect hop goes only to public
///   addresses (``NetworkAddressPolicy``): the host is resolved once, every address it resolves
///   to is checked, and the connection goes to the checked address (AsyncHTTPClient's DNS
///   override; TLS still verifies the host name), so a second lookup cannot rebind it to a
///   private address. A refused host throws `TransportError(.network)` whose detail says
///   "points at a private network address".
///
/// Unlike `URLSessionTransport` on Linux, it sends no `Accept-Encoding` of its own and does not
/// decompress: a body comes back as the server sent it.
///
/// Keep one transport for the life of the app (it owns a connection pool); it shuts its client
/// down when released, or call ``shutdown()`` to wait for that.
///
/// ```swift
/// let transport = AsyncHTTPClientTransport()
/// let connection = Connection(configuration: configuration, account: "acme", store: store,
///                             transport: transport)
/// ```
public final class AsyncHTTPClientTransport: HTTPTransport {
    /// A process-wide transport with default settings.
    public static let shared = AsyncHTTPClientTransport()

    /// The largest body accepted, in bytes.
    public let maxResponseBytes: Int
    /// The most redirects one request follows.
    public let maxRedirects: Int
    /// Whether requests to loopback, private, link-local and metadata addresses are refused.
    public let refusePrivateAddresses: Bool
    private let addressRules: NetworkAddressPolicy.Rules
    private let client: HTTPClient
    private let configuration: HTTPClient.Configuration
    /// Clients pinned to one checked address per host name (`host|address`), so connections
    /// to a host are reused; past ``pinnedClientLimit`` a request gets a client of its own.
    private let pinnedClients = NIOLockedValueBox<[String: HTTPClient]>([:])
    private static let pinnedClientLimit = 64

    /// Creates a transport with its own AsyncHTTPClient (and connection pool) on the process-wide
    /// event loop group.
    ///
    /// - Parameters:
    ///   - maxResponseBytes: the largest body accepted (10 MiB by default).
    ///   - maxRedirects: the most redirects followed per request (10 by default).
    ///   - maxConnectionsPerHost: HTTP/1.1 connections kept alive per host (8 by default); more
    ///     requests wait for a free one.
    ///   - refusePrivateAddresses: send only to public addresses, checked after resolution
    ///     (off by default; the Hub turns it on unless `allowPrivateNetworks` is set).
    ///   - addressRules: how names resolve and which addresses are refused under
    ///     `refusePrivateAddresses` (the system resolver and ``NetworkAddressPolicy``; tests
    ///     pass their own).
    public init(
        maxResponseBytes: Int = 10 * 1024 * 1024, maxRedirects: Int = 10, maxConnectionsPerHost: Int = 8,
        refusePrivateAddresses: Bool = false, addressRules: NetworkAddressPolicy.Rules = .publicOnly
    ) {
        self.addressRules = addressRules
        self.maxResponseBytes = maxResponseBytes
        self.maxRedirects = maxRedirects
        self.refusePrivateAddresses = refusePrivateAddresses
        var pool = HTTPClient.Configuration.ConnectionPool(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: maxConnectionsPerHost)
        // A refused connection is a retryable network error at once, as with URLSessionTransport;
        // the caller's retry policy decides, instead of a silent retry until the connect timeout.
        pool.retryConnectionEstablishment = false
        // Redirects are followed here, not by AsyncHTTPClient: the header rules above are ours.
        let configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: HTTPClient.Configuration.Timeout(connect: .seconds(30)),
            connectionPool: pool,
            decompression: .disabled)
        self.configuration = configuration
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    deinit {
        // Requests in flight hold the transport, so none is left when this runs.
        client.shutdown { _ in }
        for pinned in pinnedClients.withLockedValue({ $0.values }) { pinned.shutdown { _ in } }
    }

    /// Closes the connections and waits until the client has shut down. Requests sent
    /// afterwards fail with a network error. Optional: releasing the transport does the same
    /// without waiting.
    public func shutdown() async throws {
        try await client.shutdown()
        let pinned = pinnedClients.withLockedValue { clients in
            defer { clients = [:] }
            return Array(clients.values)
        }
        for client in pinned { try await client.shutdown() }
    }

    /// The client to send `url` with: the shared one, or with ``refusePrivateAddresses`` one
    /// that connects to the checked address of its host (and whether it is for this request
    /// only, to shut down after it).
    private func client(for url: URL) async throws -> (HTTPClient, ownedByRequest: Bool) {
        guard refusePrivateAddresses, let host = url.host, !host.isEmpty else { return (client, false) }
        let checked: Result<String, NetworkAddressPolicy.Refused>
        do {
            checked = try await addressRules.checkedAddress(of: host)
        } catch {
            throw TransportError(.network, detail: "The host name does not resolve.")
        }
        switch checked {
        case .failure(let refused):
            throw TransportError(
                .network, detail: "Refused: the host points at a private network address (\(refused.reason)).")
        case .success(let address):
            // A literal is the address it names: nothing to resolve twice.
            if NetworkAddressPolicy.isAddressLiteral(host) { return (client, false) }
            let key = host + "|" + address
            if let pinned = pinnedClients.withLockedValue({ $0[key] }) { return (pinned, false) }
            var pinnedConfiguration = configuration
            pinnedConfiguration.dnsOverride = [host: address]
            let created = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: pinnedConfiguration)
            let kept = pinnedClients.withLockedValue { clients -> HTTPClient? in
                if let existing = clients[key] { return existing }
                guard clients.count < Self.pinnedClientLimit else { return nil }
                clients[key] = created
                return created
            }
            if let kept {
                if kept !== created { try? await created.shutdown() }
                return (kept, false)
            }
            return (created, true)
        }
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let timeout = request.timeout
        let nanoseconds = UInt64(max(timeout, 0.001) * 1_000_000_000)
        let deadline = NIODeadline.now() + .nanoseconds(Int64(nanoseconds))
        let timedOut = TransportError(.timedOut, detail: "No response within \(Int(timeout.rounded(.up))) s.")
        do {
            // AsyncHTTPClient's deadline stops at the response head; the race below covers the
            // body too. The loser is cancelled, which closes its connection.
            return try await withThrowingTaskGroup(of: HTTPResponse?.self) { group in
                group.addTask { try await self.exchange(request, deadline: deadline) }
                group.addTask {
                    try await Task.sleep(nanoseconds: nanoseconds)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let response = first else { throw timedOut }
                return response
            }
        } catch {
            if Task.isCancelled { throw TransportError(.cancelled, detail: "The request was cancelled.") }
            // AsyncHTTPClient's deadline (the same instant, before the head) may fire first.
            if let clientError = error as? HTTPClientError, clientError == .deadlineExceeded { throw timedOut }
            throw Self.transportError(error)
        }
    }

    /// Sends `request`, following redirects, and reads the final body.
    private func exchange(_ request: HTTPRequest, deadline: NIODeadline) async throws -> HTTPResponse {
        var current = request
        var redirects = 0
        while true {
            let (client, ownedByRequest) = try await client(for: current.url)
            let outcome: Hop
            do {
                outcome = try await hop(current, original: request, client: client, deadline: deadline)
            } catch {
                if ownedByRequest { try? await client.shutdown() }
                throw error
            }
            if ownedByRequest { try? await client.shutdown() }
            switch outcome {
            case .response(let response):
                return response
            case .redirect(let next):
                redirects += 1
                if redirects > maxRedirects {
                    throw TransportError(.tooManyRedirects, detail: "The server redirected in a loop (too many redirects).")
                }
                current = next
            }
        }
    }

    private enum Hop {
        case response(HTTPResponse)
        case redirect(HTTPRequest)
    }

    /// One request of the exchange: the final response with its body, or the redirect to follow.
    private func hop(_ current: HTTPRequest, original: HTTPRequest, client: HTTPClient, deadline: NIODeadline) async throws -> Hop {
        let response = try await client.execute(try Self.clientRequest(current), deadline: deadline)
        let status = Int(response.status.code)
        // No Location, or one that is not an http(s) URL: the 3xx is the answer.
        guard let location = response.headers.first(name: "location"),
            let next = try RedirectPolicy.redirect(current, original: original, status: status, location: location)
        else {
            var headers = ConnectorRuntime.HTTPHeaders()
            for (name, value) in response.headers { headers.append(name: name, value: value) }
            // The request's own cap (HTTPRequest.maxResponseBytes), else the transport's.
            let limit = original.maxResponseBytes.map { max($0, 0) } ?? maxResponseBytes
            return .response(HTTPResponse(status: status, headers: headers, body: try await readBody(response, limit: limit)))
        }
        await Self.discard(response.body)
        return .redirect(next)
    }

    /// The body, at most `limit` bytes (the request's own ``HTTPRequest/maxResponseBytes``, else
    /// ``maxResponseBytes``). Throwing out of the loop drops the body stream, which makes
    /// AsyncHTTPClient cancel the request and close its connection.
    private func readBody(_ response: HTTPClientResponse, limit: Int) async throws -> Data {
        let tooLarge = TransportError(.responseTooLarge, detail: "The response body is larger than \(limit) bytes.")
        let length = response.headers.first(name: "content-length").flatMap { Int($0) }
        if let length, length > limit { throw tooLarge }
        var data = Data()
        // A known length is allocated once instead of growing by doubling.
        if let length, length > 0 { data.reserveCapacity(length) }
        for try await buffer in response.body {
            guard data.count + buffer.readableBytes <= limit else { throw tooLarge }
            buffer.withUnsafeReadableBytes { bytes in
                if let base = bytes.baseAddress, !bytes.isEmpty {
                    data.append(base.assumingMemoryBound(to: UInt8.self), count: bytes.count)
                }
            }
        }
        return data
    }

    /// Reads and drops a redirect's body so its connection can be reused; a body over 64 KiB is
    /// abandoned instead (its connection is closed).
    private static func discard(_ body: HTTPClientResponse.Body) async {
        var seen = 0
        do {
            for try await buffer in body {
                seen += buffer.readableBytes
                if seen > 64 * 1024 { return }
            }
        } catch {
            // The redirect is followed anyway; a broken body only costs its connection.
        }
    }

    private static func clientRequest(_ request: HTTPRequest) throws -> HTTPClientRequest {
        guard let scheme = request.url.scheme?.lowercased(), scheme == "http" || scheme == "https", request.url.host != nil else {
            throw TransportError(.network, detail: "The request URL is not an absolute http or https URL.")
        }
        var clientRequest = HTTPClientRequest(url: request.url.absoluteString)
        clientRequest.method = HTTPMethod(rawValue: request.method)
        for field in request.headers {
            clientRequest.headers.add(name: field.name, value: field.value)
        }
        if let body = request.body {
            clientRequest.body = .bytes(body)
        }
        return clientRequest
    }

    /// A ``TransportError`` for what AsyncHTTPClient or NIO threw. Never their descriptions:
    /// some quote header values or the host.
    static func transportError(_ error: any Error) -> TransportError {
        if let error = error as? TransportError { return error }
        if error is CancellationError { return TransportError(.cancelled, detail: "The request was cancelled.") }
        guard let clientError = error as? HTTPClientError else {
            return TransportError(.network, detail: "Network error (\(type(of: error))).")
        }
        switch clientError {
        case .connectTimeout, .readTimeout, .writeTimeout, .deadlineExceeded, .tlsHandshakeTimeout,
            .getConnectionFromPoolTimeout, .httpProxyHandshakeTimeout, .socksHandshakeTimeout:
            return TransportError(.timedOut, detail: "The request timed out.")
        case .cancelled:
            return TransportError(.cancelled, detail: "The request was cancelled.")
        case .remoteConnectionClosed:
            return TransportError(.network, detail: "The server closed the connection before the response ended.")
        case .alreadyShutdown:
            return TransportError(.network, detail: "The transport was shut down.")
        default:
            return TransportError(.network, detail: "Network error (AsyncHTTPClient).")
        }
    }
}
