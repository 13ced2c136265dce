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
///   and the whole body (AsyncHTTPClient's delegate API fails the request at the deadline, body
///   included: no timer task of our own per request).
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
    /// Checked addresses per host name, for ``addressCacheSeconds`` (``CheckedAddressCache``).
    private let addressCache: CheckedAddressCache
    /// How long the address a host name was checked to resolve to is reused, in seconds.
    public var addressCacheSeconds: Double { addressCache.lifetime }

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
    ///   - addressCacheSeconds: under `refusePrivateAddresses`, how long a host name's checked
    ///     address is reused before the name is resolved and checked again (30 s by default;
    ///     0 resolves for every request). Requests keep connecting to the checked address, so a
    ///     name rebound to a private address in the meantime is not reached; a refusal is never
    ///     cached.
    public convenience init(
        maxResponseBytes: Int = 10 * 1024 * 1024, maxRedirects: Int = 10, maxConnectionsPerHost: Int = 8,
        refusePrivateAddresses: Bool = false, addressRules: NetworkAddressPolicy.Rules = .publicOnly,
        addressCacheSeconds: Double = 30
    ) {
        self.init(
            maxResponseBytes: maxResponseBytes, maxRedirects: maxRedirects, maxConnectionsPerHost: maxConnectionsPerHost,
            refusePrivateAddresses: refusePrivateAddresses, addressRules: addressRules,
            addressCache: CheckedAddressCache(lifetime: addressCacheSeconds))
    }

    /// As above, with the address cache given (its clock is the tests' own).
    package init(
        maxResponseBytes: Int = 10 * 1024 * 1024, maxRedirects: Int = 10, maxConnectionsPerHost: Int = 8,
        refusePrivateAddresses: Bool = false, addressRules: NetworkAddressPolicy.Rules = .publicOnly,
        addressCache: CheckedAddressCache
    ) {
        self.addressRules = addressRules
        self.addressCache = addressCache
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
        // A literal is the address it names: checked, nothing to resolve or cache.
        if NetworkAddressPolicy.isAddressLiteral(host) {
            if let reason = addressRules.refusal(host) {
                throw TransportError(.network, detail: "Refused: the host points at a private network address (\(reason)).")
            }
            return (client, false)
        }
        let checked: Result<String, NetworkAddressPolicy.Refused>
        if let address = addressCache.address(of: host) {
            checked = .success(address)
        } else {
            do {
                checked = try await addressRules.checkedAddress(of: host)
            } catch {
                throw TransportError(.network, detail: "The host name does not resolve.")
            }
            if case .success(let address) = checked { addressCache.store(address, for: host) }
        }
        switch checked {
        case .failure(let refused):
            throw TransportError(
                .network, detail: "Refused: the host points at a private network address (\(refused.reason)).")
        case .success(let address):
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
        // AsyncHTTPClient's delegate API fails the request when `deadline` passes at any point of
        // the exchange, body included: the one timer is the event loop's own (no task, no
        // Dispatch timer per request).
        let deadline = NIODeadline.now() + .nanoseconds(Int64(nanoseconds))
        // The request's own cap (HTTPRequest.maxResponseBytes), else the transport's.
        let limit = request.maxResponseBytes.map { max($0, 0) } ?? maxResponseBytes
        do {
            var current = request
            var redirects = 0
            while true {
                let (client, ownedByRequest) = try await client(for: current.url)
                let response: BodyCollector.Collected
                do {
                    response = try await exchange(current, client: client, deadline: deadline, limit: limit)
                } catch {
                    if ownedByRequest { try? await client.shutdown() }
                    throw error
                }
                if ownedByRequest { try? await client.shutdown() }
                let status = Int(response.head.status.code)
                // No Location, or one that is not an http(s) URL: the 3xx is the answer.
                guard let location = response.head.headers.first(name: "location"),
                    let next = try RedirectPolicy.redirect(current, original: request, status: status, location: location)
                else {
                    var headers = ConnectorRuntime.HTTPHeaders()
                    for (name, value) in response.head.headers { headers.append(name: name, value: value) }
                    return HTTPResponse(status: status, headers: headers, body: response.body)
                }
                redirects += 1
                if redirects > maxRedirects {
                    throw TransportError(.tooManyRedirects, detail: "The server redirected in a loop (too many redirects).")
                }
                current = next
            }
        } catch {
            if Task.isCancelled { throw TransportError(.cancelled, detail: "The request was cancelled.") }
            if let clientError = error as? HTTPClientError, clientError == .deadlineExceeded {
                throw TransportError(.timedOut, detail: "No response within \(Int(timeout.rounded(.up))) s.")
            }
            throw Self.transportError(error)
        }
    }

    /// Sends `request` once (no redirect followed) and reads its body. Everything but the final
    /// resumption runs on the event loop AsyncHTTPClient picked; cancelling the calling task
    /// cancels the request, which closes its connection.
    ///
    /// `.indifferent` on purpose: called from a task on one of the client's event loops (the Hub's
    /// server, ``EventLoopTaskExecutor``), AsyncHTTPClient runs the delegate on that loop and
    /// leases an idle connection of that loop first, so the exchange and the resumption stay on
    /// the caller's thread. `.delegateAndChannel(on:)` would insist on that loop's connections
    /// and, past `maxConnectionsPerHost`, open a connection per request (closed after it).
    private func exchange(
        _ request: HTTPRequest, client: HTTPClient, deadline: NIODeadline, limit: Int
    ) async throws -> BodyCollector.Collected {
        let clientRequest = try Self.clientRequest(request)
        let collector = BodyCollector(maxResponseBytes: limit)
        let task = client.execute(request: clientRequest, delegate: collector, eventLoop: .indifferent, deadline: deadline, logger: nil)
        do {
            return try await withTaskCancellationHandler {
                try await task.futureResult.get()
            } onCancel: {
                task.cancel()
            }
        } catch BodyCollector.Abandoned.redirectBody(let head) {
            // A redirect's body over 64 KiB: its connection is closed, the redirect followed.
            return BodyCollector.Collected(head: head, body: Data())
        } catch BodyCollector.Abandoned.tooLarge {
            throw TransportError(.responseTooLarge, detail: "The response body is larger than \(limit) bytes.")
        }
    }

    private static func clientRequest(_ request: HTTPRequest) throws -> HTTPClient.Request {
        guard let scheme = request.url.scheme, scheme.lowercased() == "http" || scheme.lowercased() == "https", request.url.host != nil
        else {
            throw TransportError(.network, detail: "The request URL is not an absolute http or https URL.")
        }
        var headers = NIOHTTP1.HTTPHeaders()
        for field in request.headers {
            headers.add(name: field.name, value: field.value)
        }
        do {
            return try HTTPClient.Request(
                url: request.url, method: HTTPMethod(rawValue: request.method), headers: headers,
                body: request.body.map { HTTPClient.Body.bytes($0) })
        } catch {
            throw TransportError(.network, detail: "The request URL is not an absolute http or https URL.")
        }
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

/// Collects one response on its event loop: the head, and the body up to the cap, one network
/// read at a time (AsyncHTTPClient asks the socket for more only once a part was appended).
///
/// Every method runs on the request's event loop, one after the other, so the state needs no
/// lock (AsyncHTTPClient's contract for delegates).
private final class BodyCollector: HTTPClientResponseDelegate, @unchecked Sendable {
    struct Collected: Sendable {
        var head: HTTPResponseHead
        var body: Data
    }

    enum Abandoned: Error {
        /// The body passed the cap (or its Content-Length announced that it would).
        case tooLarge
        /// A redirect's body passed 64 KiB: not worth reading to reuse the connection.
        case redirectBody(HTTPResponseHead)
    }

    /// How much of a redirect's body is read (and dropped) so its connection can be reused.
    static let redirectBodyLimit = 64 * 1024

    let maxResponseBytes: Int
    private var head: HTTPResponseHead?
    private var isRedirect = false
    private var received = 0
    private var body = Data()

    init(maxResponseBytes: Int) {
        self.maxResponseBytes = maxResponseBytes
    }

    func didReceiveHead(task: HTTPClient.Task<Collected>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        self.head = head
        isRedirect = [301, 302, 303, 307, 308].contains(head.status.code) && head.headers.contains(name: "location")
        if !isRedirect, let length = head.headers.first(name: "content-length").flatMap({ Int($0) }) {
            if length > maxResponseBytes { return task.eventLoop.makeFailedFuture(Abandoned.tooLarge) }
            // A known length is allocated once instead of growing by doubling.
            if length > 0 { body.reserveCapacity(length) }
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Collected>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        received += buffer.readableBytes
        if isRedirect {
            // Read and dropped; past the limit the connection is closed instead.
            if received > Self.redirectBodyLimit, let head { return task.eventLoop.makeFailedFuture(Abandoned.redirectBody(head)) }
            return task.eventLoop.makeSucceededVoidFuture()
        }
        guard received <= maxResponseBytes else { return task.eventLoop.makeFailedFuture(Abandoned.tooLarge) }
        buffer.withUnsafeReadableBytes { bytes in
            if let base = bytes.baseAddress, !bytes.isEmpty {
                body.append(base.assumingMemoryBound(to: UInt8.self), count: bytes.count)
            }
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<Collected>) throws -> Collected {
        guard let head else { throw HTTPClientError.remoteConnectionClosed }
        return Collected(head: head, body: isRedirect ? Data() : body)
    }
}
