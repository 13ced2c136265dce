public import ConnectorRuntime
import Foundation
import NIOConcurrencyHelpers
public import NIOCore
import NIOHTTP1
import NIOPosix

/// An ``HTTPTransport`` that sends plain `http://` requests on its own pool of keep-alive
/// HTTP/1.1 NIO channels, one pool per event loop, and hands everything else (`https://`) to
/// an ``AsyncHTTPClientTransport``.
///
/// It exists for the Hub's proxy (issue 19): AsyncHTTPClient's request state machine, its
/// connection pool's locks and its delegate futures cost more per request than the proxy's own
/// checks. Here a request is one pipeline write (head, body, end) on a channel of the caller's
/// event loop (or of the next loop of the group when the caller is not on one), read back by one
/// handler that collects the body into the `ByteBuffer` NIO read it into.
///
/// It keeps the promises of ``AsyncHTTPClientTransport`` (the same tests run against both,
/// `TransportBehaviourTests` and `QuirkTransportTests`):
/// - Bodies are capped (the transport's `maxResponseBytes`, or the request's own): a
///   `Content-Length` above the cap fails before any body is read, a chunked body as soon as it
///   passes the cap; the channel is closed and the request throws
///   `TransportError(.responseTooLarge)`. The check runs on every network read, so memory stays
///   within the cap plus one read.
/// - Redirects follow ``RedirectPolicy`` (the same header and method rules), at most
///   ``maxRedirects``; a hop to `https` continues on the AsyncHTTPClient transport.
/// - ``HTTPRequest/timeout`` is the deadline of the whole exchange (connect, every hop, the
///   body): one task scheduled on the channel's loop fails the request and closes the channel.
/// - Cancelling the calling task closes the channel (`TransportError(.cancelled)`).
/// - With `refusePrivateAddresses`, the host is resolved and checked once (the same cache and
///   rules as ``AsyncHTTPClientTransport``), and the channel connects to the checked address.
/// - Errors never quote the URL, its query or a header value.
///
/// A pooled channel is reused only after a complete response that allowed keep-alive; idle
/// channels are dropped after ``idleSeconds``. A request is never retried on another channel.
public final class PooledHTTP1Transport: HTTPTransport {
    /// The largest body accepted, in bytes.
    public let maxResponseBytes: Int
    /// The most redirects one request follows.
    public let maxRedirects: Int
    /// Whether requests to loopback, private, link-local and metadata addresses are refused.
    public let refusePrivateAddresses: Bool
    /// Idle channels kept per origin (on any of the group's event loops).
    public let maxIdlePerOrigin: Int
    /// How long an idle channel is kept, in seconds.
    public let idleSeconds: Int64
    /// Where `https://` requests go.
    public let fallback: AsyncHTTPClientTransport
    private let group: any EventLoopGroup
    private let addressRules: NetworkAddressPolicy.Rules
    private let addressCache: CheckedAddressCache
    private let idle = NIOLockedValueBox<[Target: [PooledChannel]]>([:])

    /// - Parameters:
    ///   - maxResponseBytes: the largest body accepted (10 MiB by default).
    ///   - maxRedirects: the most redirects followed per request (10 by default).
    ///   - refusePrivateAddresses: send only to public addresses, checked after resolution.
    ///   - fallback: the transport for `https://` (one with the same settings by default).
    public init(
        maxResponseBytes: Int = 10 * 1024 * 1024, maxRedirects: Int = 10, refusePrivateAddresses: Bool = false,
        addressRules: NetworkAddressPolicy.Rules = .publicOnly, addressCacheSeconds: Double = 30, maxIdlePerOrigin: Int = 16,
        idleSeconds: Int64 = 50, fallback: AsyncHTTPClientTransport? = nil,
        group: (any EventLoopGroup)? = nil
    ) {
        self.maxResponseBytes = maxResponseBytes
        self.maxRedirects = maxRedirects
        self.refusePrivateAddresses = refusePrivateAddresses
        self.addressRules = addressRules
        self.addressCache = CheckedAddressCache(lifetime: addressCacheSeconds)
        self.maxIdlePerOrigin = maxIdlePerOrigin
        self.idleSeconds = idleSeconds
        self.fallback =
            fallback
            ?? AsyncHTTPClientTransport(
                maxResponseBytes: maxResponseBytes, maxRedirects: maxRedirects, refusePrivateAddresses: refusePrivateAddresses,
                addressRules: addressRules, addressCacheSeconds: addressCacheSeconds)
        self.group = group ?? MultiThreadedEventLoopGroup.singleton
    }

    deinit {
        for channels in idle.withLockedValue({ $0.values }) {
            for pooled in channels { pooled.channel.close(promise: nil) }
        }
    }

    /// Closes the idle channels and shuts the fallback transport down.
    public func shutdown() async throws {
        let channels = idle.withLockedValue { pool in
            defer { pool = [:] }
            return pool.values.flatMap { $0 }
        }
        for pooled in channels { try? await pooled.channel.close() }
        try await fallback.shutdown()
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        guard Self.isPlainHTTP(request.url) else { return try await fallback.send(request) }
        let timeout = request.timeout
        let start = NIODeadline.now()
        let deadline = start + .nanoseconds(Int64(max(timeout, 0.001) * 1_000_000_000))
        let limit = request.maxResponseBytes.map { max($0, 0) } ?? maxResponseBytes
        do {
            var current = request
            var redirects = 0
            while true {
                guard Self.isPlainHTTP(current.url) else {
                    // A hop to https: the rest of the exchange on AsyncHTTPClient, within what
                    // is left of the deadline.
                    current.timeout = max(Double((deadline - NIODeadline.now()).nanoseconds) / 1e9, 0.001)
                    return try await fallback.send(current)
                }
                let target = try await self.target(current.url)
                let collected = try await exchange(current, target: target, deadline: deadline, limit: limit)
                guard let location = collected.head.headers.first(name: "location"),
                    let next = try RedirectPolicy.redirect(current, original: request, status: Int(collected.head.status.code), location: location)
                else {
                    var headers = ConnectorRuntime.HTTPHeaders()
                    for (name, value) in collected.head.headers { headers.append(name: name, value: value) }
                    let body = collected.body.map { Data($0.readableBytesView) } ?? Data()
                    return HTTPResponse(status: Int(collected.head.status.code), headers: headers, body: body)
                }
                redirects += 1
                if redirects > maxRedirects {
                    throw TransportError(.tooManyRedirects, detail: "The server redirected in a loop (too many redirects).")
                }
                current = next
            }
        } catch let error as TransportError {
            if Task.isCancelled { throw TransportError(.cancelled, detail: "The request was cancelled.") }
            if error.kind == .timedOut { throw TransportError(.timedOut, detail: "No response within \(Int(timeout.rounded(.up))) s.") }
            throw error
        } catch {
            if Task.isCancelled { throw TransportError(.cancelled, detail: "The request was cancelled.") }
            throw AsyncHTTPClientTransport.transportError(error)
        }
    }

    private static func isPlainHTTP(_ url: URL) -> Bool {
        guard let scheme = url.scheme, url.host != nil else { return false }
        return scheme.count == 4 && scheme.lowercased() == "http"
    }

    /// Where a request to `url` connects: its host and port, and the address to connect to
    /// (the checked one under ``refusePrivateAddresses``, else the host name).
    private func target(_ url: URL) async throws -> Target {
        guard let host = url.host, !host.isEmpty else {
            throw TransportError(.network, detail: "The request URL is not an absolute http or https URL.")
        }
        let port = url.port ?? 80
        guard refusePrivateAddresses else { return Target(host: host, port: port, address: host) }
        if NetworkAddressPolicy.isAddressLiteral(host) {
            if let reason = addressRules.refusal(host) {
                throw TransportError(.network, detail: "Refused: the host points at a private network address (\(reason)).")
            }
            return Target(host: host, port: port, address: host)
        }
        if let address = addressCache.address(of: host) { return Target(host: host, port: port, address: address) }
        let checked: Result<String, NetworkAddressPolicy.Refused>
        do {
            checked = try await addressRules.checkedAddress(of: host)
        } catch {
            throw TransportError(.network, detail: "The host name does not resolve.")
        }
        switch checked {
        case .failure(let refused):
            throw TransportError(.network, detail: "Refused: the host points at a private network address (\(refused.reason)).")
        case .success(let address):
            addressCache.store(address, for: host)
            return Target(host: host, port: port, address: address)
        }
    }

    /// Sends `request` once and collects its response: on an idle channel of the caller's event
    /// loop, else on any idle channel of the origin, else on a new channel of the caller's loop
    /// (or the group's next loop when the caller is not on one).
    private func exchange(_ request: HTTPRequest, target: Target, deadline: NIODeadline, limit: Int) async throws -> Collected {
        guard let head = Self.requestHead(request, target: target) else {
            throw TransportError(.network, detail: "The request URL is not an absolute http or https URL.")
        }
        let body = request.body.map { ByteBuffer(bytes: $0) }
        let current = MultiThreadedEventLoopGroup.currentEventLoop
        let pooled = takeIdle(target, preferring: current)
        let loop = pooled?.channel.eventLoop ?? current ?? group.next()
        let exchange = Exchange(promise: loop.makePromise(of: Collected.self), limit: limit)
        let key = target
        let timer = loop.scheduleTask(deadline: deadline) {
            exchange.fail(TransportError(.timedOut, detail: "The request timed out."))
        }
        exchange.promise.futureResult.whenComplete { _ in timer.cancel() }
        let ready: EventLoopFuture<PooledChannel> =
            pooled.map { loop.makeSucceededFuture($0) } ?? connect(target, on: loop, deadline: deadline)
        ready.whenComplete { result in
            switch result {
            case .failure(let error): exchange.fail(error)
            case .success(let pooled):
                guard exchange.start(on: pooled) else {
                    pooled.channel.close(promise: nil)
                    return
                }
                pooled.handler.begin(exchange) { [weak self] reusable in
                    if reusable, let self { self.putIdle(pooled, key) } else { pooled.channel.close(promise: nil) }
                }
                let channel = pooled.channel
                channel.write(HTTPClientRequestPart.head(head), promise: nil)
                if let body { channel.write(HTTPClientRequestPart.body(.byteBuffer(body)), promise: nil) }
                channel.writeAndFlush(HTTPClientRequestPart.end(nil)).whenFailure { error in exchange.fail(error) }
            }
        }
        return try await withTaskCancellationHandler {
            try await exchange.promise.futureResult.get()
        } onCancel: {
            loop.execute { exchange.fail(TransportError(.cancelled, detail: "The request was cancelled.")) }
        }
    }

    private func connect(_ target: Target, on loop: any EventLoop, deadline: NIODeadline) -> EventLoopFuture<PooledChannel> {
        let handler = ResponseHandler()
        let remaining = deadline - NIODeadline.now()
        return ClientBootstrap(group: loop)
            .connectTimeout(min(remaining, .seconds(30)))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .connect(host: target.address, port: target.port)
            .map { PooledChannel(channel: $0, handler: handler, idleSince: .now()) }
    }

    private func takeIdle(_ key: Target, preferring loop: (any EventLoop)?) -> PooledChannel? {
        let oldest = NIODeadline.now() - .seconds(idleSeconds)
        while true {
            let candidate: PooledChannel? = idle.withLockedValue { pool in
                guard var channels = pool[key], !channels.isEmpty else { return nil }
                let index = loop.flatMap { loop in channels.lastIndex { $0.channel.eventLoop === loop } } ?? channels.count - 1
                let taken = channels.remove(at: index)
                pool[key] = channels
                return taken
            }
            guard let candidate else { return nil }
            if candidate.idleSince > oldest && candidate.channel.isActive { return candidate }
            candidate.channel.close(promise: nil)
        }
    }

    private func putIdle(_ pooled: PooledChannel, _ key: Target) {
        var returned = pooled
        returned.idleSince = .now()
        let kept = idle.withLockedValue { pool -> Bool in
            var channels = pool[key, default: []]
            guard channels.count < maxIdlePerOrigin else { return false }
            channels.append(returned)
            pool[key] = channels
            return true
        }
        if !kept { pooled.channel.close(promise: nil) }
    }

    /// The head as AsyncHTTPClient sends it: the URL's encoded path and query, `Host` with the
    /// port when it is not 80, `Content-Length` for a body (and 0 for a bodiless POST, PUT, PATCH).
    static func requestHead(_ request: HTTPRequest, target: Target) -> HTTPRequestHead? {
        let absolute = request.url.absoluteString
        guard let authorityStart = absolute.firstRange(of: "://")?.upperBound else { return nil }
        var uri = absolute[authorityStart...].drop { $0 != "/" && $0 != "?" && $0 != "#" }
        if let fragment = uri.firstIndex(of: "#") { uri = uri[..<fragment] }
        var path = String(uri)
        if path.isEmpty || path.hasPrefix("?") { path = "/" + path }
        var headers = NIOHTTP1.HTTPHeaders()
        if !request.headers.contains(where: { $0.name.lowercased() == "host" }) {
            let host = target.host.contains(":") ? "[\(target.host)]" : target.host
            headers.add(name: "Host", value: target.port == 80 ? host : "\(host):\(target.port)")
        }
        for field in request.headers { headers.add(name: field.name, value: field.value) }
        let method = HTTPMethod(rawValue: request.method.uppercased())
        if let body = request.body {
            headers.replaceOrAdd(name: "Content-Length", value: String(body.count))
        } else if method == .POST || method == .PUT || method == .PATCH {
            headers.replaceOrAdd(name: "Content-Length", value: "0")
        }
        return HTTPRequestHead(version: .http1_1, method: method, uri: path, headers: headers)
    }

    struct Target: Hashable, Sendable {
        var host: String
        var port: Int
        var address: String
    }

}

/// One response: its head and its body as NIO read it (nil when empty).
struct Collected: Sendable {
    var head: HTTPResponseHead
    var body: ByteBuffer?
}

/// A channel of the pool with its response handler.
struct PooledChannel: Sendable {
    var channel: any Channel
    var handler: ResponseHandler
    var idleSince: NIODeadline
}

/// One request's state. Every method runs on the promise's event loop.
final class Exchange: @unchecked Sendable {
    let promise: EventLoopPromise<Collected>
    let limit: Int
    private var channel: (any Channel)?
    private var done = false

    init(promise: EventLoopPromise<Collected>, limit: Int) {
        self.promise = promise
        self.limit = limit
    }

    /// Binds the exchange to its channel; false when it already failed (deadline, cancel).
    func start(on pooled: PooledChannel) -> Bool {
        guard !done else { return false }
        channel = pooled.channel
        return true
    }

    func succeed(_ collected: Collected) {
        guard !done else { return }
        done = true
        promise.succeed(collected)
    }

    /// Fails the request and closes its channel (which may hold a half-read response).
    func fail(_ error: any Error) {
        guard !done else { return }
        done = true
        channel?.close(promise: nil)
        promise.fail(error)
    }
}

/// Reads the responses of one channel, one exchange at a time. Runs on the channel's loop.
final class ResponseHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart

    /// How much of a redirect's body is read (and dropped) so its channel can be reused.
    static let redirectBodyLimit = 64 * 1024

    private var exchange: Exchange?
    private var finished: ((Bool) -> Void)?
    private var head: HTTPResponseHead?
    private var body: ByteBuffer?
    private var received = 0
    private var isRedirect = false

    func begin(_ exchange: Exchange, finished: @escaping (Bool) -> Void) {
        self.exchange = exchange
        self.finished = finished
        head = nil
        body = nil
        received = 0
        isRedirect = false
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let exchange else { return }
        switch unwrapInboundIn(data) {
        case .head(let responseHead):
            // 1xx informational heads are followed by the real one.
            if responseHead.status.code < 200 && responseHead.status.code != 101 { return }
            head = responseHead
            isRedirect = [301, 302, 303, 307, 308].contains(responseHead.status.code) && responseHead.headers.contains(name: "location")
            if !isRedirect, let length = responseHead.headers.first(name: "content-length").flatMap({ Int($0) }), length > exchange.limit {
                abandon(TransportError(.responseTooLarge, detail: "The response body is larger than \(exchange.limit) bytes."))
            }
        case .body(var part):
            received += part.readableBytes
            if isRedirect {
                if received > Self.redirectBodyLimit, let head {
                    // Not worth reading to reuse the channel: the redirect is followed, the channel closed.
                    let collected = Collected(head: head, body: nil)
                    self.exchange = nil
                    finished?(false)
                    finished = nil
                    exchange.succeed(collected)
                }
                return
            }
            guard received <= exchange.limit else {
                abandon(TransportError(.responseTooLarge, detail: "The response body is larger than \(exchange.limit) bytes."))
                return
            }
            if body == nil { body = part } else { body!.writeBuffer(&part) }
        case .end:
            guard let head else {
                abandon(TransportError(.network, detail: "The server closed the connection before the response ended."))
                return
            }
            let collected = Collected(head: head, body: isRedirect ? nil : body)
            self.exchange = nil
            self.head = nil
            self.body = nil
            let reusable = head.isKeepAlive
            finished?(reusable)
            finished = nil
            exchange.succeed(collected)
        }
    }

    private func abandon(_ error: any Error) {
        guard let exchange else { return }
        self.exchange = nil
        finished?(false)
        finished = nil
        exchange.fail(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        abandon(TransportError(.network, detail: "The server closed the connection before the response ended."))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        abandon(TransportError(.network, detail: "Network error (\(type(of: error)))."))
        context.close(promise: nil)
    }
}
